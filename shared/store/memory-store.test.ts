import { runBrokerStoreContract } from './broker-store.contract.ts';
import { MemoryStore } from './broker-store.ts';

runBrokerStoreContract('MemoryStore', () => new MemoryStore());
