// mqtt-spec: 5.0
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import { disconnect, dropLink, expectSubscribed, receivedPublishes } from './flow-helpers.ts';
import { acceptV5 } from './v5-helpers.ts';

const NEVER = 0xffffffff;

/** Connects with Clean Start 0 and the given Session Expiry Interval (absent when undefined). */
function resume(broker: Broker, expiry?: number) {
  return acceptV5(broker, 'dev', {
    clean: false,
    ...(expiry === undefined ? {} : { properties: { sessionExpiryInterval: expiry } }),
  });
}

describe('Session Expiry Interval', () => {
  it('[MQTT-3.1.2-23] absent or 0: the session ends with the connection', async () => {
    const { broker } = createTestBroker();
    const first = await acceptV5(broker, 'dev', { clean: false });
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    expect(broker.sessions.has('dev')).toBe(false);
    expect(broker.router.subscriptionCount).toBe(0);
    const zero = await resume(broker, 0);
    expect(zero.connack.sessionPresent).toBe(false);
  });

  it('[MQTT-3.1.2-23] [MQTT-4.1.0-2] N seconds: the session is kept for N seconds after the connection ends, then discarded', async () => {
    const { broker, env } = createTestBroker();
    const first = await resume(broker, 60);
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    env.clock.advance(59_999);
    expect(broker.sessions.has('dev')).toBe(true);
    env.clock.advance(1);
    expect(broker.sessions.has('dev')).toBe(false);
    expect(broker.router.subscriptionCount).toBe(0);
    expect((await resume(broker, 60)).connack.sessionPresent).toBe(false);
  });

  it('[MQTT-3.1.2-5] [MQTT-3.2.2-3] a reconnect within the interval finds the session, with its subscriptions', async () => {
    const { broker, env } = createTestBroker();
    const first = await resume(broker, 60);
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    env.clock.advance(59_999);
    const again = await resume(broker, 60);
    expect(again.connack.sessionPresent).toBe(true);
    broker.publish({ topic: 'cmd/x', payload: Buffer.from('go'), qos: 1 });
    expect(String((await again.client.next('publish')).payload)).toBe('go');
  });

  it('[MQTT-4.1.0-1] the interval starts when the connection ends, and restarts after a resumed connection', async () => {
    const { broker, env } = createTestBroker();
    const first = await resume(broker, 10);
    // Connected for far longer than the interval: the session stays.
    env.clock.advance(3_600_000);
    expect(broker.sessions.has('dev')).toBe(true);
    await dropLink(first.client);
    env.clock.advance(9_000);
    const second = await resume(broker, 10);
    expect(second.connack.sessionPresent).toBe(true);
    await dropLink(second.client);
    // The first interval would have ended a second later: its timer no longer counts.
    env.clock.advance(9_999);
    expect(broker.sessions.has('dev')).toBe(true);
    env.clock.advance(1);
    expect(broker.sessions.has('dev')).toBe(false);
  });

  it('[MQTT-3.1.2-23] an interval beyond the 24.8-day host timer limit still expires on time', async () => {
    const { broker, env } = createTestBroker();
    const thirtyDays = 30 * 24 * 3600;
    await dropLink((await resume(broker, thirtyDays)).client);
    env.clock.advance(thirtyDays * 1000 - 1);
    expect(broker.sessions.has('dev')).toBe(true);
    env.clock.advance(1);
    expect(broker.sessions.has('dev')).toBe(false);
  });

  it('[MQTT-3.1.2-23] 0xFFFFFFFF: the session never expires', async () => {
    const { broker, env } = createTestBroker();
    await dropLink((await resume(broker, NEVER)).client);
    expect(env.clock.pendingTimers).toBe(0);
    env.clock.advance(NEVER * 1000 + 1);
    expect((await resume(broker, NEVER)).connack.sessionPresent).toBe(true);
  });

  it('caps the interval at limits.maxSessionExpiry and returns the granted value in CONNACK', async () => {
    const { broker, env } = createTestBroker({ limits: { maxSessionExpiry: 100 } });
    const capped = await resume(broker, NEVER);
    expect(capped.connack.properties?.sessionExpiryInterval).toBe(100);
    await dropLink(capped.client);
    env.clock.advance(100_000);
    expect(broker.sessions.has('dev')).toBe(false);

    // Within the cap, CONNACK leaves the client's value alone.
    const within = await resume(broker, 50);
    expect(within.connack.properties).not.toHaveProperty('sessionExpiryInterval');
  });

  it('[MQTT-3.1.2-23] queued QoS 1 messages survive within the interval and go with the session', async () => {
    const { broker, env } = createTestBroker();
    const first = await resume(broker, 60);
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    broker.publish({ topic: 'cmd/1', payload: Buffer.from('one'), qos: 1 });
    broker.publish({ topic: 'cmd/2', payload: Buffer.from('two'), qos: 1 });
    env.clock.advance(30_000);
    const again = await resume(broker, 60);
    expect(again.connack.sessionPresent).toBe(true);
    await again.client.settle();
    expect(receivedPublishes(again.client).map((packet) => [packet.qos, String(packet.payload)])).toEqual([
      [1, 'one'],
      [1, 'two'],
    ]);
    await dropLink(again.client);

    // Queued while offline, then expired with the session: nothing arrives.
    broker.publish({ topic: 'cmd/3', payload: Buffer.from('three'), qos: 1 });
    env.clock.advance(60_000);
    const fresh = await resume(broker, 60);
    expect(fresh.connack.sessionPresent).toBe(false);
    await fresh.client.settle();
    expect(receivedPublishes(fresh.client)).toEqual([]);
    expect(broker.metrics().queued).toBe(0);
  });

  it('delivers queued QoS 1 messages in order on resume', async () => {
    const { broker } = createTestBroker();
    const first = await resume(broker, 60);
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    for (const n of ['1', '2', '3']) broker.publish({ topic: 'cmd/n', payload: Buffer.from(n), qos: 1 });
    const again = await resume(broker, 60);
    await again.client.settle();
    expect(receivedPublishes(again.client).map((packet) => String(packet.payload))).toEqual(['1', '2', '3']);
  });
});

describe('Clean Start', () => {
  it('[MQTT-3.1.2-4] [MQTT-3.2.2-2] Clean Start 1 discards an existing session', async () => {
    const { broker } = createTestBroker();
    const first = await resume(broker, 600);
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    broker.publish({ topic: 'cmd/queued', payload: Buffer.from('old'), qos: 1 });
    const clean = await acceptV5(broker, 'dev', { clean: true, properties: { sessionExpiryInterval: 600 } });
    expect(clean.connack.sessionPresent).toBe(false);
    await clean.client.settle();
    expect(receivedPublishes(clean.client)).toEqual([]);
    broker.publish({ topic: 'cmd/new', payload: Buffer.from('new'), qos: 1 });
    await clean.client.settle();
    expect(receivedPublishes(clean.client)).toEqual([]);
    expect(broker.router.subscriptionCount).toBe(0);
  });

  it('[MQTT-3.1.2-4] Clean Start 1 discards the session of a connection it takes over', async () => {
    const { broker } = createTestBroker();
    const first = await resume(broker, 600);
    await expectSubscribed(first.client, 'cmd/#', 1);
    const clean = await acceptV5(broker, 'dev', { clean: true });
    expect(clean.connack.sessionPresent).toBe(false);
    await first.client.waitClosed();
    expect(broker.router.subscriptionCount).toBe(0);
  });

  it('[MQTT-3.1.2-5] Clean Start 0 resumes the existing session', async () => {
    const { broker } = createTestBroker();
    const first = await resume(broker, 600);
    const sessionId = broker.sessions.get('dev')!.id;
    await expectSubscribed(first.client, 'cmd/#', 1);
    await dropLink(first.client);
    const again = await resume(broker, 600);
    expect(again.connack.sessionPresent).toBe(true);
    expect(broker.sessions.get('dev')!.id).toBe(sessionId);
    expect(broker.router.subscriptionCount).toBe(1);
  });

  it('[MQTT-3.1.2-6] [MQTT-3.2.2-3] Clean Start 0 without a session creates one, with session present 0', async () => {
    const { broker } = createTestBroker();
    const { connack } = await resume(broker, 600);
    expect(connack.sessionPresent).toBe(false);
    expect(broker.sessions.has('dev')).toBe(true);
  });

  it('a resumed session takes the Session Expiry Interval of the new CONNECT', async () => {
    const { broker, env } = createTestBroker();
    await dropLink((await resume(broker, 600)).client);
    const again = await resume(broker, 5);
    expect(again.connack.sessionPresent).toBe(true);
    await dropLink(again.client);
    env.clock.advance(5_000);
    expect(broker.sessions.has('dev')).toBe(false);
  });
});

describe('Session Expiry Interval on DISCONNECT', () => {
  it('[MQTT-3.1.2-23] DISCONNECT with 0 ends a persistent session at once', async () => {
    const { broker } = createTestBroker();
    const { client } = await resume(broker, 600);
    await expectSubscribed(client, 'cmd/#', 1);
    await disconnect(client, { sessionExpiryInterval: 0 });
    expect(broker.sessions.has('dev')).toBe(false);
    expect(broker.router.subscriptionCount).toBe(0);
  });

  it('[MQTT-4.1.0-2] DISCONNECT with a longer interval keeps the session for that long', async () => {
    const { broker, env } = createTestBroker();
    await disconnect((await resume(broker, 10)).client, { sessionExpiryInterval: 3600 });
    env.clock.advance(3_599_999);
    expect(broker.sessions.has('dev')).toBe(true);
    env.clock.advance(1);
    expect(broker.sessions.has('dev')).toBe(false);
  });

  it('DISCONNECT without the property keeps the interval of the CONNECT', async () => {
    const { broker, env } = createTestBroker();
    await disconnect((await resume(broker, 10)).client);
    env.clock.advance(9_999);
    expect(broker.sessions.has('dev')).toBe(true);
    env.clock.advance(1);
    expect(broker.sessions.has('dev')).toBe(false);
  });

  it('caps the DISCONNECT interval at limits.maxSessionExpiry', async () => {
    const { broker, env } = createTestBroker({ limits: { maxSessionExpiry: 100 } });
    await disconnect((await resume(broker, 10)).client, { sessionExpiryInterval: NEVER });
    env.clock.advance(100_000);
    expect(broker.sessions.has('dev')).toBe(false);
  });

  it('[MQTT-4.13.1-1] DISCONNECT with a non-zero interval after CONNECT had 0 is a protocol error: DISCONNECT 0x82, will published, session gone', async () => {
    const { broker } = createTestBroker();
    const watcher = PacketClient.open(broker, 5);
    await watcher.connect({ clientId: 'watcher' });
    await expectSubscribed(watcher, 'dev/status', 1);
    const { client } = await acceptV5(broker, 'dev', {
      clean: false,
      will: { topic: 'dev/status', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    client.send({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 60 } });
    const answer = await client.next('disconnect');
    expect(answer.reasonCode).toBe(0x82);
    expect(answer.properties?.sessionExpiryInterval).toBeUndefined();
    await client.waitClosed();
    // Not a valid DISCONNECT: the will still goes out.
    expect(String((await watcher.next('publish')).payload)).toBe('gone');
    expect(broker.sessions.has('dev')).toBe(false);
  });

  it('a CONNECT interval capped to 0 by the broker does not make a DISCONNECT interval a protocol error', async () => {
    // The rule is about the value in the CONNECT packet (MQTT 5 §3.14.2.2.2), not the granted one.
    const { broker } = createTestBroker({ limits: { maxSessionExpiry: 0 } });
    const { client, connack } = await resume(broker, 60);
    expect(connack.properties?.sessionExpiryInterval).toBe(0);
    client.send({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 60 } });
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(broker.sessions.has('dev')).toBe(false);
  });
});
