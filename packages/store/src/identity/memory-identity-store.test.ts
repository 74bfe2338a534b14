import { runIdentityStoreContract } from './contract/identity-store-contract.js';
import { MemoryIdentityStore } from './memory-identity-store.js';

runIdentityStoreContract('memory', async () => new MemoryIdentityStore());
