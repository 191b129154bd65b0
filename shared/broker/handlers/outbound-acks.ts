import type { IPubackPacket, IPubcompPacket, IPubrecPacket } from 'mqtt-packet';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';

/** QoS 1 outbound: PUBACK ends the flight and frees a slot for the queue. */
export function handlePuback(broker: Broker, client: ClientConnection, packet: IPubackPacket): void {
  const session = client.session!;
  const flight = session.inflight.get(packet.messageId!);
  if (flight?.qos !== 1) return;
  session.inflight.delete(flight.packetId);
  broker.router.pump(session);
}

/** QoS 2 outbound, step one: PUBREC → PUBREL; the message is no longer re-sent [MQTT-4.3.3-1]. */
export function handlePubrec(_broker: Broker, client: ClientConnection, packet: IPubrecPacket): void {
  const flight = client.session!.inflight.get(packet.messageId!);
  if (flight?.qos !== 2) return;
  flight.state = 'pubrel';
  client.send({ cmd: 'pubrel', messageId: flight.packetId });
}

/** QoS 2 outbound, step two: PUBCOMP ends the flight. */
export function handlePubcomp(broker: Broker, client: ClientConnection, packet: IPubcompPacket): void {
  const session = client.session!;
  const flight = session.inflight.get(packet.messageId!);
  if (flight?.state !== 'pubrel') return;
  session.inflight.delete(flight.packetId);
  broker.router.pump(session);
}
