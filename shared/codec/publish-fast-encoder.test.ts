import { Buffer } from 'buffer';
import mqttPacket, { type QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodePublishV4 } from './publish-fast-encoder.ts';

describe('direct 3.1.1 PUBLISH encoding', () => {
  const topics = ['a', 'sensors/kitchen/temperature', 'capteur/é/☃', ''];
  // Remaining lengths on both sides of each Variable Byte Integer boundary.
  const sizes = [0, 64, 120, 130, 16_370, 16_400, 2_097_200];
  for (const qos of [0, 1, 2] as QoS[]) {
    for (const retain of [false, true]) {
      it(`writes what mqtt-packet writes at QoS ${qos}, retain ${retain}`, () => {
        for (const topic of topics) {
          for (const size of sizes) {
            const payload = Buffer.alloc(size, 0x61);
            const expected = mqttPacket.generate(
              { cmd: 'publish', topic, payload, qos, retain, dup: false, messageId: qos > 0 ? 0 : undefined },
              { protocolVersion: 4 },
            );
            expect(Buffer.from(encodePublishV4(topic, payload, qos, retain)).equals(expected)).toBe(true);
          }
        }
      });
    }
  }
});
