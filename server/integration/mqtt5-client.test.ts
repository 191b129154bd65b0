// mqtt-spec: 5.0
import type { IClientOptions } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../start-server.ts';
import { MqttClients, type Peer, startTestServer } from './integration-helpers.ts';

interface Received {
  topic: string;
  payload: string;
  packet: IPublishPacket;
}

function received(topic: string, payload: string, packet: IPublishPacket): Received {
  return { topic, payload, packet };
}

describe('mqtt package at protocolVersion 5 over TCP', () => {
  let server: RunningServer;
  let url: string;
  const clients = new MqttClients();

  beforeEach(async () => {
    server = await startTestServer(['tcp://127.0.0.1:0']);
    url = server.listeners[0]!.url;
  });

  afterEach(async () => {
    await clients.endAll();
    await server.stop(1000);
  });

  function connect(options: IClientOptions = {}): Promise<Peer<Received>> {
    return clients.connectPeer(url, { protocolVersion: 5, ...options }, received);
  }

  it('[MQTT-3.3.4-3] [MQTT-3.3.4-4] carries the Subscription Identifiers of every matching subscription', async () => {
    const sub = await connect();
    expect(sub.connack.properties?.subscriptionIdentifiersAvailable).toBe(true);
    await sub.client.subscribeAsync('ids/+/temp', { qos: 1, properties: { subscriptionIdentifier: 5 } });
    await sub.client.subscribeAsync('ids/#', { qos: 1, properties: { subscriptionIdentifier: 6 } });
    await sub.client.subscribeAsync('other/#', { qos: 1, properties: { subscriptionIdentifier: 7 } });
    const pub = await connect();
    await pub.client.publishAsync('ids/kitchen/temp', '21', { qos: 1 });
    await pub.client.publishAsync('other/x', 'x', { qos: 1 });
    const [both, one] = await sub.inbox.take(2);
    const ids = both!.packet.properties?.subscriptionIdentifier;
    expect([ids].flat().sort()).toEqual([5, 6]);
    expect(one!.packet.properties?.subscriptionIdentifier).toBe(7);
  });

  it('[MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20] forwards User Properties in order and the Content Type', async () => {
    const sub = await connect();
    await sub.client.subscribeAsync('props', { qos: 1 });
    const pub = await connect();
    const userProperties = { first: '1', repeated: ['a', 'b'], last: 'z' };
    await pub.client.publishAsync('props', '{}', {
      qos: 1,
      properties: { userProperties, contentType: 'application/json', payloadFormatIndicator: true },
    });
    const [message] = await sub.inbox.take();
    const properties = message!.packet.properties!;
    expect(properties.userProperties).toEqual(userProperties);
    expect(Object.keys(properties.userProperties!)).toEqual(['first', 'repeated', 'last']);
    expect(properties.contentType).toBe('application/json');
    expect(properties.payloadFormatIndicator).toBe(true);
  });

  it('[MQTT-3.3.2-15] [MQTT-3.3.2-16] a request/response round trip keeps Response Topic and Correlation Data', async () => {
    const responder = await connect();
    await responder.client.subscribeAsync('service/square', { qos: 1 });
    responder.client.on('message', (_topic, payload, packet: IPublishPacket) => {
      const { responseTopic, correlationData } = packet.properties ?? {};
      if (!responseTopic) return;
      const n = Number(payload.toString());
      void responder.client.publishAsync(responseTopic, String(n * n), {
        qos: 1,
        properties: correlationData ? { correlationData } : {},
      });
    });

    const requester = await connect({ clientId: 'requester' });
    const replyTopic = 'service/replies/requester';
    await requester.client.subscribeAsync(replyTopic, { qos: 1 });
    for (const [n, id] of [
      [3, 'first'],
      [7, 'second'],
    ] as const) {
      await requester.client.publishAsync('service/square', String(n), {
        qos: 1,
        properties: { responseTopic: replyTopic, correlationData: Buffer.from(id) },
      });
    }
    const replies = await requester.inbox.take(2);
    const byId = new Map(replies.map((r) => [r.packet.properties?.correlationData?.toString(), r.payload]));
    expect(Object.fromEntries(byId)).toEqual({ first: '9', second: '49' });
    for (const reply of replies) expect(reply.topic).toBe(replyTopic);
  });

  it('shared subscription: three mqtt clients in one group share the messages, one each', async () => {
    const members = await Promise.all([connect(), connect(), connect()]);
    expect(members[0]!.connack.properties?.sharedSubscriptionAvailable).toBe(true);
    for (const member of members) await member.client.subscribeAsync('$share/workers/jobs/+', { qos: 1 });
    const pub = await connect();
    for (let i = 0; i < 9; i++) await pub.client.publishAsync(`jobs/${i}`, String(i), { qos: 1 });
    await vi.waitFor(() =>
      expect(members.reduce((sum, member) => sum + member.inbox.messages.length, 0)).toBe(9),
    );
    // Round robin: three each, and nobody got a message twice.
    for (const member of members) expect(member.inbox.messages).toHaveLength(3);
    const payloads = members.flatMap((member) => member.inbox.messages.map((m) => Number(m.payload)));
    expect(payloads.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('[MQTT-3.3.2-12] accepts Topic Aliases from the client up to the Topic Alias Maximum in CONNACK', async () => {
    const sub = await connect();
    await sub.client.subscribeAsync('alias/#', { qos: 1 });
    const pub = await connect();
    const maximum = pub.connack.properties?.topicAliasMaximum;
    expect(maximum).toBeGreaterThan(0);
    await pub.client.publishAsync('alias/first', 'sets alias 1', { qos: 1, properties: { topicAlias: 1 } });
    await pub.client.publishAsync('', 'uses alias 1', { qos: 1, properties: { topicAlias: 1 } });
    await pub.client.publishAsync('alias/last', 'sets the last', {
      qos: 1,
      properties: { topicAlias: maximum! },
    });
    await pub.client.publishAsync('', 'uses the last', { qos: 1, properties: { topicAlias: maximum! } });
    const received = await sub.inbox.take(4);
    expect(received.map((m) => [m.topic, m.payload])).toEqual([
      ['alias/first', 'sets alias 1'],
      ['alias/first', 'uses alias 1'],
      ['alias/last', 'sets the last'],
      ['alias/last', 'uses the last'],
    ]);
  });

  it('[MQTT-3.3.2-11] sends Topic Aliases to a client that announced a Topic Alias Maximum', async () => {
    const sub = await connect({ properties: { topicAliasMaximum: 2 } });
    await sub.client.subscribeAsync('aliased/#', { qos: 0 });
    const pub = await connect();
    for (const n of [1, 2, 3]) await pub.client.publishAsync('aliased/topic', String(n), { qos: 1 });
    const received = await sub.inbox.take(3);
    // The mqtt client resolves the alias for its 'message' event; the packet shows what was sent.
    expect(received.map((m) => [m.topic, m.packet.topic, m.packet.properties?.topicAlias])).toEqual([
      ['aliased/topic', 'aliased/topic', 1],
      ['aliased/topic', '', 1],
      ['aliased/topic', '', 1],
    ]);
  });

  it('[MQTT-3.3.2-5] [MQTT-3.3.2-6] drops a queued message once it expires and forwards the rest with the time left', async () => {
    const session: IClientOptions = {
      clientId: 'expiring-sub',
      clean: false,
      properties: { sessionExpiryInterval: 60 },
    };
    const first = await connect(session);
    await first.client.subscribeAsync('expiry/#', { qos: 1 });
    await first.client.endAsync();

    const pub = await connect();
    await pub.client.publishAsync('expiry/short', 'gone', {
      qos: 1,
      properties: { messageExpiryInterval: 1 },
    });
    await pub.client.publishAsync('expiry/long', 'kept', {
      qos: 1,
      properties: { messageExpiryInterval: 60 },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const second = await connect(session);
    expect(second.connack.sessionPresent).toBe(true);
    const [kept] = await second.inbox.take();
    expect(kept!.payload).toBe('kept');
    const left = kept!.packet.properties?.messageExpiryInterval;
    expect(left).toBeGreaterThanOrEqual(58);
    expect(left).toBeLessThanOrEqual(59);
    await pub.client.publishAsync('expiry/marker', 'marker', { qos: 1 });
    const [marker] = await second.inbox.take();
    expect(marker!.payload).toBe('marker');
    expect(server.broker.metrics().dropped.expired).toBe(1);
  });
});
