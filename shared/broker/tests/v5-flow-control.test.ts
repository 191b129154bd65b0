// mqtt-spec: 5.0
import mqttPacket, { type QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import {
  payloadText,
  publishNumbered,
  publishPacket,
  publishText,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';
import { connectV5 } from './v5-helpers.ts';

/** Size on the wire of the PUBLISH a v5 subscriber with no extras would get. */
function publishSize(topic: string, text: string, qos: QoS): number {
  const messageId = qos > 0 ? 1 : undefined;
  return mqttPacket.generate(publishPacket(topic, text, { qos, messageId }), { protocolVersion: 5 }).length;
}

describe('Receive Maximum of the client (broker → client flow control)', () => {
  it('[MQTT-3.3.4-9] [MQTT-4.9.0-1] [MQTT-4.9.0-2] keeps at most Receive Maximum QoS 1 PUBLISHes unacknowledged', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { receiveMaximum: 2 } });
    await subscribe(sub, [['t', 1]]);
    publishNumbered(broker, 't', 5, 1);
    const first = await takePublishes(sub);
    expect(first.map(payloadText)).toEqual(['0', '1']);
    expect(broker.metrics()).toMatchObject({ inflight: 2, queued: 3 });

    sub.send({ cmd: 'puback', messageId: first[0]!.messageId!, reasonCode: 0 });
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['2']);
    sub.send({ cmd: 'puback', messageId: first[1]!.messageId!, reasonCode: 0 });
    const rest = await takePublishes(sub);
    expect(rest.map(payloadText)).toEqual(['3']);
    expect(broker.metrics()).toMatchObject({ inflight: 2, queued: 1 });
  });

  it('[MQTT-3.3.4-9] [MQTT-4.9.0-2] a QoS 2 PUBLISH uses its unit of quota until PUBCOMP', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { receiveMaximum: 1 } });
    await subscribe(sub, [['t', 2]]);
    publishNumbered(broker, 't', 2, 2);
    const [first] = await takePublishes(sub);
    sub.send({ cmd: 'pubrec', messageId: first!.messageId!, reasonCode: 0 });
    await sub.next('pubrel');
    expect(await takePublishes(sub)).toEqual([]);
    sub.send({ cmd: 'pubcomp', messageId: first!.messageId!, reasonCode: 0 });
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['1']);
  });

  it('[MQTT-4.9.0-1] the window is the smaller of the client Receive Maximum and the broker maxInflight', async () => {
    const { broker } = createTestBroker({ limits: { maxInflight: 3 } });
    const generous = await connectV5(broker, 'generous', { properties: { receiveMaximum: 100 } });
    const strict = await connectV5(broker, 'strict', { properties: { receiveMaximum: 1 } });
    const silent = await connectV5(broker, 'silent');
    for (const client of [generous, strict, silent]) await subscribe(client, [['t', 1]]);
    publishNumbered(broker, 't', 10, 1);
    expect((await takePublishes(generous)).length).toBe(3);
    expect((await takePublishes(strict)).length).toBe(1);
    // Absent means 65,535: the broker's own window applies.
    expect((await takePublishes(silent)).length).toBe(3);
  });

  it('[MQTT-4.9.0-2] QoS 0 messages do not use quota and are not held behind a full window', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { receiveMaximum: 1 } });
    await subscribe(sub, [['t', 1]]);
    publishText(broker, 't', 'qos1 a', 1);
    publishText(broker, 't', 'qos1 b', 1);
    publishText(broker, 't', 'qos0', 0);
    const received = await takePublishes(sub);
    expect(received.map((p) => [payloadText(p), p.qos])).toEqual([
      ['qos1 a', 1],
      ['qos0', 0],
    ]);
  });

  it('[MQTT-3.3.4-10] [MQTT-4.9.0-3] with no quota left the broker still answers every other packet', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { receiveMaximum: 1 } });
    await subscribe(sub, [['t', 2]]);
    publishNumbered(broker, 't', 3, 2);
    const [held] = await takePublishes(sub);
    expect(broker.metrics()).toMatchObject({ inflight: 1, queued: 2 });

    sub.send({ cmd: 'subscribe', messageId: 10, subscriptions: [{ topic: 'other', qos: 1 }] });
    expect((await sub.next('suback')).messageId).toBe(10);
    sub.send({ cmd: 'unsubscribe', messageId: 11, unsubscriptions: ['other'] });
    expect((await sub.next('unsuback')).messageId).toBe(11);
    sub.send({ cmd: 'pingreq' });
    await sub.next('pingresp');
    sub.send(publishPacket('elsewhere', 'in', { qos: 1, messageId: 12 }));
    expect((await sub.next('puback')).messageId).toBe(12);
    sub.send(publishPacket('elsewhere', 'in', { qos: 2, messageId: 13 }));
    expect((await sub.next('pubrec')).messageId).toBe(13);
    sub.send({ cmd: 'pubrel', messageId: 13, reasonCode: 0 });
    expect((await sub.next('pubcomp')).messageId).toBe(13);
    sub.send({ cmd: 'pubrec', messageId: held!.messageId!, reasonCode: 0 });
    expect((await sub.next('pubrel')).messageId).toBe(held!.messageId);
    expect(await takePublishes(sub)).toEqual([]);
  });
});

describe('Receive Maximum of the broker (client → broker flow control)', () => {
  it('announces receiveMaximum in CONNACK and refuses one unreleased QoS 2 PUBLISH too many with DISCONNECT 0x93', async () => {
    const { broker } = createTestBroker({ limits: { receiveMaximum: 2 } });
    const pub = PacketClient.open(broker, 5);
    const connack = await pub.connect({ clientId: 'pub' });
    expect(connack.properties?.receiveMaximum).toBe(2);
    pub.send(publishPacket('t', 'a', { qos: 2, messageId: 1 }));
    pub.send(publishPacket('t', 'b', { qos: 2, messageId: 2 }));
    expect((await pub.next('pubrec')).messageId).toBe(1);
    expect((await pub.next('pubrec')).messageId).toBe(2);
    pub.send(publishPacket('t', 'c', { qos: 2, messageId: 3 }));
    expect((await pub.next('disconnect')).reasonCode).toBe(0x93);
    await pub.waitClosed();
  });

  it('a released QoS 2 id and QoS 1 messages do not count against the broker Receive Maximum', async () => {
    const { broker } = createTestBroker({ limits: { receiveMaximum: 1 } });
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'a', { qos: 2, messageId: 1 }));
    expect((await pub.next('pubrec')).messageId).toBe(1);
    pub.send(publishPacket('t', 'q1', { qos: 1, messageId: 2 }));
    expect((await pub.next('puback')).messageId).toBe(2);
    // A re-sent PUBLISH with the unreleased id is the same message, not a new one.
    pub.send({ ...publishPacket('t', 'a', { qos: 2, messageId: 1 }), dup: true });
    expect((await pub.next('pubrec')).messageId).toBe(1);
    pub.send({ cmd: 'pubrel', messageId: 1, reasonCode: 0 });
    expect((await pub.next('pubcomp')).messageId).toBe(1);
    pub.send(publishPacket('t', 'b', { qos: 2, messageId: 3 }));
    expect((await pub.next('pubrec')).messageId).toBe(3);
    expect(pub.closed).toBe(false);
  });
});

describe('Maximum Packet Size of the client', () => {
  it('[MQTT-3.1.2-24] [MQTT-3.1.2-25] drops a message larger than the client allows, counts it, and later messages flow', async () => {
    const limit = publishSize('t', 'x'.repeat(20), 1);
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', {
      properties: { maximumPacketSize: limit, receiveMaximum: 1 },
    });
    await subscribe(sub, [['t', 1]]);
    publishText(broker, 't', 'x'.repeat(21), 1);
    publishText(broker, 't', 'x'.repeat(20), 1);
    publishText(broker, 't', 'y'.repeat(500), 0);
    const received = await takePublishes(sub);
    // The dropped QoS 1 message took no slot of the window: the next one was sent at once.
    expect(received.map((p) => p.payload.length)).toEqual([20]);
    expect(broker.metrics().dropped['packet-too-large']).toBe(2);
    expect(broker.metrics().inflight).toBe(1);
    sub.send({ cmd: 'puback', messageId: received[0]!.messageId!, reasonCode: 0 });
    publishText(broker, 't', 'after', 1);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['after']);
  });

  it('[MQTT-3.1.2-24] counts the per-subscriber properties in the size', async () => {
    const limit = publishSize('t', 'payload', 0);
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { maximumPacketSize: limit } });
    // The Subscription Identifier makes this subscriber's copy longer than the bare PUBLISH.
    sub.send({
      cmd: 'subscribe',
      messageId: 1,
      properties: { subscriptionIdentifier: 300 },
      subscriptions: [{ topic: 't', qos: 0 }],
    });
    await sub.next('suback');
    publishText(broker, 't', 'payload', 0);
    expect(await takePublishes(sub)).toEqual([]);
    expect(broker.metrics().dropped['packet-too-large']).toBe(1);
  });

  it('[MQTT-3.1.2-25] a queued message too large for the client does not block the queue behind it', async () => {
    const limit = publishSize('t', 'small', 1);
    const { broker } = createTestBroker();
    const fields = {
      clean: false,
      properties: { sessionExpiryInterval: 60, maximumPacketSize: limit, receiveMaximum: 1 },
    };
    const sub = await connectV5(broker, 'sub', fields);
    await subscribe(sub, [['t', 1]]);
    sub.send({ cmd: 'disconnect' });
    await sub.waitClosed();
    publishText(broker, 't', 'much too large for it', 1);
    publishText(broker, 't', 'small', 1);
    const back = await connectV5(broker, 'sub', fields);
    expect((await takePublishes(back)).map(payloadText)).toEqual(['small']);
    expect(broker.metrics().dropped['packet-too-large']).toBe(1);
  });

  it('[MQTT-3.1.2-25] a message in flight that is too large for the reconnected client ends its flight', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60, receiveMaximum: 1 } };
    const sub = await connectV5(broker, 'sub', session);
    await subscribe(sub, [['t', 1]]);
    publishText(broker, 't', 'x'.repeat(200), 1);
    expect((await takePublishes(sub)).length).toBe(1);
    sub.close();
    await sub.waitClosed();

    const smaller = {
      ...session,
      properties: { ...session.properties, maximumPacketSize: publishSize('t', 'after', 1) },
    };
    const back = await connectV5(broker, 'sub', smaller);
    expect(await takePublishes(back)).toEqual([]);
    expect(broker.metrics().dropped['packet-too-large']).toBe(1);
    // Treated as sent: the window is free for the next message.
    publishText(broker, 't', 'after', 1);
    expect((await takePublishes(back)).map(payloadText)).toEqual(['after']);
  });
});

describe('Maximum Packet Size of the broker', () => {
  it('[MQTT-4.13.1-1] a packet above the announced Maximum Packet Size ends the connection with DISCONNECT 0x95', async () => {
    const { broker } = createTestBroker({ limits: { maxPacketSize: 100 } });
    const sub = await connectV5(broker, 'sub');
    await subscribe(sub, [['t', 0]]);
    const pub = PacketClient.open(broker, 5);
    const connack = await pub.connect({ clientId: 'pub' });
    expect(connack.properties?.maximumPacketSize).toBe(100);
    pub.send(publishPacket('t', 'x'.repeat(80)));
    pub.send(publishPacket('t', 'x'.repeat(100)));
    expect((await pub.next('disconnect')).reasonCode).toBe(0x95);
    await pub.waitClosed();
    expect((await takePublishes(sub)).map((p) => p.payload.length)).toEqual([80]);
  });
});

describe('acknowledgements with a failure reason code', () => {
  it('[MQTT-4.4.0-2] a PUBACK of 0x80 or above ends the flight and the message is never re-sent', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60, receiveMaximum: 1 } };
    const sub = await connectV5(broker, 'sub', session);
    await subscribe(sub, [['t', 1]]);
    publishNumbered(broker, 't', 2, 1);
    const [refused] = await takePublishes(sub);
    sub.send({ cmd: 'puback', messageId: refused!.messageId!, reasonCode: 0x80 });
    const [next] = await takePublishes(sub);
    expect(payloadText(next!)).toBe('1');
    sub.close();
    await sub.waitClosed();

    const back = await connectV5(broker, 'sub', session);
    const resent = await takePublishes(back);
    expect(resent.map((p) => [payloadText(p), p.dup])).toEqual([['1', true]]);
  });

  it('[MQTT-4.4.0-2] a PUBREC of 0x80 or above ends the flight: no PUBREL, never re-sent', async () => {
    const { broker } = createTestBroker();
    const session = { clean: false, properties: { sessionExpiryInterval: 60, receiveMaximum: 1 } };
    const sub = await connectV5(broker, 'sub', session);
    await subscribe(sub, [['t', 2]]);
    publishNumbered(broker, 't', 2, 2);
    const [refused] = await takePublishes(sub);
    sub.send({ cmd: 'pubrec', messageId: refused!.messageId!, reasonCode: 0x87 });
    const [next] = await takePublishes(sub);
    expect(payloadText(next!)).toBe('1');
    expect(sub.received.filter((p) => p.cmd === 'pubrel')).toEqual([]);
    sub.close();
    await sub.waitClosed();

    const back = await connectV5(broker, 'sub', session);
    const resent = await takePublishes(back);
    expect(resent.map((p) => [payloadText(p), p.dup])).toEqual([['1', true]]);
    expect(back.received.filter((p) => p.cmd === 'pubrel')).toEqual([]);
  });

  it('[MQTT-4.3.3-11] [MQTT-3.7.2-1] answers a PUBREL for an unknown packet id with PUBCOMP 0x92, a known one with 0x00', async () => {
    const { broker } = createTestBroker();
    const pub = await connectV5(broker, 'pub');
    pub.send({ cmd: 'pubrel', messageId: 42, reasonCode: 0 });
    expect(await pub.next('pubcomp')).toMatchObject({ messageId: 42, reasonCode: 0x92 });
    pub.send(publishPacket('t', 'x', { qos: 2, messageId: 43 }));
    await pub.next('pubrec');
    pub.send({ cmd: 'pubrel', messageId: 43, reasonCode: 0 });
    expect(await pub.next('pubcomp')).toMatchObject({ messageId: 43, reasonCode: 0 });
    expect(pub.closed).toBe(false);
  });

  it('[MQTT-3.6.2-1] answers a PUBREC for an unknown packet id with PUBREL 0x92', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub');
    sub.send({ cmd: 'pubrec', messageId: 9, reasonCode: 0 });
    expect(await sub.next('pubrel')).toMatchObject({ messageId: 9, reasonCode: 0x92 });
    expect(sub.closed).toBe(false);
  });
});
