// mqtt-spec: 5.0
import type { IClientOptions, MqttClient } from 'mqtt';
import type { IAuthPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScramClient } from '../../shared/auth/scram-client.ts';
import { type Broker, createBroker, silentLogger } from '../../shared/index.ts';
import {
  createTestScramAuthenticator,
  createTestScramClient,
  SCRAM_METHOD,
} from '../../shared/testing/scram-fixture.ts';
import type { BoundListener } from '../listeners/bound-listener.ts';
import { listenTcp } from '../listeners/tcp-listener.ts';
import { createNodeEnvironment } from '../node-environment.ts';
import { connackOf, MqttClients } from './integration-helpers.ts';

/** startServer has no enhanced-auth option yet: the broker and a TCP listener on port 0, by hand. */
describe('enhanced authentication (SCRAM-SHA-256) with the mqtt package over TCP', () => {
  let broker: Broker;
  let listener: BoundListener;
  const clients = new MqttClients();

  beforeEach(async () => {
    broker = createBroker({
      env: createNodeEnvironment(silentLogger),
      enhancedAuth: [createTestScramAuthenticator()],
    });
    listener = await listenTcp(broker, '127.0.0.1', 0);
  });

  afterEach(async () => {
    await clients.endAll();
    broker.shutdown();
    await listener.close(1000);
  });

  /** A v5 client that answers the broker's AUTH 0x18 with the SCRAM client-final message. */
  function scramClient(scram: ScramClient, options: IClientOptions = {}): MqttClient {
    const client = clients.connect(listener.url, {
      protocolVersion: 5,
      ...options,
      properties: { authenticationMethod: SCRAM_METHOD, authenticationData: Buffer.from(scram.first()) },
    });
    client.handleAuth = (packet: IAuthPacket, callback) => {
      if (packet.reasonCode !== 0x18) return callback();
      scram.final(packet.properties!.authenticationData!).then(
        (final) =>
          callback(undefined, {
            cmd: 'auth',
            reasonCode: 0x18,
            properties: { authenticationMethod: SCRAM_METHOD, authenticationData: Buffer.from(final) },
          }),
        (error: Error) => callback(error),
      );
    };
    return client;
  }

  it('[MQTT-4.12.0-2] [MQTT-4.12.0-5] completes the AUTH exchange; CONNACK carries the method and a server signature the client verifies', async () => {
    const exchange = createTestScramClient();
    const client = scramClient(exchange, { clientId: 'dev' });
    const connack = await connackOf(client);
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.authenticationMethod).toBe(SCRAM_METHOD);
    expect(await exchange.verify(connack.properties!.authenticationData!)).toBe(true);

    // An ordinary session from here on.
    await client.subscribeAsync('auth/test', { qos: 1 });
    const received = new Promise<string>((resolve) =>
      client.once('message', (_topic, payload) => resolve(payload.toString())),
    );
    await client.publishAsync('auth/test', 'hello', { qos: 1 });
    expect(await received).toBe('hello');
  });

  it('[MQTT-4.12.0-4] refuses a wrong password with CONNACK 0x86', async () => {
    const client = scramClient(createTestScramClient('wrong'));
    await expect(connackOf(client)).rejects.toMatchObject({ code: 0x86 });
    expect(client.connected).toBe(false);
    expect(broker.connectionCount).toBe(0);
  });

  it('[MQTT-4.12.0-1] refuses an unsupported method with CONNACK 0x8C', async () => {
    const client = clients.connect(listener.url, {
      protocolVersion: 5,
      properties: { authenticationMethod: 'GS2-KRB5', authenticationData: Buffer.from('x') },
    });
    await expect(connackOf(client)).rejects.toMatchObject({ code: 0x8c });
  });

  it('[MQTT-4.12.0-6] a client without a method connects without any AUTH packet', async () => {
    const client = clients.connect(listener.url, { protocolVersion: 5 });
    let authPackets = 0;
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'auth') authPackets++;
    });
    const connack = await connackOf(client);
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.authenticationMethod).toBeUndefined();
    expect(authPackets).toBe(0);
  });
});
