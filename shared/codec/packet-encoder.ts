import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';

const ACK_TYPES: Partial<Record<Packet['cmd'], number>> = {
  puback: 0x40,
  pubrec: 0x50,
  pubrel: 0x62,
  pubcomp: 0x70,
};
const PINGRESP = Uint8Array.of(0xd0, 0);

/** Encodes a control packet (everything but routed PUBLISH, see publish-encoder). The acks of every
 * QoS 1/2 message and PINGRESP take a short path: their wire form is four (or two) fixed bytes. */
export function encodePacket(packet: Packet, protocolVersion: number): Uint8Array {
  if (packet.cmd === 'pingresp') return PINGRESP;
  const ackType = ACK_TYPES[packet.cmd];
  if (ackType !== undefined && isPlainAck(packet)) {
    const id = packet.messageId!;
    // MQTT 5 leaves out a 0x00 reason code and empty properties (§3.4.2.1): the 3.1.1 form.
    return Uint8Array.of(ackType, 2, id >> 8, id & 0xff);
  }
  return mqttPacket.generate(packet, { protocolVersion: protocolVersion === 5 ? 5 : 4 });
}

function isPlainAck(packet: Packet): boolean {
  const { reasonCode, properties } = packet as { reasonCode?: number; properties?: object };
  return (reasonCode === undefined || reasonCode === 0) && properties === undefined;
}
