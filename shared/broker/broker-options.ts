import type { QoS } from 'mqtt-packet';
import type { EnhancedAuthenticator } from '../auth/enhanced-auth.ts';
import type { BrokerEnvironment } from '../env/environment.ts';
import type { BrokerStore } from '../store/broker-store.ts';
import type { SharedDispatchPolicy } from './shared-groups.ts';

export interface BrokerLimits {
  /** CONNECTs beyond this are refused with "server unavailable". */
  maxConnections: number;
  /** Largest packet accepted, in bytes, fixed header included. */
  maxPacketSize: number;
  /** A socket that sends no CONNECT within this time is closed. */
  connectTimeoutMs: number;
  /** Keepalive values a client may ask for (seconds); 3.1.1 clients outside them are refused. */
  keepaliveMin: number;
  keepaliveMax: number;
  /** Outbound QoS 1/2 messages in flight per session; more wait in the session queue. */
  maxInflight: number;
  /** Messages queued per session (offline, or beyond the inflight window). Newer ones are dropped
   * and counted as "queue-full" once it is full. */
  maxQueuedMessages: number;
  /** Bytes waiting in one connection's output buffer beyond which QoS 0 deliveries to it are dropped
   * ("output-buffer-full") and QoS 1/2 deliveries wait in its session queue. At four times this the
   * client is disconnected as unresponsive. */
  maxOutputBufferBytes: number;
  /** Highest QoS granted to subscriptions and accepted from MQTT 5 publishers (Maximum QoS). */
  maxQos: QoS;
  /** Whether retained messages are supported (MQTT 5 Retain Available). */
  retainAvailable: boolean;
  /** Unacknowledged inbound QoS 2 messages a client may have (Receive Maximum in CONNACK). */
  receiveMaximum: number;
  /** Topic aliases a client may set (Topic Alias Maximum in CONNACK); 0 disables them. */
  topicAliasMaximum: number;
  /** Upper bound on a session's expiry interval, seconds; 0xFFFFFFFF for none. */
  maxSessionExpiry: number;
  /** How a shared subscription picks its member. */
  sharedDispatch: SharedDispatchPolicy;
  /** Returned as Response Information to v5 clients that request it, followed by their client id. */
  responseTopicPrefix: string | undefined;
  /** When set, every v5 client is sent elsewhere: CONNACK 0x9D (server moved) or 0x9C (use another
   * server) with this Server Reference. 3.1.1 clients are refused with "server unavailable". */
  serverReference: { reference: string; permanent: boolean } | undefined;
}

export const defaultLimits: BrokerLimits = {
  maxConnections: 100_000,
  maxPacketSize: 1024 * 1024,
  connectTimeoutMs: 10_000,
  keepaliveMin: 0,
  keepaliveMax: 65_535,
  maxInflight: 100,
  maxQueuedMessages: 1000,
  maxOutputBufferBytes: 4 * 1024 * 1024,
  maxQos: 2,
  retainAvailable: true,
  receiveMaximum: 65_535,
  topicAliasMaximum: 1024,
  maxSessionExpiry: 0xffffffff,
  sharedDispatch: 'round-robin',
  responseTopicPrefix: undefined,
  serverReference: undefined,
};

export interface ClientIdentity {
  readonly clientId: string;
  readonly username: string | undefined;
  readonly remoteAddress: string;
}

export interface ConnectRequest extends ClientIdentity {
  readonly password: Uint8Array | undefined;
  readonly protocolVersion: number;
}

export type AuthenticateResult =
  | { ok: true }
  | { ok: false; reason: 'bad-credentials' | 'not-authorized' }
  /** Redirect an MQTT 5 client (CONNACK 0x9C, or 0x9D when permanent) [MQTT-4.11]. */
  | { ok: false; reason: 'use-another-server'; serverReference: string; permanent?: boolean };

/** Pluggable authentication and authorisation. `authenticate` may be async (it runs once per
 * CONNECT); the authorisers run on the publish path and stay synchronous. */
export interface AuthHooks {
  authenticate?(request: ConnectRequest): AuthenticateResult | Promise<AuthenticateResult>;
  authorizePublish?(client: ClientIdentity, topic: string): boolean;
  /** The QoS to grant (at most the requested one), or false to refuse the subscription. */
  authorizeSubscribe?(client: ClientIdentity, filter: string, requestedQos: QoS): QoS | false;
}

export interface BrokerOptions {
  env: BrokerEnvironment;
  limits?: Partial<BrokerLimits>;
  auth?: AuthHooks;
  /** MQTT 5 enhanced authentication methods (AUTH packet flow), by method name. */
  enhancedAuth?: EnhancedAuthenticator[];
  /** Durable state: `broker.restore()` loads it, `broker.persist()` saves it. */
  store?: BrokerStore;
}
