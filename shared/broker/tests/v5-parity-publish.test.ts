// mqtt-spec: 5.0
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { PacketClient } from '../../testing/packet-client.ts';
import { bodyStart, utf8Bytes } from '../../testing/raw-packets.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import { dropLink, payloadText, publishPacket, publishText, takePublishes } from './flow-helpers.ts';
import { connectRecorded, connectV5, persistent, resumeV5, subscribeV5 } from './v5-helpers.ts';

/** A subscriber on a persistent session to `filter`. */
async function subscriber(broker: Broker, filter = 't', qos: QoS = 2, clientId = 'sub') {
  const client = await connectV5(broker, clientId, persistent);
  await subscribeV5(client, [[filter, qos]]);
  return client;
}

/** Drops the connection without DISCONNECT and resumes the session, keeping it persistent. */
async function reconnect(broker: Broker, client: PacketClient, clientId = 'sub'): Promise<PacketClient> {
  await dropLink(client);
  return resumeV5(broker, clientId);
}

const summary = (p: IPublishPacket) => [payloadText(p), p.qos, p.dup, p.messageId];

describe('QoS 0', () => {
  it('[MQTT-2.2.1-2] [MQTT-3.3.1-2] [MQTT-4.3.1-1] sends QoS 0 with DUP 0 and no Packet Identifier, whatever the publisher sent', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 't/retained', 'r', 1, true);
    const { client, frames } = await connectRecorded(broker, 'sub');
    await subscribeV5(client, [['t/#', 0]]);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t/dup', 'd', { qos: 1, messageId: 7, dup: true }));
    pub.send(publishPacket('t/zero', 'z'));
    await pub.next('puback');
    await client.settle();
    const publishes = frames.filter((frame) => frame[0]! >> 4 === 3);
    expect(publishes).toHaveLength(3);
    for (const frame of publishes) {
      // Only the RETAIN bit may be set: DUP 0, QoS 0.
      expect(frame[0]! & 0x0e).toBe(0);
      // Straight from the topic to the properties: a Packet Identifier would shift the payload.
      let offset = bodyStart(frame);
      offset += 2 + ((frame[offset]! << 8) | frame[offset + 1]!);
      offset += 1 + frame[offset]!;
      expect(frame.length - offset).toBe(1);
    }
  });

  it('[MQTT-3.3.4-1] answers a PUBLISH as its QoS requires: nothing, PUBACK or PUBREC', async () => {
    const { broker } = createTestBroker();
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'x'));
    pub.send(publishPacket('t', 'x', { qos: 1, messageId: 1 }));
    pub.send(publishPacket('t', 'x', { qos: 2, messageId: 2 }));
    expect((await pub.settle()).map((p) => [p.cmd, p.messageId])).toEqual([
      ['puback', 1],
      ['pubrec', 2],
    ]);
  });
});

describe('QoS 1 inbound', () => {
  it('[MQTT-4.3.2-4] [MQTT-2.2.1-5] answers each PUBLISH with a PUBACK of its Packet Identifier, whatever the reason code', async () => {
    const { broker } = createTestBroker({ auth: { authorizePublish: (_c, topic) => topic !== 'locked' } });
    await subscriber(broker);
    const pub = await connectV5(broker, 'pub');
    const sent: Array<[string, number]> = [
      ['t', 0xffff],
      ['nobody', 1],
      ['locked', 300],
      ['t', 2],
    ];
    for (const [topic, messageId] of sent) pub.send(publishPacket(topic, 'x', { qos: 1, messageId }));
    expect(
      (await pub.settle()).map((p) => [p.cmd, p.messageId, (p as { reasonCode?: number }).reasonCode]),
    ).toEqual([
      ['puback', 0xffff, 0],
      ['puback', 1, 0x10],
      ['puback', 300, 0x87],
      ['puback', 2, 0],
    ]);
  });

  it('[MQTT-4.3.2-5] treats a PUBLISH reusing an acknowledged Packet Identifier as a new message', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    const pub = await connectV5(broker, 'pub');
    for (const text of ['first', 'second']) {
      pub.send(publishPacket('t', text, { qos: 1, messageId: 5 }));
      expect((await pub.next('puback')).messageId).toBe(5);
    }
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['first', 'second']);
  });
});

describe('QoS 1 outbound', () => {
  it('[MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-2.2.1-4] sends each message with its own unused non-zero id, QoS 1 and DUP 0', async () => {
    const { broker } = createTestBroker();
    const { client, frames } = await connectRecorded(broker, 'sub');
    await subscribeV5(client, [['t', 1]]);
    const pub = await connectV5(broker, 'pub');
    for (let i = 0; i < 5; i++) pub.send(publishPacket('t', `m${i}`, { qos: 1, messageId: 1, dup: i > 0 }));
    const received = await takePublishes(client);
    expect(received.map((p) => [payloadText(p), p.qos, p.dup])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`m${i}`, 1, false]),
    );
    const ids = received.map((p) => p.messageId!);
    expect(new Set(ids).size).toBe(5);
    expect(ids.every((id) => id > 0 && id <= 0xffff)).toBe(true);
    for (const frame of frames.filter((f) => f[0]! >> 4 === 3)) expect(frame[0]! & 0x0f).toBe(0x02);
  });

  it('[MQTT-4.3.2-3] [MQTT-3.3.1-3] keeps a message until its PUBACK: re-sent with DUP 1 and the same id until then, never after', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker, 't', 1);
    publishText(broker, 't', 'held', 1);
    const [sent] = await takePublishes(sub);
    // Neither a PUBACK for another id nor a PUBREC or PUBCOMP for this one ends the flight.
    sub.send({ cmd: 'puback', messageId: sent!.messageId! + 1, reasonCode: 0 });
    sub.send({ cmd: 'pubcomp', messageId: sent!.messageId!, reasonCode: 0 });
    await sub.settle();
    const back = await reconnect(broker, sub);
    const [resent] = await takePublishes(back);
    expect(summary(resent!)).toEqual(['held', 1, true, sent!.messageId]);
    back.send({ cmd: 'puback', messageId: resent!.messageId!, reasonCode: 0 });
    await back.settle();
    const again = await reconnect(broker, back);
    expect(await takePublishes(again)).toEqual([]);
  });

  it('[MQTT-2.2.1-4] never gives a new message an id still in flight from before a reconnect', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker, 't', 1);
    publishText(broker, 't', 'old', 1);
    const [old] = await takePublishes(sub);
    const back = await reconnect(broker, sub);
    await takePublishes(back);
    for (let i = 0; i < 10; i++) publishText(broker, 't', `new ${i}`, 1);
    const ids = (await takePublishes(back)).map((p) => p.messageId!);
    expect(ids).toHaveLength(10);
    expect(ids).not.toContain(old!.messageId);
    expect(new Set(ids).size).toBe(10);
    expect(ids.every((id) => id > 0)).toBe(true);
  });
});

describe('QoS 2 inbound', () => {
  it('[MQTT-4.3.3-8] [MQTT-4.3.3-10] [MQTT-2.2.1-5] PUBREC with the id; a duplicate before PUBREL is acknowledged again, not delivered again', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'once', { qos: 2, messageId: 9 }));
    expect(await pub.next('pubrec')).toMatchObject({ messageId: 9, reasonCode: 0 });
    pub.send(publishPacket('t', 'once', { qos: 2, messageId: 9, dup: true }));
    expect(await pub.next('pubrec')).toMatchObject({ messageId: 9, reasonCode: 0 });
    pub.send({ cmd: 'pubrel', messageId: 9, reasonCode: 0 });
    expect(await pub.next('pubcomp')).toMatchObject({ messageId: 9, reasonCode: 0 });
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['once']);
  });

  it('[MQTT-4.3.3-12] treats a PUBLISH reusing an id after PUBCOMP as a new message', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    const pub = await connectV5(broker, 'pub');
    for (const text of ['first', 'second']) {
      pub.send(publishPacket('t', text, { qos: 2, messageId: 3 }));
      await pub.next('pubrec');
      pub.send({ cmd: 'pubrel', messageId: 3, reasonCode: 0 });
      await pub.next('pubcomp');
    }
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['first', 'second']);
  });

  it('[MQTT-4.3.3-9] treats a PUBLISH reusing an id refused with PUBREC 0x80 or above as a new message', async () => {
    let allowed = false;
    const { broker } = createTestBroker({ auth: { authorizePublish: () => allowed } });
    const sub = await subscriber(broker);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'refused', { qos: 2, messageId: 4 }));
    expect((await pub.next('pubrec')).reasonCode).toBe(0x87);
    allowed = true;
    pub.send(publishPacket('t', 'accepted', { qos: 2, messageId: 4 }));
    expect((await pub.next('pubrec')).reasonCode).toBe(0);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['accepted']);
  });

  it('[MQTT-4.3.3-13] completes the acknowledgement sequence of a message that expired meanwhile', async () => {
    const { broker, env } = createTestBroker();
    const sub = await subscriber(broker);
    sub.send({ cmd: 'disconnect' });
    await sub.waitClosed();
    const pub = await connectV5(broker, 'pub');
    pub.send(
      publishPacket('t', 'short-lived', { qos: 2, messageId: 6, properties: { messageExpiryInterval: 1 } }),
    );
    expect((await pub.next('pubrec')).reasonCode).toBe(0);
    env.clock.advance(5_000);
    pub.send(
      publishPacket('t', 'short-lived', {
        qos: 2,
        messageId: 6,
        dup: true,
        properties: { messageExpiryInterval: 1 },
      }),
    );
    expect(await pub.next('pubrec')).toMatchObject({ messageId: 6, reasonCode: 0 });
    pub.send({ cmd: 'pubrel', messageId: 6, reasonCode: 0 });
    expect(await pub.next('pubcomp')).toMatchObject({ messageId: 6, reasonCode: 0 });
    // The expiry itself was applied: the queued copy is gone.
    const back = await resumeV5(broker, 'sub');
    expect(await takePublishes(back)).toEqual([]);
  });
});

describe('QoS 2 outbound', () => {
  it('[MQTT-4.3.3-3] keeps the PUBLISH until its PUBREC: a PUBACK does not end it, a reconnect re-sends it with DUP 1', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    publishText(broker, 't', 'exactly once', 2);
    const [sent] = await takePublishes(sub);
    sub.send({ cmd: 'puback', messageId: sent!.messageId!, reasonCode: 0 });
    await sub.settle();
    const back = await reconnect(broker, sub);
    const [resent] = await takePublishes(back);
    expect(summary(resent!)).toEqual(['exactly once', 2, true, sent!.messageId]);
  });

  it('[MQTT-4.3.3-4] [MQTT-2.2.1-5] answers a PUBREC below 0x80 with a PUBREL of the same id', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    publishText(broker, 't', 'a', 2);
    publishText(broker, 't', 'b', 2);
    const [a, b] = await takePublishes(sub);
    sub.send({ cmd: 'pubrec', messageId: b!.messageId!, reasonCode: 0x10 });
    sub.send({ cmd: 'pubrec', messageId: a!.messageId!, reasonCode: 0 });
    await sub.settle();
    expect(sub.received.map((p) => [p.cmd, p.messageId])).toEqual([
      ['pubrel', b!.messageId],
      ['pubrel', a!.messageId],
    ]);
  });

  it('[MQTT-4.3.3-5] [MQTT-4.3.3-6] after PUBREC re-sends only the PUBREL, never the PUBLISH, until the PUBCOMP', async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    publishText(broker, 't', 'x', 2);
    const [sent] = await takePublishes(sub);
    const id = sent!.messageId!;
    sub.send({ cmd: 'pubrec', messageId: id, reasonCode: 0 });
    await sub.next('pubrel');
    let client = sub;
    for (let round = 0; round < 2; round++) {
      client = await reconnect(broker, client);
      await client.settle();
      expect(client.received.map((p) => [p.cmd, p.messageId])).toEqual([['pubrel', id]]);
      client.received.length = 0;
    }
    client.send({ cmd: 'pubcomp', messageId: id, reasonCode: 0 });
    await client.settle();
    const done = await reconnect(broker, client);
    expect(await done.settle()).toEqual([]);
  });
});

describe('DUP', () => {
  it("[MQTT-3.3.1-3] sets DUP on a forward only when that packet is a retransmission, not from the publisher's DUP", async () => {
    const { broker } = createTestBroker();
    const sub = await subscriber(broker);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'q1', { qos: 1, messageId: 1, dup: true }));
    pub.send(publishPacket('t', 'q2', { qos: 2, messageId: 2, dup: true }));
    pub.send(publishPacket('t', 'q1 fresh', { qos: 1, messageId: 3 }));
    const first = await takePublishes(sub);
    expect(first.map((p) => [payloadText(p), p.dup])).toEqual([
      ['q1', false],
      ['q2', false],
      ['q1 fresh', false],
    ]);
    const back = await reconnect(broker, sub);
    publishText(broker, 't', 'after', 1);
    const second = await takePublishes(back);
    expect(second.map((p) => [payloadText(p), p.dup])).toEqual([
      ['q1', true],
      ['q2', true],
      ['q1 fresh', true],
      ['after', false],
    ]);
  });
});

describe('routing', () => {
  it('[MQTT-3.3.1-7] never keeps a zero-byte retained message, and it clears the one before', async () => {
    const { broker } = createTestBroker();
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('kept', 'old', { retain: true }));
    pub.send(publishPacket('kept', '', { retain: true }));
    pub.send(publishPacket('fresh', '', { retain: true, qos: 1, messageId: 1 }));
    await pub.next('puback');
    const late = await connectV5(broker, 'late');
    await subscribeV5(late, [['#', 1]]);
    expect(await takePublishes(late)).toEqual([]);
    expect(broker.router.retained.size).toBe(0);
  });

  it('[MQTT-3.3.2-1] [MQTT-3.3.2-3] sends the Topic Name first, the one published, matching the filter, even when the publisher used an alias', async () => {
    const { broker } = createTestBroker();
    const { client, frames } = await connectRecorded(broker, 'sub');
    await subscribeV5(client, [['home/+/temp', 0]]);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('home/kitchen/temp', 'a', { properties: { topicAlias: 1 } }));
    pub.send(publishPacket('', 'b', { properties: { topicAlias: 1 } }));
    expect((await takePublishes(client)).map((p) => [p.topic, payloadText(p)])).toEqual([
      ['home/kitchen/temp', 'a'],
      ['home/kitchen/temp', 'b'],
    ]);
    const topic = utf8Bytes('home/kitchen/temp');
    for (const frame of frames.filter((f) => f[0]! >> 4 === 3)) {
      const start = bodyStart(frame);
      expect([...frame.subarray(start, start + 2 + topic.length)]).toEqual([0, topic.length, ...topic]);
    }
  });

  it('[MQTT-4.5.0-1] adds an accepted message to the session of every matching subscriber, connected or not', async () => {
    const { broker } = createTestBroker();
    const online = await connectV5(broker, 'online');
    await subscribeV5(online, [['plant/#', 1]]);
    const offline = await subscriber(broker, 'plant/+/level', 1, 'offline');
    offline.send({ cmd: 'disconnect' });
    await offline.waitClosed();
    const other = await connectV5(broker, 'other');
    await subscribeV5(other, [['plant/a', 1]]);
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('plant/b/level', 'full', { qos: 1, messageId: 1 }));
    expect((await pub.next('puback')).reasonCode).toBe(0);
    expect((await takePublishes(online)).map(payloadText)).toEqual(['full']);
    expect(await takePublishes(other)).toEqual([]);
    const back = await resumeV5(broker, 'offline');
    expect((await takePublishes(back)).map(payloadText)).toEqual(['full']);
  });

  it('[MQTT-4.6.0-5] [MQTT-4.6.0-6] forwards in the order published, per topic and QoS, also when a small Receive Maximum queues them', async () => {
    const { broker } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { receiveMaximum: 2 } });
    await subscribeV5(sub, [['o/#', 2]]);
    const pub = await connectV5(broker, 'pub');
    const sent: Array<[topic: string, qos: QoS, text: string]> = [];
    for (let i = 0; i < 12; i++) {
      const qos = (i % 3) as QoS;
      sent.push([`o/${i % 2}`, qos, `m${i}`]);
      pub.send(publishPacket(`o/${i % 2}`, `m${i}`, { qos, messageId: qos > 0 ? i + 1 : undefined }));
    }
    const received: IPublishPacket[] = [];
    while (received.length < sent.length) {
      const batch = await takePublishes(sub);
      if (batch.length === 0) throw new Error(`stalled after ${received.length}`);
      received.push(...batch);
      for (const p of batch) {
        if (p.qos === 1) sub.send({ cmd: 'puback', messageId: p.messageId!, reasonCode: 0 });
        if (p.qos === 2) sub.send({ cmd: 'pubrec', messageId: p.messageId!, reasonCode: 0 });
      }
      for (const rel of sub.received.splice(0).filter((p) => p.cmd === 'pubrel'))
        sub.send({ cmd: 'pubcomp', messageId: rel.messageId!, reasonCode: 0 });
    }
    for (const topic of ['o/0', 'o/1']) {
      for (const qos of [0, 1, 2]) {
        const expected = sent.filter(([t, q]) => t === topic && q === qos).map(([, , text]) => text);
        const got = received.filter((p) => p.topic === topic && p.qos === qos).map(payloadText);
        expect(got).toEqual(expected);
      }
    }
    // QoS 1 and 2 share the queue: their relative order holds too.
    const acked = (list: string[]) => list.filter((text) => sent.find(([, , t]) => t === text)![1] > 0);
    expect(acked(received.map(payloadText))).toEqual(acked(sent.map(([, , text]) => text)));
  });
});
