import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { AuthenticateResult, ConnectRequest } from '../broker-options.ts';
import { connectPacket, publishPacket, recordEvents } from './flow-helpers.ts';

/** An authentication outcome the test settles when it chooses. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('CONNECT: authentication hook', () => {
  const refusals = [
    ['bad-credentials', 0x04],
    ['not-authorized', 0x05],
  ] as const;

  for (const [reason, code] of refusals) {
    const result: AuthenticateResult = { ok: false, reason };
    for (const mode of ['sync', 'async'] as const) {
      it(`answers a ${mode} ${reason} refusal with CONNACK 0x0${code}, then closes`, async () => {
        const { broker } = createTestBroker({
          auth: { authenticate: () => (mode === 'sync' ? result : Promise.resolve(result)) },
        });
        const { connects } = recordEvents(broker);
        const client = PacketClient.open(broker);
        const connack = await client.connect({ clientId: 'who', username: 'u', password: Buffer.from('p') });
        expect(connack.returnCode).toBe(code);
        expect(connack.sessionPresent).toBe(false);
        await client.waitClosed();
        expect(connects).toEqual([]);
        expect(broker.sessions.size).toBe(0);
        expect(broker.connectionCount).toBe(0);
      });
    }
  }

  it('passes client id, username, password, address and version to the hook', async () => {
    const requests: ConnectRequest[] = [];
    const { broker } = createTestBroker({
      auth: {
        authenticate: (request) => {
          requests.push(request);
          return { ok: true };
        },
      },
    });
    const withCredentials = PacketClient.open(broker, 4, { remoteAddress: '10.0.0.7:4242' });
    await withCredentials.connect({
      clientId: 'cred',
      username: 'alice',
      password: Buffer.from([0, 1, 255]),
    });
    const anonymous = PacketClient.open(broker);
    await anonymous.connect({ clientId: 'anon' });
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      clientId: 'cred',
      username: 'alice',
      remoteAddress: '10.0.0.7:4242',
      protocolVersion: 4,
    });
    expect([...requests[0]!.password!]).toEqual([0, 1, 255]);
    expect(requests[1]!.username).toBeUndefined();
    expect(requests[1]!.password).toBeUndefined();
  });

  it('reports the username of an accepted connection in the connect event', async () => {
    const { broker } = createTestBroker();
    const { connects } = recordEvents(broker);
    const client = PacketClient.open(broker);
    await client.connect({ clientId: 'named', username: 'bob', password: Buffer.from('secret') });
    expect(connects).toEqual([expect.objectContaining({ clientId: 'named', username: 'bob' })]);
  });

  it('handles packets sent while an async authentication is pending after it, in order', async () => {
    const pending = deferred<AuthenticateResult>();
    const { broker } = createTestBroker({ auth: { authenticate: () => pending.promise } });
    const client = PacketClient.open(broker);
    client.send(connectPacket({ clientId: 'slow' }));
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'echo', qos: 1 }] });
    client.send(publishPacket('echo', 'hi', { qos: 1, messageId: 2 }));
    client.send({ cmd: 'pingreq' });
    await client.settle();
    expect(client.received).toEqual([]);
    pending.resolve({ ok: true });
    await client.next('pingresp');
    const cmds = client.received.map((packet) => packet.cmd);
    expect(cmds[0]).toBe('connack');
    expect(cmds.indexOf('suback')).toBeLessThan(cmds.indexOf('puback'));
    const echoed = await client.next('publish');
    expect(String(echoed.payload)).toBe('hi');
  });

  it('drops the packets sent while an async authentication is pending when it refuses', async () => {
    const pending = deferred<AuthenticateResult>();
    const { broker } = createTestBroker({ auth: { authenticate: () => pending.promise } });
    const client = PacketClient.open(broker);
    client.send(connectPacket({ clientId: 'slow' }));
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 1 }] });
    await client.settle();
    pending.resolve({ ok: false, reason: 'not-authorized' });
    await client.waitClosed();
    expect(client.received.map((packet) => packet.cmd)).toEqual(['connack']);
    expect(broker.router.subscriptions.size).toBe(0);
  });

  it('does not attach a session when the client leaves while authentication is pending', async () => {
    const pending = deferred<AuthenticateResult>();
    const { broker } = createTestBroker({ auth: { authenticate: () => pending.promise } });
    const client = PacketClient.open(broker);
    client.send(connectPacket({ clientId: 'gone', clean: false }));
    await client.settle();
    client.close();
    await client.waitClosed();
    pending.resolve({ ok: true });
    await client.settle();
    expect(broker.sessions.size).toBe(0);
    expect(broker.connectionCount).toBe(0);
    expect(broker.connections.size).toBe(0);
  });

  for (const mode of ['throws', 'rejects'] as const) {
    it(`answers 0x03 when the hook ${mode}, logs it, and keeps serving others`, async () => {
      const { broker, env } = createTestBroker({
        auth: {
          authenticate: (request) => {
            if (request.clientId !== 'bad') return { ok: true };
            if (mode === 'throws') throw new Error('directory down');
            return Promise.reject(new Error('directory down'));
          },
        },
      });
      const bad = PacketClient.open(broker);
      const connack = await bad.connect({ clientId: 'bad' });
      expect(connack.returnCode).toBe(0x03);
      expect(connack.sessionPresent).toBe(false);
      await bad.waitClosed();
      expect(env.logger.records).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'authenticate hook failed' }),
      );
      const good = PacketClient.open(broker);
      expect((await good.connect({ clientId: 'good' })).returnCode).toBe(0);
      good.send({ cmd: 'pingreq' });
      await good.next('pingresp');
    });
  }

  it('closes a connection whose authentication never settles once the connect timeout passes', async () => {
    const { broker, env } = createTestBroker({
      limits: { connectTimeoutMs: 5000 },
      auth: { authenticate: () => new Promise<AuthenticateResult>(() => {}) },
    });
    const client = PacketClient.open(broker);
    client.send(connectPacket({ clientId: 'stuck' }));
    await client.settle();
    env.clock.advance(4999);
    await client.settle();
    expect(client.closed).toBe(false);
    env.clock.advance(1);
    await client.waitClosed();
    expect(broker.connections.size).toBe(0);
  });
});
