/**
 * The in-browser sandbox broker: the same core as the Node server, running in a tab, reached by
 * unmodified `mqtt` clients over a WebSocket-shaped object. For apps, demos and browser tests.
 */
export type {
  Broker,
  BrokerLimits,
  BrokerLink,
  BrokerSnapshot,
  BrokerStore,
  Logger,
  LogLevel,
} from '../../shared/index.ts';
export { MemoryStore } from '../../shared/index.ts';
export {
  createBrowserEnvironment,
  createConsoleLogger,
  type DisposableEnvironment,
} from './browser-environment.ts';
export {
  SANDBOX_URL,
  type SandboxBroker,
  type SandboxBrokerOptions,
  startSandboxBroker,
} from './in-tab-broker.ts';
export { InTabWebSocket, type InTabWebSocketOptions } from './in-tab-websocket.ts';
export { IndexedDbStore, type IndexedDbStoreOptions, type UnloadAwareStore } from './indexeddb-store.ts';
export { SandboxLink } from './sandbox-link.ts';
export { SNAPSHOT_FORMAT, snapshotFromJson, snapshotToJson } from './snapshot-json.ts';
