import { parseDashboardUrl, parseListenUrl } from './listen-url.ts';

export type ListenerProtocol = 'tcp' | 'ws';

export interface ListenerSpec {
  protocol: ListenerProtocol;
  /** Bind address without IPv6 brackets, ready for `server.listen(port, host)`. */
  host: string;
  /** 0 asks the OS for an ephemeral port. */
  port: number;
  /** HTTP upgrade path for ws listeners ('/mqtt' when the URL has none); '' for tcp. */
  path: string;
  /** The URL as written, for logs and error messages. */
  url: string;
}

export interface LimitsConfig {
  maxConnections: number;
  /** Bytes; MQTT's own ceiling is 268435455. */
  maxPacketSize: number;
  connectTimeoutMs: number;
  /** Seconds. A v5 client asking for less is raised to this (Server Keep Alive); a 3.1.1 client is refused. */
  keepaliveMin: number;
  /** Seconds. A v5 client asking for more is lowered to this; a 3.1.1 client is refused. */
  keepaliveMax: number;
  /** Outbound QoS 1/2 messages awaiting acknowledgement, per session. */
  maxInflight: number;
  /** Messages queued per session beyond the inflight window. */
  maxQueuedMessages: number;
  /** Bytes buffered per connection before it counts as a slow consumer. */
  maxOutputBufferBytes: number;
  /** Unreleased inbound QoS 2 messages a client may have (MQTT 5 Receive Maximum). */
  receiveMaximum: number;
  /** Topic aliases a v5 client may set; 0 disables them. */
  topicAliasMaximum: number;
  /** Seconds; caps the Session Expiry Interval clients ask for (4294967295 = no cap). */
  maxSessionExpiry: number;
  /** Highest QoS granted and accepted. */
  maxQos: 0 | 1 | 2;
  retainAvailable: boolean;
}

export type SharedDispatch = 'round-robin' | 'random' | 'least-inflight';

export interface MqttConfig {
  /** How a `$share/{group}/…` subscription picks the member that gets a message. */
  sharedDispatch: SharedDispatch;
  /** Response Information for v5 clients that ask: this prefix followed by their client id. */
  responseTopicPrefix: string | undefined;
  /** Send every v5 client to this server (CONNACK 0x9C, or 0x9D with `server_moved`). */
  serverReference: string | undefined;
  serverMoved: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'text' | 'json';

export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

export interface DashboardListen {
  /** Bind address without IPv6 brackets. */
  host: string;
  port: number;
  /** The URL as written. */
  url: string;
}

export interface DashboardConfig {
  /** Serve the dashboard, its admin API and `/metrics`. */
  enabled: boolean;
  /** Shares the HTTP server of a ws listener on the same host and port; otherwise gets its own. */
  listen: DashboardListen;
  /** Required when `listen` is not a loopback address; every API request must then carry it. */
  adminToken: string | undefined;
  /** Seconds between `$SYS/broker/...` publications; 0 disables them. */
  sysInterval: number;
}

export interface ServerConfig {
  listen: ListenerSpec[];
  limits: LimitsConfig;
  log: LogConfig;
  dashboard: DashboardConfig;
  mqtt: MqttConfig;
}

export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
export const logFormats: readonly LogFormat[] = ['text', 'json'];
export const sharedDispatchPolicies: readonly SharedDispatch[] = ['round-robin', 'random', 'least-inflight'];

/** The largest packet MQTT's four-byte remaining-length field can describe. */
export const mqttMaxPacketSize = 268_435_455;

// Loopback only: a broker started without a config file must not be reachable from the network.
const defaultListenUrls = ['tcp://127.0.0.1:1883', 'ws://127.0.0.1:8080/mqtt'];

/** Frozen so a caller that mutates it fails loudly; use `cloneConfig` for a writable copy. */
export const defaultConfig: ServerConfig = deepFreeze({
  listen: defaultListenUrls.map(parseListenUrl),
  limits: {
    maxConnections: 100_000,
    maxPacketSize: 1_048_576,
    connectTimeoutMs: 10_000,
    keepaliveMin: 0,
    keepaliveMax: 65_535,
    maxInflight: 100,
    maxQueuedMessages: 1_000,
    maxOutputBufferBytes: 4_194_304,
    receiveMaximum: 65_535,
    topicAliasMaximum: 1024,
    maxSessionExpiry: 4_294_967_295,
    maxQos: 2,
    retainAvailable: true,
  },
  log: { level: 'info', format: 'text' },
  dashboard: {
    enabled: true,
    listen: parseDashboardUrl('http://127.0.0.1:8080'),
    adminToken: undefined,
    sysInterval: 10,
  },
  mqtt: {
    sharedDispatch: 'round-robin',
    responseTopicPrefix: undefined,
    serverReference: undefined,
    serverMoved: false,
  },
});

export function cloneConfig(config: ServerConfig): ServerConfig {
  return {
    listen: config.listen.map((spec) => ({ ...spec })),
    limits: { ...config.limits },
    log: { ...config.log },
    dashboard: { ...config.dashboard, listen: { ...config.dashboard.listen } },
    mqtt: { ...config.mqtt },
  };
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
