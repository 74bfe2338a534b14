import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runIdentityStoreContract } from './contract/identity-store-contract.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';

const root = mkdtempSync(join(tmpdir(), 'opsloop-identity-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

runIdentityStoreContract('sqlite', async () =>
  SqliteIdentityStore.open(join(root, `identity-${++n}.sqlite`)),
);
