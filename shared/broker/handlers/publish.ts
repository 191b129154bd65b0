import type { Buffer } from 'buffer';
import type { IPublishPacket } from 'mqtt-packet';
import { isValidTopicName } from '../../topic/topic-validate.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';
import { protocolViolation } from '../dispatch-packet.ts';
import { createMessage } from '../message.ts';

/** validate → authorise → route → acknowledge. */
export function handlePublish(broker: Broker, client: ClientConnection, packet: IPublishPacket): void {
  // [MQTT-3.3.2-2] no wildcards in a topic name; [MQTT-4.7.3-1] not empty.
  if (!isValidTopicName(packet.topic))
    return protocolViolation(client, `invalid topic name "${packet.topic}"`);
  const session = client.session!;
  broker.counters.messagesIn++;
  const duplicateQos2 = packet.qos === 2 && session.inboundQos2.has(packet.messageId!);
  if (!duplicateQos2) {
    // [MQTT-3.3.5-2] an unauthorised publish is acknowledged as usual and not delivered.
    if (broker.auth.authorizePublish && !broker.auth.authorizePublish(client, packet.topic)) {
      broker.router.recordDrop('not-authorized', packet.topic, client.clientId);
    } else {
      const message = createMessage(
        {
          topic: packet.topic,
          payload: packet.payload as Buffer,
          qos: packet.qos,
          retain: packet.retain,
          properties: packet.properties,
          origin: client.clientId,
        },
        broker.env.clock.now(),
      );
      broker.router.publish(message);
    }
  }
  if (packet.qos === 1) {
    // [MQTT-4.3.2-2] PUBACK with the packet id of the PUBLISH.
    client.send({ cmd: 'puback', messageId: packet.messageId! });
  } else if (packet.qos === 2) {
    // [MQTT-4.3.3-2] method A: route on PUBLISH, remember the id until PUBREL, so a re-sent PUBLISH
    // before PUBREL is acknowledged but not delivered twice.
    session.inboundQos2.add(packet.messageId!);
    client.send({ cmd: 'pubrec', messageId: packet.messageId! });
  }
}
