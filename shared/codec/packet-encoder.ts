import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';

/** Each ack's four-byte form with packet id 0. The acks of every QoS 1/2 message share these; the id
 * goes in at ACK_PACKET_ID_OFFSET. */
const ACK_TEMPLATES: Partial<Record<Packet['cmd'], Uint8Array>> = {
  puback: Uint8Array.of(0x40, 2, 0, 0),
  pubrec: Uint8Array.of(0x50, 2, 0, 0),
  pubrel: Uint8Array.of(0x62, 2, 0, 0),
  pubcomp: Uint8Array.of(0x70, 2, 0, 0),
};
export const ACK_PACKET_ID_OFFSET = 2;
const PINGRESP = Uint8Array.of(0xd0, 0);

// mqtt-packet's first generate() builds a cache of 65,536 two-byte Buffers (~6 MB of heap, 10-20 ms)
// to write packet ids from. The packets sent most (forwarded PUBLISHes, acks, 3.1.1 CONNACK) are
// encoded without it, so the cache would cost more than it saves, and the first SUBACK would pay it.
mqttPacket.writeToStream.cacheNumbers = false;

/** Encodes a control packet (everything but routed PUBLISH, see publish-encoder). The acks of every
 * QoS 1/2 message, PINGRESP and the 3.1/3.1.1 CONNACK of every connection take a short path: their
 * wire form is four (or two) fixed bytes. */
export function encodePacket(packet: Packet, protocolVersion: number): Uint8Array {
  if (packet.cmd === 'pingresp') return PINGRESP;
  if (packet.cmd === 'connack' && protocolVersion !== 5 && packet.returnCode !== undefined) {
    return Uint8Array.of(0x20, 2, packet.sessionPresent ? 1 : 0, packet.returnCode);
  }
  const ack = plainAckTemplate(packet);
  if (ack) {
    const bytes = ack.slice();
    const id = packet.messageId!;
    bytes[ACK_PACKET_ID_OFFSET] = id >> 8;
    bytes[ACK_PACKET_ID_OFFSET + 1] = id & 0xff;
    return bytes;
  }
  return generatePacket(packet, protocolVersion);
}

/** mqtt-packet's encoder, for what has no short path. */
export function generatePacket(packet: Packet, protocolVersion: number): Uint8Array {
  return mqttPacket.generate(packet, { protocolVersion: protocolVersion === 5 ? 5 : 4 });
}

/**
 * The shared form of an ack without a reason code or properties, undefined for any other packet.
 * MQTT 5 leaves out a 0x00 reason code and empty properties (§3.4.2.1): the 3.1.1 form. Shared by
 * every such ack: read it, never write into it.
 */
export function plainAckTemplate(packet: Packet): Uint8Array | undefined {
  const template = ACK_TEMPLATES[packet.cmd];
  return template && isPlainAck(packet) ? template : undefined;
}

function isPlainAck(packet: Packet): boolean {
  const { reasonCode, properties } = packet as { reasonCode?: number; properties?: object };
  return (reasonCode === undefined || reasonCode === 0) && properties === undefined;
}
