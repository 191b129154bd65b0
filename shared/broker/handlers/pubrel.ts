import type { IPubrelPacket } from 'mqtt-packet';
import type { ClientConnection } from '../client-connection.ts';

/** Inbound QoS 2, step two: forget the packet id and answer PUBCOMP [MQTT-4.3.3-2]. The message
 * was routed when its PUBLISH first arrived, so a PUBREL for an unknown id is still completed. */
export function handlePubrel(client: ClientConnection, packet: IPubrelPacket): void {
  const packetId = packet.messageId!;
  client.session!.inboundQos2.delete(packetId);
  client.send({ cmd: 'pubcomp', messageId: packetId });
}
