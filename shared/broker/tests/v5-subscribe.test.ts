// mqtt-spec: 5.0
import { Buffer } from 'buffer';
import type { IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { PacketClient } from '../../testing/packet-client.ts';
import { bodyStart, utf8Bytes } from '../../testing/raw-packets.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import type { PublishProperties } from '../message.ts';
import { connectClient, payloadText, publishPacket, publishText, takePublishes } from './flow-helpers.ts';
import { connectRecorded, connectV5, rawPublish, subscribeV5, userPropertyBytes } from './v5-helpers.ts';

/** The Subscription Identifiers of a delivery, sorted (their order is free [MQTT-3.3.4-4]). */
function idsOf(packet: IPublishPacket): number[] {
  const ids = packet.properties?.subscriptionIdentifier;
  if (ids === undefined) return [];
  return (Array.isArray(ids) ? [...ids] : [ids]).sort((a, b) => a - b);
}

/** Publishes at QoS 1 from a v5 client and returns the PUBACK's reason code. */
async function pubackCode(client: PacketClient, topic: string, messageId: number, payload = 'x') {
  client.send(publishPacket(topic, payload, { qos: 1, messageId }));
  const puback = await client.next('puback');
  expect(puback.messageId).toBe(messageId);
  return puback.reasonCode;
}

describe('No Local', () => {
  it('[MQTT-3.8.3-3] does not send a client its own messages on a No Local subscription', async () => {
    const { broker } = createTestBroker();
    const self = await connectV5(broker, 'self');
    await subscribeV5(self, [['chat/#', 1, { nl: true }]]);
    const other = await connectV5(broker, 'other');
    await subscribeV5(other, [['chat/#', 1]]);

    await pubackCode(self, 'chat/room', 1, 'from self');
    await pubackCode(other, 'chat/room', 1, 'from other');
    expect((await takePublishes(self)).map(payloadText)).toEqual(['from other']);
    expect((await takePublishes(other)).map(payloadText)).toEqual(['from self', 'from other']);
  });

  it('[MQTT-3.8.3-3] a subscription without No Local gets the client its own messages back', async () => {
    const { broker } = createTestBroker();
    const self = await connectV5(broker, 'self');
    await subscribeV5(self, [['echo', 0, { nl: false }]]);
    self.send(publishPacket('echo', 'back'));
    expect((await takePublishes(self)).map(payloadText)).toEqual(['back']);
  });

  it('[MQTT-3.8.3-3] an overlapping subscription without No Local still delivers, once', async () => {
    const { broker } = createTestBroker();
    const self = await connectV5(broker, 'self');
    await subscribeV5(self, [
      ['a/#', 1, { nl: true }],
      ['a/b', 0],
    ]);
    await pubackCode(self, 'a/b', 1, 'mine');
    const received = await takePublishes(self);
    expect(received.map((p) => [payloadText(p), p.qos])).toEqual([['mine', 0]]);
  });

  it('[MQTT-3.8.3-3] No Local follows the client id: a later connection of the same client is filtered too', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60 } };
    const first = await connectV5(broker, 'same', session);
    await subscribeV5(first, [['t', 1, { nl: true }]]);
    first.send({ cmd: 'disconnect' });
    await first.waitClosed();
    const second = await connectV5(broker, 'same', session);
    await pubackCode(second, 't', 1);
    expect(await takePublishes(second)).toEqual([]);
  });
});

describe('Retain As Published', () => {
  it('[MQTT-3.3.1-12] [MQTT-3.3.1-13] forwards RETAIN 0 unless the subscription asked to keep the flag as published', async () => {
    const { broker } = createTestBroker();
    const plain = await connectV5(broker, 'plain');
    await subscribeV5(plain, [['t', 1, { rap: false }]]);
    const kept = await connectV5(broker, 'kept');
    await subscribeV5(kept, [['t', 1, { rap: true }]]);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'retained', { retain: true }));
    pub.send(publishPacket('t', 'not retained', { retain: false }));
    const flags = (p: IPublishPacket) => [payloadText(p), p.retain];
    expect((await takePublishes(plain)).map(flags)).toEqual([
      ['retained', false],
      ['not retained', false],
    ]);
    expect((await takePublishes(kept)).map(flags)).toEqual([
      ['retained', true],
      ['not retained', false],
    ]);
  });

  it('[MQTT-3.3.1-13] one delivery for overlapping subscriptions keeps the flag when one of them asks for it', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [
      ['t/#', 1, { rap: false }],
      ['t/+', 1, { rap: true }],
    ]);
    publishText(broker, 't/x', 'r', 1, true);
    const received = await takePublishes(sub);
    expect(received.map((p) => p.retain)).toEqual([true]);
  });

  it('[MQTT-3.3.1-12] retained messages sent for a new subscription carry RETAIN 1 whatever Retain As Published says', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r', 'stored', 1, true);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['r', 1, { rap: false }]]);
    expect((await takePublishes(sub)).map((p) => p.retain)).toEqual([true]);
  });
});

describe('Retain Handling', () => {
  it('[MQTT-3.3.1-9] Retain Handling 0 sends the retained messages on every SUBSCRIBE, new or not', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r/a', 'A', 1, true);
    publishText(broker, 'r/b', 'B', 1, true);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['r/#', 1, { rh: 0 }]]);
    expect((await takePublishes(sub)).map(payloadText).sort()).toEqual(['A', 'B']);
    await subscribeV5(sub, [['r/#', 1, { rh: 0 }]], { messageId: 2 });
    expect((await takePublishes(sub)).map(payloadText).sort()).toEqual(['A', 'B']);
  });

  it('[MQTT-3.3.1-10] Retain Handling 1 sends them for a new subscription only, not when it already existed', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r', 'stored', 1, true);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['r', 1, { rh: 1 }]]);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['stored']);
    await subscribeV5(sub, [['r', 2, { rh: 1 }]], { messageId: 2 });
    expect(await takePublishes(sub)).toEqual([]);
    // The replaced subscription is in force: its QoS 2 applies.
    publishText(broker, 'r', 'live', 2);
    expect((await takePublishes(sub)).map((p) => [payloadText(p), p.qos])).toEqual([['live', 2]]);
  });

  it('[MQTT-3.3.1-10] Retain Handling 1 after UNSUBSCRIBE is a new subscription again', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r', 'stored', 1, true);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['r', 1, { rh: 1 }]]);
    await takePublishes(sub);
    sub.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['r'] });
    await sub.next('unsuback');
    await subscribeV5(sub, [['r', 1, { rh: 1 }]], { messageId: 3 });
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['stored']);
  });

  it('[MQTT-3.3.1-10] Retain Handling 1 with a subscription kept in a resumed session sends nothing', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r', 'stored', 1, true);
    const session = { clean: false, properties: { sessionExpiryInterval: 60 } };
    const first = await connectV5(broker, 'sub', session);
    await subscribeV5(first, [['r', 1, { rh: 1 }]]);
    const [retained] = await takePublishes(first);
    expect(payloadText(retained!)).toBe('stored');
    first.send({ cmd: 'puback', messageId: retained!.messageId!, reasonCode: 0 });
    first.send({ cmd: 'disconnect' });
    await first.waitClosed();
    const second = await connectV5(broker, 'sub', session);
    await subscribeV5(second, [['r', 1, { rh: 1 }]]);
    expect(await takePublishes(second)).toEqual([]);
  });

  it('[MQTT-3.3.1-11] Retain Handling 2 never sends retained messages, but live ones flow', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r', 'stored', 1, true);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['r', 1, { rh: 2 }]]);
    expect(await takePublishes(sub)).toEqual([]);
    publishText(broker, 'r', 'live', 1);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['live']);
  });
});

describe('Subscription Identifiers', () => {
  it('[MQTT-3.3.4-3] carries the Subscription Identifier of the matching subscription', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['a/#', 1]], { subscriptionIdentifier: 7 });
    await subscribeV5(sub, [['b/#', 1]], { subscriptionIdentifier: 268_435_455, messageId: 2 });
    await subscribeV5(sub, [['c/#', 1]], { messageId: 3 });
    publishText(broker, 'a/1', 'a', 1);
    publishText(broker, 'b/1', 'b', 1);
    publishText(broker, 'c/1', 'c', 1);
    const received = await takePublishes(sub);
    expect(received.map((p) => [payloadText(p), idsOf(p)])).toEqual([
      ['a', [7]],
      ['b', [268_435_455]],
      ['c', []],
    ]);
  });

  it('[MQTT-3.3.4-2] [MQTT-3.3.4-3] [MQTT-3.3.4-4] one delivery for overlapping subscriptions carries all their identifiers, at the highest QoS', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['home/+/temp', 0]], { subscriptionIdentifier: 1 });
    await subscribeV5(sub, [['home/#', 2]], { subscriptionIdentifier: 2, messageId: 2 });
    await subscribeV5(sub, [['home/kitchen/temp', 1]], { messageId: 3 });
    publishText(broker, 'home/kitchen/temp', '21', 2);
    const received = await takePublishes(sub);
    expect(received).toHaveLength(1);
    expect(received[0]!.qos).toBe(2);
    expect(idsOf(received[0]!)).toEqual([1, 2]);
  });

  it('[MQTT-3.3.4-3] one SUBSCRIBE gives its identifier to each of its filters', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(
      sub,
      [
        ['x', 0],
        ['y', 0],
      ],
      { subscriptionIdentifier: 40 },
    );
    publishText(broker, 'x', 'x');
    publishText(broker, 'y', 'y');
    expect((await takePublishes(sub)).map(idsOf)).toEqual([[40], [40]]);
  });

  it('[MQTT-3.3.4-3] retained messages sent on SUBSCRIBE carry its identifier', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r/1', 'one', 1, true);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['r/#', 1]], { subscriptionIdentifier: 99 });
    const [retained] = await takePublishes(sub);
    expect(retained).toMatchObject({ retain: true, topic: 'r/1' });
    expect(idsOf(retained!)).toEqual([99]);
  });

  it('[MQTT-3.3.4-3] a subscription replaced by a SUBSCRIBE with another identifier, or none, uses the new one', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['t', 0]], { subscriptionIdentifier: 5 });
    await subscribeV5(sub, [['t', 0]], { subscriptionIdentifier: 6, messageId: 2 });
    publishText(broker, 't', 'six');
    expect((await takePublishes(sub)).map(idsOf)).toEqual([[6]]);
    await subscribeV5(sub, [['t', 0]], { messageId: 3 });
    publishText(broker, 't', 'none');
    expect((await takePublishes(sub)).map(idsOf)).toEqual([[]]);
  });

  it('[MQTT-3.3.4-3] a message queued for an offline session keeps its identifiers', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60 } };
    const sub = await connectV5(broker, 'sub', session);
    await subscribeV5(sub, [['q/#', 1]], { subscriptionIdentifier: 3 });
    sub.send({ cmd: 'disconnect' });
    await sub.waitClosed();
    publishText(broker, 'q/1', 'later', 1);
    const back = await connectV5(broker, 'sub', session);
    expect((await takePublishes(back)).map(idsOf)).toEqual([[3]]);
  });

  it('a SUBSCRIBE with a Subscription Identifier of 0 is a protocol error (DISCONNECT 0x82)', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    // Packet id 1; properties: Subscription Identifier (0x0B) = 0; filter "t" at QoS 1.
    client.sendBytes([0x82, 9, 0x00, 0x01, 0x02, 0x0b, 0x00, 0x00, 0x01, 0x74, 0x01]);
    expect((await client.next('disconnect')).reasonCode).toBe(0x82);
    await client.waitClosed();
    expect(broker.metrics().subscriptions).toBe(0);
  });

  it('[MQTT-3.3.4-6] a client PUBLISH carrying a Subscription Identifier is a protocol error', async () => {
    const { broker } = createTestBroker();
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'x', { properties: { subscriptionIdentifier: 1 } }));
    expect((await pub.next('disconnect')).reasonCode).toBe(0x82);
    await pub.waitClosed();
  });
});

describe('SUBACK and UNSUBACK reason codes', () => {
  it('[MQTT-3.9.3-1] [MQTT-3.9.3-2] answers each filter in order: granted QoS, 0x8F invalid filter, 0x87 not authorised', async () => {
    const { broker } = createTestBroker({
      limits: { maxQos: 1 },
      auth: {
        authorizeSubscribe: (_client, filter, qos) => (filter.startsWith('secret') ? false : qos),
      },
    });
    const sub = await connectV5(broker, 'sub');
    const codes = await subscribeV5(sub, [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['bad/#/filter', 1],
      ['secret/x', 1],
      ['d+', 0],
      ['e/#', 2],
    ]);
    expect(codes).toEqual([0x00, 0x01, 0x01, 0x8f, 0x87, 0x8f, 0x01]);
    expect(broker.metrics().subscriptions).toBe(4);
    expect(sub.closed).toBe(false);
  });

  it('[MQTT-3.11.3-1] [MQTT-3.11.3-2] answers each UNSUBSCRIBE filter in order: 0x00 removed, 0x11 none existed', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [
      ['a', 0],
      ['b/#', 1],
    ]);
    sub.send({ cmd: 'unsubscribe', messageId: 5, unsubscriptions: ['a', 'nothing', 'b/#', 'a', 'b/+'] });
    const unsuback = await sub.next('unsuback');
    expect(unsuback.messageId).toBe(5);
    expect(unsuback.granted).toEqual([0x00, 0x11, 0x00, 0x11, 0x11]);
    expect(broker.metrics().subscriptions).toBe(0);
  });
});

describe('properties forwarded unchanged', () => {
  const properties: PublishProperties = {
    payloadFormatIndicator: true,
    contentType: 'application/json; charset=utf-8',
    responseTopic: 'replies/client-7',
    correlationData: Buffer.from([0x00, 0xff, 0x10, 0x80]),
    userProperties: { first: '1', second: ['a', 'b', 'c'], third: 'ünïcode', 'empty value': '' },
  };

  function expectForwarded(packet: IPublishPacket): void {
    const { subscriptionIdentifier: _ids, ...forwarded } = packet.properties ?? {};
    expect(forwarded).toEqual(properties);
    // [MQTT-3.3.2-18] the names come in the order they were sent.
    expect(Object.keys(forwarded.userProperties ?? {})).toEqual(['first', 'second', 'third', 'empty value']);
  }

  it('[MQTT-3.3.2-4] [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20] to every subscriber, with or without identifiers', async () => {
    const { broker } = createTestBroker();
    const bare = await connectV5(broker, 'bare');
    await subscribeV5(bare, [['t', 0]]);
    const identified = await connectV5(broker, 'identified');
    await subscribeV5(identified, [['t', 2]], { subscriptionIdentifier: 12 });
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', '{"ok":true}', { qos: 2, messageId: 1, properties }));
    await pub.next('pubrec');

    const [plain] = await takePublishes(bare);
    expectForwarded(plain!);
    const [withId] = await takePublishes(identified);
    expectForwarded(withId!);
    expect(idsOf(withId!)).toEqual([12]);
    expect(payloadText(withId!)).toBe('{"ok":true}');
  });

  it('[MQTT-3.3.2-17] [MQTT-3.3.2-20] to retained and to queued deliveries too', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60 } };
    const offline = await connectV5(broker, 'offline', session);
    await subscribeV5(offline, [['t', 1]]);
    offline.send({ cmd: 'disconnect' });
    await offline.waitClosed();
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'x', { qos: 1, messageId: 1, retain: true, properties }));
    await pub.next('puback');

    const late = await connectV5(broker, 'late');
    await subscribeV5(late, [['t', 1]]);
    const [retained] = await takePublishes(late);
    expect(retained!.retain).toBe(true);
    expectForwarded(retained!);
    const back = await connectV5(broker, 'offline', session);
    const [queued] = await takePublishes(back);
    expectForwarded(queued!);
  });

  it('[MQTT-3.3.2-15] [MQTT-3.3.2-16] a request and its response keep Response Topic and Correlation Data', async () => {
    const { broker } = createTestBroker();
    const responder = await connectV5(broker, 'responder');
    await subscribeV5(responder, [['service/request', 1]]);
    const requester = await connectV5(broker, 'requester');
    await subscribeV5(requester, [['service/reply/requester', 1]]);
    const correlationData = Buffer.from('req-42');
    requester.send(
      publishPacket('service/request', 'ping', {
        qos: 1,
        messageId: 1,
        properties: { responseTopic: 'service/reply/requester', correlationData },
      }),
    );
    const [request] = await takePublishes(responder);
    expect(request!.properties).toMatchObject({ responseTopic: 'service/reply/requester', correlationData });
    responder.send(
      publishPacket(request!.properties!.responseTopic!, 'pong', {
        qos: 1,
        messageId: 1,
        properties: { correlationData: request!.properties!.correlationData! },
      }),
    );
    const [reply] = await takePublishes(requester);
    expect(payloadText(reply!)).toBe('pong');
    expect(reply!.properties?.correlationData).toEqual(correlationData);
  });

  // mqtt-packet decodes User Properties into an object keyed by name; interleaved names need the
  // wire order carried from the decoder to the encoder.
  it('[MQTT-3.3.2-18] keeps the order of User Properties whose names are interleaved', async () => {
    const { broker } = createTestBroker();
    const frames = await rawV5Subscriber(broker, 'raw', 't');
    const pub = await connectV5(broker, 'pub');
    // a=1, b=2, a=3: a name may repeat, and the order of all pairs is part of the message.
    pub.sendBytes(
      rawPublishWithUserProperties('t', [
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ]),
    );
    await pub.settle();
    expect(userPropertyPairs(frames.at(-1)!)).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
  });

  it('sends a 3.1.1 subscriber the message of a v5 publisher without any properties', async () => {
    const { broker } = createTestBroker();
    const v3 = await connectClient(broker, 'v3');
    v3.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 1 }] });
    await v3.next('suback');
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'plain payload', { qos: 1, messageId: 1, properties }));
    await pub.next('puback');
    pub.send(publishPacket('t', 'second', { qos: 0, properties: { messageExpiryInterval: 60 } }));
    const received = await takePublishes(v3);
    // A 3.1.1 parser would read any property bytes as payload.
    expect(received.map((p) => [payloadText(p), p.properties])).toEqual([
      ['plain payload', undefined],
      ['second', undefined],
    ]);
  });
});

describe('Payload Format Indicator', () => {
  const invalidUtf8 = Uint8Array.from([0x68, 0x69, 0xc3, 0x28]);

  it('[MQTT-3.3.2-4] forwards a well-formed UTF-8 payload marked as such', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['t', 0]]);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'héllo ✓', { properties: { payloadFormatIndicator: true } }));
    const [message] = await takePublishes(sub);
    expect(message!.properties?.payloadFormatIndicator).toBe(true);
    expect(payloadText(message!)).toBe('héllo ✓');
  });

  it('forwards any bytes when the indicator is 0', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['t', 0]]);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', invalidUtf8, { properties: { payloadFormatIndicator: false } }));
    const [message] = await takePublishes(sub);
    expect(Uint8Array.from(message!.payload as Buffer)).toEqual(invalidUtf8);
    expect(message!.properties?.payloadFormatIndicator).toBe(false);
  });

  it.each([0, 1, 2] as const)(
    'refuses a QoS %i payload marked UTF-8 that is not with DISCONNECT 0x99 and delivers nothing',
    async (qos) => {
      const { broker } = createTestBroker();
      const sub = await connectV5(broker, 'sub');
      await subscribeV5(sub, [['t', 2]]);
      const pub = await connectV5(broker, 'pub');
      pub.send(
        publishPacket('t', invalidUtf8, {
          qos,
          messageId: qos > 0 ? 1 : undefined,
          properties: { payloadFormatIndicator: true },
        }),
      );
      expect((await pub.next('disconnect')).reasonCode).toBe(0x99);
      await pub.waitClosed();
      // No acknowledgement: the DISCONNECT answers the PUBLISH.
      expect(pub.received.filter((p) => p.cmd === 'puback' || p.cmd === 'pubrec')).toEqual([]);
      expect(await takePublishes(sub)).toEqual([]);
    },
  );
});

describe('PUBACK and PUBREC reason codes', () => {
  it('[MQTT-3.4.2-1] answers 0x10 when no subscription matches and 0x00 when one does', async () => {
    const { broker } = createTestBroker();
    const pub = await connectV5(broker, 'pub');
    expect(await pubackCode(pub, 'nobody/listens', 1)).toBe(0x10);
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['somebody/#', 0]]);
    expect(await pubackCode(pub, 'somebody/listens', 2)).toBe(0x00);
    pub.send(publishPacket('nobody/listens', 'x', { qos: 2, messageId: 3 }));
    expect(await pub.next('pubrec')).toMatchObject({ messageId: 3, reasonCode: 0x10 });
  });

  it('[MQTT-3.4.2-1] a retained message without subscribers is stored, so it is acknowledged with 0x00', async () => {
    const { broker } = createTestBroker();
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('kept', 'x', { qos: 1, messageId: 1, retain: true }));
    expect((await pub.next('puback')).reasonCode).toBe(0x00);
  });

  it('[MQTT-3.4.2-1] answers 0x00 when the only matching subscriber is offline and gets no QoS 0 message', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60 } };
    const sub = await connectV5(broker, 'sub', session);
    await subscribeV5(sub, [['t', 0]]);
    sub.send({ cmd: 'disconnect' });
    await sub.waitClosed();
    const pub = await connectV5(broker, 'pub');
    expect(await pubackCode(pub, 't', 1)).toBe(0x00);
  });

  it('[MQTT-3.5.2-1] answers 0x87 to an unauthorised PUBLISH, on PUBACK and PUBREC, and delivers nothing', async () => {
    const { broker } = createTestBroker({
      auth: { authorizePublish: (_client, topic) => !topic.startsWith('locked/') },
    });
    const sub = await connectV5(broker, 'sub');
    await subscribeV5(sub, [['#', 2]]);
    const pub = await connectV5(broker, 'pub');
    expect(await pubackCode(pub, 'locked/door', 1)).toBe(0x87);
    pub.send(publishPacket('locked/door', 'x', { qos: 2, messageId: 2 }));
    expect(await pub.next('pubrec')).toMatchObject({ messageId: 2, reasonCode: 0x87 });
    expect(await takePublishes(sub)).toEqual([]);
    expect(await pubackCode(pub, 'open/door', 3)).toBe(0x00);
  });
});

/** A v5 subscriber read as raw frames, for what the object-level parser cannot show. */
async function rawV5Subscriber(broker: Broker, clientId: string, filter: string): Promise<Uint8Array[]> {
  const { client, frames } = await connectRecorded(broker, clientId);
  await subscribeV5(client, [[filter, 0]]);
  // CONNACK, SUBACK.
  expect(frames.map((frame) => frame[0]! >> 4)).toEqual([2, 9]);
  return frames;
}

/** A QoS 0 v5 PUBLISH whose properties are exactly these User Properties, in this order. */
function rawPublishWithUserProperties(topic: string, pairs: Array<[string, string]>): Uint8Array {
  return rawPublish(
    utf8Bytes(topic),
    pairs.flatMap(([name, value]) => userPropertyBytes(utf8Bytes(name), utf8Bytes(value))),
  );
}

/** The User Properties of a QoS 0 v5 PUBLISH frame (one-byte lengths), in wire order. */
function userPropertyPairs(frame: Uint8Array): Array<[string, string]> {
  const decoder = new TextDecoder();
  const readString = (at: number): [string, number] => {
    const length = (frame[at]! << 8) | frame[at + 1]!;
    return [decoder.decode(frame.subarray(at + 2, at + 2 + length)), at + 2 + length];
  };
  let offset = bodyStart(frame);
  [, offset] = readString(offset);
  const end = offset + 1 + frame[offset]!;
  offset++;
  const pairs: Array<[string, string]> = [];
  while (offset < end) {
    const id = frame[offset++]!;
    if (id !== 0x26) throw new Error(`unexpected property ${id}`);
    const [name, afterName] = readString(offset);
    const [value, afterValue] = readString(afterName);
    pairs.push([name, value]);
    offset = afterValue;
  }
  return pairs;
}
