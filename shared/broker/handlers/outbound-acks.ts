import type { IPubackPacket, IPubcompPacket, IPubrecPacket } from 'mqtt-packet';
import { ReasonCode } from '../../codec/reason-codes.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';

/** QoS 1 outbound: PUBACK ends the flight, whatever its reason code [MQTT-4.4.0-2], and frees a
 * slot for the queue. */
export function handlePuback(broker: Broker, client: ClientConnection, packet: IPubackPacket): void {
  const session = client.session!;
  const flight = session.inflight.get(packet.messageId!);
  if (flight?.qos !== 1) return;
  session.endFlight(flight.packetId);
  broker.router.pump(session);
}

/** QoS 2 outbound, step one: PUBREC → PUBREL; the message is no longer re-sent [MQTT-4.3.3-1]. A
 * v5 PUBREC of 0x80 or above ends the flight instead [MQTT-4.4.0-2]. */
export function handlePubrec(broker: Broker, client: ClientConnection, packet: IPubrecPacket): void {
  const session = client.session!;
  const packetId = packet.messageId!;
  const flight = session.inflight.get(packetId);
  if (flight?.qos !== 2) {
    // v5: PUBREL 0x92 says the id is unknown; 3.1.1 has no way to, and a PUBREL completes it anyway.
    if (client.protocolVersion === 5) {
      client.send({ cmd: 'pubrel', messageId: packetId, reasonCode: ReasonCode.packetIdentifierNotFound });
    }
    return;
  }
  if ((packet.reasonCode ?? 0) >= 0x80) {
    session.endFlight(packetId);
    broker.router.pump(session);
    return;
  }
  flight.state = 'pubrel';
  client.send({ cmd: 'pubrel', messageId: packetId });
}

/** QoS 2 outbound, step two: PUBCOMP ends the flight. */
export function handlePubcomp(broker: Broker, client: ClientConnection, packet: IPubcompPacket): void {
  const session = client.session!;
  const flight = session.inflight.get(packet.messageId!);
  if (flight?.state !== 'pubrel') return;
  session.endFlight(flight.packetId);
  broker.router.pump(session);
}
