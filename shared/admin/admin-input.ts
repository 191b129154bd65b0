import { isValidTopicFilter, isValidTopicName } from '../topic/topic-validate.ts';
import type { LiveFilter, PublishAction, QosLevel } from './broker-link.ts';

/** A request the admin API refuses; `status` is the HTTP status the server answers with. */
export class AdminInputError extends Error {
  override readonly name = 'AdminInputError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const maxTopicBytes = 65_535;
const maxUint32 = 0xffff_ffff;
/** Upper bound on a sampled stream, so a typo cannot ask for a firehose. */
export const maxLivePerSecond = 10_000;
export const defaultLivePerSecond = 10;

/** A topic name a PUBLISH may carry [MQTT-4.7.3-1], [MQTT-3.3.2-2], [MQTT-4.7.3-2], [MQTT-4.7.3-3]. */
export function checkTopicName(value: unknown, field = 'topic'): string {
  if (typeof value !== 'string' || value === '') throw new AdminInputError(`${field} is required`);
  if (!isValidTopicName(value) || !isWellFormedTopic(value)) {
    throw new AdminInputError(`${field}: invalid topic name ${JSON.stringify(value)}`);
  }
  return value;
}

/** A topic filter a SUBSCRIBE may carry [MQTT-4.7.1-2], [MQTT-4.7.1-3]. */
export function checkTopicFilter(value: unknown, field = 'filter'): string {
  if (typeof value !== 'string' || value === '') throw new AdminInputError(`${field} is required`);
  if (!isValidTopicFilter(value) || !isWellFormedTopic(value)) {
    throw new AdminInputError(`${field}: invalid topic filter ${JSON.stringify(value)}`);
  }
  return value;
}

function isWellFormedTopic(topic: string): boolean {
  return !topic.includes('\u0000') && new TextEncoder().encode(topic).length <= maxTopicBytes;
}

/** Checks a publish request from outside (JSON) and fills its defaults. */
export function parsePublishAction(body: unknown): PublishAction {
  if (!isRecord(body)) throw new AdminInputError('expected a JSON object');
  const topic = checkTopicName(body.topic);
  const payload = body.payload ?? '';
  if (typeof payload !== 'string') throw new AdminInputError('payload must be a string');
  const encoding = body.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'base64')
    throw new AdminInputError('encoding must be "utf8" or "base64"');
  const qos = parseQos(body.qos ?? 0);
  const retain = body.retain ?? false;
  if (typeof retain !== 'boolean') throw new AdminInputError('retain must be true or false');
  const action: PublishAction = { topic, payload, encoding, qos, retain };
  if (body.properties !== undefined) action.properties = parsePublishProperties(body.properties);
  return action;
}

export function parseQos(value: unknown): QosLevel {
  if (value === 0 || value === 1 || value === 2) return value;
  throw new AdminInputError(`qos must be 0, 1 or 2, got ${JSON.stringify(value) ?? String(value)}`);
}

function parsePublishProperties(value: unknown): NonNullable<PublishAction['properties']> {
  if (!isRecord(value)) throw new AdminInputError('properties must be an object');
  const properties: NonNullable<PublishAction['properties']> = {};
  for (const [key, item] of Object.entries(value)) {
    switch (key) {
      case 'contentType':
        if (typeof item !== 'string') throw new AdminInputError('properties.contentType must be a string');
        properties.contentType = item;
        break;
      case 'responseTopic':
        properties.responseTopic = checkTopicName(item, 'properties.responseTopic');
        break;
      case 'messageExpiryInterval':
        if (typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item > maxUint32) {
          throw new AdminInputError('properties.messageExpiryInterval must be an integer in 0..4294967295');
        }
        properties.messageExpiryInterval = item;
        break;
      case 'payloadFormatIndicator':
        if (typeof item !== 'boolean')
          throw new AdminInputError('properties.payloadFormatIndicator must be a boolean');
        properties.payloadFormatIndicator = item;
        break;
      case 'userProperties':
        properties.userProperties = parseUserProperties(item);
        break;
      default:
        throw new AdminInputError(`properties.${key}: unknown property`);
    }
  }
  return properties;
}

function parseUserProperties(value: unknown): Record<string, string> {
  if (!isRecord(value)) throw new AdminInputError('properties.userProperties must be an object of strings');
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string')
      throw new AdminInputError(`properties.userProperties.${key} must be a string`);
    out[key] = item;
  }
  return out;
}

/** Checks a live filter from outside (the events WebSocket) and fills its defaults. */
export function parseLiveFilter(value: unknown): Required<LiveFilter> {
  if (!isRecord(value)) throw new AdminInputError('filter must be an object');
  const publishes = value.publishes ?? 'none';
  if (publishes !== 'none' && publishes !== 'all' && publishes !== 'sampled') {
    throw new AdminInputError('filter.publishes must be "none", "all" or "sampled"');
  }
  const topicFilter = value.topicFilter === undefined || value.topicFilter === '' ? '#' : value.topicFilter;
  checkTopicFilter(topicFilter, 'filter.topicFilter');
  const maxPerSecond = value.maxPerSecond ?? defaultLivePerSecond;
  if (
    typeof maxPerSecond !== 'number' ||
    !Number.isInteger(maxPerSecond) ||
    maxPerSecond < 1 ||
    maxPerSecond > maxLivePerSecond
  ) {
    throw new AdminInputError(`filter.maxPerSecond must be an integer in 1..${maxLivePerSecond}`);
  }
  return { publishes, topicFilter: topicFilter as string, maxPerSecond };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
