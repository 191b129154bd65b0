// mqtt-spec: 5.0
import type { IConnectPacket, IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import { dropLink, receivedPublishes, subscribe } from './flow-helpers.ts';
import { connectV5 } from './v5-helpers.ts';

const WILL_TOPIC = 'dev/status';
type Will = NonNullable<IConnectPacket['will']>;
type WillProperties = NonNullable<Will['properties']>;

function will(properties: WillProperties = {}, fields: Partial<Will> = {}): Will {
  return { topic: WILL_TOPIC, payload: Buffer.from('offline'), qos: 1, retain: false, properties, ...fields };
}

/** A v5 client 'dev' with a will and a Session Expiry Interval. */
function connectDev(broker: Broker, devWill: Will, sessionExpiryInterval = 0, clean = false) {
  return connectV5(broker, 'dev', { clean, will: devWill, properties: { sessionExpiryInterval } });
}

/** A v5 client subscribed to the will topic. */
async function watch(broker: Broker, version: 4 | 5 = 5, clientId = 'watcher'): Promise<PacketClient> {
  const client = PacketClient.open(broker, version);
  await client.connect({ clientId });
  await subscribe(client, [[WILL_TOPIC, 1]]);
  return client;
}

async function willsReceived(watcher: PacketClient): Promise<IPublishPacket[]> {
  await watcher.settle();
  return receivedPublishes(watcher);
}

describe('Will Delay Interval', () => {
  it('[MQTT-3.1.2-8] publishes the will once the delay has passed', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    await dropLink(await connectDev(broker, will({ willDelayInterval: 30 }), 300));
    env.clock.advance(29_999);
    expect(await willsReceived(watcher)).toEqual([]);
    env.clock.advance(1);
    const [message, ...rest] = await willsReceived(watcher);
    expect(rest).toEqual([]);
    expect(message?.topic).toBe(WILL_TOPIC);
    expect(String(message?.payload)).toBe('offline');
    // The delay is the broker's business; subscribers do not see it.
    expect(message?.properties ?? {}).not.toHaveProperty('willDelayInterval');
  });

  it('[MQTT-3.1.3-9] does not publish the will when the client reconnects before the delay ends', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    await dropLink(await connectDev(broker, will({ willDelayInterval: 30 }), 300));
    env.clock.advance(29_000);
    const back = PacketClient.open(broker, 5);
    expect((await back.connect({ clientId: 'dev', clean: false })).sessionPresent).toBe(true);
    env.clock.advance(60_000);
    expect(await willsReceived(watcher)).toEqual([]);
  });

  it('[MQTT-3.1.3-9] does not publish the delayed will of a connection taken over by a resuming one', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    const old = await connectDev(broker, will({ willDelayInterval: 30 }), 300);
    const fresh = PacketClient.open(broker, 5);
    expect((await fresh.connect({ clientId: 'dev', clean: false })).sessionPresent).toBe(true);
    expect((await old.next('disconnect')).reasonCode).toBe(0x8e);
    env.clock.advance(60_000);
    expect(await willsReceived(watcher)).toEqual([]);
  });

  it('[MQTT-3.1.2-8] publishes the delayed will at once when a Clean Start takeover ends the session', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    await connectDev(broker, will({ willDelayInterval: 30 }), 300);
    const fresh = PacketClient.open(broker, 5);
    expect((await fresh.connect({ clientId: 'dev', clean: true })).sessionPresent).toBe(false);
    expect((await willsReceived(watcher)).map((packet) => String(packet.payload))).toEqual(['offline']);
  });

  it('[MQTT-3.1.2-8] publishes the will when the session expires before the delay', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    await dropLink(await connectDev(broker, will({ willDelayInterval: 60 }), 10));
    env.clock.advance(9_999);
    expect(await willsReceived(watcher)).toEqual([]);
    env.clock.advance(1);
    expect(await willsReceived(watcher)).toHaveLength(1);
    env.clock.advance(60_000);
    expect(await willsReceived(watcher)).toHaveLength(1);
  });

  it('[MQTT-3.1.2-8] publishes the will at once when the session ends with the connection (expiry 0)', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    await dropLink(await connectDev(broker, will({ willDelayInterval: 60 }), 0));
    expect(await willsReceived(watcher)).toHaveLength(1);
  });

  it('[MQTT-3.1.2-8] publishes the will at once without a delay', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    await dropLink(await connectDev(broker, will(), 300));
    expect(await willsReceived(watcher)).toHaveLength(1);
  });

  it('[MQTT-3.1.2-8] the Message Expiry Interval of a delayed will counts from its publication, not the disconnect', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    await dropLink(await connectDev(broker, will({ willDelayInterval: 60, messageExpiryInterval: 30 }), 300));
    env.clock.advance(60_000);
    const [message] = await willsReceived(watcher);
    expect(message?.properties?.messageExpiryInterval).toBe(30);
  });
});

describe('DISCONNECT and the will', () => {
  it('[MQTT-3.14.4-3] [MQTT-3.1.2-10] DISCONNECT 0x00 discards the will, delayed or not', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    for (const delay of [0, 30]) {
      const dev = await connectDev(broker, will({ willDelayInterval: delay }), 300);
      dev.send({ cmd: 'disconnect', reasonCode: 0x00 });
      await dev.waitClosed();
    }
    env.clock.advance(60_000);
    expect(await willsReceived(watcher)).toEqual([]);
  });

  it('[MQTT-3.1.2-8] DISCONNECT 0x04 (with will message) publishes the will', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    const dev = await connectDev(broker, will(), 300);
    dev.send({ cmd: 'disconnect', reasonCode: 0x04 });
    await dev.waitClosed();
    expect((await willsReceived(watcher)).map((packet) => String(packet.payload))).toEqual(['offline']);
  });

  it('[MQTT-3.1.2-8] DISCONNECT 0x04 still waits out the Will Delay Interval', async () => {
    const { broker, env } = createTestBroker();
    const watcher = await watch(broker);
    const dev = await connectDev(broker, will({ willDelayInterval: 20 }), 300);
    dev.send({ cmd: 'disconnect', reasonCode: 0x04 });
    await dev.waitClosed();
    env.clock.advance(19_999);
    expect(await willsReceived(watcher)).toEqual([]);
    env.clock.advance(1);
    expect(await willsReceived(watcher)).toHaveLength(1);
  });
});

describe('will properties', () => {
  it('[MQTT-3.1.3-10] forwards content type, response topic, correlation data, payload format and user properties in order', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker);
    const userProperties = { zeta: '1', alpha: ['2', '3'], mid: '4' };
    await dropLink(
      await connectDev(
        broker,
        will({
          contentType: 'text/plain',
          responseTopic: 'dev/replies',
          correlationData: Buffer.from([1, 2, 3]),
          payloadFormatIndicator: true,
          messageExpiryInterval: 120,
          userProperties,
        }),
      ),
    );
    const [message] = await willsReceived(watcher);
    expect(message?.properties).toMatchObject({
      contentType: 'text/plain',
      responseTopic: 'dev/replies',
      payloadFormatIndicator: true,
      messageExpiryInterval: 120,
    });
    expect(Buffer.from(message?.properties?.correlationData ?? []).equals(Buffer.from([1, 2, 3]))).toBe(true);
    expect(Object.entries(message?.properties?.userProperties ?? {})).toEqual(Object.entries(userProperties));
  });

  it('delivers the will to a 3.1.1 subscriber without properties', async () => {
    const { broker } = createTestBroker();
    const watcher = await watch(broker, 4);
    await dropLink(await connectDev(broker, will({ contentType: 'text/plain', userProperties: { a: 'b' } })));
    const [message] = await willsReceived(watcher);
    expect(String(message?.payload)).toBe('offline');
  });
});

describe('will retain', () => {
  it('[MQTT-3.1.2-14] Will Retain 0: published as a non-retained message', async () => {
    const { broker } = createTestBroker();
    await dropLink(await connectDev(broker, will({}, { retain: false })));
    expect(broker.router.retained.size).toBe(0);
    const late = await watch(broker);
    expect(await willsReceived(late)).toEqual([]);
  });

  it('[MQTT-3.1.2-15] Will Retain 1: published as a retained message, with its properties', async () => {
    const { broker } = createTestBroker();
    const live = await watch(broker);
    await dropLink(await connectDev(broker, will({ contentType: 'text/plain' }, { retain: true })));
    // A live subscriber sees retain 0 [MQTT-3.3.1-9]; a new one gets it as retained [MQTT-3.3.1-8].
    expect((await willsReceived(live)).map((packet) => packet.retain)).toEqual([false]);
    const late = await watch(broker, 5, 'late');
    const [message] = await willsReceived(late);
    expect(message?.retain).toBe(true);
    expect(String(message?.payload)).toBe('offline');
    expect(message?.properties?.contentType).toBe('text/plain');
  });
});
