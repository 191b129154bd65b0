// mqtt-spec: 5.0
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import { payloadText, publishPacket, publishText, takePublishes } from './flow-helpers.ts';
import { connectV5, expectDisconnected, persistent, resumeV5, subscribeV5 } from './v5-helpers.ts';

async function unsubscribeV5(client: PacketClient, filters: string[], messageId = 1): Promise<number[]> {
  client.send({ cmd: 'unsubscribe', messageId, unsubscriptions: filters });
  const unsuback = await client.next('unsuback');
  expect(unsuback.messageId).toBe(messageId);
  return unsuback.granted as number[];
}

const texts = (packets: IPublishPacket[]) => packets.map(payloadText);

describe('SUBSCRIBE and SUBACK', () => {
  it('[MQTT-3.8.4-1] [MQTT-3.8.4-2] [MQTT-2.2.1-6] answers each SUBSCRIBE, refused or not, with a SUBACK of its packet id, in order', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'sub');
    const ids = [1, 300, 0xffff, 2];
    client.send({ cmd: 'subscribe', messageId: ids[0]!, subscriptions: [{ topic: 'a', qos: 1 }] });
    client.send({ cmd: 'subscribe', messageId: ids[1]!, subscriptions: [{ topic: 'a/#/b', qos: 1 }] });
    client.send({ cmd: 'subscribe', messageId: ids[2]!, subscriptions: [{ topic: 'a', qos: 2 }] });
    client.send({ cmd: 'subscribe', messageId: ids[3]!, subscriptions: [{ topic: 'b+', qos: 0 }] });
    await client.settle();
    expect(client.received.map((p) => [p.cmd, p.messageId, 'granted' in p ? p.granted : []])).toEqual([
      ['suback', 1, [1]],
      ['suback', 300, [0x8f]],
      ['suback', 0xffff, [2]],
      ['suback', 2, [0x8f]],
    ]);
  });

  it('[MQTT-3.8.4-5] [MQTT-3.8.4-6] [MQTT-3.8.4-7] answers several filters with one SUBACK: per filter, in order, the granted QoS or a failure', async () => {
    const { broker } = createTestBroker({
      limits: { maxQos: 2 },
      auth: {
        authorizeSubscribe: (_client, filter, qos) =>
          filter.startsWith('secret/') ? false : filter.startsWith('slow/') ? 0 : qos,
      },
    });
    const client = await connectV5(broker, 'sub');
    const codes = await subscribeV5(client, [
      ['q0', 0],
      ['q2', 2],
      ['bad/#/x', 1],
      ['secret/x', 1],
      ['slow/x', 2],
      ['q1/+', 1],
    ]);
    expect(codes).toEqual([0, 2, 0x8f, 0x87, 0, 1]);
    expect(client.received.filter((p) => p.cmd === 'suback')).toEqual([]);
    // Each granted filter works as if subscribed on its own, at its granted QoS.
    for (const topic of ['q0', 'q2', 'secret/x', 'slow/x', 'q1/a']) publishText(broker, topic, topic, 2);
    const received = await takePublishes(client);
    expect(received.map((p) => [payloadText(p), p.qos])).toEqual([
      ['q0', 0],
      ['q2', 2],
      ['slow/x', 0],
      ['q1/a', 1],
    ]);
  });

  it.each([0, 1, 2] as const)(
    '[MQTT-3.8.4-8] delivers a QoS %i message at the lower of its QoS and the granted one',
    async (published) => {
      const { broker } = createTestBroker();
      const subscribers = await Promise.all(
        ([0, 1, 2] as const).map(async (granted) => {
          const client = await connectV5(broker, `granted-${granted}`);
          expect(await subscribeV5(client, [['t', granted]])).toEqual([granted]);
          return client;
        }),
      );
      const pub = await connectV5(broker, 'pub');
      pub.send(publishPacket('t', 'x', { qos: published, messageId: published > 0 ? 1 : undefined }));
      for (const [granted, client] of subscribers.entries()) {
        const [message] = await takePublishes(client);
        expect(message?.qos).toBe(Math.min(published, granted));
      }
    },
  );

  it('[MQTT-3.8.4-3] a SUBSCRIBE with an existing filter replaces that subscription and its options', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'sub');
    await subscribeV5(client, [['t/#', 2]], { messageId: 1 });
    await subscribeV5(client, [['t/#', 1, { nl: true }]], { messageId: 2 });
    expect(broker.router.subscriptionCount).toBe(1);
    client.send(publishPacket('t/own', 'own', { qos: 2, messageId: 1 }));
    await client.next('pubrec');
    publishText(broker, 't/other', 'other', 2);
    // One delivery at the new QoS 1, and No Local now holds.
    const received = await takePublishes(client);
    expect(received.map((p) => [payloadText(p), p.qos])).toEqual([['other', 1]]);
  });

  it('[MQTT-3.8.4-4] replacing with Retain Handling 0 re-sends the retained messages and loses no message in flight or queued', async () => {
    const { broker } = createTestBroker();
    publishText(broker, 'r/kept', 'retained', 1, true);
    const client = await connectV5(broker, 'sub', { properties: { receiveMaximum: 1 } });
    await subscribeV5(client, [['r/#', 1, { rh: 0 }]], { messageId: 1 });
    const [first] = await takePublishes(client);
    expect([payloadText(first!), first!.retain]).toEqual(['retained', true]);
    // Unacknowledged, so the next ones wait in the session queue.
    publishText(broker, 'r/live', 'one', 1);
    publishText(broker, 'r/live', 'two', 1);
    await subscribeV5(client, [['r/#', 1, { rh: 0 }]], { messageId: 2 });
    const order: Array<[string, boolean]> = [];
    let pending = first!;
    for (;;) {
      client.send({ cmd: 'puback', messageId: pending.messageId!, reasonCode: 0 });
      const [next] = await takePublishes(client);
      if (!next) break;
      order.push([payloadText(next), next.retain]);
      pending = next;
    }
    expect(order).toEqual([
      ['one', false],
      ['two', false],
      ['retained', true],
    ]);
  });
});

describe('Topic Names and Topic Filters', () => {
  it('[MQTT-4.7.0-1] accepts wildcards in Topic Filters and closes on a PUBLISH with one in its Topic Name', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    expect(
      await subscribeV5(client, [
        ['a/+/c', 0],
        ['a/#', 0],
        ['+', 0],
      ]),
    ).toEqual([0, 0, 0]);
    for (const topic of ['a/+/c', 'a/#', '+']) {
      const publisher = await connectV5(broker, `pub-${topic}`);
      publisher.send(publishPacket(topic, 'x'));
      await expectDisconnected(publisher, 0x82);
    }
    expect(await takePublishes(client)).toEqual([]);
  });

  it('[MQTT-4.7.1-1] accepts "#" alone or after "/" as the last character, refuses it anywhere else with 0x8F', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    const filters = ['#', 'sport/#', '/#', 'sport#', 'sport/#/x', '#/x', 'sport/te#'];
    const codes = await subscribeV5(
      client,
      filters.map((filter) => [filter, 0] as [string, QoS]),
    );
    expect(codes).toEqual([0, 0, 0, 0x8f, 0x8f, 0x8f, 0x8f]);
    // "sport/#" also matches the parent level.
    await unsubscribeV5(client, ['#'], 2);
    publishText(broker, 'sport', 'parent');
    expect(texts(await takePublishes(client))).toEqual(['parent']);
  });

  it('[MQTT-4.7.3-1] refuses a zero-length Topic Filter with 0x8F and closes on a zero-length Topic Name without an alias', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    expect(
      await subscribeV5(client, [
        ['', 0],
        ['a', 0],
      ]),
    ).toEqual([0x8f, 0]);
    client.send(publishPacket('', 'x'));
    await expectDisconnected(client, 0x82);
  });

  it('[MQTT-4.7.3-4] matches without normalising: case, Unicode composition, spaces and empty levels count', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    await subscribeV5(client, [
      [composed, 0],
      ['Room/A', 0],
      ['x/+', 0],
    ]);
    for (const topic of [decomposed, composed, 'room/a', 'Room/A', 'Room/A ', 'x//y', 'x/', 'x/y/']) {
      publishText(broker, topic, topic);
    }
    // "x/" has an empty last level, which "+" matches; "x//y" and "x/y/" have three levels.
    expect(texts(await takePublishes(client))).toEqual([composed, 'Room/A', 'x/']);
  });
});

describe('UNSUBSCRIBE and UNSUBACK', () => {
  it('[MQTT-3.10.4-1] deletes only a subscription whose filter is character for character the same', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    await subscribeV5(client, [
      ['a/b', 0],
      ['a/+', 0],
    ]);
    expect(await unsubscribeV5(client, ['A/b', 'a/b/', 'a/#', 'a/b'], 2)).toEqual([0x11, 0x11, 0x11, 0]);
    publishText(broker, 'a/b', 'still matched by a/+');
    expect(texts(await takePublishes(client))).toEqual(['still matched by a/+']);
    expect([...broker.sessions.get('c')!.subscriptions.keys()]).toEqual(['a/+']);
  });

  it('[MQTT-3.10.4-2] adds no new matching message to the session after UNSUBSCRIBE, online or offline', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c', persistent);
    await subscribeV5(client, [['t', 1]]);
    await unsubscribeV5(client, ['t'], 2);
    publishText(broker, 't', 'online', 1);
    expect(await takePublishes(client)).toEqual([]);
    client.send({ cmd: 'disconnect' });
    await client.waitClosed();
    publishText(broker, 't', 'offline', 1);
    expect(broker.sessions.get('c')!.queue.toArray()).toEqual([]);
    const back = await resumeV5(broker, 'c');
    expect(await takePublishes(back)).toEqual([]);
  });

  it('[MQTT-3.10.4-3] completes the QoS 1 and QoS 2 deliveries already started, also across a reconnect', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c', persistent);
    await subscribeV5(client, [['t/#', 2]]);
    publishText(broker, 't/1', 'qos1', 1);
    publishText(broker, 't/2', 'qos2', 2);
    const started = await takePublishes(client);
    await unsubscribeV5(client, ['t/#'], 2);
    client.close();
    await client.waitClosed();

    const back = await resumeV5(broker, 'c');
    const resent = await takePublishes(back);
    expect(resent.map((p) => [payloadText(p), p.qos, p.dup, p.messageId])).toEqual(
      started.map((p) => [payloadText(p), p.qos, true, p.messageId]),
    );
    const [qos1, qos2] = resent;
    back.send({ cmd: 'puback', messageId: qos1!.messageId!, reasonCode: 0 });
    back.send({ cmd: 'pubrec', messageId: qos2!.messageId!, reasonCode: 0 });
    expect(await back.next('pubrel')).toMatchObject({ messageId: qos2!.messageId });
    back.send({ cmd: 'pubcomp', messageId: qos2!.messageId!, reasonCode: 0 });
    await back.settle();
    expect(broker.sessions.get('c')!.inflight.size).toBe(0);
  });

  it('[MQTT-3.10.4-4] [MQTT-3.10.4-5] [MQTT-2.2.1-6] answers every UNSUBSCRIBE with an UNSUBACK of its packet id, even when nothing was removed', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    await subscribeV5(client, [['a', 0]]);
    client.send({ cmd: 'unsubscribe', messageId: 0xffff, unsubscriptions: ['never'] });
    client.send({ cmd: 'unsubscribe', messageId: 42, unsubscriptions: ['a'] });
    client.send({ cmd: 'unsubscribe', messageId: 43, unsubscriptions: ['a'] });
    await client.settle();
    expect(client.received.map((p) => [p.cmd, p.messageId, 'granted' in p ? p.granted : []])).toEqual([
      ['unsuback', 0xffff, [0x11]],
      ['unsuback', 42, [0]],
      ['unsuback', 43, [0x11]],
    ]);
  });

  it('[MQTT-3.10.4-6] handles several filters as separate UNSUBSCRIBEs, answered by one UNSUBACK', async () => {
    const { broker } = createTestBroker();
    const client = await connectV5(broker, 'c');
    await subscribeV5(client, [
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
    expect(await unsubscribeV5(client, ['a', 'x', 'c', 'a'], 2)).toEqual([0, 0x11, 0, 0x11]);
    expect(client.received.filter((p) => p.cmd === 'unsuback')).toEqual([]);
    for (const topic of ['a', 'b', 'c']) publishText(broker, topic, topic);
    expect(texts(await takePublishes(client))).toEqual(['b']);
  });
});
