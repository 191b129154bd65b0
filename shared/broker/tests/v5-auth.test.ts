// mqtt-spec: 5.0
import type { IAuthPacket, IConnectPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { EnhancedAuthenticator } from '../../auth/enhanced-auth.ts';
import type { ScramClient } from '../../auth/scram-client.ts';
import { PacketClient } from '../../testing/packet-client.ts';
import {
  createTestScramAuthenticator,
  createTestScramClient,
  SCRAM_METHOD,
} from '../../testing/scram-fixture.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { AuthHooks } from '../broker-options.ts';
import { publishPacket } from './flow-helpers.ts';
import { connectPacketV5 } from './v5-helpers.ts';

function scramBroker(options: { auth?: AuthHooks; authenticators?: EnhancedAuthenticator[] } = {}) {
  return createTestBroker({
    auth: options.auth,
    enhancedAuth: options.authenticators ?? [createTestScramAuthenticator()],
  });
}

function authPacket(reasonCode: number, data: Uint8Array | undefined, method = SCRAM_METHOD): IAuthPacket {
  return {
    cmd: 'auth',
    reasonCode,
    properties: {
      authenticationMethod: method,
      ...(data ? { authenticationData: Buffer.from(data) } : {}),
    },
  };
}

/** CONNECT with the client-first message, then the server's AUTH 0x18 with the server-first one. */
async function startScram(client: PacketClient, scram: ScramClient, fields: Partial<IConnectPacket> = {}) {
  client.send(
    connectPacketV5({
      ...fields,
      properties: { authenticationMethod: SCRAM_METHOD, authenticationData: Buffer.from(scram.first()) },
    }),
  );
  const challenge = await client.next('auth');
  // [MQTT-4.12.0-2] more data is asked for with 0x18; [MQTT-4.12.0-5] naming the method.
  expect(challenge.reasonCode).toBe(0x18);
  expect(challenge.properties?.authenticationMethod).toBe(SCRAM_METHOD);
  return challenge;
}

/** A full SCRAM exchange; returns the CONNACK. */
async function scramConnect(client: PacketClient, scram: ScramClient, fields: Partial<IConnectPacket> = {}) {
  const challenge = await startScram(client, scram, fields);
  const final = await scram.final(challenge.properties!.authenticationData!);
  client.send(authPacket(0x18, final));
  return client.next('connack');
}

describe('enhanced authentication with SCRAM-SHA-256', () => {
  it('[MQTT-4.12.0-2] [MQTT-4.12.0-5] CONNECT → AUTH 0x18 → AUTH 0x18 → CONNACK 0x00 with the method and the server signature', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const scram = createTestScramClient();
    const connack = await scramConnect(client, scram);
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.authenticationMethod).toBe(SCRAM_METHOD);
    // The client checks that the server knew the credentials too.
    expect(await scram.verify(connack.properties!.authenticationData!)).toBe(true);
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    expect(broker.connectionCount).toBe(1);
  });

  it('uses the identity SCRAM proved for authorisation', async () => {
    const seen: Array<string | undefined> = [];
    const { broker } = scramBroker({
      auth: {
        authorizePublish: (client) => {
          seen.push(client.username);
          return client.username === 'alice';
        },
      },
    });
    const client = PacketClient.open(broker, 5);
    expect((await scramConnect(client, createTestScramClient())).reasonCode).toBe(0);
    client.send(publishPacket('t', 'x', { qos: 1, messageId: 1 }));
    expect((await client.next('puback')).reasonCode).toBe(0x10);
    expect(seen).toEqual(['alice']);
  });

  it.each([
    ['a wrong password', createTestScramClient('wrong')],
    ['an unknown user', createTestScramClient('correct horse', 'mallory')],
  ])('[MQTT-4.12.0-4] refuses %s with CONNACK 0x86 and closes', async (_name, scram) => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const connack = await scramConnect(client, scram);
    expect(connack.reasonCode).toBe(0x86);
    expect(connack.sessionPresent).toBe(false);
    expect(connack.properties).not.toHaveProperty('authenticationData');
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
    expect(broker.sessions.size).toBe(0);
  });

  it('[MQTT-4.12.0-4] refuses a CONNECT User Name that differs from the SCRAM one with 0x87', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const scram = createTestScramClient();
    client.send(
      connectPacketV5({
        username: 'bob',
        properties: { authenticationMethod: SCRAM_METHOD, authenticationData: Buffer.from(scram.first()) },
      }),
    );
    expect((await client.next('connack')).reasonCode).toBe(0x87);
    await client.waitClosed();
  });

  it('[MQTT-4.12.0-4] refuses with 0x87 when the authenticator fails with an error', async () => {
    const broken: EnhancedAuthenticator = {
      method: SCRAM_METHOD,
      begin: () => ({ step: () => Promise.reject(new Error('credential store down')) }),
    };
    const { broker, env } = scramBroker({ authenticators: [broken] });
    const client = PacketClient.open(broker, 5);
    client.send(connectPacketV5({ properties: { authenticationMethod: SCRAM_METHOD } }));
    expect((await client.next('connack')).reasonCode).toBe(0x87);
    await client.waitClosed();
    expect(env.logger.records.some((record) => record.level === 'error')).toBe(true);
  });

  it('[MQTT-4.12.0-1] refuses an unsupported method with CONNACK 0x8C and closes', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    client.send(connectPacketV5({ properties: { authenticationMethod: 'GS2-KRB5' } }));
    const connack = await client.next('connack');
    expect(connack.reasonCode).toBe(0x8c);
    expect(connack.sessionPresent).toBe(false);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });

  it('[MQTT-4.12.0-6] without a method: no AUTH, and no method in CONNACK', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const connack = await client.connect();
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties).not.toHaveProperty('authenticationMethod');
    expect(connack.properties).not.toHaveProperty('authenticationData');
    expect(await client.settle()).toEqual([]);
  });

  it('[MQTT-4.12.0-5] an AUTH naming another method during authentication ends the connection without CONNACK', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const scram = createTestScramClient();
    const challenge = await startScram(client, scram);
    client.send(authPacket(0x18, await scram.final(challenge.properties!.authenticationData!), 'PLAIN'));
    await client.waitClosed();
    // [MQTT-3.14.0-1] no DISCONNECT before a successful CONNACK.
    expect(await client.settle()).toEqual([]);
    expect(broker.sessions.size).toBe(0);
  });

  it('a client AUTH other than 0x18 during authentication (breaking [MQTT-4.12.0-3]) ends the connection', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const scram = createTestScramClient();
    await startScram(client, scram);
    client.send(authPacket(0x19, scram.first()));
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });

  it('[MQTT-3.2.0-1] packets sent while authenticating are handled after the CONNACK, in order', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const scram = createTestScramClient();
    const challenge = await startScram(client, scram);
    client.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'a/#', qos: 1 }] });
    client.send({ cmd: 'pingreq' });
    await client.settle();
    expect(client.received).toEqual([]);
    client.send(authPacket(0x18, await scram.final(challenge.properties!.authenticationData!)));
    await client.next('connack');
    await client.settle();
    expect(client.received.map((packet) => packet.cmd)).toEqual(['suback', 'pingresp']);
    expect(broker.router.subscriptionCount).toBe(1);
  });

  it('[MQTT-3.1.4-6] packets sent while authenticating are dropped when authentication fails', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    const scram = createTestScramClient('wrong');
    const challenge = await startScram(client, scram);
    client.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'a/#', qos: 1 }] });
    client.send(authPacket(0x18, await scram.final(challenge.properties!.authenticationData!)));
    expect((await client.next('connack')).reasonCode).toBe(0x86);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
    expect(broker.router.subscriptionCount).toBe(0);
  });

  it('a DISCONNECT during authentication (allowed by [MQTT-3.1.2-30]) ends the connection at once', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    await startScram(client, createTestScramClient());
    client.send({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 60 } });
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
    expect(broker.connections.size).toBe(0);
    expect(broker.sessions.size).toBe(0);
  });

  it('refuses Authentication Data without an Authentication Method as a protocol error (0x82)', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    client.send(
      connectPacketV5({ properties: { authenticationData: Buffer.from(createTestScramClient().first()) } }),
    );
    const connack = await client.next('connack');
    expect(connack.reasonCode).toBe(0x82);
    await client.waitClosed();
  });

  it('the connect timeout ends an authentication the client never finishes', async () => {
    const { broker, env } = scramBroker();
    const client = PacketClient.open(broker, 5);
    await startScram(client, createTestScramClient());
    env.clock.advance(broker.limits.connectTimeoutMs);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
  });
});

describe('re-authentication', () => {
  async function connected() {
    const setup = scramBroker();
    const client = PacketClient.open(setup.broker, 5);
    expect((await scramConnect(client, createTestScramClient())).reasonCode).toBe(0);
    return { ...setup, client };
  }

  it('[MQTT-4.12.1-1] AUTH 0x19 → AUTH 0x18 → AUTH 0x18 → AUTH 0x00 with the server signature, as often as the client likes', async () => {
    const { client, broker } = await connected();
    for (let round = 0; round < 2; round++) {
      const scram = createTestScramClient();
      client.send(authPacket(0x19, scram.first()));
      const challenge = await client.next('auth');
      expect(challenge.reasonCode).toBe(0x18);
      expect(challenge.properties?.authenticationMethod).toBe(SCRAM_METHOD);
      client.send(authPacket(0x18, await scram.final(challenge.properties!.authenticationData!)));
      const done = await client.next('auth');
      expect(done.reasonCode).toBe(0x00);
      expect(done.properties?.authenticationMethod).toBe(SCRAM_METHOD);
      expect(await scram.verify(done.properties!.authenticationData!)).toBe(true);
    }
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    expect(broker.connectionCount).toBe(1);
  });

  it('the connection keeps working while a re-authentication is in progress', async () => {
    const { client } = await connected();
    const scram = createTestScramClient();
    client.send(authPacket(0x19, scram.first()));
    const challenge = await client.next('auth');
    client.send({ cmd: 'pingreq' });
    await client.next('pingresp');
    client.send(authPacket(0x18, await scram.final(challenge.properties!.authenticationData!)));
    expect((await client.next('auth')).reasonCode).toBe(0);
  });

  it('[MQTT-4.12.1-2] [MQTT-3.14.2-1] a failed re-authentication ends the connection with DISCONNECT 0x87 (DISCONNECT has no 0x86)', async () => {
    const { client, broker } = await connected();
    const scram = createTestScramClient('wrong');
    client.send(authPacket(0x19, scram.first()));
    const challenge = await client.next('auth');
    client.send(authPacket(0x18, await scram.final(challenge.properties!.authenticationData!)));
    const disconnect = await client.next('disconnect');
    expect(disconnect.reasonCode).toBe(0x87);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
    expect(broker.connectionCount).toBe(0);
  });

  it('[MQTT-4.12.1-1] re-authentication with another method is a protocol error (DISCONNECT 0x82)', async () => {
    const { client } = await connected();
    client.send(authPacket(0x19, createTestScramClient().first(), 'PLAIN'));
    expect((await client.next('disconnect')).reasonCode).toBe(0x82);
    await client.waitClosed();
  });

  it('a second AUTH 0x19 during a re-authentication is a protocol error (DISCONNECT 0x82)', async () => {
    const { client } = await connected();
    client.send(authPacket(0x19, createTestScramClient().first()));
    await client.next('auth');
    client.send(authPacket(0x19, createTestScramClient().first()));
    expect((await client.next('disconnect')).reasonCode).toBe(0x82);
    await client.waitClosed();
  });

  it('AUTH from a client that connected without a method (breaking [MQTT-4.12.0-7]) is a protocol error: DISCONNECT 0x82', async () => {
    const { broker } = scramBroker();
    const client = PacketClient.open(broker, 5);
    expect((await client.connect()).reasonCode).toBe(0);
    client.send(authPacket(0x19, createTestScramClient().first()));
    expect((await client.next('disconnect')).reasonCode).toBe(0x82);
    await client.waitClosed();
  });
});
