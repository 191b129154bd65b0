import {
  type DashboardConfig,
  type LimitsConfig,
  type LogConfig,
  logFormats,
  logLevels,
  type MqttConfig,
  mqttMaxPacketSize,
  sharedDispatchPolicies,
} from './config-schema.ts';
import { parseDashboardUrl } from './listen-url.ts';
import {
  boolean,
  describeValue,
  intInRange,
  nonNegativeInt,
  oneOf,
  positiveInt,
  stringOfLength,
  type ValueCheck,
} from './value-checks.ts';

/** How one snake_case TOML key lands in its camelCase field. */
export interface FieldRule<S> {
  /** Checks `value` (throwing a plain Error with the reason) and stores it on `target`. */
  assign(target: S, value: unknown): void;
}

export type SectionRules<S> = Readonly<Record<string, FieldRule<S>>>;

function field<S, K extends keyof S>(name: K, check: ValueCheck<S[K]>): FieldRule<S> {
  return {
    assign(target, value) {
      target[name] = check(value);
    },
  };
}

const keepaliveSeconds = intInRange(0, 65_535);

export const limitsRules: SectionRules<LimitsConfig> = {
  max_connections: field('maxConnections', positiveInt),
  // A packet of 1 byte cannot exist; 2 is the smallest (fixed header only).
  max_packet_size: field('maxPacketSize', intInRange(2, mqttMaxPacketSize)),
  connect_timeout_ms: field('connectTimeoutMs', positiveInt),
  keepalive_min: field('keepaliveMin', keepaliveSeconds),
  keepalive_max: field('keepaliveMax', keepaliveSeconds),
  // Packet identifiers are 16-bit, so no session can have more in flight.
  max_inflight: field('maxInflight', intInRange(1, 65_535)),
  max_queued_messages: field('maxQueuedMessages', nonNegativeInt),
  max_output_buffer_bytes: field('maxOutputBufferBytes', positiveInt),
  receive_maximum: field('receiveMaximum', intInRange(1, 65_535)),
  topic_alias_maximum: field('topicAliasMaximum', intInRange(0, 65_535)),
  max_session_expiry: field('maxSessionExpiry', intInRange(0, 4_294_967_295)),
  max_qos: field('maxQos', intInRange(0, 2) as ValueCheck<0 | 1 | 2>),
  retain_available: field('retainAvailable', boolean),
};

export const mqttRules: SectionRules<MqttConfig> = {
  shared_dispatch: field('sharedDispatch', oneOf(sharedDispatchPolicies)),
  response_topic_prefix: field('responseTopicPrefix', stringOfLength(1)),
  server_reference: field('serverReference', stringOfLength(1)),
  server_moved: field('serverMoved', boolean),
};

export const logRules: SectionRules<LogConfig> = {
  level: field('level', oneOf(logLevels)),
  format: field('format', oneOf(logFormats)),
};

/** Long enough that guessing it over the network is hopeless (`openssl rand -hex 16` gives 32). */
export const minAdminTokenLength = 16;

export const dashboardRules: SectionRules<DashboardConfig> = {
  enabled: field('enabled', boolean),
  listen: field('listen', (value) => {
    if (typeof value !== 'string') throw new Error(`expected a URL string, got ${describeValue(value)}`);
    return parseDashboardUrl(value);
  }),
  admin_token: field('adminToken', stringOfLength(minAdminTokenLength)),
  // A day at most: $SYS figures older than that are of no use.
  sys_interval: field('sysInterval', intInRange(0, 86_400)),
};
