import type { IClientOptions } from 'mqtt';
import type { QosLevel } from '../../../shared/admin/broker-link.ts';
import { isValidTopicName } from '../../../shared/topic/topic-validate.ts';

export type ProtocolVersion = 4 | 5;
export type DemoName = 'sensors' | 'rpc' | 'workers';

export interface WillDefinition {
  topic: string;
  payload: string;
  qos: QosLevel;
  retain: boolean;
}

/** What a virtual client is: enough to connect it again after a reload. */
export interface ClientDefinition {
  clientId: string;
  protocolVersion: ProtocolVersion;
  /** Clean session (3.1.1) / Clean Start with no session expiry (5): the broker forgets it on leaving. */
  clean: boolean;
  will?: WillDefinition;
  /** Set for the clients a demo scenario creates; they go when the demo stops. */
  demo?: DemoName;
}

/** How long the broker keeps a persistent MQTT 5 session once its client is gone. */
export const SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

export type DefinitionErrors = Partial<Record<'clientId' | 'willTopic', string>>;

export function validateDefinition(
  definition: ClientDefinition,
  takenIds: ReadonlySet<string>,
): DefinitionErrors {
  const errors: DefinitionErrors = {};
  const id = definition.clientId;
  if (!id) errors.clientId = 'A client id is required';
  else if (/\s/.test(id)) errors.clientId = 'No spaces in a client id';
  else if (id.length > 64) errors.clientId = 'At most 64 characters';
  else if (takenIds.has(id)) errors.clientId = 'A virtual client with this id exists';
  if (definition.will) {
    if (!definition.will.topic) errors.willTopic = 'A will needs a topic';
    else if (!isValidTopicName(definition.will.topic))
      errors.willTopic = 'A topic name cannot contain + or #';
  }
  return errors;
}

/** The `mqtt` options for a definition. The sandbox never reconnects on its own: a dropped client
 * stays down, so its will and its offline queue can be watched. */
export function toConnectOptions(definition: ClientDefinition): IClientOptions {
  const options: IClientOptions = {
    clientId: definition.clientId,
    protocolVersion: definition.protocolVersion,
    clean: definition.clean,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    keepalive: 30,
    resubscribe: false,
  };
  if (definition.protocolVersion === 5 && !definition.clean) {
    options.properties = { sessionExpiryInterval: SESSION_EXPIRY_SECONDS };
  }
  if (definition.will) {
    const { topic, payload, qos, retain } = definition.will;
    options.will = { topic, payload, qos, retain };
  }
  return options;
}

/** A fresh id such as `client-4f2a`, not among `taken`. */
export function suggestClientId(taken: ReadonlySet<string>, random: () => number = Math.random): string {
  for (;;) {
    const id = `client-${Math.floor(random() * 0x10000)
      .toString(16)
      .padStart(4, '0')}`;
    if (!taken.has(id)) return id;
  }
}

export function isClientDefinition(value: unknown): value is ClientDefinition {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if (typeof v.clientId !== 'string' || !v.clientId) return false;
  if (v.protocolVersion !== 4 && v.protocolVersion !== 5) return false;
  if (typeof v.clean !== 'boolean') return false;
  if (v.will !== undefined) {
    const w = v.will as Record<string, unknown> | null;
    if (!w || typeof w.topic !== 'string' || typeof w.payload !== 'string') return false;
    if (w.qos !== 0 && w.qos !== 1 && w.qos !== 2) return false;
    if (typeof w.retain !== 'boolean') return false;
  }
  return v.demo === undefined || v.demo === 'sensors' || v.demo === 'rpc' || v.demo === 'workers';
}
