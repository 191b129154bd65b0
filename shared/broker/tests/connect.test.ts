import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { rawConnect } from '../../testing/raw-packets.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import { connectPacket, publishPacket, recordEvents } from './flow-helpers.ts';

describe('CONNECT: state guard', () => {
  it('[MQTT-3.1.0-1] closes a connection whose first packet is not CONNECT', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker);
    client.send({ cmd: 'pingreq' });
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(broker.connections.size).toBe(0);
    expect(broker.sessions.size).toBe(0);
  });

  it('[MQTT-3.1.0-1] does not route a PUBLISH sent before CONNECT', async () => {
    const { broker } = createTestBroker();
    const sub = PacketClient.open(broker);
    await sub.connect({ clientId: 'sub' });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    await sub.next('suback');
    const rogue = PacketClient.open(broker);
    rogue.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    await rogue.waitClosed();
    await sub.settle();
    expect(sub.received).toEqual([]);
    expect(broker.metrics().messagesIn).toBe(0);
  });

  it('[MQTT-3.1.0-2] closes a connection that sends a second CONNECT', async () => {
    const { broker } = createTestBroker();
    const { disconnects } = recordEvents(broker);
    const client = PacketClient.open(broker);
    expect((await client.connect({ clientId: 'twice' })).returnCode).toBe(0);
    client.send(connectPacket({ clientId: 'twice' }));
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(disconnects).toEqual([expect.objectContaining({ clientId: 'twice', reason: 'protocol-error' })]);
    expect(broker.connectionCount).toBe(0);
  });
});

describe('CONNECT: protocol name and level', () => {
  it('[MQTT-3.1.2-1] [MQTT-3.1.4-1] closes without CONNACK on a wrong protocol name', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker);
    client.sendBytes(rawConnect({ name: 'MQTX' }));
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(broker.sessions.size).toBe(0);
  });

  it('[MQTT-3.1.2-2] answers an unsupported protocol level with CONNACK 0x01, then closes', async () => {
    const { broker } = createTestBroker();
    for (const level of [2, 6, 0x84]) {
      const client = PacketClient.open(broker);
      client.sendBytes(rawConnect({ level }));
      const connack = await client.next('connack');
      expect(connack.returnCode).toBe(0x01);
      expect(connack.sessionPresent).toBe(false);
      await client.waitClosed();
    }
    expect(broker.sessions.size).toBe(0);
    expect(broker.metrics().connectionsRejected).toBe(3);
  });

  it('[MQTT-3.1.2-2] refuses a level that does not go with the protocol name (MQIsdp 4, MQTT 3)', async () => {
    const { broker } = createTestBroker();
    for (const [name, level] of [
      ['MQIsdp', 4],
      ['MQTT', 3],
    ] as const) {
      const client = PacketClient.open(broker);
      client.sendBytes(rawConnect({ name, level }));
      expect((await client.next('connack')).returnCode).toBe(0x01);
      await client.waitClosed();
    }
  });

  it('accepts MQTT 3.1 (MQIsdp, level 3)', async () => {
    const { broker } = createTestBroker();
    const { connects } = recordEvents(broker);
    const client = PacketClient.open(broker, 3);
    const connack = await client.connect({ clientId: 'old-timer' });
    expect(connack.returnCode).toBe(0);
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    expect(connects).toEqual([expect.objectContaining({ clientId: 'old-timer', protocolVersion: 3 })]);
  });

  it('answers a v5 CONNECT with a v5 CONNACK', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker, 5);
    const connack = await client.connect({ clientId: 'modern' });
    expect(connack.reasonCode).toBe(0);
    expect(connack.returnCode).toBeUndefined();
    expect(connack.sessionPresent).toBe(false);
  });

  it('[MQTT-3.1.2-3] closes without CONNACK when the reserved connect flag is 1', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker);
    client.sendBytes(rawConnect({ flags: 0x03 }));
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(broker.sessions.size).toBe(0);
  });
});

describe('CONNECT: client identifier', () => {
  it('[MQTT-3.1.3-6] assigns a unique id to each client that sends an empty one with clean session 1', async () => {
    const { broker } = createTestBroker();
    const { connects } = recordEvents(broker);
    const first = PacketClient.open(broker);
    const second = PacketClient.open(broker);
    expect((await first.connect({ clientId: '' })).returnCode).toBe(0);
    expect((await second.connect({ clientId: '' })).returnCode).toBe(0);
    const [a, b] = connects.map((event) => event.clientId);
    expect(a).toMatch(/^iothub-[0-9a-f]+$/);
    expect(b).toMatch(/^iothub-[0-9a-f]+$/);
    expect(a).not.toBe(b);
    // Processed as if supplied: neither took the other over, both are live.
    await first.settle();
    expect(first.closed || second.closed).toBe(false);
    expect(broker.connectionCount).toBe(2);
    first.send({ cmd: 'pingreq' });
    await first.next('pingresp');
  });

  it('[MQTT-3.1.3-8] [MQTT-3.2.2-4] [MQTT-3.2.2-5] refuses an empty id with clean session 0 (0x02), then closes', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker);
    client.sendBytes(rawConnect({ clientId: '', flags: 0x00 }));
    const connack = await client.next('connack');
    expect(connack.returnCode).toBe(0x02);
    expect(connack.sessionPresent).toBe(false);
    await client.waitClosed();
    expect(broker.sessions.size).toBe(0);
  });

  it('[MQTT-3.1.3-5] accepts a 23-character id of letters and digits', async () => {
    const { broker } = createTestBroker();
    const id = 'abcdefghijklmnopqrstuV9';
    expect(id).toHaveLength(23);
    for (const version of [3, 4] as const) {
      const client = PacketClient.open(broker, version);
      expect((await client.connect({ clientId: id })).returnCode).toBe(0);
      expect(broker.sessions.has(id)).toBe(true);
      client.send({ cmd: 'disconnect' });
      await client.waitClosed();
    }
  });

  it('[MQTT-3.1.3-9] refuses an MQTT 3.1 client id longer than 23 characters with 0x02', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker, 3);
    const connack = await client.connect({ clientId: 'x'.repeat(24) });
    expect(connack.returnCode).toBe(0x02);
    expect(connack.sessionPresent).toBe(false);
    await client.waitClosed();
    expect(broker.sessions.size).toBe(0);
  });

  it('accepts longer ids and other characters from 3.1.1 clients', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker);
    expect((await client.connect({ clientId: `device/ü-${'x'.repeat(100)}` })).returnCode).toBe(0);
  });

  it('returns the assigned id to a v5 client that sent an empty one', async () => {
    const { broker } = createTestBroker();
    const client = PacketClient.open(broker, 5);
    const connack = await client.connect({ clientId: '' });
    expect(connack.reasonCode).toBe(0);
    const assigned = connack.properties?.assignedClientIdentifier;
    expect(assigned).toMatch(/^iothub-/);
    expect(broker.sessions.has(assigned!)).toBe(true);
  });
});

describe('CONNACK', () => {
  it('[MQTT-3.1.4-4] [MQTT-3.2.2-1] accepts with return code 0 and session present 0 for a clean session', async () => {
    const { broker } = createTestBroker();
    // A stored session exists, yet a clean session start reports none.
    const persistent = PacketClient.open(broker);
    await persistent.connect({ clientId: 'c', clean: false });
    persistent.send({ cmd: 'disconnect' });
    await persistent.waitClosed();
    expect(broker.sessions.has('c')).toBe(true);
    const client = PacketClient.open(broker);
    const connack = await client.connect({ clientId: 'c', clean: true });
    expect(connack.returnCode).toBe(0);
    expect(connack.sessionPresent).toBe(false);
  });

  it('[MQTT-3.2.0-1] sends CONNACK before anything else, even with messages queued for the session', async () => {
    const { broker } = createTestBroker();
    const sub = PacketClient.open(broker);
    await sub.connect({ clientId: 'sub', clean: false });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 1 }] });
    await sub.next('suback');
    sub.close();
    await sub.waitClosed();
    broker.publish({ topic: 't', payload: Buffer.from('queued'), qos: 1 });
    const again = PacketClient.open(broker);
    again.send(connectPacket({ clientId: 'sub', clean: false }));
    await again.next('publish');
    expect(again.received.map((packet) => packet.cmd)).toEqual(['connack']);
  });

  it('[MQTT-3.2.2-4] [MQTT-3.2.2-5] a refusal has session present 0 even when a session is stored, and closes', async () => {
    const { broker } = createTestBroker({
      auth: {
        authenticate: (request) =>
          request.username === 'ok' ? { ok: true } : { ok: false, reason: 'bad-credentials' },
      },
    });
    const first = PacketClient.open(broker);
    await first.connect({ clientId: 'c', clean: false, username: 'ok' });
    first.send({ cmd: 'disconnect' });
    await first.waitClosed();
    const refused = PacketClient.open(broker);
    const connack = await refused.connect({ clientId: 'c', clean: false, username: 'bad' });
    expect(connack.returnCode).toBe(0x04);
    expect(connack.sessionPresent).toBe(false);
    await refused.waitClosed();
    // The refused attempt neither used nor discarded the stored session.
    expect(broker.sessions.has('c')).toBe(true);
  });

  it('[MQTT-3.1.4-5] ignores data sent after a refused CONNECT', async () => {
    const { broker } = createTestBroker({
      auth: { authenticate: () => ({ ok: false, reason: 'not-authorized' }) },
    });
    const client = PacketClient.open(broker);
    client.send(connectPacket({ clientId: 'x' }));
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    client.send(publishPacket('a', 'x', { qos: 1, messageId: 2 }));
    await client.waitClosed();
    expect(client.received.map((packet) => packet.cmd)).toEqual(['connack']);
    expect(broker.metrics().messagesIn).toBe(0);
    expect(broker.router.subscriptions.size).toBe(0);
  });
});

describe('CONNECT: limits', () => {
  it('closes a connection that sends no CONNECT within the connect timeout', async () => {
    const { broker, env } = createTestBroker({ limits: { connectTimeoutMs: 5000 } });
    const client = PacketClient.open(broker);
    env.clock.advance(4999);
    await client.settle();
    expect(client.closed).toBe(false);
    env.clock.advance(1);
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(env.logger.records).toContainEqual(
      expect.objectContaining({
        message: 'closing connection',
        fields: expect.objectContaining({ reason: 'connect-timeout' }),
      }),
    );
  });

  it('does not apply the connect timeout once CONNECT was accepted', async () => {
    const { broker, env } = createTestBroker({ limits: { connectTimeoutMs: 5000 } });
    const client = PacketClient.open(broker);
    await client.connect({ keepalive: 0 });
    env.clock.advance(60_000);
    await client.settle();
    expect(client.closed).toBe(false);
  });

  it('refuses a 3.1.1 client whose keepalive is outside the allowed range (0x03)', async () => {
    const { broker } = createTestBroker({ limits: { keepaliveMin: 10, keepaliveMax: 60 } });
    for (const keepalive of [0, 9, 61]) {
      const client = PacketClient.open(broker);
      const connack = await client.connect({ clientId: `k${keepalive}`, keepalive });
      expect(connack.returnCode).toBe(0x03);
      expect(connack.sessionPresent).toBe(false);
      await client.waitClosed();
    }
    for (const keepalive of [10, 60]) {
      const client = PacketClient.open(broker);
      expect((await client.connect({ clientId: `k${keepalive}`, keepalive })).returnCode).toBe(0);
    }
    expect(broker.connectionCount).toBe(2);
  });

  it('imposes the nearest allowed keepalive on a v5 client instead of refusing it', async () => {
    const { broker } = createTestBroker({ limits: { keepaliveMin: 10, keepaliveMax: 60 } });
    const client = PacketClient.open(broker, 5);
    const connack = await client.connect({ keepalive: 300 });
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.serverKeepAlive).toBe(60);
  });

  it('refuses connections beyond maxConnections with 0x03, and accepts again once one has gone', async () => {
    const { broker } = createTestBroker({ limits: { maxConnections: 2 } });
    const a = PacketClient.open(broker);
    const b = PacketClient.open(broker);
    expect((await a.connect({ clientId: 'a' })).returnCode).toBe(0);
    expect((await b.connect({ clientId: 'b' })).returnCode).toBe(0);
    const c = PacketClient.open(broker);
    const refused = await c.connect({ clientId: 'c' });
    expect(refused.returnCode).toBe(0x03);
    expect(refused.sessionPresent).toBe(false);
    await c.waitClosed();
    expect(broker.connectionCount).toBe(2);
    expect(broker.sessions.has('c')).toBe(false);
    expect(broker.metrics().connectionsRejected).toBe(1);
    a.send({ cmd: 'disconnect' });
    await a.waitClosed();
    const d = PacketClient.open(broker);
    expect((await d.connect({ clientId: 'd' })).returnCode).toBe(0);
  });

  it('lets a client take over its own connection when the broker is at maxConnections', async () => {
    const { broker } = createTestBroker({ limits: { maxConnections: 1 } });
    const old = PacketClient.open(broker);
    await old.connect({ clientId: 'dev', clean: false });
    const fresh = PacketClient.open(broker);
    const connack = await fresh.connect({ clientId: 'dev', clean: false });
    expect(connack.returnCode).toBe(0);
    expect(connack.sessionPresent).toBe(true);
    await old.waitClosed();
    expect(broker.connectionCount).toBe(1);
  });
});
