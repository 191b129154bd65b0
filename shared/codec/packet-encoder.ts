import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';

/** Encodes a control packet (everything but routed PUBLISH, see publish-encoder). */
export function encodePacket(packet: Packet, protocolVersion: number): Uint8Array {
  return mqttPacket.generate(packet, { protocolVersion: protocolVersion === 5 ? 5 : 4 });
}
