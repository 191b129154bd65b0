import { Buffer } from 'buffer';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { decodeShortPacket } from './ack-fast-decoder.ts';
import { encodePacket } from './packet-encoder.ts';

const acks = ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const;

describe('short path for acks, PINGRESP and CONNACK', () => {
  for (const cmd of acks) {
    for (const version of [4, 5]) {
      it(`encodes ${cmd} (v${version}) as mqtt-packet reads it, and decodes it back`, () => {
        const packet = { cmd, messageId: 0x1234 } as Packet;
        const ours = encodePacket(packet, version);
        // v5 may leave out a success reason code and empty properties (§3.4.2.1): same as 3.1.1.
        expect([...ours]).toEqual([...mqttPacket.generate(packet, { protocolVersion: 4 })]);
        const parser = mqttPacket.parser({ protocolVersion: version as 4 | 5 });
        let parsed: Packet | undefined;
        parser.on('packet', (result: Packet) => {
          parsed = result;
        });
        parser.parse(Buffer.from(ours));
        expect(parsed).toMatchObject({ cmd, messageId: 0x1234 });
        expect((parsed as { reasonCode?: number }).reasonCode ?? 0).toBe(0);
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

  it('encodes a 3.1.1 CONNACK as mqtt-packet does', () => {
    for (const sessionPresent of [false, true]) {
      for (const returnCode of [0, 1, 5]) {
        const packet = { cmd: 'connack', returnCode, sessionPresent } as Packet;
        expect([...encodePacket(packet, 4)]).toEqual([
          ...mqttPacket.generate(packet, { protocolVersion: 4 }),
        ]);
        expect([...encodePacket(packet, 3)]).toEqual([
          ...mqttPacket.generate(packet, { protocolVersion: 4 }),
        ]);
      }
    }
  });

  it('encodes PINGRESP and decodes PINGREQ', () => {
    expect([...encodePacket({ cmd: 'pingresp' }, 4)]).toEqual([...mqttPacket.generate({ cmd: 'pingresp' })]);
    expect(decodeShortPacket(Buffer.from([0xc0, 0]))).toEqual({ cmd: 'pingreq' });
  });
});
