import mqttPacket, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type {
  ConnectEvent,
  DisconnectEvent,
  DropEvent,
  PublishEvent,
  SubscribeEvent,
  UnsubscribeEvent,
} from '../../observe/broker-events.ts';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import {
  connectClient,
  connectPacket,
  publishAcked,
  publishPacket,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';

/** Wraps a client so every packet it sends or takes is kept, to add up the bytes on the wire. */
class CountingClient {
  readonly sent: Packet[] = [];
  readonly taken: Packet[] = [];
  constructor(readonly client: PacketClient) {}

  send(packet: Packet): void {
    this.sent.push(packet);
    this.client.send(packet);
  }

  async next<C extends Packet['cmd']>(cmd: C): Promise<Extract<Packet, { cmd: C }>> {
    const packet = await this.client.next(cmd);
    this.taken.push(packet);
    return packet;
  }
}

function wireBytes(packets: Packet[]): number {
  let total = 0;
  for (const packet of packets) total += mqttPacket.generate(packet, { protocolVersion: 4 }).length;
  return total;
}

describe('metrics', () => {
  it('counts messages, packets and bytes in and out', async () => {
    const { broker } = createTestBroker();
    expect(broker.metrics()).toMatchObject({ messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 });
    const sub = new CountingClient(PacketClient.open(broker));
    sub.send(connectPacket({ clientId: 'sub' }));
    await sub.next('connack');
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't/#', qos: 2 }] });
    await sub.next('suback');
    const pub = new CountingClient(PacketClient.open(broker));
    pub.send(connectPacket({ clientId: 'pub' }));
    await pub.next('connack');

    pub.send(publishPacket('t/0', 'zero'));
    pub.send(publishPacket('t/1', 'one', { qos: 1, messageId: 1 }));
    pub.send(
      publishPacket(
        't/2',
        Uint8Array.from({ length: 300 }, (_, i) => i),
        { qos: 2, messageId: 2 },
      ),
    );
    pub.send(publishPacket('elsewhere', 'nobody'));
    await pub.next('puback');
    await pub.next('pubrec');
    const delivered = [await sub.next('publish'), await sub.next('publish'), await sub.next('publish')];
    sub.send({ cmd: 'puback', messageId: delivered[1]!.messageId! });
    sub.send({ cmd: 'pubrec', messageId: delivered[2]!.messageId! });
    await sub.next('pubrel');
    await sub.client.settle();

    const metrics = broker.metrics();
    expect(metrics.messagesIn).toBe(4);
    expect(metrics.messagesOut).toBe(3);
    expect(metrics.packetsIn).toBe(sub.sent.length + pub.sent.length);
    expect(metrics.packetsOut).toBe(sub.taken.length + pub.taken.length);
    expect(metrics.bytesIn).toBe(wireBytes([...sub.sent, ...pub.sent]));
    expect(metrics.bytesOut).toBe(wireBytes([...sub.taken, ...pub.taken]));
    expect(metrics.bytesIn).toBeGreaterThan(300);
  });

  it('reports connections, sessions, subscriptions, retained, inflight and queued', async () => {
    const { broker } = createTestBroker();
    const a = await connectClient(broker, 'a');
    const b = await connectClient(broker, 'b', { clean: false });
    await subscribe(a, [
      ['x', 1],
      ['y/#', 0],
    ]);
    await subscribe(b, [['x', 1]]);
    broker.publish({ topic: 'r/1', payload: new Uint8Array([1]), retain: true });
    broker.publish({ topic: 'r/2', payload: new Uint8Array([2]), retain: true, qos: 1 });
    expect(broker.metrics()).toMatchObject({
      connections: 2,
      sessions: 2,
      subscriptions: 3,
      retained: 2,
      inflight: 0,
      queued: 0,
    });

    broker.publish({ topic: 'x', payload: new Uint8Array([3]), qos: 1 });
    expect(broker.metrics().inflight).toBe(2);
    await takePublishes(a);
    b.close();
    await b.waitClosed();
    broker.publish({ topic: 'x', payload: new Uint8Array([4]), qos: 1 });
    // b is offline with its session kept: one message in flight from before, one queued.
    expect(broker.metrics()).toMatchObject({
      connections: 1,
      sessions: 2,
      subscriptions: 3,
      inflight: 3,
      queued: 1,
    });

    a.send({ cmd: 'disconnect' });
    await a.waitClosed();
    broker.publish({ topic: 'r/1', payload: new Uint8Array(0), retain: true });
    expect(broker.metrics()).toMatchObject({
      connections: 0,
      sessions: 1,
      subscriptions: 1,
      retained: 1,
      inflight: 1,
    });
    expect(broker.metrics().connectionsOpened).toBe(2);
    expect(broker.metrics().connectionsClosed).toBe(2);
  });

  it('counts dropped messages by cause', async () => {
    const { broker } = createTestBroker({
      limits: { maxInflight: 1, maxQueuedMessages: 1 },
      auth: { authorizePublish: (_client, topic) => topic !== 'forbidden' },
    });
    const offline = await connectClient(broker, 'offline', { clean: false });
    await subscribe(offline, [['q0', 0]]);
    offline.close();
    await offline.waitClosed();
    const busy = await connectClient(broker, 'busy');
    await subscribe(busy, [['q1', 1]]);
    const pub = await connectClient(broker, 'pub');

    await publishAcked(pub, 'nobody', 'x', { messageId: 1 });
    await publishAcked(pub, 'forbidden', 'x', { messageId: 2 });
    await publishAcked(pub, 'q0', 'x', { messageId: 3 });
    for (let id = 4; id <= 6; id++) await publishAcked(pub, 'q1', 'x', { messageId: id });
    // A retained message with no subscriber is kept, not dropped.
    await publishAcked(pub, 'kept', 'x', { messageId: 7, retain: true });

    expect(broker.metrics().dropped).toEqual({
      'queue-full': 1,
      'output-buffer-full': 0,
      'offline-qos0': 1,
      'no-subscribers': 1,
      'not-authorized': 1,
      expired: 0,
      'packet-too-large': 0,
    });
  });

  it('returns a snapshot: later activity does not change an earlier result', async () => {
    const { broker } = createTestBroker();
    const snapshot = broker.metrics();
    broker.publish({ topic: 'nobody', payload: new Uint8Array([1]) });
    expect(snapshot.dropped['no-subscribers']).toBe(0);
    expect(broker.metrics().dropped['no-subscribers']).toBe(1);
  });
});

describe('events', () => {
  it('emits connect and disconnect with their fields', async () => {
    const { broker } = createTestBroker();
    const connects: ConnectEvent[] = [];
    const disconnects: DisconnectEvent[] = [];
    broker.events.on('connect', (event) => connects.push(event));
    broker.events.on('disconnect', (event) => disconnects.push(event));

    const client = PacketClient.open(broker, 4, { remoteAddress: '10.0.0.7:5000' });
    await client.connect({ clientId: 'dev-1', clean: false, keepalive: 30, username: 'alice' });
    expect(connects).toEqual([
      {
        sessionId: expect.stringMatching(/^[0-9a-f]{16}$/),
        clientId: 'dev-1',
        protocolVersion: 4,
        transport: 'memory',
        remoteAddress: '10.0.0.7:5000',
        cleanSession: false,
        sessionPresent: false,
        keepalive: 30,
        username: 'alice',
      },
    ]);
    client.send({ cmd: 'disconnect' });
    await client.waitClosed();
    expect(disconnects).toEqual([
      {
        sessionId: connects[0]!.sessionId,
        clientId: 'dev-1',
        reason: 'client-disconnect',
        willPublished: false,
      },
    ]);

    const again = await connectClient(broker, 'dev-1', { clean: false });
    expect(connects[1]).toMatchObject({
      sessionId: connects[0]!.sessionId,
      sessionPresent: true,
      username: undefined,
    });
    again.close();
    await again.settle();
    expect(disconnects[1]).toMatchObject({ clientId: 'dev-1', reason: 'peer-closed', willPublished: false });
  });

  it('reports a published will on an abnormal end', async () => {
    const { broker } = createTestBroker();
    const disconnects: DisconnectEvent[] = [];
    broker.events.on('disconnect', (event) => disconnects.push(event));
    const client = PacketClient.open(broker);
    await client.connect({
      clientId: 'w',
      will: { topic: 'wills/w', payload: Buffer.from('gone'), qos: 0, retain: false },
    });
    client.close();
    await client.settle();
    expect(disconnects).toEqual([
      { sessionId: expect.any(String), clientId: 'w', reason: 'peer-closed', willPublished: true },
    ]);
  });

  it('emits subscribe for each granted filter and unsubscribe for each removed one', async () => {
    const { broker } = createTestBroker({ limits: { maxQos: 1 } });
    const subscribes: SubscribeEvent[] = [];
    const unsubscribes: UnsubscribeEvent[] = [];
    let sessionId = '';
    broker.events.on('connect', (event) => {
      sessionId = event.sessionId;
    });
    broker.events.on('subscribe', (event) => subscribes.push(event));
    broker.events.on('unsubscribe', (event) => unsubscribes.push(event));
    const client = await connectClient(broker, 'c');
    await subscribe(client, [
      ['a', 2],
      ['bad/#/x', 0],
      ['b/+', 0],
    ]);
    expect(subscribes).toEqual([
      { sessionId, clientId: 'c', filter: 'a', qos: 1 },
      { sessionId, clientId: 'c', filter: 'b/+', qos: 0 },
    ]);
    client.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a', 'never'] });
    await client.next('unsuback');
    expect(unsubscribes).toEqual([{ sessionId, clientId: 'c', filter: 'a' }]);
  });

  it('emits publish with the message and its number of deliveries', async () => {
    const { broker } = createTestBroker();
    const publishes: PublishEvent[] = [];
    broker.events.on('publish', (event) => publishes.push(event));
    const a = await connectClient(broker, 'a');
    const b = await connectClient(broker, 'b');
    await subscribe(a, [['t/+', 1]]);
    await subscribe(b, [
      ['t/#', 0],
      ['t/x', 2],
    ]);
    await publishAcked(a, 't/x', 'hi', { retain: true });
    broker.publish({ topic: 'none', payload: new Uint8Array([7]), qos: 2 });
    expect(publishes).toHaveLength(2);
    expect(publishes[0]).toMatchObject({ clientId: 'a', topic: 't/x', qos: 1, retain: true, deliveries: 2 });
    expect(Buffer.from(publishes[0]!.payload).toString()).toBe('hi');
    expect(publishes[1]).toMatchObject({
      clientId: undefined,
      topic: 'none',
      qos: 2,
      retain: false,
      deliveries: 0,
    });
    expect([...publishes[1]!.payload]).toEqual([7]);
  });

  it('emits drop with its cause, topic and client id', async () => {
    const { broker } = createTestBroker();
    const drops: DropEvent[] = [];
    broker.events.on('drop', (event) => drops.push(event));
    const offline = await connectClient(broker, 'offline', { clean: false });
    await subscribe(offline, [['t', 0]]);
    offline.close();
    await offline.waitClosed();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 'nowhere', 'x', { messageId: 1 });
    await publishAcked(pub, 't', 'x', { messageId: 2 });
    expect(drops).toEqual([
      // No subscriber: the publisher is named.
      { cause: 'no-subscribers', topic: 'nowhere', clientId: 'pub' },
      // A failed delivery: the subscriber is named.
      { cause: 'offline-qos0', topic: 't', clientId: 'offline' },
    ]);
  });

  it('stops calling a listener once it is removed, by the returned function or by off()', async () => {
    const { broker } = createTestBroker();
    const byUnsubscribe: string[] = [];
    const byOff: string[] = [];
    const kept: string[] = [];
    const stop = broker.events.on('publish', (event) => byUnsubscribe.push(event.topic));
    const listener = (event: PublishEvent): void => {
      byOff.push(event.topic);
    };
    broker.events.on('publish', listener);
    broker.events.on('publish', (event) => kept.push(event.topic));

    broker.publish({ topic: 'one', payload: new Uint8Array(0) });
    stop();
    broker.events.off('publish', listener);
    broker.publish({ topic: 'two', payload: new Uint8Array(0) });
    expect(byUnsubscribe).toEqual(['one']);
    expect(byOff).toEqual(['one']);
    expect(kept).toEqual(['one', 'two']);

    expect(broker.events.has('drop')).toBe(false);
    const stopDrop = broker.events.on('drop', () => {});
    expect(broker.events.has('drop')).toBe(true);
    stopDrop();
    stopDrop();
    expect(broker.events.has('drop')).toBe(false);
  });

  it('a listener removing itself while an event is emitted does not skip the others', async () => {
    const { broker } = createTestBroker();
    const calls: string[] = [];
    const stop = broker.events.on('publish', () => {
      calls.push('first');
      stop();
    });
    broker.events.on('publish', () => calls.push('second'));
    broker.publish({ topic: 'a', payload: new Uint8Array(0) });
    broker.publish({ topic: 'b', payload: new Uint8Array(0) });
    expect(calls).toEqual(['first', 'second', 'second']);
  });
});
