import type { IClientOptions, MqttClient } from 'mqtt';
import type { IDisconnectPacket, IPublishPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../start-server.ts';
import { MqttClients, type Peer, startTestServer } from './integration-helpers.ts';

interface Received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

function received(topic: string, payload: string, packet: IPublishPacket): Received {
  return { topic, payload, qos: packet.qos, retain: packet.retain };
}

describe.each(['tcp', 'ws'] as const)('mqtt package over %s', (transport) => {
  let server: RunningServer;
  let url: string;
  const clients = new MqttClients();

  beforeEach(async () => {
    server = await startTestServer(['tcp://127.0.0.1:0', 'ws://127.0.0.1:0/mqtt']);
    url = server.listeners[transport === 'tcp' ? 0 : 1]!.url;
  });

  afterEach(async () => {
    await clients.endAll();
    await server.stop(1000);
  });

  function connect(options: IClientOptions = {}): Promise<Peer<Received>> {
    return clients.connectPeer(url, options, received);
  }

  /** Publishes a marker and waits for it: everything published before it has been routed by then. */
  async function flush(
    publisher: MqttClient,
    subscriber: Peer<Received>,
    topic: string,
  ): Promise<Received[]> {
    await publisher.publishAsync(topic, 'marker', { qos: 1 });
    const before: Received[] = [];
    for (;;) {
      const [next] = await subscriber.inbox.take();
      if (next!.topic === topic && next!.payload === 'marker') return before;
      before.push(next!);
    }
  }

  it.each([0, 1, 2] as const)('carries QoS %i from publisher to broker to subscriber', async (qos) => {
    const subscriber = await connect();
    const [grant] = await subscriber.client.subscribeAsync('qos/test', { qos });
    expect(grant?.qos).toBe(qos);
    const publisher = await connect();
    // publishAsync resolves after PUBACK (QoS 1) or PUBCOMP (QoS 2) from the broker.
    await publisher.client.publishAsync('qos/test', `at qos ${qos}`, { qos });
    expect(await subscriber.inbox.take()).toEqual([
      { topic: 'qos/test', payload: `at qos ${qos}`, qos, retain: false },
    ]);
  });

  it('delivers at the lower of the published and the granted QoS', async () => {
    const subscriber = await connect();
    await subscriber.client.subscribeAsync('down/#', { qos: 1 });
    const publisher = await connect();
    await publisher.client.publishAsync('down/2', 'two', { qos: 2 });
    expect((await subscriber.inbox.take())[0]?.qos).toBe(1);
  });

  it('keeps a retained message for later subscribers and clears it with an empty payload [MQTT-3.3.1-5]', async () => {
    const publisher = await connect();
    const live = await connect();
    await live.client.subscribeAsync('retained/#', { qos: 1 });
    await publisher.client.publishAsync('retained/a', 'kept', { qos: 1, retain: true });
    // [MQTT-3.3.1-9] a live subscriber gets it with retain 0.
    expect(await live.inbox.take()).toEqual([
      { topic: 'retained/a', payload: 'kept', qos: 1, retain: false },
    ]);

    // [MQTT-3.3.1-6] [MQTT-3.3.1-8] a new subscription gets it with retain 1.
    const late = await connect();
    await late.client.subscribeAsync('retained/#', { qos: 1 });
    expect(await late.inbox.take()).toEqual([{ topic: 'retained/a', payload: 'kept', qos: 1, retain: true }]);

    // [MQTT-3.3.1-10] an empty retained payload removes it.
    await publisher.client.publishAsync('retained/a', '', { qos: 1, retain: true });
    const later = await connect();
    await later.client.subscribeAsync('retained/#', { qos: 1 });
    expect(await flush(publisher.client, later, 'retained/marker')).toEqual([]);
  });

  it('publishes the will when a connection dies without DISCONNECT [MQTT-3.1.2-8]', async () => {
    const watcher = await connect();
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    const victim = await connect({
      will: { topic: 'will/victim', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    victim.client.stream.destroy();
    expect(await watcher.inbox.take()).toEqual([
      { topic: 'will/victim', payload: 'gone', qos: 1, retain: false },
    ]);
  });

  it('discards the will on a clean DISCONNECT [MQTT-3.14.4-3]', async () => {
    const watcher = await connect();
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    const leaver = await connect({
      will: { topic: 'will/leaver', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    await leaver.client.endAsync();
    await vi.waitFor(() => expect(server.broker.connectionCount).toBe(1));
    expect(await flush(watcher.client, watcher, 'will/marker')).toEqual([]);
  });

  it('queues QoS 1 messages for an offline persistent session and delivers them on reconnect [MQTT-3.1.2-5]', async () => {
    const first = await connect({ clientId: `keeper-${transport}`, clean: false });
    expect(first.connack.sessionPresent).toBe(false);
    await first.client.subscribeAsync('offline/#', { qos: 1 });
    await first.client.endAsync();

    const publisher = await connect();
    for (const n of [1, 2, 3]) await publisher.client.publishAsync(`offline/${n}`, `queued ${n}`, { qos: 1 });
    await publisher.client.publishAsync('offline/qos0', 'not queued', { qos: 0 });

    // [MQTT-3.1.2-4] the session is resumed and says so.
    const second = await connect({ clientId: `keeper-${transport}`, clean: false });
    expect(second.connack.sessionPresent).toBe(true);
    expect(await second.inbox.take(3)).toEqual(
      [1, 2, 3].map((n) => ({ topic: `offline/${n}`, payload: `queued ${n}`, qos: 1, retain: false })),
    );
    // Still subscribed, and the QoS 0 message was not kept for the offline session.
    expect(await flush(publisher.client, second, 'offline/marker')).toEqual([]);
  });

  it.each([4, 5] as const)(
    'closes the older connection when a v%i client id connects again (takeover) [MQTT-3.1.4-2]',
    async (protocolVersion) => {
      const clientId = `twin-${transport}-${protocolVersion}`;
      const older = await connect({ clientId, protocolVersion });
      const disconnects: IDisconnectPacket[] = [];
      older.client.on('disconnect', (packet) => disconnects.push(packet));
      const olderClosed = new Promise<void>((resolve) => older.client.once('close', () => resolve()));

      const newer = await connect({ clientId, protocolVersion });
      await olderClosed;
      // v5 says why: DISCONNECT "session taken over".
      if (protocolVersion === 5) expect(disconnects.map((packet) => packet.reasonCode)).toEqual([0x8e]);
      expect(server.broker.connectionCount).toBe(1);

      await newer.client.subscribeAsync('twin', { qos: 1 });
      await newer.client.publishAsync('twin', 'still here', { qos: 1 });
      expect((await newer.inbox.take())[0]?.payload).toBe('still here');
    },
  );

  it.each([3, 4, 5] as const)('serves an MQTT protocol level %i client', async (protocolVersion) => {
    const peer = await connect({ protocolVersion, protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT' });
    await peer.client.subscribeAsync('level/#', { qos: 2 });
    await peer.client.publishAsync(`level/${protocolVersion}`, 'hello', { qos: 2 });
    expect(await peer.inbox.take()).toEqual([
      { topic: `level/${protocolVersion}`, payload: 'hello', qos: 2, retain: false },
    ]);
  });

  it('routes between clients of protocol levels 3, 4 and 5', async () => {
    const peers = await Promise.all(
      ([3, 4, 5] as const).map((protocolVersion) =>
        connect({ protocolVersion, protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT' }),
      ),
    );
    for (const peer of peers) await peer.client.subscribeAsync('mixed', { qos: 1 });
    for (const [index, peer] of peers.entries()) {
      await peer.client.publishAsync('mixed', `from ${index + 3}`, { qos: 1 });
      for (const receiver of peers) {
        expect((await receiver.inbox.take())[0]?.payload).toBe(`from ${index + 3}`);
      }
    }
  });
});
