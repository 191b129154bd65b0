import type { Buffer } from 'buffer';
import type { IPublishPacket } from 'mqtt-packet';
import { reuseIncomingFrame } from '../../codec/publish-encoder.ts';
import { ReasonCode } from '../../codec/reason-codes.ts';
import { orderedUserProperties } from '../../codec/user-property-order.ts';
import { isValidTopicName } from '../../topic/topic-validate.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';
import { protocolViolation } from '../dispatch-packet.ts';
import { createMessage, type PublishProperties } from '../message.ts';
import { isWellFormedPayload } from '../payload-format.ts';

/** validate → authorise → route → acknowledge. */
export function handlePublish(
  broker: Broker,
  client: ClientConnection,
  packet: IPublishPacket,
  frame?: Uint8Array,
): void {
  const v5 = client.protocolVersion === 5;
  const topic = v5 ? resolveTopic(client, packet) : packet.topic;
  if (topic === undefined) return;
  // [MQTT-3.3.2-2] no wildcards in a topic name; [MQTT-4.7.3-1] not empty.
  if (!isValidTopicName(topic)) return protocolViolation(client, `invalid topic name "${topic}"`);
  if (v5 && !checkV5Publish(broker, client, packet)) return;
  const session = client.session!;
  broker.counters.messagesIn++;
  const packetId = packet.messageId!;
  const duplicateQos2 = packet.qos === 2 && session.inboundQos2?.has(packetId) === true;
  let reasonCode: number = ReasonCode.success;
  if (!duplicateQos2) {
    if (packet.qos === 2 && (session.inboundQos2?.size ?? 0) >= broker.limits.receiveMaximum) {
      // More unreleased QoS 2 messages than the Receive Maximum the broker announced.
      return client.close({
        name: 'receive-maximum-exceeded',
        publishWill: true,
        code: ReasonCode.receiveMaximumExceeded,
      });
    }
    // [MQTT-3.3.5-2] an unauthorised publish is acknowledged as usual (v5: with 0x87) and not delivered.
    if (broker.auth.authorizePublish && !broker.auth.authorizePublish(client, topic)) {
      broker.router.recordDrop('not-authorized', topic, client.clientId);
      reasonCode = ReasonCode.notAuthorized;
    } else {
      const message = createMessage(
        {
          topic,
          payload: packet.payload as Buffer,
          qos: packet.qos,
          retain: packet.retain,
          properties: v5 ? forwardedProperties(packet.properties) : undefined,
          userPropertyOrder: v5 ? orderedUserProperties(packet) : undefined,
          origin: client.clientId,
        },
        broker.env.clock.now(),
      );
      if (frame && packet.properties?.topicAlias === undefined) {
        reuseIncomingFrame(message, frame, client.protocolVersion);
      }
      // 0x10 only when no subscription matched (the router counts that as a "no-subscribers" drop),
      // not when a matching subscriber's copy was dropped (offline at QoS 0, queue full, too large).
      const unmatched = broker.counters.dropped['no-subscribers'];
      broker.router.publish(message);
      if (broker.counters.dropped['no-subscribers'] > unmatched)
        reasonCode = ReasonCode.noMatchingSubscribers;
    }
  }
  if (packet.qos === 1) {
    // [MQTT-4.3.2-2] PUBACK with the packet id of the PUBLISH.
    client.send(
      v5 ? { cmd: 'puback', messageId: packetId, reasonCode } : { cmd: 'puback', messageId: packetId },
    );
  } else if (packet.qos === 2) {
    // [MQTT-4.3.3-2] method A: route on PUBLISH, remember the id until PUBREL, so a re-sent PUBLISH
    // before PUBREL is acknowledged but not delivered twice. A refused one is forgotten at once
    // [MQTT-4.3.3-9].
    if (reasonCode < 0x80) {
      session.inboundQos2 ??= new Set();
      session.inboundQos2.add(packetId);
    }
    client.send(
      v5 ? { cmd: 'pubrec', messageId: packetId, reasonCode } : { cmd: 'pubrec', messageId: packetId },
    );
  }
}

/** The topic of a v5 PUBLISH, through its Topic Alias if it has one; undefined after closing the
 * connection on a bad alias. */
function resolveTopic(client: ClientConnection, packet: IPublishPacket): string | undefined {
  const alias = packet.properties?.topicAlias;
  if (alias === undefined) return packet.topic;
  if (!client.inboundAliases) {
    client.close({
      name: 'topic-alias-invalid',
      publishWill: true,
      code: ReasonCode.topicAliasInvalid,
      detail: 'topic aliases are disabled',
    });
    return undefined;
  }
  const result = client.inboundAliases.resolve(packet.topic, alias);
  if ('topic' in result) return result.topic;
  if (result.error === 'alias-invalid') {
    client.close({
      name: 'topic-alias-invalid',
      publishWill: true,
      code: ReasonCode.topicAliasInvalid,
      detail: `alias ${alias}`,
    });
  } else {
    protocolViolation(client, `unknown topic alias ${alias}`);
  }
  return undefined;
}

/** MQTT 5 limits the broker announced in CONNACK, and the payload format; false after closing. */
function checkV5Publish(broker: Broker, client: ClientConnection, packet: IPublishPacket): boolean {
  if (packet.qos > broker.limits.maxQos) {
    client.close({ name: 'qos-not-supported', publishWill: true, code: ReasonCode.qosNotSupported });
    return false;
  }
  if (packet.retain && !broker.limits.retainAvailable) {
    client.close({ name: 'retain-not-supported', publishWill: true, code: ReasonCode.retainNotSupported });
    return false;
  }
  // A client never sends Subscription Identifiers [MQTT-3.3.4-6].
  if (packet.properties?.subscriptionIdentifier !== undefined) {
    protocolViolation(client, 'Subscription Identifier in a PUBLISH from a client');
    return false;
  }
  // The Response Topic is a topic name: no wildcards [MQTT-3.3.2-14] (§3.3.2.3.5: a Protocol Error).
  const responseTopic = packet.properties?.responseTopic;
  if (responseTopic !== undefined && !isValidTopicName(responseTopic)) {
    protocolViolation(client, `invalid Response Topic "${responseTopic}"`);
    return false;
  }
  if (packet.properties?.payloadFormatIndicator && !isWellFormedPayload(packet.payload as Uint8Array)) {
    client.close({
      name: 'payload-format-invalid',
      publishWill: true,
      code: ReasonCode.payloadFormatInvalid,
    });
    return false;
  }
  return true;
}

/** Properties forwarded unchanged, in order [MQTT-3.3.2-4..20], except the Topic Alias, which
 * belongs to the publisher's connection. */
function forwardedProperties(properties: IPublishPacket['properties']): PublishProperties | undefined {
  if (!properties) return undefined;
  if (properties.topicAlias === undefined) return properties;
  const { topicAlias: _alias, ...rest } = properties;
  return rest;
}
