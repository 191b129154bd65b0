// mqtt-spec: 5.0
import { Buffer } from 'buffer';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { appendUserProperties, readPublishUserProperties } from './user-property-order.ts';

function parse(bytes: Uint8Array): IPublishPacket {
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  let parsed: Packet | undefined;
  parser.on('packet', (packet: Packet) => {
    parsed = packet;
  });
  parser.on('error', (error: Error) => {
    throw error;
  });
  parser.parse(Buffer.from(bytes));
  return parsed as IPublishPacket;
}

const interleaved = [
  ['a', '1'],
  ['b', '2'],
  ['a', '3'],
] as const;

describe('User Property order', () => {
  for (const qos of [0, 1, 2] as const) {
    it(`[MQTT-3.3.2-18] appends pairs in order to a QoS ${qos} PUBLISH and reads them back`, () => {
      const base = mqttPacket.generate(
        {
          cmd: 'publish',
          topic: 'a/b',
          payload: Buffer.from('payload'),
          qos,
          retain: false,
          dup: false,
          messageId: qos > 0 ? 42 : undefined,
          properties: { contentType: 'text/plain', subscriptionIdentifier: 7 },
        },
        { protocolVersion: 5 },
      );
      const bytes = appendUserProperties(base, qos, interleaved);
      expect(readPublishUserProperties(bytes, qos)).toEqual(interleaved);
      const packet = parse(bytes);
      expect(packet.topic).toBe('a/b');
      expect(String(packet.payload)).toBe('payload');
      expect(packet.properties?.contentType).toBe('text/plain');
      expect(packet.properties?.subscriptionIdentifier).toBe(7);
      if (qos > 0) expect(packet.messageId).toBe(42);
      expect(packet.properties?.userProperties).toEqual({ a: ['1', '3'], b: '2' });
    });
  }

  it('rewrites the remaining length when it needs another byte', () => {
    const base = mqttPacket.generate(
      { cmd: 'publish', topic: 't', payload: Buffer.alloc(100), qos: 0, retain: false, dup: false },
      { protocolVersion: 5 },
    );
    expect(base[1]! & 0x80).toBe(0);
    const pairs = Array.from({ length: 10 }, (_, i) => [`name-${i}`, `value-${i}`] as const);
    const bytes = appendUserProperties(base, 0, pairs);
    expect(bytes[1]! & 0x80).toBe(0x80);
    expect(readPublishUserProperties(bytes, 0)).toEqual(pairs);
    expect(parse(bytes).payload).toHaveLength(100);
  });
});
