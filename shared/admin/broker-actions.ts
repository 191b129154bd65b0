import type { Broker } from '../broker/broker.ts';
import type { ClientConnection } from '../broker/client-connection.ts';
import type { Message, PublishProperties } from '../broker/message.ts';
import { AdminInputError, checkTopicFilter, checkTopicName, parsePublishAction } from './admin-input.ts';
import type { PublishAction, RetainedSelector } from './broker-link.ts';
import { decodePayload } from './payload-view.ts';

/** v5 reason code "Administrative action" sent to a client the operator disconnects. */
export const administrativeAction = 0x98;

/**
 * Closes the client's connection, with DISCONNECT 0x98 for v5 clients. The will is published, as for
 * any end the client did not ask for [MQTT-3.1.2-8]; a persistent session stays. False when the
 * client is not connected.
 */
export function disconnectClient(broker: Broker, clientId: string): boolean {
  const connection = broker.sessions.get(clientId)?.owner as ClientConnection | undefined;
  if (!connection) return false;
  connection.close({ name: 'admin-disconnect', publishWill: true, code: administrativeAction });
  return true;
}

/** Closes the client's connection if any, then discards its session with its subscriptions and
 * queued messages. False when there is no session for the client id. */
export function deleteSession(broker: Broker, clientId: string): boolean {
  const session = broker.sessions.get(clientId);
  if (!session) return false;
  const connection = session.owner as ClientConnection | undefined;
  connection?.close({ name: 'admin-session-deleted', publishWill: true, code: administrativeAction });
  // A clean session went with its connection; a persistent one is still in the table.
  const remaining = broker.sessions.get(clientId);
  if (remaining) broker.discardSession(remaining);
  return true;
}

/** Deletes the retained message on one topic, or on every topic a filter matches (with the `$` rule
 * of [MQTT-4.7.2-1]: `#` does not delete `$SYS/...`). Returns how many were deleted. */
export function deleteRetained(broker: Broker, selector: RetainedSelector): number {
  const retained = broker.router.retained;
  if ('topic' in selector) return retained.delete(checkTopicName(selector.topic)) ? 1 : 0;
  if (!('filter' in selector)) throw new AdminInputError('expected a topic or a filter');
  const topics: string[] = [];
  retained.match(checkTopicFilter(selector.filter), (message: Message) => topics.push(message.topic));
  for (const topic of topics) retained.delete(topic);
  return topics.length;
}

/** Publishes as the broker; returns the number of sessions it was delivered or queued to. */
export function publishAction(broker: Broker, input: PublishAction): number {
  const action = parsePublishAction(input);
  const payload = decodePayload(action.payload, action.encoding);
  if (!payload) throw new AdminInputError('payload is not valid base64');
  return broker.publish({
    topic: action.topic,
    payload,
    qos: action.qos,
    retain: action.retain,
    properties: toPublishProperties(action.properties),
  });
}

function toPublishProperties(properties: PublishAction['properties']): PublishProperties | undefined {
  if (!properties) return undefined;
  const out: PublishProperties = {};
  if (properties.contentType !== undefined) out.contentType = properties.contentType;
  if (properties.responseTopic !== undefined) out.responseTopic = properties.responseTopic;
  if (properties.messageExpiryInterval !== undefined)
    out.messageExpiryInterval = properties.messageExpiryInterval;
  if (properties.payloadFormatIndicator !== undefined)
    out.payloadFormatIndicator = properties.payloadFormatIndicator;
  if (properties.userProperties !== undefined) out.userProperties = { ...properties.userProperties };
  return Object.keys(out).length === 0 ? undefined : out;
}
