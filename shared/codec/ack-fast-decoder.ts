import type { Packet } from 'mqtt-packet';

const TYPES: Record<number, 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'> = {
  64: 'puback',
  80: 'pubrec',
  98: 'pubrel',
  112: 'pubcomp',
};

/**
 * PUBACK, PUBREC, PUBREL and PUBCOMP in their four-byte form (a packet id; in MQTT 5 an implied
 * success code), and PINGREQ: decoded without the general parser. Anything else, including wrong
 * reserved flags, returns undefined for the general parser to handle or refuse.
 */
export function decodeShortPacket(frame: Uint8Array): Packet | undefined {
  const first = frame[0]!;
  if (first === 0xc0 && frame.length === 2) return { cmd: 'pingreq' };
  const cmd = TYPES[first];
  if (cmd === undefined || frame.length !== 4 || frame[1] !== 2) return undefined;
  return { cmd, messageId: (frame[2]! << 8) | frame[3]! } as Packet;
}
