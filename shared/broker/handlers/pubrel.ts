import type { IPubrelPacket } from 'mqtt-packet';
import { ReasonCode } from '../../codec/reason-codes.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';

/** Inbound QoS 2, step two: forget the packet id and answer PUBCOMP [MQTT-4.3.3-2]. The message
 * was routed when its PUBLISH first arrived, so a PUBREL for an unknown id is still completed (v5
 * says so with 0x92). */
export function handlePubrel(_broker: Broker, client: ClientConnection, packet: IPubrelPacket): void {
  const packetId = packet.messageId!;
  const known = client.session!.inboundQos2?.delete(packetId) === true;
  if (client.protocolVersion === 5) {
    const reasonCode = known ? ReasonCode.success : ReasonCode.packetIdentifierNotFound;
    client.send({ cmd: 'pubcomp', messageId: packetId, reasonCode });
  } else {
    client.send({ cmd: 'pubcomp', messageId: packetId });
  }
}
