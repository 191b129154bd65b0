// mqtt-spec: 5.0
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import {
  bodyStart,
  lengthPrefixed,
  rawConnect,
  rawPacket,
  utf8Bytes,
  utf8String,
} from '../../testing/raw-packets.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import { publishPacket } from './flow-helpers.ts';
import {
  connectRecorded,
  connectV5,
  expectDisconnected,
  expectNothingDelivered,
  persistent,
  rawPublish,
  subscribeV5,
  userPropertyBytes,
  watcher,
} from './v5-helpers.ts';

describe('reserved fixed-header flags', () => {
  const a = utf8String('a');
  // Each packet is answered as `answer` with its flags right; with them wrong it is malformed.
  const flagCases = [
    {
      ids: '[MQTT-2.1.3-1]',
      name: 'SUBSCRIBE',
      good: 0x82,
      bad: [0x80, 0x83, 0x8a],
      body: [0, 1, 0, ...a, 1],
      answer: 'suback',
    },
    {
      ids: '[MQTT-2.1.3-1] [MQTT-3.10.1-1]',
      name: 'UNSUBSCRIBE',
      good: 0xa2,
      bad: [0xa0, 0xa3, 0xaa],
      body: [0, 1, 0, ...a],
      answer: 'unsuback',
    },
    {
      ids: '[MQTT-2.1.3-1] [MQTT-3.15.1-1]',
      name: 'AUTH',
      good: 0xf0,
      bad: [0xf1, 0xf2, 0xf8],
      body: [0x18, 0],
      answer: 'disconnect',
    },
    {
      ids: '[MQTT-2.1.3-1]',
      name: 'PUBREL',
      good: 0x62,
      bad: [0x60, 0x63, 0x6a],
      body: [0, 1],
      answer: 'pubcomp',
    },
    {
      ids: '[MQTT-2.1.3-1]',
      name: 'PINGREQ',
      good: 0xc0,
      bad: [0xc1, 0xc2, 0xc8],
      body: [],
      answer: 'pingresp',
    },
  ] as const;
  for (const packet of flagCases) {
    it(`${packet.ids} closes on a ${packet.name} with other flags: DISCONNECT 0x81`, async () => {
      const { broker } = createTestBroker();
      const control = await connectV5(broker, 'control');
      control.sendBytes(rawPacket(packet.good, [...packet.body]));
      const answer = await control.next(packet.answer);
      // AUTH outside an enhanced authentication is well-formed but a protocol error.
      if (answer.cmd === 'disconnect') expect(answer.reasonCode).toBe(0x82);
      for (const first of packet.bad) {
        const client = await connectV5(broker, `bad-${first}`);
        client.sendBytes(rawPacket(first, [...packet.body]));
        await expectDisconnected(client, 0x81);
        expect(client.received.filter((p) => p.cmd === packet.answer)).toEqual([]);
      }
    });
  }

  it('[MQTT-2.1.3-1] every packet the broker sends carries its reserved flag values', async () => {
    const { broker } = createTestBroker();
    const { client, frames } = await connectRecorded(broker, 'all', persistent);
    await subscribeV5(client, [['t/#', 2]]);
    client.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['none'] });
    await client.next('unsuback');
    client.send(publishPacket('t/1', 'x', { qos: 1, messageId: 3, retain: true }));
    await client.next('puback');
    client.send(publishPacket('t/2', 'x', { qos: 2, messageId: 4 }));
    await client.next('pubrec');
    client.send({ cmd: 'pubrel', messageId: 4 });
    await client.next('pubcomp');
    const qos2 = (await client.settle()).find((p) => p.cmd === 'publish' && p.qos === 2)!;
    client.send({ cmd: 'pubrec', messageId: qos2.messageId! });
    await client.next('pubrel');
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    client.sendBytes(rawPublish(utf8Bytes('t/+')));
    await client.waitClosed();

    const reserved: Record<number, number> = { 2: 0, 4: 0, 5: 0, 6: 2, 7: 0, 9: 0, 11: 0, 13: 0, 14: 0 };
    const seen = frames.map((frame) => [frame[0]! >> 4, frame[0]! & 0x0f] as const);
    // CONNACK, SUBACK, UNSUBACK, PUBACK, PUBREC, PUBCOMP, PUBREL, PINGRESP, DISCONNECT, PUBLISH.
    expect(new Set(seen.map(([type]) => type))).toEqual(new Set([2, 9, 11, 4, 5, 7, 6, 13, 14, 3]));
    for (const [type, flags] of seen) if (type !== 3) expect([type, flags]).toEqual([type, reserved[type]]);
  });

  it('[MQTT-3.8.3-5] closes on a SUBSCRIBE whose options set the reserved bits 6 or 7, subscribing nothing', async () => {
    const { broker } = createTestBroker();
    const body = (options: number) => [0, 1, 0, ...utf8String('a'), options];
    const control = await connectV5(broker, 'control');
    // No Local, Retain As Published and Retain Handling 2 are all legal bits.
    control.sendBytes(rawPacket(0x82, body(0x2d)));
    expect((await control.next('suback')).granted).toEqual([1]);
    for (const options of [0x41, 0x81, 0xc0]) {
      const client = await connectV5(broker, `bad-${options}`);
      client.sendBytes(rawPacket(0x82, body(options)));
      await expectDisconnected(client, 0x81);
      expect(client.received.filter((p) => p.cmd === 'suback')).toEqual([]);
    }
    expect(broker.router.subscriptionCount).toBe(1);
  });
});

describe('UTF-8 Encoded Strings and String Pairs', () => {
  const illFormed = [0x61, 0xc3, 0x28];
  const surrogate = [0x61, 0xed, 0xa0, 0x80];
  const withNull = [0x61, 0x00, 0x62];
  const t = utf8Bytes('t');
  const subscribeTo = (filter: number[]) => rawPacket(0x82, [0, 1, 0, ...lengthPrefixed(filter), 0]);
  const property = (id: number, bytes: number[]) => [id, ...lengthPrefixed(bytes)];

  const stringCases = [
    {
      ids: '[MQTT-1.5.4-1] [MQTT-3.3.2-1]',
      what: 'ill-formed UTF-8 in a topic name',
      bytes: rawPublish(illFormed),
    },
    { ids: '[MQTT-1.5.4-1]', what: 'an encoded surrogate in a topic name', bytes: rawPublish(surrogate) },
    { ids: '[MQTT-1.5.4-2]', what: 'U+0000 in a topic name', bytes: rawPublish(withNull) },
    { ids: '[MQTT-1.5.4-1]', what: 'ill-formed UTF-8 in a topic filter', bytes: subscribeTo(illFormed) },
    {
      ids: '[MQTT-1.5.4-2]',
      what: 'U+0000 in an UNSUBSCRIBE filter',
      bytes: rawPacket(0xa2, [0, 1, 0, ...lengthPrefixed(withNull)]),
    },
    {
      ids: '[MQTT-1.5.4-1] [MQTT-1.5.7-1]',
      what: 'ill-formed UTF-8 in a User Property name',
      bytes: rawPublish(t, userPropertyBytes(illFormed, t)),
    },
    {
      ids: '[MQTT-1.5.7-1]',
      what: 'an encoded surrogate in a User Property value',
      bytes: rawPublish(t, userPropertyBytes(t, surrogate)),
    },
    {
      ids: '[MQTT-1.5.4-2] [MQTT-1.5.7-1]',
      what: 'U+0000 in a User Property value',
      bytes: rawPublish(t, userPropertyBytes(t, withNull)),
    },
    {
      ids: '[MQTT-3.3.2-13]',
      what: 'ill-formed UTF-8 in a Response Topic',
      bytes: rawPublish(t, property(0x08, illFormed)),
    },
    {
      ids: '[MQTT-3.3.2-19]',
      what: 'ill-formed UTF-8 in a Content Type',
      bytes: rawPublish(t, property(0x03, surrogate)),
    },
    {
      ids: '[MQTT-1.5.4-1]',
      what: 'ill-formed UTF-8 in the Reason String of a PUBACK',
      bytes: rawPacket(0x40, [0, 9, 0, 4, ...property(0x1f, [0xff])]),
    },
    {
      ids: '[MQTT-1.5.4-1]',
      what: 'ill-formed UTF-8 in the Authentication Method of an AUTH',
      bytes: rawPacket(0xf0, [0x19, 4, ...property(0x15, [0xfe])]),
    },
  ];
  for (const { ids, what, bytes } of stringCases) {
    it(`${ids} closes on ${what}: DISCONNECT 0x81, nothing delivered`, async () => {
      const { broker } = createTestBroker();
      const watching = await watcher(broker);
      const client = await connectV5(broker, 'sender');
      client.sendBytes(bytes);
      await expectDisconnected(client, 0x81);
      await expectNothingDelivered(watching);
    });
  }

  const connectCases = [
    {
      ids: '[MQTT-1.5.4-1] [MQTT-1.5.7-1]',
      what: 'a User Property of the CONNECT',
      properties: userPropertyBytes(illFormed, t),
      will: [],
    },
    {
      ids: '[MQTT-1.5.4-1]',
      what: 'the Content Type of the will',
      properties: [],
      will: property(0x03, illFormed),
    },
  ];
  for (const { ids, what, properties, will } of connectCases) {
    it(`${ids} closes on ill-formed UTF-8 in ${what} without a CONNACK`, async () => {
      const { broker } = createTestBroker();
      const client = PacketClient.open(broker, 5);
      const willPart =
        will.length === 0 ? [] : [will.length, ...will, ...lengthPrefixed(t), ...lengthPrefixed(t)];
      const flags = will.length === 0 ? 0x02 : 0x06;
      client.sendBytes(rawConnect({ level: 5, flags, properties, clientId: 'dev', rest: willPart }));
      await client.waitClosed();
      expect(client.received).toEqual([]);
    });
  }

  it('[MQTT-1.5.4-3] [MQTT-1.5.7-1] keeps U+FEFF and a well-formed U+FFFD in topics and properties, byte for byte', async () => {
    const { broker } = createTestBroker();
    const topic = '\uFEFFa/b';
    const { client: exact, frames } = await connectRecorded(broker, 'exact');
    await subscribeV5(exact, [[topic, 0]]);
    const stripped = await connectV5(broker, 'stripped');
    await subscribeV5(stripped, [['a/b', 0]]);
    const pub = await connectV5(broker, 'pub');
    const properties = {
      contentType: '\uFEFFtext/plain',
      responseTopic: 'reply/\uFFFD',
      userProperties: { '\uFEFFname': '\uFFFD value \u{1F600}' },
    };
    pub.send(publishPacket(topic, 'x', { properties }));
    const [received] = (await exact.settle()).filter((p) => p.cmd === 'publish');
    expect(received).toMatchObject({ topic, properties });
    // The topic on the wire still starts with EF BB BF.
    const frame = frames.find((f) => f[0]! >> 4 === 3)!;
    const start = bodyStart(frame);
    const expected = utf8String(topic);
    expect([...frame.subarray(start, start + expected.length)]).toEqual(expected);
    expect(pub.closed).toBe(false);
    await expectNothingDelivered(stripped);
  });
});

describe('Response Topic', () => {
  it.each(['reply/+', 'reply/#', '+', 'a/#/b'])(
    '[MQTT-3.3.2-14] closes on a PUBLISH whose Response Topic "%s" has a wildcard: DISCONNECT 0x82, nothing delivered',
    async (responseTopic) => {
      const { broker } = createTestBroker();
      const watching = await watcher(broker);
      const client = await connectV5(broker, 'requester');
      client.send(
        publishPacket('service/request', 'x', { qos: 1, messageId: 1, properties: { responseTopic } }),
      );
      await expectDisconnected(client, 0x82);
      expect(client.received.filter((p) => p.cmd === 'puback')).toEqual([]);
      await expectNothingDelivered(watching);
    },
  );

  it('refuses an empty Response Topic too: it is a Topic Name', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'requester');
    client.sendBytes(rawPublish(utf8Bytes('t'), [0x08, 0, 0]));
    await expectDisconnected(client, 0x82);
  });
});

describe('Variable Byte Integers the broker writes', () => {
  /** The value and length of the Variable Byte Integer at `offset`, failing if it is not minimal. */
  function readMinimal(frame: Uint8Array, offset: number): { value: number; next: number } {
    let value = 0;
    let multiplier = 1;
    let at = offset;
    let byte: number;
    do {
      byte = frame[at++]!;
      value += (byte & 0x7f) * multiplier;
      multiplier *= 128;
    } while (byte & 0x80);
    // A longer encoding than needed ends in a 0x00 continuation byte.
    if (at - offset > 1) expect(frame[at - 1], `overlong integer at ${offset}`).not.toBe(0);
    return { value, next: at };
  }

  it('[MQTT-1.5.5-1] encodes Remaining Length, Property Length and Subscription Identifiers in the fewest bytes', async () => {
    const { broker } = createTestBroker();
    const { client, frames } = await connectRecorded(broker, 'sub');
    const ids = [1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455];
    for (const [i, id] of ids.entries()) {
      client.send({
        cmd: 'subscribe',
        messageId: i + 1,
        properties: { subscriptionIdentifier: id },
        subscriptions: [{ topic: `v/${i}`, qos: 1 }],
      });
      await client.next('suback');
    }
    const pub = await connectV5(broker, 'pub');
    const sizes = [0, 100, 110, 116, 117, 118, 200, 16_360, 16_370, 16_380, 16_400, 100_000];
    for (const [i, size] of sizes.entries()) {
      // User Properties push the Property Length past one byte too.
      const userProperties = i % 2 === 0 ? undefined : { a: ['1', 'x'.repeat(size % 300)], b: '2' };
      pub.send(publishPacket(`v/${i % ids.length}`, 'p'.repeat(size), { properties: { userProperties } }));
    }
    // Interleaved User Properties take the broker's own re-encoder, which rewrites both lengths.
    pub.sendBytes(
      rawPublish(utf8Bytes('v/1'), [
        ...userPropertyBytes(utf8Bytes('a'), utf8Bytes('1'.repeat(60))),
        ...userPropertyBytes(utf8Bytes('b'), utf8Bytes('2')),
        ...userPropertyBytes(utf8Bytes('a'), utf8Bytes('3'.repeat(60))),
      ]),
    );
    await client.settle(30);
    const publishes = frames.filter((frame) => frame[0]! >> 4 === 3);
    expect(publishes).toHaveLength(sizes.length + 1);
    const seenIds: number[] = [];
    for (const frame of frames) {
      const { value: remaining, next } = readMinimal(frame, 1);
      expect(remaining).toBe(frame.length - next);
      if (frame[0]! >> 4 !== 3) continue;
      let offset = next + 2 + ((frame[next]! << 8) | frame[next + 1]!);
      if ((frame[0]! & 0x06) !== 0) offset += 2;
      const properties = readMinimal(frame, offset);
      for (let at = properties.next; at < properties.next + properties.value; ) {
        const id = frame[at++]!;
        if (id === 0x0b) {
          const identifier = readMinimal(frame, at);
          seenIds.push(identifier.value);
          at = identifier.next;
        } else if (id === 0x26) {
          at += 2 + ((frame[at]! << 8) | frame[at + 1]!);
          at += 2 + ((frame[at]! << 8) | frame[at + 1]!);
        } else {
          throw new Error(`unexpected property ${id}`);
        }
      }
    }
    expect(new Set(seenIds)).toEqual(new Set(ids));
  });
});
