// mqtt-spec: 3.1.1
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Transport, TransportSink } from '../../transport/connection.ts';
import type { Broker } from '../broker.ts';
import {
  connectClient,
  connectPacket,
  payloadText,
  publishNumbered,
  publishPacket,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';

/**
 * A peer whose socket stops taking bytes: the in-memory transport always reads, so this test
 * transport plays the stalled reader. While `stalled`, `send` keeps the bytes but reports a full
 * buffer; `resume()` takes them and signals `drained`.
 */
class StalledPeer {
  readonly sink: TransportSink;
  readonly packets: Packet[] = [];
  stalled = false;
  closedByBroker = false;
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });

  constructor(broker: Broker) {
    this.parser.on('packet', (packet: Packet) => this.packets.push(packet));
    const transport: Transport = {
      info: { kind: 'stalled', remoteAddress: 'stalled-peer' },
      send: (bytes) => {
        this.parser.parse(Buffer.from(bytes));
        return !this.stalled;
      },
      close: () => {
        this.closedByBroker = true;
        queueMicrotask(() => this.sink.closed());
      },
    };
    this.sink = broker.accept(transport);
  }

  write(packet: Packet): void {
    this.sink.received(mqttPacket.generate(packet, { protocolVersion: 4 }));
  }

  resume(): void {
    this.stalled = false;
    this.sink.drained();
  }

  publishes(): IPublishPacket[] {
    return this.packets.filter((p): p is IPublishPacket => p.cmd === 'publish');
  }
}

/** Connects and subscribes while reading normally, then stops reading. */
async function stalledSubscriber(
  broker: Broker,
  clientId: string,
  topic: string,
  qos: 0 | 1 | 2,
): Promise<StalledPeer> {
  const peer = new StalledPeer(broker);
  peer.write(connectPacket({ clientId }));
  peer.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] });
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(peer.packets.map((p) => p.cmd)).toEqual(['connack', 'suback']);
  peer.stalled = true;
  // The first write after the stall fills the socket buffer; later ones stay in the broker.
  broker.publish({ topic: 'warm-up', payload: new Uint8Array(0) });
  peer.write({ cmd: 'pingreq' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  return peer;
}

describe('inflight window (maxInflight)', () => {
  it('[MQTT-4.6.0-6] keeps at most maxInflight QoS 1 messages outstanding and sends the rest, in order, as PUBACKs arrive', async () => {
    const { broker } = createTestBroker({ limits: { maxInflight: 3 } });
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    publishNumbered(broker, 't', 10, 1);

    const first = await takePublishes(sub);
    expect(first.map(payloadText)).toEqual(['0', '1', '2']);
    expect(broker.metrics()).toMatchObject({ inflight: 3, queued: 7 });

    sub.send({ cmd: 'puback', messageId: first[1]!.messageId! });
    const next = await takePublishes(sub);
    expect(next.map(payloadText)).toEqual(['3']);

    const all = [...first, ...next];
    const pending = [first[0]!, first[2]!, next[0]!];
    while (pending.length > 0) {
      for (const p of pending.splice(0)) sub.send({ cmd: 'puback', messageId: p.messageId! });
      const more = await takePublishes(sub);
      expect(more.length).toBeLessThanOrEqual(3);
      all.push(...more);
      pending.push(...more);
    }
    expect(all.map(payloadText)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(broker.metrics()).toMatchObject({ inflight: 0, queued: 0 });
  });

  it('[MQTT-4.3.3-1] a QoS 2 message holds its slot until PUBCOMP, not just PUBREC', async () => {
    const { broker } = createTestBroker({ limits: { maxInflight: 1 } });
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    publishNumbered(broker, 't', 2, 2);
    const [first] = await takePublishes(sub);
    sub.send({ cmd: 'pubrec', messageId: first!.messageId! });
    await sub.next('pubrel');
    expect(await takePublishes(sub)).toEqual([]);
    sub.send({ cmd: 'pubcomp', messageId: first!.messageId! });
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['1']);
  });

  it('does not hold QoS 0 messages behind a full window', async () => {
    const { broker } = createTestBroker({ limits: { maxInflight: 1 } });
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    publishNumbered(broker, 't', 3, 1);
    publishNumbered(broker, 't', 2, 0);
    const received = await takePublishes(sub);
    expect(received.map((p) => [payloadText(p), p.qos])).toEqual([
      ['0', 1],
      ['0', 0],
      ['1', 0],
    ]);
  });
});

describe('session queue (maxQueuedMessages)', () => {
  it('drops the newest messages once the queue is full and counts them as queue-full', async () => {
    const { broker } = createTestBroker({ limits: { maxInflight: 1, maxQueuedMessages: 2 } });
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    const drops: string[] = [];
    broker.events.on('drop', (event) => drops.push(`${event.cause}:${event.clientId}`));
    publishNumbered(broker, 't', 6, 1);
    expect(broker.metrics()).toMatchObject({ inflight: 1, queued: 2 });
    expect(broker.metrics().dropped['queue-full']).toBe(3);
    expect(broker.metrics().dropped['no-subscribers']).toBe(0);
    expect(drops).toEqual(['queue-full:sub', 'queue-full:sub', 'queue-full:sub']);

    const received: string[] = [];
    for (let i = 0; i < 3; i++) {
      const msg = await sub.next('publish');
      received.push(payloadText(msg));
      sub.send({ cmd: 'puback', messageId: msg.messageId! });
    }
    expect(received).toEqual(['0', '1', '2']);
    expect(await takePublishes(sub)).toEqual([]);
  });

  it('bounds the queue of an offline persistent session the same way', async () => {
    const { broker } = createTestBroker({ limits: { maxQueuedMessages: 3 } });
    const sub = await connectClient(broker, 'sub', { clean: false });
    await subscribe(sub, [['t', 1]]);
    sub.close();
    await sub.waitClosed();
    publishNumbered(broker, 't', 5, 1);
    expect(broker.metrics().queued).toBe(3);
    expect(broker.metrics().dropped['queue-full']).toBe(2);
    const back = await connectClient(broker, 'sub', { clean: false });
    expect((await takePublishes(back)).map(payloadText)).toEqual(['0', '1', '2']);
  });
});

describe('slow consumers', () => {
  it('a subscriber that stops reading does not block delivery to another subscriber', async () => {
    const { broker } = createTestBroker({ limits: { maxOutputBufferBytes: 500, maxQueuedMessages: 10 } });
    const fast = await connectClient(broker, 'fast');
    await subscribe(fast, [['feed/#', 1]]);
    const slow = await stalledSubscriber(broker, 'slow', 'feed/#', 1);
    const before = slow.publishes().length;

    // A steady stream, a few messages per tick, that the fast subscriber keeps up with.
    const received: IPublishPacket[] = [];
    for (let i = 0; i < 50; i++) {
      const payload = new TextEncoder().encode(String(i));
      broker.publish({ topic: 'feed/a', payload, qos: 1 });
      broker.publish({ topic: 'feed/b', payload, qos: 0 });
      const batch = await takePublishes(fast, 0);
      for (const p of batch) if (p.qos === 1) fast.send({ cmd: 'puback', messageId: p.messageId! });
      received.push(...batch);
    }
    received.push(...(await takePublishes(fast)));
    expect(received.filter((p) => p.topic === 'feed/a').map((p) => Number(payloadText(p)))).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(received.filter((p) => p.topic === 'feed/b').map((p) => Number(payloadText(p)))).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );

    // The stalled one got nothing new; its queue is bounded, its QoS 0 share dropped.
    expect(slow.publishes().length).toBe(before);
    expect(broker.sessions.get('slow')!.queue.length).toBe(10);
    const dropped = broker.metrics().dropped;
    expect(dropped['queue-full']).toBe(40);
    expect(dropped['output-buffer-full']).toBeGreaterThan(0);
    expect(slow.closedByBroker).toBe(false);

    // Once it reads again, the queued QoS 1 messages follow, oldest first.
    slow.resume();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const resumed = slow.publishes().filter((p) => p.topic === 'feed/a');
    expect(resumed.map((p) => Number(payloadText(p)))).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('drops QoS 0 deliveries with output-buffer-full while the output buffer is over maxOutputBufferBytes', async () => {
    const { broker } = createTestBroker({ limits: { maxOutputBufferBytes: 200 } });
    const slow = await stalledSubscriber(broker, 'slow', 't', 0);
    const drops: string[] = [];
    broker.events.on('drop', (event) => drops.push(`${event.cause} ${event.topic} ${event.clientId}`));
    // Each PUBLISH is 2 + 3 + 40 = 45 bytes: five fit under 200 bytes, then the buffer is over.
    publishNumbered(broker, 't', 20, 0, { width: 40 });
    expect(broker.metrics().dropped['output-buffer-full']).toBe(15);
    expect(drops).toHaveLength(15);
    expect(drops[0]).toBe('output-buffer-full t slow');

    slow.resume();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(
      slow
        .publishes()
        .filter((p) => p.topic === 't')
        .map((p) => Number(payloadText(p))),
    ).toEqual([0, 1, 2, 3, 4]);
    // With the buffer drained, QoS 0 flows again.
    publishNumbered(broker, 't', 1, 0, { width: 40 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slow.publishes().filter((p) => p.topic === 't')).toHaveLength(6);
  });

  it('disconnects a client whose unsent output grows past four times maxOutputBufferBytes', async () => {
    const { broker } = createTestBroker({ limits: { maxOutputBufferBytes: 100 } });
    const fast = await connectClient(broker, 'fast');
    await subscribe(fast, [['big', 0]]);
    const slow = await stalledSubscriber(broker, 'slow', 'big', 0);
    const reasons: string[] = [];
    broker.events.on('disconnect', (event) => reasons.push(`${event.clientId}:${event.reason}`));
    broker.publish({ topic: 'big', payload: new Uint8Array(500) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slow.closedByBroker).toBe(true);
    expect(reasons).toEqual(['slow:output-buffer-overflow']);
    expect((await fast.next('publish')).payload.length).toBe(500);
  });

  it('with a tiny transport buffer every write reports full; drained resumes delivery in order', async () => {
    const { broker } = createTestBroker();
    const sub = await connectClient(broker, 'sub', { highWaterMark: 1 });
    await subscribe(sub, [['t', 1]]);
    const pub = await connectClient(broker, 'pub');
    for (let i = 0; i < 30; i++) pub.send(publishPacket('t', String(i), { qos: 1, messageId: i + 1 }));
    const received: string[] = [];
    while (received.length < 30) {
      const msg = await sub.next('publish');
      received.push(payloadText(msg));
      sub.send({ cmd: 'puback', messageId: msg.messageId! });
    }
    expect(received).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
  });

  it('sends a QoS 1 message that waited for a full output buffer once the buffer is written out', async () => {
    const { broker } = createTestBroker({ limits: { maxOutputBufferBytes: 100 } });
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [
      ['burst', 0],
      ['important', 1],
    ]);
    // In one tick: QoS 0 fills the output buffer past its limit, then a QoS 1 message must wait.
    publishNumbered(broker, 'burst', 3, 0, { width: 50 });
    broker.publish({ topic: 'important', payload: new TextEncoder().encode('!'), qos: 1 });
    expect(broker.metrics().queued).toBe(1);
    const received = await takePublishes(sub);
    expect(received.map((p) => p.topic)).toEqual(['burst', 'burst', 'important']);
    expect(broker.metrics().queued).toBe(0);
  });
});
