// mqtt-spec: 3.1.1
import type { QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import {
  connectClient,
  payloadText,
  publishAcked,
  publishPacket,
  publishText,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';

function publishRetained(broker: Broker, topic: string, text: string, qos: QoS = 0): void {
  publishText(broker, topic, text, qos, true);
}

describe('retained messages', () => {
  it('[MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-8] keeps a retained PUBLISH and sends it, retain 1, to a later subscriber', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 'status/door', 'open', { retain: true });
    expect(broker.metrics().retained).toBe(1);

    const sub = await connectClient(broker, 'sub');
    expect(await subscribe(sub, [['status/door', 2]])).toEqual([2]);
    const msg = await sub.next('publish');
    expect(msg).toMatchObject({ topic: 'status/door', retain: true, qos: 1, dup: false });
    expect(payloadText(msg)).toBe('open');
  });

  it('[MQTT-3.3.1-5] keeps only the last retained message of a topic', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'first', { retain: true, messageId: 1 });
    await publishAcked(pub, 't', 'second', { retain: true, messageId: 2 });
    expect(broker.metrics().retained).toBe(1);
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['second']);
  });

  it('[MQTT-3.3.1-7] a retained QoS 0 message replaces one retained at a higher QoS', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'qos1', { retain: true });
    pub.send(publishPacket('t', 'qos0', { retain: true }));
    await pub.settle();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    const received = await takePublishes(sub);
    expect(received.map((p) => [payloadText(p), p.qos, p.retain])).toEqual([['qos0', 0, true]]);
  });

  it('[MQTT-3.3.1-10] an empty retained PUBLISH is delivered normally and clears the retained message', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'kept', { retain: true, messageId: 1 });
    const existing = await connectClient(broker, 'existing');
    await subscribe(existing, [['t', 1]]);
    await takePublishes(existing);

    await publishAcked(pub, 't', '', { retain: true, messageId: 2 });
    const forwarded = await takePublishes(existing);
    expect(forwarded.map((p) => [p.payload.length, p.retain])).toEqual([[0, false]]);
    expect(broker.metrics().retained).toBe(0);

    const later = await connectClient(broker, 'later');
    await subscribe(later, [['t', 1]]);
    expect(await takePublishes(later)).toEqual([]);
  });

  it('[MQTT-3.3.1-11] never stores a zero-byte retained message', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 'empty', '', { retain: true });
    pub.send(publishPacket('empty/q0', '', { retain: true }));
    await pub.settle();
    expect(broker.metrics().retained).toBe(0);
    expect(broker.router.retained.get('empty')).toBeUndefined();
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['empty/#', 1]]);
    expect(await takePublishes(sub)).toEqual([]);
  });

  it('[MQTT-3.3.1-12] a PUBLISH with retain 0 is not stored and leaves the retained message alone', async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 't', 'retained', { retain: true, messageId: 1 });
    await publishAcked(pub, 't', 'ordinary', { messageId: 2 });
    await publishAcked(pub, 'other', 'ordinary', { messageId: 3 });
    expect(broker.metrics().retained).toBe(1);
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['#', 1]]);
    expect((await takePublishes(sub)).map((p) => [p.topic, payloadText(p)])).toEqual([['t', 'retained']]);
  });

  it.each([
    [2, 1, 1],
    [1, 2, 1],
    [0, 2, 0],
    [2, 0, 0],
    [2, 2, 2],
  ] as const)(
    '[MQTT-3.8.4-6] a message retained at QoS %i, subscribed at QoS %i, is sent at QoS %i',
    async (retainedQos, subscribedQos, deliveredQos) => {
      const { broker } = createTestBroker();
      publishRetained(broker, 't', 'm', retainedQos);
      const sub = await connectClient(broker, 'sub');
      await subscribe(sub, [['t', subscribedQos]]);
      const msg = await sub.next('publish');
      expect(msg.qos).toBe(deliveredQos);
      expect(msg.retain).toBe(true);
      if (deliveredQos > 0) expect(msg.messageId).toBeGreaterThan(0);
    },
  );

  it('[MQTT-3.3.1-6] a wildcard subscription gets the retained message of every matching topic', async () => {
    const { broker } = createTestBroker();
    for (const topic of [
      'home/kitchen/temp',
      'home/hall/temp',
      'home/kitchen/light',
      'home',
      'garden/temp',
    ]) {
      publishRetained(broker, topic, topic);
    }
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['home/+/temp', 0]]);
    expect((await takePublishes(sub)).map((p) => p.topic).sort()).toEqual([
      'home/hall/temp',
      'home/kitchen/temp',
    ]);
    await subscribe(sub, [['home/#', 0]], 2);
    const all = await takePublishes(sub);
    expect(all.map((p) => p.topic).sort()).toEqual([
      'home',
      'home/hall/temp',
      'home/kitchen/light',
      'home/kitchen/temp',
    ]);
    expect(all.every((p) => p.retain)).toBe(true);
  });

  it('[MQTT-4.7.2-1] "#" and "+/…" do not send retained "$" topics; "$SYS/#" does', async () => {
    const { broker } = createTestBroker();
    publishRetained(broker, '$SYS/broker/version', '1.0');
    publishRetained(broker, 'app/version', '2.0');
    const all = await connectClient(broker, 'all');
    await subscribe(all, [
      ['#', 0],
      ['+/broker/version', 0],
    ]);
    expect((await takePublishes(all)).map((p) => p.topic)).toEqual(['app/version']);
    const sys = await connectClient(broker, 'sys');
    await subscribe(sys, [['$SYS/#', 0]]);
    expect((await takePublishes(sys)).map((p) => p.topic)).toEqual(['$SYS/broker/version']);
  });

  it('[MQTT-3.8.4-3] re-sends the retained messages when a subscription is repeated', async () => {
    const { broker } = createTestBroker();
    publishRetained(broker, 'a/1', 'one', 1);
    publishRetained(broker, 'a/2', 'two', 1);
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['a/+', 1]]);
    const first = await takePublishes(sub);
    for (const p of first) sub.send({ cmd: 'puback', messageId: p.messageId! });
    await subscribe(sub, [['a/+', 1]], 2);
    const again = await takePublishes(sub);
    expect(again.map(payloadText).sort()).toEqual(['one', 'two']);
    expect(again.every((p) => p.retain && p.qos === 1)).toBe(true);
    expect(broker.metrics().subscriptions).toBe(1);
  });

  it('sends the retained message after the SUBACK, and not to a refused filter', async () => {
    const { broker } = createTestBroker({
      auth: { authorizeSubscribe: (_client, filter, qos) => (filter === 'secret' ? false : qos) },
    });
    publishRetained(broker, 'secret', 's');
    publishRetained(broker, 'open', 'o');
    const sub = await connectClient(broker, 'sub');
    sub.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 'secret', qos: 0 },
        { topic: 'open', qos: 0 },
      ],
    });
    await sub.settle();
    expect(sub.received.map((p) => p.cmd)).toEqual(['suback', 'publish']);
    expect(sub.received[1]).toMatchObject({ topic: 'open', retain: true });
  });

  it("[MQTT-3.1.2-7] keeps retained messages after the publisher's session ends", async () => {
    const { broker } = createTestBroker();
    const pub = await connectClient(broker, 'pub');
    await publishAcked(pub, 'last/words', 'still here', { retain: true });
    pub.send({ cmd: 'disconnect' });
    await pub.waitClosed();
    expect(broker.metrics().sessions).toBe(0);
    const sub = await connectClient(broker, 'sub');
    await subscribe(sub, [['last/#', 0]]);
    expect((await takePublishes(sub)).map(payloadText)).toEqual(['still here']);
  });
});
