import { Buffer } from 'buffer';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../testing/packet-client.ts';
import { createTestBroker } from '../testing/test-broker.ts';
import { MemoryStore } from './broker-store.ts';

describe('broker persistence through a store', () => {
  it('restores retained messages and persistent sessions with their subscriptions, inflight and queued messages', async () => {
    const store = new MemoryStore();
    const first = createTestBroker({ store });
    const sub = PacketClient.open(first.broker);
    await sub.connect({ clientId: 'keeper', clean: false });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'data/#', qos: 1 }] });
    await sub.next('suback');
    const pub = PacketClient.open(first.broker);
    await pub.connect({ clientId: 'pub' });
    const publish = (topic: string, body: string, retain = false) =>
      pub.send({
        cmd: 'publish',
        topic,
        payload: Buffer.from(body),
        qos: 1,
        retain,
        dup: false,
        messageId: 1,
      });
    publish('data/1', 'in flight');
    const inflight = await sub.next('publish');
    sub.close();
    await sub.settle();
    publish('data/2', 'queued');
    publish('config/x', 'retained', true);
    await pub.next('puback');
    await pub.settle();
    await first.broker.persist();

    const second = createTestBroker({ store });
    await second.broker.restore();
    expect(second.broker.metrics()).toMatchObject({
      sessions: 1,
      subscriptions: 1,
      retained: 1,
      queued: 1,
      inflight: 1,
    });

    const back = PacketClient.open(second.broker);
    const connack = await back.connect({ clientId: 'keeper', clean: false });
    expect(connack.sessionPresent).toBe(true);
    const redelivered = await back.next('publish');
    expect(redelivered).toMatchObject({ topic: 'data/1', dup: true, messageId: inflight.messageId });
    const queued = await back.next('publish');
    expect(queued.topic).toBe('data/2');
    expect(String(queued.payload)).toBe('queued');

    back.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'config/#', qos: 0 }] });
    const retained = await back.next('publish');
    expect(retained).toMatchObject({ topic: 'config/x', retain: true });
  });

  it('does not keep clean sessions', async () => {
    const store = new MemoryStore();
    const first = createTestBroker({ store });
    const client = PacketClient.open(first.broker);
    await client.connect({ clientId: 'transient', clean: true });
    await first.broker.persist();
    const saved = await store.load();
    expect(saved?.sessions).toEqual([]);
  });

  it('[MQTT-4.1.0-2] a restored session still expires on its interval, counted from its disconnect', async () => {
    const store = new MemoryStore();
    const first = createTestBroker({ store });
    const client = PacketClient.open(first.broker, 5);
    await client.connect({ clientId: 'expiring', clean: false, properties: { sessionExpiryInterval: 60 } });
    client.send({ cmd: 'disconnect', reasonCode: 0 });
    await client.waitClosed();
    first.env.clock.advance(10_000);
    await first.broker.persist();

    const second = createTestBroker({ store });
    second.env.clock.advance(10_000);
    await second.broker.restore();
    expect(second.broker.sessions.has('expiring')).toBe(true);
    second.env.clock.advance(49_000);
    expect(second.broker.sessions.has('expiring')).toBe(true);
    second.env.clock.advance(1_000);
    expect(second.broker.sessions.has('expiring')).toBe(false);
  });
});
