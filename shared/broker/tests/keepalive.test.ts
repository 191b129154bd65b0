import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import { recordEvents } from './flow-helpers.ts';

async function setup(keepalive: number, version: 4 | 5 = 4) {
  const { broker, env } = createTestBroker();
  const { disconnects } = recordEvents(broker);
  const client = PacketClient.open(broker, version);
  await client.connect({ clientId: 'dev', keepalive });
  return { broker, env, client, disconnects };
}

/** Advances the fake clock, then lets the transport's microtasks run. */
async function advance(env: ReturnType<typeof createTestBroker>['env'], client: PacketClient, ms: number) {
  env.clock.advance(ms);
  await client.settle(1);
}

describe('keepalive', () => {
  it('[MQTT-3.1.2-24] closes a connection silent for 1.5 × keepalive, not before', async () => {
    const { env, client, disconnects } = await setup(10);
    await advance(env, client, 14_000);
    expect(client.closed).toBe(false);
    await advance(env, client, 999);
    expect(client.closed).toBe(false);
    await advance(env, client, 1);
    await client.waitClosed();
    expect(client.received).toEqual([]);
    expect(disconnects).toEqual([expect.objectContaining({ clientId: 'dev', reason: 'keepalive-timeout' })]);
  });

  it('[MQTT-3.1.2-24] restarts the period on every packet the client sends', async () => {
    const { env, client } = await setup(10);
    await advance(env, client, 10_000);
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    await advance(env, client, 10_000);
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    await client.next('suback');
    await advance(env, client, 14_999);
    expect(client.closed).toBe(false);
    await advance(env, client, 1);
    await client.waitClosed();
  });

  it('[MQTT-3.1.2-24] is not reset by what the server sends', async () => {
    const { broker, env, client } = await setup(10);
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    await client.next('suback');
    for (let i = 0; i < 14; i++) {
      broker.publish({ topic: 'a', payload: Buffer.from('tick'), qos: 0 });
      await advance(env, client, 1000);
    }
    expect(client.closed).toBe(false);
    await advance(env, client, 1000);
    await client.waitClosed();
  });

  it('[MQTT-3.12.4-1] answers every PINGREQ with a PINGRESP', async () => {
    const { client } = await setup(0);
    for (let i = 0; i < 3; i++) client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    await client.next('pingresp');
    await client.next('pingresp');
    await client.settle();
    expect(client.received).toEqual([]);
  });

  it('[MQTT-3.1.2-24] keeps a pinging client alive indefinitely', async () => {
    const { env, client } = await setup(30);
    for (let i = 0; i < 10; i++) {
      await advance(env, client, 29_000);
      client.send({ cmd: 'pingreq' });
      await client.next('pingresp');
    }
    expect(client.closed).toBe(false);
  });

  it('never times out a client with keepalive 0', async () => {
    const { env, client } = await setup(0);
    await advance(env, client, 7 * 24 * 3600 * 1000);
    expect(client.closed).toBe(false);
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
  });

  it('sends a v5 client DISCONNECT 0x8D (keep alive timeout) before closing', async () => {
    const { env, client } = await setup(2, 5);
    await advance(env, client, 3000);
    expect((await client.next('disconnect')).reasonCode).toBe(0x8d);
    await client.waitClosed();
  });
});
