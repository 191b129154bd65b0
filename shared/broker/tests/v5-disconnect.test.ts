// mqtt-spec: 5.0
import type { IConnectPacket, IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import { acceptClient, publishPacket } from './flow-helpers.ts';
import { connectPacketV5 } from './v5-helpers.ts';

async function connect(broker: Broker, fields: Partial<IConnectPacket> = {}, version: 4 | 5 = 5) {
  return (await acceptClient(broker, { clientId: 'dev', ...fields }, version)).client;
}

/**
 * The server's DISCONNECT: the expected reason code, no Session Expiry Interval [MQTT-3.14.2-2],
 * nothing sent after it [MQTT-3.14.4-1], and the connection closed [MQTT-3.14.4-2].
 */
async function expectDisconnect(client: PacketClient, reasonCode: number): Promise<void> {
  const packet = await client.next('disconnect');
  expect(packet.reasonCode).toBe(reasonCode);
  expect(packet.properties?.sessionExpiryInterval).toBeUndefined();
  await client.waitClosed();
  expect(await client.settle()).toEqual([]);
}

describe('the server sends DISCONNECT with a reason code before closing a v5 connection', () => {
  it('[MQTT-3.1.4-3] 0x8E to the connection taken over', async () => {
    const { broker } = createTestBroker();
    const old = await connect(broker, { properties: { sessionExpiryInterval: 60 } });
    const fresh = await connect(broker, { clean: false });
    await expectDisconnect(old, 0x8e);
    expect(fresh.closed).toBe(false);
  });

  it('[MQTT-3.1.2-22] 0x8D when the keepalive runs out', async () => {
    const { broker, env } = createTestBroker();
    const client = await connect(broker, { keepalive: 10 });
    env.clock.advance(15_000);
    await expectDisconnect(client, 0x8d);
  });

  it('[MQTT-3.1.0-2] 0x82 for a second CONNECT', async () => {
    const { broker } = createTestBroker();
    const client = await connect(broker);
    client.send(connectPacketV5());
    await expectDisconnect(client, 0x82);
  });

  it('[MQTT-3.14.1-1] 0x81 for a DISCONNECT with reserved flag bits set', async () => {
    const { broker } = createTestBroker();
    const client = await connect(broker);
    client.sendBytes([0xe1, 0x00]);
    await expectDisconnect(client, 0x81);
  });

  it('[MQTT-4.13.1-1] 0x81 for a malformed packet', async () => {
    const { broker } = createTestBroker();
    const client = await connect(broker);
    // PUBLISH with QoS 3.
    client.sendBytes([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]);
    await expectDisconnect(client, 0x81);
  });

  it('[MQTT-4.13.1-1] 0x95 for a packet above the Maximum Packet Size', async () => {
    const { broker } = createTestBroker({ limits: { maxPacketSize: 64 } });
    const client = await connect(broker);
    client.send(publishPacket('big', 'x', { payload: Buffer.alloc(100) }));
    await expectDisconnect(client, 0x95);
  });

  it('0x8B to every v5 client when the broker shuts down; 3.1.1 clients are just closed', async () => {
    const { broker } = createTestBroker();
    const a = await connect(broker, { clientId: 'a' });
    const b = await connect(broker, { clientId: 'b' });
    const old = await connect(broker, { clientId: 'c' }, 4);
    broker.shutdown();
    await expectDisconnect(a, 0x8b);
    await expectDisconnect(b, 0x8b);
    await old.waitClosed();
    expect(old.received).toEqual([]);
  });

  it('0x93 when the client has more unreleased QoS 2 messages than the Receive Maximum', async () => {
    const { broker } = createTestBroker({ limits: { receiveMaximum: 2 } });
    const client = await connect(broker);
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 1 }));
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 2 }));
    await client.next('pubrec');
    await client.next('pubrec');
    // Releasing one makes room for another.
    client.send({ cmd: 'pubrel', messageId: 1 });
    expect((await client.next('pubcomp')).messageId).toBe(1);
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 3 }));
    expect((await client.next('pubrec')).messageId).toBe(3);
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 4 }));
    await expectDisconnect(client, 0x93);
  });

  it('a re-sent QoS 2 PUBLISH not yet released does not count twice against the Receive Maximum', async () => {
    const { broker } = createTestBroker({ limits: { receiveMaximum: 1 } });
    const client = await connect(broker);
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 1 }));
    await client.next('pubrec');
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 1, dup: true }));
    await client.next('pubrec');
    expect(client.closed).toBe(false);
  });

  it.each([
    ['alias 0', {}, 0],
    ['an alias above the Topic Alias Maximum', { topicAliasMaximum: 5 }, 6],
    ['an alias when aliases are disabled', { topicAliasMaximum: 0 }, 1],
  ])('0x94 for %s', async (_name, limits, alias) => {
    const { broker } = createTestBroker({ limits });
    const client = await connect(broker);
    client.send(publishPacket('t', 'x', { properties: { topicAlias: alias } }));
    await expectDisconnect(client, 0x94);
  });

  it('0x82 for an alias that was never set', async () => {
    const { broker } = createTestBroker();
    const client = await connect(broker);
    client.send(publishPacket('', 'x', { properties: { topicAlias: 3 } }));
    await expectDisconnect(client, 0x82);
  });

  it('0x9B for a PUBLISH above the Maximum QoS (a client breaking [MQTT-3.2.2-11])', async () => {
    const { broker } = createTestBroker({ limits: { maxQos: 1 } });
    const client = await connect(broker);
    client.send(publishPacket('q', 'x', { qos: 2, messageId: 1 }));
    await expectDisconnect(client, 0x9b);
  });

  it('0x9A for a retained PUBLISH when retain is not available (a client breaking [MQTT-3.2.2-14])', async () => {
    const { broker } = createTestBroker({ limits: { retainAvailable: false } });
    const client = await connect(broker);
    client.send(publishPacket('r', 'x', { retain: true }));
    await expectDisconnect(client, 0x9a);
  });

  it('0x82 for AUTH on a connection that did not use enhanced authentication', async () => {
    const { broker } = createTestBroker();
    const client = await connect(broker);
    client.send({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'SCRAM-SHA-256' } });
    await expectDisconnect(client, 0x82);
  });
});

describe('a client DISCONNECT', () => {
  it('[MQTT-3.1.2-8] [MQTT-3.1.2-10] only reason code 0x00 discards the will; an error code publishes it', async () => {
    const { broker } = createTestBroker();
    const watcher = await connect(broker, { clientId: 'watcher' });
    watcher.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'will/+', qos: 0 }] });
    await watcher.next('suback');
    for (const code of [0x00, 0x80, 0x83]) {
      const will = { topic: `will/${code}`, payload: Buffer.from('gone'), qos: 0 as const, retain: false };
      const client = await connect(broker, { will });
      client.send({ cmd: 'disconnect', reasonCode: code });
      await client.waitClosed();
      expect(client.received).toEqual([]);
    }
    await watcher.settle();
    expect(watcher.received.map((packet) => (packet as IPublishPacket).topic)).toEqual([
      'will/128',
      'will/131',
    ]);
  });
});

describe('[MQTT-3.14.0-1] no DISCONNECT before a successful CONNACK', () => {
  it('a refused CONNECT gets its CONNACK only', async () => {
    const { broker } = createTestBroker({
      auth: { authenticate: () => ({ ok: false, reason: 'not-authorized' }) },
    });
    const client = PacketClient.open(broker, 5);
    expect((await client.connect()).reasonCode).toBe(0x87);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });

  it('a malformed packet while the authentication hook runs closes without DISCONNECT', async () => {
    const { broker } = createTestBroker({ auth: { authenticate: () => new Promise(() => {}) } });
    const client = PacketClient.open(broker, 5);
    client.send(connectPacketV5());
    client.sendBytes([0xc1, 0x00]);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });

  it('a CONNECT with an invalid will topic closes without DISCONNECT', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker, 5);
    client.send(
      connectPacketV5({ will: { topic: 'a/+', payload: Buffer.from('x'), qos: 0, retain: false } }),
    );
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });

  it('a CONNECT above the Maximum Packet Size closes without DISCONNECT', async () => {
    const { broker } = createTestBroker({ limits: { maxPacketSize: 64 } });
    const client = PacketClient.open(broker, 5);
    client.send(connectPacketV5({ clientId: 'x'.repeat(100) }));
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });

  it('a shutdown or a connect timeout during authentication closes without DISCONNECT', async () => {
    const { broker, env } = createTestBroker({ auth: { authenticate: () => new Promise(() => {}) } });
    const waiting = PacketClient.open(broker, 5);
    waiting.send(connectPacketV5({ clientId: 'a' }));
    const silent = PacketClient.open(broker, 5);
    await waiting.settle();
    env.clock.advance(broker.limits.connectTimeoutMs);
    await silent.waitClosed();
    await waiting.waitClosed();
    expect(waiting.received).toEqual([]);

    const late = PacketClient.open(broker, 5);
    late.send(connectPacketV5({ clientId: 'b' }));
    await late.settle();
    broker.shutdown();
    await late.waitClosed();
    expect(late.received).toEqual([]);
  });
});
