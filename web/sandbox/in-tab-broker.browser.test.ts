import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrokerSnapshot, LiveEvent } from '../../shared/index.ts';
import { MemoryStore } from '../../shared/index.ts';
import { type SandboxBroker, type SandboxBrokerOptions, startSandboxBroker } from './in-tab-broker.ts';
import { IndexedDbStore } from './indexeddb-store.ts';

const started: SandboxBroker[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.dispose()));
});

async function start(options: SandboxBrokerOptions = {}): Promise<SandboxBroker> {
  const sandbox = await startSandboxBroker({
    store: new MemoryStore(),
    logger: 'silent',
    sysIntervalSeconds: 0,
    ...options,
  });
  started.push(sandbox);
  return sandbox;
}

/** Collects the messages a client receives. */
function inbox(client: MqttClient): IPublishPacket[] {
  const packets: IPublishPacket[] = [];
  client.on('message', (_topic, _payload, packet) => packets.push(packet));
  return packets;
}

const text = (packet: IPublishPacket): string => new TextDecoder().decode(packet.payload as Uint8Array);

/** A store that counts its saves. */
class CountingStore extends MemoryStore {
  saves = 0;
  override async save(snapshot: BrokerSnapshot): Promise<void> {
    this.saves++;
    await super.save(snapshot);
  }
}

describe('startSandboxBroker with unmodified mqtt clients', () => {
  it('carries QoS 1 and QoS 2 messages between two clients (createWebsocket and connect)', async () => {
    const sandbox = await start();
    const subscriber = await sandbox.connectAsync({ clientId: 'subscriber', protocolVersion: 5 });
    const received = inbox(subscriber);
    await subscriber.subscribeAsync('readings/#', { qos: 2 });
    // The option exactly as the README shows it, on a client the sandbox does not know about.
    const publisher = await mqtt.connectAsync('ws://sandbox/mqtt', {
      clientId: 'publisher',
      createWebsocket: sandbox.createWebsocket,
    });
    try {
      // Each resolves once acknowledged: PUBACK, then PUBREC / PUBREL / PUBCOMP.
      await publisher.publishAsync('readings/1', 'one', { qos: 1 });
      await publisher.publishAsync('readings/2', 'two', { qos: 2 });
      await vi.waitFor(() => expect(received).toHaveLength(2));
      expect(received.map((packet) => [packet.topic, text(packet), packet.qos])).toEqual([
        ['readings/1', 'one', 1],
        ['readings/2', 'two', 2],
      ]);
      const sessions = await sandbox.link.sessions();
      expect(sessions.items.map((session) => [session.clientId, session.transport])).toEqual(
        expect.arrayContaining([
          ['subscriber', 'in-tab'],
          ['publisher', 'in-tab'],
        ]),
      );
    } finally {
      await publisher.endAsync();
    }
  });

  it('keeps a retained message for later subscribers, and publishes the will of a client that drops', async () => {
    const sandbox = await start();
    const device = await sandbox.connectAsync({
      clientId: 'device',
      will: { topic: 'status/device', payload: 'offline', qos: 1, retain: false },
    });
    await device.publishAsync('config/device', 'v2', { qos: 1, retain: true });
    const watcher = await sandbox.connectAsync({ clientId: 'watcher' });
    const received = inbox(watcher);
    await watcher.subscribeAsync(['config/#', 'status/#'], { qos: 1 });
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect([received[0]!.topic, text(received[0]!), received[0]!.retain]).toEqual([
      'config/device',
      'v2',
      true,
    ]);

    device.end(true); // the socket goes without DISCONNECT, as a device losing power
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect([received[1]!.topic, text(received[1]!)]).toEqual(['status/device', 'offline']);
  });

  it('takes MQTT 3.1 clients, which ask for the "mqttv3.1" subprotocol', async () => {
    const sandbox = await start();
    const legacy = await sandbox.connectAsync({
      clientId: 'legacy',
      protocolId: 'MQIsdp',
      protocolVersion: 3,
    });
    const [session] = (await sandbox.link.sessions()).items;
    expect(session?.protocolVersion).toBe(3);
    await legacy.endAsync();
  });
});

describe('sandbox persistence', () => {
  it('saves shortly after activity, however busy the broker is', async () => {
    const store = new CountingStore();
    const sandbox = await start({ store, persistDelayMs: 50 });
    const client = await sandbox.connectAsync({ clientId: 'busy' });
    for (let i = 0; i < 20; i++) client.publish('load', String(i), { retain: true });
    await vi.waitFor(() => expect(store.saves).toBeGreaterThan(0));
    const saves = store.saves;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(store.saves - saves).toBeLessThanOrEqual(1);
    expect(
      (await store.load())!.retained.map((message) => new TextDecoder().decode(message.payload)),
    ).toEqual(['19']);
  });

  it('comes back with retained messages and persistent sessions, queued messages included', async () => {
    const store = new MemoryStore();
    const first = await start({ store });
    const durable = await first.connectAsync({ clientId: 'durable', clean: false });
    await durable.subscribeAsync('orders/#', { qos: 1 });
    await durable.endAsync();
    const publisher = await first.connectAsync({ clientId: 'shop' });
    await publisher.publishAsync('orders/1', 'queued while offline', { qos: 1 });
    await publisher.publishAsync('catalog', 'retained', { qos: 1, retain: true });
    await first.dispose();

    const second = await start({ store });
    const again = second.connect({ clientId: 'durable', clean: false });
    const received = inbox(again);
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve) =>
      again.once('connect', resolve),
    );
    expect(connack.sessionPresent).toBe(true);
    await vi.waitFor(() => expect(received.map(text)).toEqual(['queued while offline']));
    const retained = await second.link.retained();
    expect(retained.items.map((message) => message.topic)).toEqual(['catalog']);
  });

  it('uses IndexedDB unless told otherwise', async () => {
    const sandbox = await startSandboxBroker({ logger: 'silent', sysIntervalSeconds: 0 });
    try {
      expect(sandbox.store).toBeInstanceOf(IndexedDbStore);
      sandbox.broker.publish({ topic: 'kept', payload: Uint8Array.from([1]), retain: true });
      await sandbox.persist();
      const kept = await new IndexedDbStore().load();
      expect(kept!.retained.map((message) => message.topic)).toEqual(['kept']);
    } finally {
      await sandbox.dispose();
      await new IndexedDbStore().deleteDatabase();
    }
  });

  it('exports, resets and imports the state; the link and its watchers follow the new broker', async () => {
    const store = new MemoryStore();
    const sandbox = await start({ store });
    const events: LiveEvent[] = [];
    const unwatch = sandbox.link.watch({ publishes: 'all' }, (event) => events.push(event));
    const restarts: unknown[] = [];
    sandbox.onRestart((broker) => restarts.push(broker));
    const client = await sandbox.connectAsync({ clientId: 'keeper', clean: false, reconnectPeriod: 0 });
    await client.subscribeAsync('jobs/#', { qos: 1 });
    await client.publishAsync('jobs/config', 'retained', { qos: 1, retain: true });
    const exported = await sandbox.exportState();
    expect(JSON.parse(exported)).toMatchObject({ format: 'iothub-broker-snapshot', version: 1 });

    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const before = sandbox.broker;
    await sandbox.reset();
    await closed;
    expect(sandbox.broker).not.toBe(before);
    expect(restarts).toEqual([sandbox.broker]);
    expect((await sandbox.link.overview()).sessions).toBe(0);
    expect((await sandbox.link.retained()).total).toBe(0);
    expect((await store.load())!.sessions).toEqual([]);

    await sandbox.importState(exported);
    expect((await sandbox.link.sessions()).items.map((session) => session.clientId)).toEqual(['keeper']);
    expect((await sandbox.link.retained()).items.map((message) => message.topic)).toEqual(['jobs/config']);
    expect((await store.load())!.retained).toHaveLength(1);

    events.length = 0;
    await sandbox.link.publish({
      topic: 'jobs/new',
      payload: 'after import',
      encoding: 'utf8',
      qos: 1,
      retain: false,
    });
    expect(events.map((event) => event.type)).toContain('publish');
    unwatch();
  });

  it('refuses a state that does not load, and keeps running', async () => {
    const sandbox = await start();
    sandbox.broker.publish({ topic: 'still/here', payload: Uint8Array.from([1]), retain: true });
    const broker = sandbox.broker;
    await expect(sandbox.importState('{"format":"iothub-broker-snapshot","version":1}')).rejects.toThrow(
      /retained is missing/,
    );
    await expect(sandbox.importState('not json')).rejects.toThrow(/not valid JSON/);
    expect(sandbox.broker).toBe(broker);
    expect((await sandbox.link.retained()).total).toBe(1);
  });
});
