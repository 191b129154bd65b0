import { Buffer } from 'buffer';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { decodeShortPacket } from './ack-fast-decoder.ts';
import { encodePacket } from './packet-encoder.ts';

const acks = ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const;

describe('short path for acks and PINGRESP', () => {
  for (const cmd of acks) {
    for (const version of [4, 5]) {
      it(`encodes ${cmd} (v${version}) byte for byte as mqtt-packet does, and decodes it back`, () => {
        const packet = { cmd, messageId: 0x1234 } as Packet;
        const ours = encodePacket(packet, version);
        expect([...ours]).toEqual([...mqttPacket.generate(packet, { protocolVersion: version as 4 | 5 })]);
        expect(decodeShortPacket(ours)).toEqual({ cmd, messageId: 0x1234 });
      });
    }
  }

  it('leaves acks with a reason code or properties to mqtt-packet', () => {
    const packet = { cmd: 'puback', messageId: 1, reasonCode: 0x10 } as Packet;
    const bytes = encodePacket(packet, 5);
    expect(bytes.length).toBeGreaterThan(4);
    expect(decodeShortPacket(bytes)).toBeUndefined();
  });

  it('refuses wrong reserved flags so the general parser can reject them', () => {
    expect(decodeShortPacket(Uint8Array.of(0x60, 2, 0, 1))).toBeUndefined();
    expect(decodeShortPacket(Uint8Array.of(0x41, 2, 0, 1))).toBeUndefined();
  });

  it('encodes PINGRESP and decodes PINGREQ', () => {
    expect([...encodePacket({ cmd: 'pingresp' }, 4)]).toEqual([...mqttPacket.generate({ cmd: 'pingresp' })]);
    expect(decodeShortPacket(Buffer.from([0xc0, 0]))).toEqual({ cmd: 'pingreq' });
  });
});
