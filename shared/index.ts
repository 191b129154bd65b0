export { AdminInputError } from './admin/admin-input.ts';
export type * from './admin/broker-link.ts';
export { adminRoutes } from './admin/broker-link.ts';
export {
  createLocalBrokerLink,
  type LocalBrokerLink,
  type LocalBrokerLinkOptions,
} from './admin/local-broker-link.ts';
export type { LoadAverages } from './admin/rate-meter.ts';
export type { AuthContext, AuthExchange, AuthStep, EnhancedAuthenticator } from './auth/enhanced-auth.ts';
export { createScramClient, type ScramClient, type ScramClientOptions } from './auth/scram-client.ts';
export {
  createScramAuthenticator,
  deriveScramCredentials,
  type ScramCredentials,
  type ScramServerOptions,
} from './auth/scram-sha-256.ts';
export { Broker, createBroker, type PublishRequest } from './broker/broker.ts';
export {
  type AuthenticateResult,
  type AuthHooks,
  type BrokerLimits,
  type BrokerOptions,
  type ClientIdentity,
  type ConnectRequest,
  defaultLimits,
} from './broker/broker-options.ts';
export type { Message, PublishProperties } from './broker/message.ts';
export type { SharedDispatchPolicy } from './broker/shared-groups.ts';
export type {
  BrokerEnvironment,
  Clock,
  LogFields,
  Logger,
  LogLevel,
  TimerHandle,
} from './env/environment.ts';
export { silentLogger } from './env/environment.ts';
export { createStandardEnvironment, type StandardGlobals } from './env/standard-environment.ts';
export type {
  BrokerEventMap,
  BrokerEventName,
  ConnectEvent,
  DisconnectEvent,
  DropEvent,
  PublishEvent,
  SubscribeEvent,
  UnsubscribeEvent,
} from './observe/broker-events.ts';
export type { BrokerCounters, BrokerGauges, BrokerMetrics, DropCause } from './observe/broker-metrics.ts';
export type { BrokerSnapshot, BrokerStore, StoredMessage, StoredSession } from './store/broker-store.ts';
export { MemoryStore } from './store/broker-store.ts';
export { isValidTopicFilter, isValidTopicName } from './topic/topic-validate.ts';
export type { Transport, TransportAcceptor, TransportInfo, TransportSink } from './transport/connection.ts';
export {
  connectInMemory,
  type MemoryClientEnd,
  type MemoryConnectOptions,
} from './transport/memory-transport.ts';
