// mqtt-spec: 5.0
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createTestBroker } from '../../testing/test-broker.ts';
import {
  connectClient,
  payloadText,
  publishPacket,
  publishText,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';
import { acceptV5, expectDisconnected } from './v5-helpers.ts';

/** A v5 PUBLISH from a client, with a Topic Alias when `alias` is given. */
function aliased(topic: string, alias: number | undefined, text: string, qos: QoS = 0, messageId?: number) {
  return publishPacket(topic, text, {
    qos,
    messageId,
    ...(alias === undefined ? {} : { properties: { topicAlias: alias } }),
  });
}

/** What a subscriber saw: topic as sent (empty when only the alias was), alias, payload. */
function wire(packet: IPublishPacket): [string, number | undefined, string] {
  return [packet.topic, packet.properties?.topicAlias, payloadText(packet)];
}

describe('Topic Alias from client to broker', () => {
  it('[MQTT-3.3.2-12] accepts every alias from 1 up to the Topic Alias Maximum announced in CONNACK', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 3 } });
    const sub = await acceptV5(broker, 'sub');
    await subscribe(sub.client, [['#', 0]]);
    const pub = await acceptV5(broker, 'pub');
    expect(pub.connack.properties?.topicAliasMaximum).toBe(3);

    pub.client.send(aliased('sensors/a', 1, 'a1'));
    pub.client.send(aliased('sensors/b', 2, 'b1'));
    pub.client.send(aliased('sensors/c', 3, 'c1'));
    pub.client.send(aliased('', 3, 'c2'));
    pub.client.send(aliased('', 1, 'a2'));
    pub.client.send(aliased('', 2, 'b2'));
    const received = await takePublishes(sub.client);
    expect(received.map((p) => [p.topic, payloadText(p)])).toEqual([
      ['sensors/a', 'a1'],
      ['sensors/b', 'b1'],
      ['sensors/c', 'c1'],
      ['sensors/c', 'c2'],
      ['sensors/a', 'a2'],
      ['sensors/b', 'b2'],
    ]);
    // The alias belongs to the publisher's connection: it is not forwarded.
    for (const packet of received) expect(packet.properties?.topicAlias).toBeUndefined();
    expect(pub.client.closed).toBe(false);
  });

  it('[MQTT-3.3.2-12] a PUBLISH with a topic and a known alias maps the alias to the new topic', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 1 } });
    const sub = await acceptV5(broker, 'sub');
    await subscribe(sub.client, [['#', 1]]);
    const pub = await acceptV5(broker, 'pub');
    pub.client.send(aliased('first', 1, 'one', 1, 1));
    pub.client.send(aliased('second', 1, 'two', 1, 2));
    pub.client.send(aliased('', 1, 'three', 1, 3));
    for (const messageId of [1, 2, 3]) {
      expect(await pub.client.next('puback')).toMatchObject({ messageId, reasonCode: 0 });
    }
    const received = await takePublishes(sub.client);
    expect(received.map((p) => [p.topic, payloadText(p)])).toEqual([
      ['first', 'one'],
      ['second', 'two'],
      ['second', 'three'],
    ]);
  });

  it('[MQTT-3.3.2-8] a Topic Alias of 0 ends the connection with DISCONNECT 0x94', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 5 } });
    const sub = await acceptV5(broker, 'sub');
    await subscribe(sub.client, [['#', 0]]);
    const pub = await acceptV5(broker, 'pub');
    pub.client.send(aliased('t', 0, 'zero'));
    await expectDisconnected(pub.client, 0x94);
    expect(await takePublishes(sub.client)).toEqual([]);
  });

  it('[MQTT-3.3.2-12] an alias above the announced maximum ends the connection with DISCONNECT 0x94', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 5 } });
    const pub = await acceptV5(broker, 'pub');
    pub.client.send(aliased('t', 5, 'last allowed', 1, 1));
    expect((await pub.client.next('puback')).messageId).toBe(1);
    pub.client.send(aliased('t', 6, 'one too many', 1, 2));
    await expectDisconnected(pub.client, 0x94);
  });

  it('[MQTT-3.3.2-12] with a Topic Alias Maximum of 0 none is announced and any alias is refused with 0x94', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 0 } });
    const pub = await acceptV5(broker, 'pub');
    expect(pub.connack.properties?.topicAliasMaximum).toBeUndefined();
    pub.client.send(aliased('t', 1, 'no aliases here'));
    await expectDisconnected(pub.client, 0x94);
  });

  it('an empty topic with an alias never set is a protocol error (DISCONNECT 0x82)', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 5 } });
    const pub = await acceptV5(broker, 'pub');
    pub.client.send(aliased('t', 1, 'sets 1'));
    pub.client.send(aliased('', 2, 'unknown 2'));
    await expectDisconnected(pub.client, 0x82);
  });

  it('an empty topic without any alias is a protocol error (DISCONNECT 0x82)', async () => {
    const { broker } = createTestBroker();
    const pub = await acceptV5(broker, 'pub');
    pub.client.send(aliased('', undefined, 'nowhere'));
    await expectDisconnected(pub.client, 0x82);
  });

  it('[MQTT-3.3.2-7] aliases set on one connection are unknown on the next, even with the session resumed', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 5 } });
    const sub = await acceptV5(broker, 'sub');
    await subscribe(sub.client, [['#', 0]]);
    const session = { clean: false, properties: { sessionExpiryInterval: 60 } };
    const first = await acceptV5(broker, 'pub', session);
    first.client.send(aliased('kept/topic', 1, 'before'));
    first.client.send({ cmd: 'disconnect' });
    await first.client.waitClosed();
    expect((await takePublishes(sub.client)).map(payloadText)).toEqual(['before']);

    const second = await acceptV5(broker, 'pub', session);
    second.client.send(aliased('', 1, 'after'));
    await expectDisconnected(second.client, 0x82);
    expect(await takePublishes(sub.client)).toEqual([]);
  });
});

describe('Topic Alias from broker to client', () => {
  it('[MQTT-3.1.2-27] sends no Topic Alias to a client that announced no Topic Alias Maximum', async () => {
    const { broker } = createTestBroker();
    const sub = await acceptV5(broker, 'sub');
    await subscribe(sub.client, [['#', 1]]);
    for (const text of ['1', '2', '3']) publishText(broker, 'same/topic', text, 1);
    publishText(broker, 'same/topic', '4', 0);
    const received = await takePublishes(sub.client);
    expect(received.map(wire)).toEqual([
      ['same/topic', undefined, '1'],
      ['same/topic', undefined, '2'],
      ['same/topic', undefined, '3'],
      ['same/topic', undefined, '4'],
    ]);
  });

  it('[MQTT-3.1.2-27] sends no Topic Alias to a client whose Topic Alias Maximum is 0', async () => {
    const { broker } = createTestBroker();
    const sub = await acceptV5(broker, 'sub', { properties: { topicAliasMaximum: 0 } });
    await subscribe(sub.client, [['#', 0]]);
    publishText(broker, 'x', '1');
    publishText(broker, 'x', '2');
    expect((await takePublishes(sub.client)).map(wire)).toEqual([
      ['x', undefined, '1'],
      ['x', undefined, '2'],
    ]);
  });

  it('[MQTT-3.1.2-26] [MQTT-3.3.2-11] establishes an alias with the topic, then sends an empty topic, never above the maximum', async () => {
    const { broker } = createTestBroker();
    const sub = await acceptV5(broker, 'sub', { properties: { topicAliasMaximum: 2 } });
    await subscribe(sub.client, [['#', 1]]);
    for (const topic of ['a', 'b', 'c', 'a', 'b', 'c']) publishText(broker, topic, topic, 1);
    publishText(broker, 'a', 'qos0', 0);
    const received = await takePublishes(sub.client);
    expect(received.map(wire)).toEqual([
      ['a', 1, 'a'],
      ['b', 2, 'b'],
      ['c', undefined, 'c'],
      ['', 1, 'a'],
      ['', 2, 'b'],
      ['c', undefined, 'c'],
      ['', 1, 'qos0'],
    ]);
  });

  it('[MQTT-3.3.2-7] starts the broker-to-client aliases afresh on a new connection', async () => {
    const { broker } = createTestBroker();
    const fields = { clean: false, properties: { topicAliasMaximum: 4, sessionExpiryInterval: 60 } };
    const first = await acceptV5(broker, 'sub', fields);
    await subscribe(first.client, [['t/#', 1]]);
    publishText(broker, 't/1', 'a', 1);
    publishText(broker, 't/1', 'b', 1);
    const before = await takePublishes(first.client);
    expect(before.map(wire)).toEqual([
      ['t/1', 1, 'a'],
      ['', 1, 'b'],
    ]);
    first.client.send({ cmd: 'disconnect' });
    await first.client.waitClosed();

    // Both unacknowledged messages are re-sent, and the first of them establishes the alias again.
    publishText(broker, 't/1', 'c', 1);
    const second = await acceptV5(broker, 'sub', fields);
    const after = await takePublishes(second.client);
    expect(after.map(wire)).toEqual([
      ['t/1', 1, 'a'],
      ['', 1, 'b'],
      ['', 1, 'c'],
    ]);
    expect(after.map((p) => p.dup)).toEqual([true, true, false]);
  });

  it('[MQTT-3.1.2-24] a message too large for the client establishes no alias', async () => {
    const { broker } = createTestBroker();
    const sub = await acceptV5(broker, 'sub', {
      properties: { topicAliasMaximum: 4, maximumPacketSize: 64 },
    });
    await subscribe(sub.client, [['#', 0]]);
    publishText(broker, 'big', 'x'.repeat(100));
    publishText(broker, 'big', 'small');
    publishText(broker, 'big', 'again');
    expect((await takePublishes(sub.client)).map(wire)).toEqual([
      ['big', 1, 'small'],
      ['', 1, 'again'],
    ]);
    expect(broker.metrics().dropped['packet-too-large']).toBe(1);
  });

  it('aliases one subscriber without changing what another, or a 3.1.1 subscriber, gets', async () => {
    const { broker } = createTestBroker();
    const aliasing = await acceptV5(broker, 'aliasing', { properties: { topicAliasMaximum: 10 } });
    const plain = await acceptV5(broker, 'plain');
    const v3 = await connectClient(broker, 'v3');
    for (const client of [aliasing.client, plain.client, v3]) await subscribe(client, [['t', 0]]);
    publishText(broker, 't', '1');
    publishText(broker, 't', '2');
    expect((await takePublishes(aliasing.client)).map(wire)).toEqual([
      ['t', 1, '1'],
      ['', 1, '2'],
    ]);
    expect((await takePublishes(plain.client)).map(wire)).toEqual([
      ['t', undefined, '1'],
      ['t', undefined, '2'],
    ]);
    expect((await takePublishes(v3)).map(wire)).toEqual([
      ['t', undefined, '1'],
      ['t', undefined, '2'],
    ]);
  });
});
