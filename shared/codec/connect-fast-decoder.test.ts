import { Buffer } from 'buffer';
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { decodeConnectV4 } from './connect-fast-decoder.ts';

function parseWithMqttPacket(bytes: Uint8Array): Packet | Error {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let result: Packet | Error = new Error('incomplete');
  parser.on('packet', (packet: Packet) => {
    result = packet;
  });
  parser.on('error', (error: Error) => {
    result = error;
  });
  parser.parse(Buffer.from(bytes));
  return result;
}

const base: IConnectPacket = { cmd: 'connect', clientId: 'device-1', keepalive: 60, clean: true };
const variants: Array<[string, IConnectPacket]> = [
  ['a clean 3.1.1 CONNECT', base],
  ['an empty client id', { ...base, clientId: '' }],
  ['clean session 0', { ...base, clean: false }],
  ['a non-ASCII client id', { ...base, clientId: 'capteur-é-☃' }],
  ['username and password', { ...base, username: 'user', password: Buffer.from('secret') }],
  ['username only', { ...base, username: 'user' }],
  ['a will', { ...base, will: { topic: 'last/will', payload: Buffer.from('gone'), qos: 1, retain: true } }],
  [
    'a will, username and password',
    {
      ...base,
      will: { topic: 'w', payload: Buffer.alloc(0), qos: 2, retain: false },
      username: 'u',
      password: Buffer.from('p'),
    },
  ],
  ['MQTT 3.1', { ...base, protocolId: 'MQIsdp', protocolVersion: 3 }],
];

describe('direct CONNECT decoding (3.1.1 and 3.1)', () => {
  for (const [name, packet] of variants) {
    it(`decodes ${name} as mqtt-packet does`, () => {
      const bytes = mqttPacket.generate(packet, { protocolVersion: 4 });
      expect(decodeConnectV4(bytes)).toEqual(parseWithMqttPacket(bytes));
    });
  }

  it('leaves MQTT 5 to the general parser', () => {
    const bytes = mqttPacket.generate({ ...base, protocolVersion: 5 }, { protocolVersion: 5 });
    expect(decodeConnectV4(bytes)).toBeUndefined();
  });

  it('leaves what mqtt-packet refuses to it: reserved flag, will flags without a will, wrong header flags', () => {
    const bytes = mqttPacket.generate(base, { protocolVersion: 4 });
    // Fixed header (2), protocol name (6), level (1), then the flags.
    const flagsAt = 9;
    for (const change of [
      (b: Uint8Array) => (b[flagsAt]! |= 0x01),
      (b: Uint8Array) => (b[flagsAt]! |= 0x20),
      (b: Uint8Array) => (b[flagsAt]! |= 0x08),
      (b: Uint8Array) => (b[0] = 0x11),
    ]) {
      const bad = Uint8Array.from(bytes);
      change(bad);
      expect(decodeConnectV4(bad)).toBeUndefined();
      expect(parseWithMqttPacket(bad)).toBeInstanceOf(Error);
    }
  });

  it('leaves a CONNECT cut short or with bytes left over to the general parser', () => {
    const bytes = mqttPacket.generate({ ...base, username: 'user' }, { protocolVersion: 4 });
    const short = Uint8Array.from(bytes.subarray(0, bytes.length - 2));
    short[1] = short.length - 2;
    expect(decodeConnectV4(short)).toBeUndefined();
    const long = Uint8Array.from([...bytes, 0]);
    long[1] = long.length - 2;
    expect(decodeConnectV4(long)).toBeUndefined();
  });
});
