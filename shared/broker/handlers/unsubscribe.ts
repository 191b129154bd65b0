import type { IUnsubscribePacket } from 'mqtt-packet';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';

const SUCCESS = 0x00;
const NO_SUBSCRIPTION_EXISTED = 0x11;

/** Removes each filter that matches exactly [MQTT-3.10.4-1] and always answers UNSUBACK with the
 * same packet id, even when nothing was removed [MQTT-3.10.4-4], [MQTT-3.10.4-5]. */
export function handleUnsubscribe(
  broker: Broker,
  client: ClientConnection,
  packet: IUnsubscribePacket,
): void {
  const session = client.session!;
  const reasonCodes = packet.unsubscriptions.map((filter) =>
    broker.router.unsubscribe(session, filter) ? SUCCESS : NO_SUBSCRIPTION_EXISTED,
  );
  // 3.1.1's UNSUBACK has no payload; the encoder writes the reason codes only for v5.
  client.send({ cmd: 'unsuback', messageId: packet.messageId, granted: reasonCodes });
}
