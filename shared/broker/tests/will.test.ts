import type { IConnectPacket, QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { rawConnect, utf8String } from '../../testing/raw-packets.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import { connectClient, connectPacket, receivedPublishes, recordEvents, subscribe } from './flow-helpers.ts';

const WILL_TOPIC = 'dev/status';

function will(qos: QoS = 1, retain = false): NonNullable<IConnectPacket['will']> {
  return { topic: WILL_TOPIC, payload: Buffer.from('offline'), qos, retain };
}

/** A client subscribed to the will topic. */
async function watch(
  broker: Broker,
  qos: QoS = 2,
  clientId = 'watcher',
  clean = true,
): Promise<PacketClient> {
  const client = await connectClient(broker, clientId, { clean });
  await subscribe(client, [[WILL_TOPIC, qos]]);
  return client;
}

describe('will: when it is published', () => {
  it('[MQTT-3.1.2-8] publishes the will when the keepalive expires', async () => {
    const { broker, env } = createTestBroker();
    const { disconnects } = recordEvents(broker);
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { keepalive: 10, will: will() });
    env.clock.advance(15_000);
    await dev.waitClosed();
    const message = await watcher.next('publish');
    expect(message.topic).toBe(WILL_TOPIC);
    expect(String(message.payload)).toBe('offline');
    expect(disconnects).toEqual([
      expect.objectContaining({ clientId: 'dev', reason: 'keepalive-timeout', willPublished: true }),
    ]);
  });

  it('[MQTT-3.1.2-8] publishes the will when the network connection closes without DISCONNECT', async () => {
    const { broker } = createTestBroker();
    const { disconnects } = recordEvents(broker);
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { will: will() });
    dev.close();
    await dev.waitClosed();
    expect(String((await watcher.next('publish')).payload)).toBe('offline');
    expect(disconnects).toEqual([
      expect.objectContaining({ clientId: 'dev', reason: 'peer-closed', willPublished: true }),
    ]);
  });

  it('[MQTT-3.1.2-8] [MQTT-3.1.2-10] publishes the will once when the server closes the connection for a protocol violation', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { will: will() });
    dev.send(connectPacket({ clientId: 'dev' }));
    await dev.waitClosed();
    await watcher.next('publish');
    await watcher.settle();
    expect(receivedPublishes(watcher)).toEqual([]);
  });

  it('[MQTT-3.1.2-8] [MQTT-2.2.2-2] publishes the will when the connection is closed for a malformed packet', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { will: will() });
    dev.sendBytes([0xc1, 0x00]); // PINGREQ with a reserved flag bit set
    await dev.waitClosed();
    expect(String((await watcher.next('publish')).payload)).toBe('offline');
  });

  it('[MQTT-3.1.2-10] [MQTT-3.14.4-3] does not publish the will after DISCONNECT', async () => {
    const { broker } = createTestBroker();
    const { disconnects, published } = recordEvents(broker);
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { will: will() });
    dev.send({ cmd: 'disconnect' });
    await dev.waitClosed();
    await watcher.settle();
    expect(receivedPublishes(watcher)).toEqual([]);
    expect(published).toEqual([]);
    expect(disconnects).toEqual([
      expect.objectContaining({ clientId: 'dev', reason: 'client-disconnect', willPublished: false }),
    ]);
  });

  it('[MQTT-3.14.1-1] treats a DISCONNECT with reserved bits set as a violation: closes and publishes the will', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { will: will() });
    dev.sendBytes([0xe1, 0x00]);
    await dev.waitClosed();
    expect(String((await watcher.next('publish')).payload)).toBe('offline');
  });

  it('[MQTT-3.1.2-12] publishes nothing when the connection had no will', async () => {
    const { broker } = createTestBroker();
    const { disconnects, published } = recordEvents(broker);
    const watcher = await connectClient(broker, 'watcher');
    watcher.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 2 }] });
    await watcher.next('suback');
    const dev = await connectClient(broker, 'dev', { keepalive: 10 });
    dev.close();
    await dev.waitClosed();
    await watcher.settle();
    expect(receivedPublishes(watcher)).toEqual([]);
    expect(published).toEqual([]);
    expect(disconnects).toEqual([expect.objectContaining({ clientId: 'dev', willPublished: false })]);
  });

  it('does not publish the will of a connection whose CONNECT was refused', async () => {
    const { broker } = createTestBroker({
      auth: {
        authenticate: (request) =>
          request.clientId === 'dev' ? { ok: false, reason: 'not-authorized' } : { ok: true },
      },
    });
    const { published } = recordEvents(broker);
    const watcher = await watch(broker);
    const dev = PacketClient.open(broker);
    expect((await dev.connect({ clientId: 'dev', will: will() })).returnCode).toBe(0x05);
    await dev.waitClosed();
    await watcher.settle();
    expect(receivedPublishes(watcher)).toEqual([]);
    expect(published).toEqual([]);
  });

  it('does not publish wills when the broker shuts down', async () => {
    const { broker } = createTestBroker();
    const { disconnects, published } = recordEvents(broker);
    const dev = await connectClient(broker, 'dev', { will: will() });
    broker.shutdown();
    await dev.waitClosed();
    expect(published).toEqual([]);
    expect(disconnects).toEqual([
      expect.objectContaining({ clientId: 'dev', reason: 'server-shutting-down', willPublished: false }),
    ]);
  });

  it('does not publish a will the client is not authorised to publish', async () => {
    const { broker } = createTestBroker({
      auth: { authorizePublish: (client, topic) => topic.startsWith(`${client.clientId}/`) },
    });
    const { disconnects } = recordEvents(broker);
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'intruder', { will: will() });
    dev.close();
    await dev.waitClosed();
    await watcher.settle();
    expect(receivedPublishes(watcher)).toEqual([]);
    expect(broker.metrics().dropped['not-authorized']).toBe(1);
    expect(disconnects).toEqual([expect.objectContaining({ clientId: 'intruder', willPublished: false })]);
  });
});

describe('will: QoS, retain and topic', () => {
  for (const qos of [0, 1, 2] as const) {
    it(`publishes a QoS ${qos} will at QoS ${qos}`, async () => {
      const { broker } = createTestBroker();
      const watcher = await watch(broker, 2);
      const dev = await connectClient(broker, 'dev', { will: will(qos) });
      dev.close();
      const message = await watcher.next('publish');
      expect(message.qos).toBe(qos);
    });
  }

  it('[MQTT-3.1.2-8] queues a QoS 1 will for a disconnected persistent subscriber', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker, 1, 'watcher', false);
    watcher.close();
    await watcher.waitClosed();
    const dev = await connectClient(broker, 'dev', { will: will(1) });
    dev.close();
    await dev.waitClosed();
    const back = await connectClient(broker, 'watcher', { clean: false });
    const message = await back.next('publish');
    expect(message.qos).toBe(1);
    expect(String(message.payload)).toBe('offline');
  });

  it('[MQTT-3.1.2-16] publishes a will with retain 0 as a non-retained message', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    const dev = await connectClient(broker, 'dev', { will: will(1, false) });
    dev.close();
    expect((await watcher.next('publish')).retain).toBe(false);
    expect(broker.metrics().retained).toBe(0);
    const late = await watch(broker, 1, 'late');
    await late.settle();
    expect(receivedPublishes(late)).toEqual([]);
  });

  it('[MQTT-3.1.2-17] publishes a will with retain 1 as a retained message', async () => {
    const { broker } = createTestBroker();
    const dev = await connectClient(broker, 'dev', { will: will(1, true) });
    dev.close();
    await dev.waitClosed();
    expect(broker.metrics().retained).toBe(1);
    const late = await watch(broker, 1, 'late');
    const message = await late.next('publish');
    expect(message.retain).toBe(true);
    expect(String(message.payload)).toBe('offline');
  });

  it('[MQTT-3.1.2-14] [MQTT-3.1.4-1] closes without CONNACK when the will QoS is 3', async () => {
    const { broker } = createTestBroker();
    const { published } = recordEvents(broker);
    const dev = PacketClient.open(broker);
    const willPart = [...utf8String(WILL_TOPIC), ...utf8String('offline')];
    dev.sendBytes(rawConnect({ flags: 0x02 | 0x04 | 0x18, clientId: 'dev', rest: willPart }));
    await dev.waitClosed();
    expect(dev.received).toEqual([]);
    expect(broker.sessions.size).toBe(0);
    expect(published).toEqual([]);
  });

  it('[MQTT-3.1.4-1] closes without CONNACK when will flag 0 comes with will QoS or will retain set', async () => {
    const { broker } = createTestBroker();
    for (const flags of [0x02 | 0x08, 0x02 | 0x20]) {
      const dev = PacketClient.open(broker);
      dev.sendBytes(rawConnect({ flags, clientId: 'dev' }));
      await dev.waitClosed();
      expect(dev.received).toEqual([]);
    }
    expect(broker.sessions.size).toBe(0);
  });

  for (const topic of ['dev/+', 'dev/#']) {
    it(`[MQTT-3.1.4-1] refuses a will whose topic has a wildcard (${topic}): closes without CONNACK`, async () => {
      const { broker } = createTestBroker();
      const { published } = recordEvents(broker);
      const dev = PacketClient.open(broker);
      dev.send(
        connectPacket({ clientId: 'dev', will: { topic, payload: Buffer.from('x'), qos: 0, retain: false } }),
      );
      await dev.waitClosed();
      expect(dev.received).toEqual([]);
      expect(broker.sessions.size).toBe(0);
      expect(published).toEqual([]);
    });
  }
});
