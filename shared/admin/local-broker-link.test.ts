import type { QoS } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../broker/broker.ts';
import { createMessage } from '../broker/message.ts';
import { PacketClient } from '../testing/packet-client.ts';
import { createTestBroker } from '../testing/test-broker.ts';
import { AdminInputError } from './admin-input.ts';
import type { PublishAction } from './broker-link.ts';
import { createLocalBrokerLink, type LocalBrokerLink } from './local-broker-link.ts';

const links: LocalBrokerLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.dispose();
});

function setup(sysIntervalSeconds = 0) {
  const { broker, env } = createTestBroker();
  const link = createLocalBrokerLink(broker, { mode: 'sandbox', version: '9.9.9', sysIntervalSeconds });
  links.push(link);
  return { broker, env, link };
}

async function connect(broker: Broker, clientId: string, options: { clean?: boolean; version?: 4 | 5 } = {}) {
  const client = PacketClient.open(broker, options.version ?? 4, {
    remoteAddress: `10.0.0.${clientId.length}:5000`,
  });
  expect(
    (await client.connect({ clientId, clean: options.clean ?? true, username: `user-${clientId}` }))
      .returnCode ?? 0,
  ).toBe(0);
  return client;
}

async function subscribe(client: PacketClient, topic: string, qos: QoS = 0): Promise<void> {
  client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] });
  await client.next('suback');
}

function publishFrom(client: PacketClient, topic: string, payload: string, retain = false): void {
  client.send({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain, dup: false });
}

const action = (fields: Partial<PublishAction>): PublishAction => ({
  topic: 't',
  payload: '',
  encoding: 'utf8',
  qos: 0,
  retain: false,
  ...fields,
});

describe('overview', () => {
  it('counts connections, sessions, subscriptions and traffic, with rates from per-second samples', async () => {
    const { broker, env, link } = setup();
    const sub = await connect(broker, 'sub');
    await subscribe(sub, 'a/#');
    const pub = await connect(broker, 'pub');
    for (let i = 0; i < 10; i++) publishFrom(pub, 'a/b', 'hello');
    await sub.next('publish');
    await sub.settle();
    env.clock.advance(1000);
    const overview = await link.overview();
    expect(overview).toMatchObject({
      version: '9.9.9',
      mode: 'sandbox',
      connections: 2,
      maxConnections: 2,
      sessions: 2,
      subscriptions: 1,
      totals: { messagesIn: 10, messagesOut: 10 },
      rates: { messagesIn: 10, messagesOut: 10 },
      uptimeSeconds: 1,
      droppedTotal: 0,
    });
    expect(overview.rates.bytesIn).toBeGreaterThan(0);
    pub.close();
    await pub.waitClosed();
    expect(await link.overview()).toMatchObject({ connections: 1, maxConnections: 2 });
  });
});

describe('sessions', () => {
  it('lists sessions with their connection, searchable and paged', async () => {
    const { broker, link } = setup();
    await connect(broker, 'sensor-1');
    await connect(broker, 'sensor-2');
    const offline = await connect(broker, 'gateway', { clean: false });
    offline.close();
    await offline.waitClosed();

    const all = await link.sessions();
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({
      clientId: 'sensor-1',
      connected: true,
      cleanSession: true,
      protocolVersion: 4,
      transport: 'memory',
      remoteAddress: '10.0.0.8:5000',
      username: 'user-sensor-1',
      keepalive: 0,
      subscriptions: 0,
    });
    expect(all.items[2]).toMatchObject({ clientId: 'gateway', connected: false, cleanSession: false });
    expect(all.items[2]!.disconnectedAt).toBeTypeOf('number');
    expect(all.items[2]!.remoteAddress).toBeUndefined();

    expect((await link.sessions({ search: 'SENSOR' })).total).toBe(2);
    expect((await link.sessions({ search: 'user-gate' })).total).toBe(0);
    expect((await link.sessions({ search: '10.0.0.8' })).total).toBe(2);
    // An offline session has no address to match.
    expect((await link.sessions({ search: '10.0.0.7' })).total).toBe(0);
    expect((await link.sessions({ state: 'offline' })).items.map((s) => s.clientId)).toEqual(['gateway']);
    expect((await link.sessions({ state: 'connected' })).total).toBe(2);
    expect(await link.sessions({ offset: 1, limit: 1 })).toMatchObject({
      total: 3,
      offset: 1,
      items: [{ clientId: 'sensor-2' }],
    });
  });

  it('details a session: subscriptions and the messages queued for it while offline', async () => {
    const { broker, link } = setup();
    const device = await connect(broker, 'device', { clean: false });
    await subscribe(device, 'cmd/#', 1);
    device.close();
    await device.waitClosed();
    await link.publish(action({ topic: 'cmd/reboot', payload: 'now', qos: 1 }));

    const detail = await link.session('device');
    expect(detail).toMatchObject({
      clientId: 'device',
      connected: false,
      subscriptions: 1,
      queued: 1,
      subscriptionList: [{ clientId: 'device', filter: 'cmd/#', qos: 1 }],
      inflightMessages: [],
      queuedMessages: [
        { topic: 'cmd/reboot', qos: 1, retain: false, payload: { base64: btoa('now'), size: 3 } },
      ],
    });
    expect(await link.session('nobody')).toBeUndefined();
  });

  it('shows the v5 subscription options a client set', async () => {
    const { broker, link } = setup();
    const client = await connect(broker, 'v5', { version: 5 });
    client.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: 'a/#', qos: 1, nl: true, rap: true, rh: 2 }],
      properties: { subscriptionIdentifier: 7 },
    });
    await client.next('suback');
    const [view] = (await link.session('v5'))!.subscriptionList;
    expect(view).toMatchObject({
      filter: 'a/#',
      qos: 1,
      noLocal: true,
      retainAsPublished: true,
      retainHandling: 2,
    });
    expect(view!.subscriptionIdentifier).toBe(7);
  });

  it('lists subscriptions over all sessions, searchable by filter or client id', async () => {
    const { broker, link } = setup();
    const a = await connect(broker, 'a');
    await subscribe(a, 'x/1');
    await subscribe(a, 'y/#');
    const b = await connect(broker, 'b');
    await subscribe(b, 'x/+');
    expect((await link.subscriptions()).total).toBe(3);
    expect(
      (await link.subscriptions({ search: 'x/' })).items.map((s) => `${s.clientId} ${s.filter}`),
    ).toEqual(['a x/1', 'b x/+']);
    expect((await link.subscriptions({ search: 'b' })).items).toEqual([
      { clientId: 'b', filter: 'x/+', qos: 0 },
    ]);
    expect((await link.subscriptions({ offset: 2 })).items).toHaveLength(1);
  });
});

describe('topics and retained messages', () => {
  it('fills the topic list from publishes, with the retained flag and recent messages', async () => {
    const { broker, link } = setup();
    const pub = await connect(broker, 'pub');
    publishFrom(pub, 'home/temp', '21.5', true);
    publishFrom(pub, 'home/temp', '21.7', true);
    publishFrom(pub, 'home/door', 'open');
    await pub.settle();
    // A retained message restored from storage, never published since start.
    broker.router.retained.set(
      'old/state',
      createMessage(
        {
          topic: 'old/state',
          payload: Buffer.from('on'),
          qos: 1,
          retain: true,
          properties: undefined,
          origin: 'x',
        },
        5,
      ),
    );
    const topics = await link.topics();
    expect(topics.map((t) => [t.topic, t.messages, t.retained])).toEqual([
      ['home/door', 1, false],
      ['home/temp', 2, true],
      ['old/state', 0, true],
    ]);
    expect(topics[1]!.lastPayload?.base64).toBe(btoa('21.7'));
    const recent = await link.topicMessages('home/temp');
    expect(recent.map((m) => [atob(m.payload.base64), m.clientId, m.retain])).toEqual([
      ['21.5', 'pub', true],
      ['21.7', 'pub', true],
    ]);
    expect(await link.topicMessages('old/state')).toMatchObject([
      { topic: 'old/state', retain: true, at: 5 },
    ]);
    expect(await link.topicMessages('none')).toEqual([]);
    await expect(link.topicMessages('a/#')).rejects.toBeInstanceOf(AdminInputError);
  });

  it('lists retained messages by filter, paged, and leaves $SYS out of "#" [MQTT-4.7.2-1]', async () => {
    const { broker, link } = setup(1);
    for (const topic of ['b/1', 'a/1', 'a/2/x'])
      await link.publish(action({ topic, payload: topic, retain: true }));
    const all = await link.retained();
    expect(all.items.map((m) => m.topic)).toEqual(['a/1', 'a/2/x', 'b/1']);
    expect(all.items[0]).toMatchObject({ retain: true, qos: 0, payload: { base64: btoa('a/1') } });
    expect((await link.retained({ filter: 'a/+' })).items.map((m) => m.topic)).toEqual(['a/1']);
    expect(await link.retained({ filter: 'a/#', offset: 1, limit: 5 })).toMatchObject({
      total: 2,
      items: [{ topic: 'a/2/x' }],
    });
    expect((await link.retained({ filter: '$SYS/#' })).total).toBeGreaterThan(10);
    expect(broker.router.retained.size).toBe(3 + (await link.retained({ filter: '$SYS/#' })).total);
    await expect(link.retained({ filter: 'a/#/b' })).rejects.toThrow('invalid topic filter');
  });

  it('leaves out retained messages whose Message Expiry Interval ran out [MQTT-3.3.2-5]', async () => {
    const { env, link } = setup();
    await link.publish(
      action({ topic: 'short', payload: 'x', retain: true, properties: { messageExpiryInterval: 5 } }),
    );
    await link.publish(action({ topic: 'long', payload: 'x', retain: true }));
    expect((await link.retained()).total).toBe(2);
    env.clock.advance(6000);
    expect((await link.retained()).items.map((m) => m.topic)).toEqual(['long']);
  });

  it('deletes retained messages by topic and by filter, so new subscribers no longer get them', async () => {
    const { broker, link } = setup(1);
    for (const topic of ['a/1', 'a/2', 'a/2/x', 'b/1'])
      await link.publish(action({ topic, payload: 'v', retain: true }));
    expect(await link.deleteRetained({ topic: 'b/1' })).toEqual({ deleted: 1 });
    expect(await link.deleteRetained({ topic: 'b/1' })).toEqual({ deleted: 0 });
    expect(await link.deleteRetained({ filter: 'a/+' })).toEqual({ deleted: 2 });
    expect((await link.retained()).items.map((m) => m.topic)).toEqual(['a/2/x']);
    // "#" spares $SYS.
    expect(await link.deleteRetained({ filter: '#' })).toEqual({ deleted: 1 });
    expect((await link.retained({ filter: '$SYS/#' })).total).toBeGreaterThan(0);
    const late = await connect(broker, 'late');
    await subscribe(late, 'a/#');
    expect((await late.settle()).filter((p) => p.cmd === 'publish')).toEqual([]);
    await expect(link.deleteRetained({ topic: 'a/+' })).rejects.toThrow('invalid topic name');
    await expect(link.deleteRetained({ filter: '' })).rejects.toThrow('filter is required');
  });
});

describe('actions', () => {
  it('publishes as the broker, utf8 or base64, with v5 properties', async () => {
    const { broker, link } = setup();
    const sub = await connect(broker, 'sub', { version: 5 });
    await subscribe(sub, 'out/#', 1);
    const result = await link.publish(
      action({
        topic: 'out/1',
        payload: btoa('\u0001\u0002'),
        encoding: 'base64',
        qos: 1,
        properties: { contentType: 'application/octet-stream', userProperties: { k: 'v' } },
      }),
    );
    expect(result).toEqual({ deliveries: 1 });
    const packet = await sub.next('publish');
    expect([...packet.payload]).toEqual([1, 2]);
    expect(packet.qos).toBe(1);
    expect(packet.properties).toMatchObject({
      contentType: 'application/octet-stream',
      userProperties: { k: 'v' },
    });
    expect(await link.publish(action({ topic: 'nobody/listens', payload: 'é' }))).toEqual({ deliveries: 0 });
  });

  it.each([
    [{ topic: '' }, 'topic is required'],
    [{ topic: 'a/+' }, 'invalid topic name'],
    [{ qos: 3 as QoS }, 'qos must be 0, 1 or 2'],
    [{ encoding: 'hex' as 'utf8' }, 'encoding must be'],
    [{ payload: 'not base64!', encoding: 'base64' as const }, 'payload is not valid base64'],
    [{ retain: 'yes' as unknown as boolean }, 'retain must be true or false'],
    [{ properties: { responseTopic: 'r/#' } }, 'properties.responseTopic: invalid topic name'],
    [{ properties: { messageExpiryInterval: -1 } }, 'messageExpiryInterval must be an integer'],
    [{ properties: { colour: 'red' } as never }, 'properties.colour: unknown property'],
  ])('refuses a bad publish %j', async (fields, message) => {
    const { link } = setup();
    const failure = await link.publish(action(fields)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AdminInputError);
    expect((failure as Error).message).toContain(message);
  });

  it('disconnects a v5 client with DISCONNECT 0x98, publishes its will, keeps its persistent session', async () => {
    const { broker, link } = setup();
    const watcher = await connect(broker, 'watcher');
    await subscribe(watcher, 'wills/#');
    const client = PacketClient.open(broker, 5);
    await client.connect({
      clientId: 'kicked',
      clean: false,
      properties: { sessionExpiryInterval: 60 },
      will: { topic: 'wills/kicked', payload: Buffer.from('gone'), qos: 0, retain: false },
    });
    expect(await link.disconnectClient('kicked')).toBe(true);
    expect((await client.next('disconnect')).reasonCode).toBe(0x98);
    await client.waitClosed();
    expect(String((await watcher.next('publish')).payload)).toBe('gone');
    expect(await link.session('kicked')).toMatchObject({ connected: false });
    expect(await link.disconnectClient('kicked')).toBe(false);
    expect(await link.disconnectClient('nobody')).toBe(false);
  });

  it('deletes a session: closes the connection and discards subscriptions and queue', async () => {
    const { broker, link } = setup();
    const client = await connect(broker, 'gone', { clean: false });
    await subscribe(client, 'x', 1);
    expect(await link.deleteSession('gone')).toBe(true);
    await client.waitClosed();
    expect(await link.session('gone')).toBeUndefined();
    expect(broker.router.subscriptions.size).toBe(0);
    expect(await link.deleteSession('gone')).toBe(false);
    const offline = await connect(broker, 'offline', { clean: false });
    offline.close();
    await offline.waitClosed();
    expect(await link.deleteSession('offline')).toBe(true);
    expect(broker.sessions.size).toBe(0);
  });
});

describe('lifecycle', () => {
  it('dispose stops its timers and detaches from the broker', () => {
    const { broker, env } = createTestBroker();
    const before = env.clock.pendingTimers;
    const link = createLocalBrokerLink(broker, { mode: 'server', version: '1', sysIntervalSeconds: 10 });
    link.watch({ publishes: 'all' }, () => {});
    expect(env.clock.pendingTimers).toBe(before + 2);
    expect(broker.events.has('publish')).toBe(true);
    link.dispose();
    expect(env.clock.pendingTimers).toBe(before);
    for (const name of ['publish', 'connect', 'disconnect', 'subscribe', 'unsubscribe'] as const) {
      expect(broker.events.has(name)).toBe(false);
    }
    env.clock.advance(60_000);
    expect(env.clock.pendingTimers).toBe(before);
  });
});
