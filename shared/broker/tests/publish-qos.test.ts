// mqtt-spec: 3.1.1
import { describe, expect, it } from 'vitest';
import { createTestBroker } from '../../testing/test-broker.ts';
import {
  connectClient,
  payloadText,
  publishAcked,
  publishPacket,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';

describe('QoS 0', () => {
  it('[MQTT-4.3.1-1] [MQTT-2.3.1-5] forwards QoS 0 with DUP 0 and no packet identifier', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('t', 'hello'));
    const msg = await sub.next('publish');
    expect(msg).toMatchObject({ topic: 't', qos: 0, dup: false, retain: false });
    expect(msg.messageId).toBeUndefined();
    // A packet id would have been read as the first two payload bytes.
    expect(payloadText(msg)).toBe('hello');
  });

  it('[MQTT-3.3.4-1] a QoS 0 PUBLISH gets no acknowledgement', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('t', 'x'));
    pub.send({ cmd: 'pingreq' });
    await pub.next('pingresp');
    expect(await pub.settle()).toEqual([]);
    expect(broker.metrics().messagesIn).toBe(1);
  });
});

describe('QoS 1', () => {
  it('[MQTT-4.3.2-2] [MQTT-2.3.1-6] [MQTT-3.3.4-1] answers PUBACK with the PUBLISH packet id', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('t', 'a', { qos: 1, messageId: 4242 }));
    pub.send(publishPacket('t', 'b', { qos: 1, messageId: 65535 }));
    expect((await pub.next('puback')).messageId).toBe(4242);
    expect((await pub.next('puback')).messageId).toBe(65535);
  });

  it('[MQTT-4.3.2-2] treats a later PUBLISH with an acknowledged id as a new message', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'one', { messageId: 9 });
    await publishAcked(pub, 't', 'two', { messageId: 9 });
    const received = await takePublishes(sub);
    expect(received.map(payloadText)).toEqual(['one', 'two']);
  });

  it('[MQTT-4.3.2-1] [MQTT-2.3.1-1] sends QoS 1 with DUP 0 and a non-zero id, held until PUBACK', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'x');
    const msg = await sub.next('publish');
    expect(msg).toMatchObject({ topic: 't', qos: 1, dup: false });
    expect(msg.messageId).toBeGreaterThan(0);
    expect(msg.messageId).toBeLessThanOrEqual(0xffff);
    expect(broker.metrics().inflight).toBe(1);
    // An ack for another id does not release it.
    sub.send({ cmd: 'puback', messageId: (msg.messageId! % 0xffff) + 1 });
    await sub.settle();
    expect(broker.metrics().inflight).toBe(1);
    sub.send({ cmd: 'puback', messageId: msg.messageId! });
    await sub.settle();
    expect(broker.metrics().inflight).toBe(0);
  });

  it('[MQTT-2.3.1-4] gives every unacknowledged outbound PUBLISH its own non-zero packet id', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    for (let i = 0; i < 30; i++)
      broker.publish({ topic: 't', payload: new Uint8Array([i]), qos: i % 2 ? 1 : 2 });
    const received = await takePublishes(sub);
    expect(received).toHaveLength(30);
    const ids = received.map((p) => p.messageId);
    expect(new Set(ids).size).toBe(30);
    for (const id of ids) expect(id).toBeGreaterThan(0);
    expect(broker.metrics().inflight).toBe(30);
  });

  it('[MQTT-3.3.1-2] a re-sent QoS 1 PUBLISH forwarded at QoS 0 goes out with DUP 0', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 0]]);
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('t', 'again', { qos: 1, messageId: 3, dup: true }));
    await pub.next('puback');
    const msg = await sub.next('publish');
    expect(msg).toMatchObject({ qos: 0, dup: false });
  });

  it("[MQTT-3.3.1-3] the DUP flag of a forward does not copy the publisher's DUP flag", async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('t', 'again', { qos: 1, messageId: 3, dup: true }));
    await pub.next('puback');
    const msg = await sub.next('publish');
    expect(msg.dup).toBe(false);
  });
});

describe('QoS 2 inbound', () => {
  it('[MQTT-4.3.3-2] [MQTT-2.3.1-6] delivers once: PUBREC, a duplicate is acknowledged but not delivered, PUBREL → PUBCOMP', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    const pub = await connectClient(broker, 'pub');

    pub.send(publishPacket('t', 'once', { qos: 2, messageId: 5 }));
    expect((await pub.next('pubrec')).messageId).toBe(5);
    pub.send(publishPacket('t', 'once', { qos: 2, messageId: 5, dup: true }));
    expect((await pub.next('pubrec')).messageId).toBe(5);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['once']);

    pub.send({ cmd: 'pubrel', messageId: 5 });
    expect((await pub.next('pubcomp')).messageId).toBe(5);
    expect(await takePublishes(sub)).toEqual([]);
  });

  it('[MQTT-4.3.3-2] after PUBCOMP the packet id is free: the same id carries a new message', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    const pub = await connectClient(broker, 'pub');
    for (const text of ['first', 'second']) {
      pub.send(publishPacket('t', text, { qos: 2, messageId: 77 }));
      await pub.next('pubrec');
      pub.send({ cmd: 'pubrel', messageId: 77 });
      await pub.next('pubcomp');
    }
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['first', 'second']);
  });

  it('[MQTT-4.3.3-2] answers a PUBREL for an unknown id with PUBCOMP', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    pub.send({ cmd: 'pubrel', messageId: 999 });
    expect((await pub.next('pubcomp')).messageId).toBe(999);
    expect(pub.closed).toBe(false);
  });

  it('keeps QoS 2 ids of different publishers apart', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    const a = await connectClient(broker, 'a');
    const b = await connectClient(broker, 'b');
    a.send(publishPacket('t', 'from a', { qos: 2, messageId: 1 }));
    await a.next('pubrec');
    b.send(publishPacket('t', 'from b', { qos: 2, messageId: 1 }));
    await b.next('pubrec');
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['from a', 'from b']);
  });
});

describe('QoS 2 outbound', () => {
  it('[MQTT-4.3.3-1] [MQTT-2.3.1-6] PUBLISH → PUBREC → PUBREL with the same id → PUBCOMP ends the flight', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('t', 'exactly once', { qos: 2, messageId: 1 }));
    await pub.next('pubrec');

    const msg = await sub.next('publish');
    expect(msg).toMatchObject({ qos: 2, dup: false });
    expect(msg.messageId).toBeGreaterThan(0);
    sub.send({ cmd: 'pubrec', messageId: msg.messageId! });
    expect((await sub.next('pubrel')).messageId).toBe(msg.messageId);
    expect(broker.metrics().inflight).toBe(1);
    sub.send({ cmd: 'pubcomp', messageId: msg.messageId! });
    await sub.settle();
    expect(broker.metrics().inflight).toBe(0);
    expect(sub.received).toEqual([]);
  });

  it('[MQTT-4.3.3-1] a PUBACK does not end a QoS 2 flight, nor a PUBCOMP before PUBREC', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    broker.publish({ topic: 't', payload: new Uint8Array([1]), qos: 2 });
    const msg = await sub.next('publish');
    sub.send({ cmd: 'puback', messageId: msg.messageId! });
    sub.send({ cmd: 'pubcomp', messageId: msg.messageId! });
    await sub.settle();
    expect(broker.metrics().inflight).toBe(1);
    sub.send({ cmd: 'pubrec', messageId: msg.messageId! });
    await sub.next('pubrel');
    sub.send({ cmd: 'pubcomp', messageId: msg.messageId! });
    await sub.settle();
    expect(broker.metrics().inflight).toBe(0);
  });

  it('[MQTT-4.3.3-1] after PUBREC the PUBLISH is never re-sent: a resumed session gets only the PUBREL', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub', { clean: false });
    await subscribe(sub, [['t', 2]]);
    broker.publish({ topic: 't', payload: new Uint8Array([1]), qos: 2 });
    const msg = await sub.next('publish');
    sub.send({ cmd: 'pubrec', messageId: msg.messageId! });
    await sub.next('pubrel');
    sub.close();
    await sub.waitClosed();

    const again = await connectClient(broker, 'sub', { clean: false });
    expect((await again.next('pubrel')).messageId).toBe(msg.messageId);
    expect(await takePublishes(again)).toEqual([]);
    again.send({ cmd: 'pubcomp', messageId: msg.messageId! });
    await again.settle();
    expect(broker.metrics().inflight).toBe(0);
  });
});

describe('delivery QoS and flags', () => {
  it.each([
    [2, 0, 0],
    [2, 1, 1],
    [2, 2, 2],
    [1, 0, 0],
    [1, 2, 1],
    [0, 2, 0],
  ] as const)(
    '[MQTT-3.8.4-6] a QoS %i message to a QoS %i subscription is delivered at QoS %i',
    async (published, subscribed, delivered) => {
      const { broker } = createTestBroker();
      const sub = await connectClient(broker, 'sub');
      await subscribe(sub, [['t', subscribed]]);
      const pub = await connectClient(broker, 'pub');
      pub.send(publishPacket('t', 'm', { qos: published, messageId: published ? 1 : undefined }));
      const msg = await sub.next('publish');
      expect(msg.qos).toBe(delivered);
    },
  );

  it('[MQTT-3.3.1-9] forwards with retain 0 to an existing subscription, whatever the publisher set', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'retained one', { retain: true });
    pub.send(publishPacket('t', 'retained zero', { retain: true }));
    const received = await takePublishes(sub);
    expect(received.map((p) => [payloadText(p), p.retain])).toEqual([
      ['retained one', false],
      ['retained zero', false],
    ]);
  });

  it("[MQTT-3.3.2-3] sends the publisher's topic name, which matches the subscriber's filter", async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['sensors/+/temp', 0]]);
    const pub = await connectClient(broker, 'pub');
    pub.send(publishPacket('sensors/kitchen/temp', '21'));
    pub.send(publishPacket('sensors/kitchen/humidity', '40'));
    const received = await takePublishes(sub);
    expect(received.map((p) => p.topic)).toEqual(['sensors/kitchen/temp']);
  });

  it('passes payload bytes through unchanged: binary, empty and large', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['bin', 1]]);
    const pub = await connectClient(broker, 'pub');
    const binary = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff);
    const invalidUtf8 = new Uint8Array([0xc3, 0x28, 0x00, 0xff, 0xfe]);
    await publishAcked(pub, 'bin', binary, { messageId: 1 });
    await publishAcked(pub, 'bin', new Uint8Array(0), { messageId: 2 });
    await publishAcked(pub, 'bin', large, { messageId: 3 });
    await publishAcked(pub, 'bin', invalidUtf8, { messageId: 4 });
    const received = await takePublishes(sub);
    const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');
    expect(received.map((p) => base64(p.payload))).toEqual(
      [binary, new Uint8Array(0), large, invalidUtf8].map(base64),
    );
    expect(received.map((p) => p.payload.length)).toEqual([256, 0, 200_000, 5]);
  });

  it('acknowledges a publish to a topic nobody subscribes to and counts it as dropped', async () => {
    const { broker } = createTestBroker();
    const other = await connectClient(broker, 'other');
    await subscribe(other, [['elsewhere', 2]]);
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 'nobody/listens', 'x');
    pub.send(publishPacket('nobody/listens', 'y', { qos: 2, messageId: 2 }));
    expect((await pub.next('pubrec')).messageId).toBe(2);
    expect(await takePublishes(other)).toEqual([]);
    expect(broker.metrics().dropped['no-subscribers']).toBe(2);
    expect(pub.closed).toBe(false);
  });
});

describe('routing to every matching session', () => {
  it('[MQTT-4.5.0-1] adds the message to the session of each client with a matching subscription', async () => {
    const { broker } = createTestBroker();
    const exact = await connectClient(broker, 'exact');
    await subscribe(exact, [['home/door', 1]]);
    const wildcard = await connectClient(broker, 'wildcard');
    await subscribe(wildcard, [['home/#', 0]]);
    const unrelated = await connectClient(broker, 'unrelated');
    await subscribe(unrelated, [['garden/#', 2]]);
    const offline = await connectClient(broker, 'offline', { clean: false });
    await subscribe(offline, [['home/+', 1]]);
    offline.close();
    await offline.waitClosed();

    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 'home/door', 'open');
    expect((await takePublishes(exact)).map(payloadText)).toEqual(['open']);
    expect((await takePublishes(wildcard)).map(payloadText)).toEqual(['open']);
    expect(await takePublishes(unrelated)).toEqual([]);
    expect(broker.metrics().queued).toBe(1);
    const back = await connectClient(broker, 'offline', { clean: false });
    expect((await takePublishes(back)).map(payloadText)).toEqual(['open']);
  });

  it('[MQTT-4.6.0-5] [MQTT-4.6.0-6] forwards each QoS in the order the client published', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [
      ['q0', 0],
      ['q1', 1],
      ['q2', 2],
    ]);
    const pub = await connectClient(broker, 'pub');
    const sent: Record<string, string[]> = { q0: [], q1: [], q2: [] };
    for (let i = 0; i < 60; i++) {
      const qos = (i % 3) as 0 | 1 | 2;
      const topic = `q${qos}`;
      sent[topic]!.push(`${topic}-${i}`);
      pub.send(publishPacket(topic, `${topic}-${i}`, { qos, messageId: qos ? i + 1 : undefined }));
    }
    const received = await takePublishes(sub);
    for (const topic of ['q0', 'q1', 'q2']) {
      expect(received.filter((p) => p.topic === topic).map(payloadText)).toEqual(sent[topic]);
    }
  });
});

describe('authorizePublish', () => {
  it('[MQTT-3.3.5-2] acknowledges an unauthorised PUBLISH as usual, delivers nothing and counts it', async () => {
    const seen: Array<[string, string]> = [];
    const { broker } = createTestBroker({
      auth: {
        authorizePublish: (client, topic) => {
          seen.push([client.clientId, topic]);
          return !topic.startsWith('secret/');
        },
      },
    });
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['#', 2]]);
    const pub = await connectClient(broker, 'pub');
    const drops: string[] = [];
    broker.events.on('drop', (event) => drops.push(`${event.cause} ${event.topic} ${event.clientId}`));

    pub.send(publishPacket('secret/a', 'q0'));
    pub.send(publishPacket('secret/a', 'q1', { qos: 1, messageId: 1 }));
    pub.send(publishPacket('secret/a', 'q2', { qos: 2, messageId: 2, retain: true }));
    expect((await pub.next('puback')).messageId).toBe(1);
    expect((await pub.next('pubrec')).messageId).toBe(2);
    pub.send({ cmd: 'pubrel', messageId: 2 });
    expect((await pub.next('pubcomp')).messageId).toBe(2);
    await publishAcked(pub, 'public/a', 'ok', { messageId: 3 });

    expect((await takePublishes(sub)).map(payloadText)).toEqual(['ok']);
    expect(pub.closed).toBe(false);
    expect(seen).toContainEqual(['pub', 'secret/a']);
    const metrics = broker.metrics();
    expect(metrics.dropped['not-authorized']).toBe(3);
    expect(metrics.retained).toBe(0);
    expect(drops).toEqual([
      'not-authorized secret/a pub',
      'not-authorized secret/a pub',
      'not-authorized secret/a pub',
    ]);
  });
});
