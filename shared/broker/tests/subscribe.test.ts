// mqtt-spec: 3.1.1
import type { QoS } from 'mqtt-packet';
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

describe('SUBSCRIBE and SUBACK', () => {
  it('[MQTT-3.8.4-1] [MQTT-3.8.4-2] [MQTT-2.3.1-7] answers every SUBSCRIBE with a SUBACK of the same packet id', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    for (const messageId of [1, 300, 65535]) {
      client.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic: `t/${messageId}`, qos: 1 }] });
      expect((await client.next('suback')).messageId).toBe(messageId);
    }
  });

  it('[MQTT-3.8.4-4] [MQTT-3.8.4-5] [MQTT-3.9.3-1] answers several filters with one SUBACK, a code per filter, in order', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    const granted = await subscribe(client, [
      ['a', 2],
      ['b/+', 0],
      ['bad#', 1],
      ['c/#', 1],
      ['d', 0],
    ]);
    expect(granted).toEqual([2, 0, 0x80, 1, 0]);
    await client.settle();
    expect(client.received.filter((p) => p.cmd === 'suback')).toEqual([]);
    expect(broker.metrics().subscriptions).toBe(4);
    // Each accepted filter works as if subscribed on its own.
    broker.publish({ topic: 'c/x', payload: new Uint8Array([1]), qos: 2 });
    broker.publish({ topic: 'b/y', payload: new Uint8Array([2]), qos: 2 });
    const received = await takePublishes(client);
    expect(received.map((p) => [p.topic, p.qos])).toEqual([
      ['c/x', 1],
      ['b/y', 0],
    ]);
  });

  it('[MQTT-3.9.3-2] uses only the return codes 0x00, 0x01, 0x02 and 0x80', async () => {
    const { broker } = createTestBroker({
      limits: { maxQos: 1 },
      auth: { authorizeSubscribe: (_client, filter, qos) => (filter === 'denied' ? false : qos) },
    });
    const client = await connectClient(broker, 'c');
    const granted = await subscribe(client, [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['denied', 2],
      ['x/#/y', 0],
      ['+', 2],
    ]);
    for (const code of granted) expect([0x00, 0x01, 0x02, 0x80]).toContain(code);
    expect(granted).toEqual([0, 1, 1, 0x80, 0x80, 1]);
  });

  it.each(['a/#/b', 'a+', '#/x', 'sport/tennis#', 'a/b+'])(
    '[MQTT-4.7.1-2] [MQTT-4.7.1-3] refuses the invalid filter %j with 0x80 and keeps the connection',
    async (filter) => {
      const { broker } = createTestBroker();
      const client = await connectClient(broker, 'c');
      expect(await subscribe(client, [[filter, 1]])).toEqual([0x80]);
      expect(broker.metrics().subscriptions).toBe(0);
      expect(client.closed).toBe(false);
      expect(await subscribe(client, [['ok', 1]], 2)).toEqual([1]);
    },
  );

  it('grants at most the maxQos limit and delivers at that QoS', async () => {
    const { broker } = createTestBroker({ limits: { maxQos: 1 } });
    const client = await connectClient(broker, 'c');
    expect(await subscribe(client, [['t', 2]])).toEqual([1]);
    broker.publish({ topic: 't', payload: new Uint8Array([1]), qos: 2 });
    expect((await client.next('publish')).qos).toBe(1);
  });

  it('asks authorizeSubscribe per filter: false refuses with 0x80, a lower QoS is granted', async () => {
    const calls: Array<[string, string, QoS]> = [];
    const { broker } = createTestBroker({
      limits: { maxQos: 1 },
      auth: {
        authorizeSubscribe(client, filter, requestedQos) {
          calls.push([client.clientId, filter, requestedQos]);
          if (filter.startsWith('private/')) return false;
          if (filter === 'limited') return 0;
          // Granting more than requested is capped at the request.
          return 2;
        },
      },
    });
    const client = await connectClient(broker, 'alice');
    expect(
      await subscribe(client, [
        ['private/x', 1],
        ['limited', 1],
        ['open', 0],
        ['capped', 2],
      ]),
    ).toEqual([0x80, 0, 0, 1]);
    // The hook sees the request already capped at maxQos.
    expect(calls).toEqual([
      ['alice', 'private/x', 1],
      ['alice', 'limited', 1],
      ['alice', 'open', 0],
      ['alice', 'capped', 1],
    ]);
    broker.publish({ topic: 'private/x', payload: new Uint8Array([1]), qos: 1 });
    broker.publish({ topic: 'limited', payload: new Uint8Array([2]), qos: 1 });
    const received = await takePublishes(client);
    expect(received.map((p) => [p.topic, p.qos])).toEqual([['limited', 0]]);
  });

  it('[MQTT-3.8.4-3] a repeated filter replaces the subscription: its new QoS applies, it counts once, messages keep flowing', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    const pub = await connectClient(broker, 'pub');
    await subscribe(client, [['t/+', 2]]);
    await publishAcked(pub, 't/1', 'before', { messageId: 1 });
    expect(await subscribe(client, [['t/+', 0]], 2)).toEqual([0]);
    await publishAcked(pub, 't/1', 'after', { messageId: 2 });
    const received = await takePublishes(client);
    expect(received.map((p) => [payloadText(p), p.qos])).toEqual([
      ['before', 1],
      ['after', 0],
    ]);
    expect(broker.metrics().subscriptions).toBe(1);
  });

  it('[MQTT-3.3.5-1] overlapping subscriptions deliver one copy at the highest matching QoS', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    await subscribe(client, [
      ['a/+', 0],
      ['a/#', 2],
      ['a/b', 1],
      ['#', 0],
    ]);
    broker.publish({ topic: 'a/b', payload: new Uint8Array([2]), qos: 2 });
    broker.publish({ topic: 'a/b', payload: new Uint8Array([1]), qos: 1 });
    broker.publish({ topic: 'a/c', payload: new Uint8Array([3]), qos: 2 });
    broker.publish({ topic: 'z', payload: new Uint8Array([4]), qos: 2 });
    const received = await takePublishes(client);
    expect(received.map((p) => [p.topic, p.qos])).toEqual([
      ['a/b', 2],
      ['a/b', 1],
      ['a/c', 2],
      ['z', 0],
    ]);
  });

  it('[MQTT-4.7.2-1] wildcard subscriptions: "#" and "+" match ordinary topics, not "$" ones', async () => {
    const { broker } = createTestBroker();
    const all = await connectClient(broker, 'all');
    await subscribe(all, [
      ['#', 0],
      ['+/status', 0],
    ]);
    const sys = await connectClient(broker, 'sys');
    await subscribe(sys, [['$SYS/#', 0]]);
    for (const topic of ['dev/status', '$SYS/status', '$SYS/broker/uptime', 'a/$b', '/leading']) {
      broker.publish({ topic, payload: new Uint8Array([0]) });
    }
    expect((await takePublishes(all)).map((p) => p.topic)).toEqual(['dev/status', 'a/$b', '/leading']);
    expect((await takePublishes(sys)).map((p) => p.topic)).toEqual(['$SYS/status', '$SYS/broker/uptime']);
  });

  it('[MQTT-4.7.3-4] matches topics character for character, case sensitive', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    await subscribe(client, [
      ['Kitchen/+', 0],
      ['caf\u00e9', 0],
    ]);
    for (const topic of ['kitchen/light', 'Kitchen/light', 'KITCHEN/light', 'cafe\u0301', 'caf\u00e9']) {
      broker.publish({ topic, payload: new Uint8Array([0]) });
    }
    expect((await takePublishes(client)).map((p) => p.topic)).toEqual(['Kitchen/light', 'caf\u00e9']);
  });
});

describe('UNSUBSCRIBE and UNSUBACK', () => {
  it('[MQTT-3.10.4-4] [MQTT-2.3.1-7] answers UNSUBSCRIBE with an UNSUBACK of the same packet id', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    await subscribe(client, [['t', 1]]);
    client.send({ cmd: 'unsubscribe', messageId: 4321, unsubscriptions: ['t'] });
    expect((await client.next('unsuback')).messageId).toBe(4321);
    expect(broker.metrics().subscriptions).toBe(0);
  });

  it('[MQTT-3.10.4-5] sends UNSUBACK for a filter that was never subscribed', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    client.send({ cmd: 'unsubscribe', messageId: 8, unsubscriptions: ['never/subscribed'] });
    expect((await client.next('unsuback')).messageId).toBe(8);
    expect(client.closed).toBe(false);
  });

  it('[MQTT-3.10.4-1] removes only a filter that is character for character the same', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    await subscribe(client, [['a/+', 1]]);
    client.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a/b', 'A/+', 'a/#', 'a/+/'] });
    await client.next('unsuback');
    expect(broker.metrics().subscriptions).toBe(1);
    broker.publish({ topic: 'a/b', payload: new Uint8Array([1]) });
    expect((await takePublishes(client)).map((p) => p.topic)).toEqual(['a/b']);
    client.send({ cmd: 'unsubscribe', messageId: 3, unsubscriptions: ['a/+'] });
    await client.next('unsuback');
    expect(broker.metrics().subscriptions).toBe(0);
  });

  it('[MQTT-3.10.4-2] delivers no new messages for a deleted subscription', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    const pub = await connectClient(broker, 'pub');
    await subscribe(client, [
      ['t', 1],
      ['keep', 1],
    ]);
    client.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['t'] });
    await client.next('unsuback');
    await publishAcked(pub, 't', 'gone', { messageId: 1 });
    await publishAcked(pub, 'keep', 'kept', { messageId: 2 });
    expect((await takePublishes(client)).map(payloadText)).toEqual(['kept']);
  });

  it('[MQTT-3.10.4-3] completes QoS 1 and QoS 2 deliveries already started before the UNSUBSCRIBE', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    await subscribe(client, [
      ['q1', 1],
      ['q2', 2],
    ]);
    broker.publish({ topic: 'q1', payload: new Uint8Array([1]), qos: 1 });
    broker.publish({ topic: 'q2', payload: new Uint8Array([2]), qos: 2 });
    const [one, two] = await takePublishes(client);
    client.send({ cmd: 'unsubscribe', messageId: 5, unsubscriptions: ['q1', 'q2'] });
    await client.next('unsuback');
    expect(broker.metrics().inflight).toBe(2);

    client.send({ cmd: 'puback', messageId: one!.messageId! });
    client.send({ cmd: 'pubrec', messageId: two!.messageId! });
    expect((await client.next('pubrel')).messageId).toBe(two!.messageId);
    client.send({ cmd: 'pubcomp', messageId: two!.messageId! });
    await client.settle();
    expect(broker.metrics().inflight).toBe(0);
  });

  it('[MQTT-3.10.4-6] handles several filters as separate UNSUBSCRIBEs, answered by one UNSUBACK', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    await subscribe(client, [
      ['a', 0],
      ['b/#', 1],
      ['c', 2],
    ]);
    const events: string[] = [];
    broker.events.on('unsubscribe', (event) => events.push(event.filter));
    client.send({ cmd: 'unsubscribe', messageId: 9, unsubscriptions: ['a', 'never', 'b/#'] });
    expect((await client.next('unsuback')).messageId).toBe(9);
    await client.settle();
    expect(client.received.filter((p) => p.cmd === 'unsuback')).toEqual([]);
    expect(events).toEqual(['a', 'b/#']);
    expect(broker.metrics().subscriptions).toBe(1);
    for (const topic of ['a', 'b/x', 'c']) broker.publish({ topic, payload: new Uint8Array([0]) });
    expect((await takePublishes(client)).map((p) => p.topic)).toEqual(['c']);
  });

  it('can subscribe again after unsubscribing', async () => {
    const { broker } = createTestBroker();
    const client = await connectClient(broker, 'c');
    const pub = await connectClient(broker, 'pub');
    await subscribe(client, [['t', 1]]);
    client.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['t'] });
    await client.next('unsuback');
    await subscribe(client, [['t', 1]], 3);
    pub.send(publishPacket('t', 'back'));
    expect(payloadText(await client.next('publish'))).toBe('back');
  });
});
