import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This node's lasting name among the API nodes of a cluster: kept in its data
 * directory beside its spool, so a node restarted on the same directory (after
 * a crash, say) is the same node and owns what it had claimed.
 */
export function nodeId(dataDir: string): string {
  const file = join(dataDir, 'node-id');
  try {
    writeFileSync(file, `${randomUUID()}\n`, { flag: 'wx' });
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  }
  const id = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`${file} does not hold a node id: remove it`);
  return id;
}
