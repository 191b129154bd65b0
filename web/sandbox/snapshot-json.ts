import { decodeBase64, encodeBase64 } from '../../shared/auth/base64.ts';
import {
  type BrokerSnapshot,
  isValidTopicFilter,
  isValidTopicName,
  type StoredMessage,
  type StoredSession,
} from '../../shared/index.ts';

/** Marks an exported broker state; the sandbox page's own file format wraps it. */
export const SNAPSHOT_FORMAT = 'iothub-broker-snapshot';

/**
 * The BrokerSnapshot as JSON, marked with `format`. Bytes (payloads, correlation data) become
 * `{ "$base64": "…" }`, so a file can be read and edited by hand and nothing binary is lost.
 */
export function snapshotToJson(snapshot: BrokerSnapshot, indent = 2): string {
  return JSON.stringify({ format: SNAPSHOT_FORMAT, ...(toPlain(snapshot) as object) }, null, indent);
}

/** Reads what `snapshotToJson` wrote. Throws an Error naming the first thing wrong. */
export function snapshotFromJson(json: string): BrokerSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('The broker state is not valid JSON');
  }
  const root = fromPlain(parsed);
  if (!isRecord(root) || root.format !== SNAPSHOT_FORMAT) {
    throw new Error(`Not an exported broker state (expected "format": "${SNAPSHOT_FORMAT}")`);
  }
  if (root.version !== 1) throw new Error(`Unknown broker state version ${String(root.version)}`);
  const retained = arrayAt(root, 'retained', 'state');
  const sessions = arrayAt(root, 'sessions', 'state');
  for (const [i, message] of retained.entries()) checkMessage(message, `retained[${i}]`);
  for (const [i, session] of sessions.entries()) checkSession(session, `sessions[${i}]`);
  return {
    version: 1,
    savedAt: typeof root.savedAt === 'number' ? root.savedAt : Date.now(),
    retained: retained as StoredMessage[],
    sessions: sessions as StoredSession[],
  };
}

function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $base64: encodeBase64(value) };
  if (Array.isArray(value)) return value.map(toPlain);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toPlain(item);
    return out;
  }
  return value;
}

function fromPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromPlain);
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$base64') {
    const bytes = typeof value.$base64 === 'string' ? decodeBase64(value.$base64) : undefined;
    if (!bytes) throw new Error('The broker state holds bytes that are not valid base64');
    return bytes;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = fromPlain(value[key]);
  return out;
}

function checkMessage(value: unknown, where: string): void {
  if (!isRecord(value)) throw new Error(`${where} is not a message`);
  if (typeof value.topic !== 'string' || !isValidTopicName(value.topic)) fail(where, 'topic');
  if (!(value.payload instanceof Uint8Array)) fail(where, 'payload');
  if (!isQos(value.qos)) fail(where, 'qos');
  if (typeof value.publishedAt !== 'number') fail(where, 'publishedAt');
  if (value.properties !== undefined && !isRecord(value.properties)) fail(where, 'properties');
  if (typeof value.retain !== 'boolean') fail(where, 'retain');
}

function checkSession(value: unknown, where: string): void {
  if (!isRecord(value)) throw new Error(`${where} is not a session`);
  if (typeof value.clientId !== 'string') fail(where, 'clientId');
  if (typeof value.expiryInterval !== 'number' || value.expiryInterval < 0) fail(where, 'expiryInterval');
  if (typeof value.createdAt !== 'number') fail(where, 'createdAt');
  arrayAt(value, 'subscriptions', where).forEach((subscription, i) => {
    const at = `${where}.subscriptions[${i}]`;
    if (!isRecord(subscription) || typeof subscription.filter !== 'string') fail(at, 'filter');
    if (!isValidTopicFilter(subscription.filter as string)) fail(at, 'filter');
    if (!isRecord(subscription.options) || !isQos(subscription.options.qos)) fail(at, 'options');
  });
  arrayAt(value, 'inflight', where).forEach((flight, i) => {
    const at = `${where}.inflight[${i}]`;
    if (!isRecord(flight) || typeof flight.packetId !== 'number') fail(at, 'packetId');
    if (flight.state !== 'publish' && flight.state !== 'pubrel') fail(at, 'state');
    if (!isQos(flight.qos)) fail(at, 'qos');
    checkMessage(flight.message, `${at}.message`);
  });
  arrayAt(value, 'queue', where).forEach((entry, i) => {
    const at = `${where}.queue[${i}]`;
    if (!isRecord(entry) || !isQos(entry.qos)) fail(at, 'qos');
    checkMessage(entry.message, `${at}.message`);
  });
  if (!arrayAt(value, 'inboundQos2', where).every((id) => typeof id === 'number')) fail(where, 'inboundQos2');
}

function arrayAt(record: Record<string, unknown>, key: string, where: string): unknown[] {
  const value = record[key];
  if (!Array.isArray(value)) throw new Error(`${where}.${key} is missing or not a list`);
  return value;
}

function fail(where: string, field: string): never {
  throw new Error(`${where}.${field} is missing or invalid`);
}

function isQos(value: unknown): boolean {
  return value === 0 || value === 1 || value === 2;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}
