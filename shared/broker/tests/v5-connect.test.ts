// mqtt-spec: 5.0
import mqttPacket, { type IConnackPacket, type IConnectPacket, type QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createFakeEnvironment } from '../../testing/fake-environment.ts';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import { Broker } from '../broker.ts';
import type { AuthenticateResult } from '../broker-options.ts';
import { acceptClient } from './flow-helpers.ts';
import { connectPacketV5 } from './v5-helpers.ts';

type ConnectFields = Partial<IConnectPacket>;
type Will = NonNullable<IConnectPacket['will']>;

/** Opens a v5 client, sends CONNECT and returns the CONNACK (whatever its reason code). */
async function connect(broker: Broker, fields: ConnectFields = {}) {
  const client = PacketClient.open(broker, 5);
  const connack = await client.connect(fields);
  return { client, connack };
}

function accepted(broker: Broker, fields: ConnectFields = {}) {
  return acceptClient(broker, fields, 5);
}

/** A refused CONNECT: the reason code, session present 0 [MQTT-3.2.2-6], then the close
 * [MQTT-3.2.2-7] with nothing after the CONNACK. */
async function refused(broker: Broker, fields: ConnectFields, reasonCode: number): Promise<IConnackPacket> {
  const { client, connack } = await connect(broker, fields);
  expect(connack.reasonCode).toBe(reasonCode);
  expect(connack.sessionPresent).toBe(false);
  await client.waitClosed();
  expect(await client.settle()).toEqual([]);
  return connack;
}

function will(fields: Partial<Will> = {}): Will {
  return { topic: 'dev/status', payload: Buffer.from('offline'), qos: 0, retain: false, ...fields };
}

describe('CONNACK properties: what the broker supports', () => {
  it('[MQTT-3.1.4-5] [MQTT-3.2.2-9] announces packet size, aliases and the available features, and stays silent on the defaults', async () => {
    const { broker } = createTestBroker();
    const { connack } = await accepted(broker, { clientId: 'dev' });
    expect(connack.sessionPresent).toBe(false);
    expect(connack.properties).toEqual({
      maximumPacketSize: 1024 * 1024,
      topicAliasMaximum: 1024,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
    });
  });

  it('[MQTT-3.2.2-9] announces the configured limits: Receive Maximum, Maximum QoS, Retain Available, Maximum Packet Size', async () => {
    const { broker } = createTestBroker({
      limits: { receiveMaximum: 10, maxQos: 1, retainAvailable: false, maxPacketSize: 2048 },
    });
    const { connack } = await accepted(broker);
    expect(connack.properties).toMatchObject({
      receiveMaximum: 10,
      maximumQoS: 1,
      retainAvailable: false,
      maximumPacketSize: 2048,
    });
  });

  it('[MQTT-3.2.2-9] announces Maximum QoS 0 for a QoS 0 broker', async () => {
    const { broker } = createTestBroker({ limits: { maxQos: 0 } });
    const { connack } = await accepted(broker);
    expect(connack.properties?.maximumQoS).toBe(0);
  });

  it('leaves out Topic Alias Maximum when aliases are disabled', async () => {
    const { broker } = createTestBroker({ limits: { topicAliasMaximum: 0 } });
    const { connack } = await accepted(broker);
    expect(connack.properties).not.toHaveProperty('topicAliasMaximum');
  });

  it('[MQTT-3.2.2-10] a broker limited to QoS 1 still accepts a QoS 2 SUBSCRIBE, granting QoS 1', async () => {
    const { broker } = createTestBroker({ limits: { maxQos: 1 } });
    const { client } = await accepted(broker);
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 2 }] });
    expect((await client.next('suback')).granted).toEqual([1]);
  });
});

describe('Assigned Client Identifier', () => {
  it('[MQTT-3.1.3-6] [MQTT-3.1.3-7] [MQTT-3.2.2-16] gives a client with an empty id a unique id and returns it in CONNACK', async () => {
    const { broker } = createTestBroker();
    const first = await accepted(broker, { clientId: '' });
    const second = await accepted(broker, { clientId: '' });
    const firstId = first.connack.properties?.assignedClientIdentifier;
    const secondId = second.connack.properties?.assignedClientIdentifier;
    expect(firstId).toMatch(/^\S+$/);
    expect(secondId).toMatch(/^\S+$/);
    expect(secondId).not.toBe(firstId);
    // Both connections stay open: the second did not take over the first.
    expect(first.client.closed).toBe(false);
    expect([...broker.sessions.keys()].sort()).toEqual([firstId, secondId].sort());
  });

  it('[MQTT-3.1.3-7] assigns an id to a v5 client with an empty id and Clean Start 0, and uses it for the session', async () => {
    const { broker } = createTestBroker();
    // mqtt-packet will not generate an empty id with Clean Start 0: clear the flag by hand.
    const bytes = mqttPacket.generate(
      connectPacketV5({ clientId: '', properties: { sessionExpiryInterval: 60 } }),
      { protocolVersion: 5 },
    );
    bytes[9] = bytes[9]! & ~0x02;
    const client = PacketClient.open(broker, 5);
    client.sendBytes(bytes);
    const connack = await client.next('connack');
    expect(connack.reasonCode).toBe(0);
    const assigned = connack.properties?.assignedClientIdentifier;
    expect(assigned).toBeDefined();
    client.send({ cmd: 'disconnect', reasonCode: 0 });
    await client.waitClosed();
    // The client reconnects with the id it was given and finds its session.
    const again = await accepted(broker, { clientId: assigned!, clean: false });
    expect(again.connack.sessionPresent).toBe(true);
    expect(again.connack.properties).not.toHaveProperty('assignedClientIdentifier');
  });

  it('[MQTT-3.2.2-16] never assigns an id that another session already uses', async () => {
    // Randomness that repeats its first draw: the first assigned id would equal an existing one.
    const env = createFakeEnvironment();
    let calls = 0;
    env.randomBytes = (length) => new Uint8Array(length).fill(calls++ < 2 ? 0 : calls);
    const broker = new Broker({ env });
    const taken = `iothub-${'00'.repeat(12)}`;
    await accepted(broker, { clientId: taken, clean: false, properties: { sessionExpiryInterval: 60 } });
    const { connack } = await accepted(broker, { clientId: '' });
    expect(connack.properties?.assignedClientIdentifier).toBeDefined();
    expect(connack.properties?.assignedClientIdentifier).not.toBe(taken);
    expect(broker.connectionCount).toBe(2);
  });

  it('[MQTT-3.2.2-16] sends no Assigned Client Identifier when the client chose its id', async () => {
    const { broker } = createTestBroker();
    const { connack } = await accepted(broker, { clientId: 'mine' });
    expect(connack.properties).not.toHaveProperty('assignedClientIdentifier');
  });
});

describe('Server Keep Alive', () => {
  it('returns Server Keep Alive (§3.2.2.3.14) when the keepalive is above the maximum, and enforces that value', async () => {
    const { broker, env } = createTestBroker({ limits: { keepaliveMax: 60 } });
    const { client, connack } = await accepted(broker, { keepalive: 300 });
    expect(connack.properties?.serverKeepAlive).toBe(60);
    env.clock.advance(89_999);
    expect(client.closed).toBe(false);
    env.clock.advance(1);
    expect((await client.next('disconnect')).reasonCode).toBe(0x8d);
    await client.waitClosed();
  });

  it('raises a keepalive below the minimum, including 0, to the minimum in Server Keep Alive', async () => {
    const { broker } = createTestBroker({ limits: { keepaliveMin: 10, keepaliveMax: 60 } });
    expect((await accepted(broker, { keepalive: 5 })).connack.properties?.serverKeepAlive).toBe(10);
    expect((await accepted(broker, { keepalive: 0 })).connack.properties?.serverKeepAlive).toBe(10);
  });

  it('[MQTT-3.2.2-22] without Server Keep Alive in CONNACK, the client keepalive applies', async () => {
    const { broker, env } = createTestBroker({ limits: { keepaliveMin: 5, keepaliveMax: 60 } });
    const { client, connack } = await accepted(broker, { keepalive: 20 });
    expect(connack.properties).not.toHaveProperty('serverKeepAlive');
    env.clock.advance(29_999);
    expect(client.closed).toBe(false);
    env.clock.advance(1);
    expect((await client.next('disconnect')).reasonCode).toBe(0x8d);
  });
});

describe('Response Information', () => {
  it('returns Response Information built from the configured prefix when the client requests it', async () => {
    const { broker } = createTestBroker({ limits: { responseTopicPrefix: 'replies/' } });
    const { connack } = await accepted(broker, {
      clientId: 'dev',
      properties: { requestResponseInformation: true },
    });
    expect(connack.properties?.responseInformation).toBe('replies/dev');
  });

  it('[MQTT-3.1.2-28] returns no Response Information when the client does not request it', async () => {
    const { broker } = createTestBroker({ limits: { responseTopicPrefix: 'replies/' } });
    const absent = await accepted(broker, { clientId: 'a' });
    expect(absent.connack.properties).not.toHaveProperty('responseInformation');
    const zero = await accepted(broker, {
      clientId: 'b',
      properties: { requestResponseInformation: false },
    });
    expect(zero.connack.properties).not.toHaveProperty('responseInformation');
  });

  it('returns no Response Information when none is configured', async () => {
    const { broker } = createTestBroker();
    const { connack } = await accepted(broker, { properties: { requestResponseInformation: true } });
    expect(connack.properties).not.toHaveProperty('responseInformation');
  });
});

describe('Server Reference: redirection', () => {
  it.each([
    [false, 0x9c, '0x9C'],
    [true, 0x9d, '0x9D'],
  ])(
    '[MQTT-3.2.2-7] sends every client elsewhere when a server reference is configured (permanent %s → %s)',
    async (permanent, code) => {
      const { broker } = createTestBroker({
        limits: { serverReference: { reference: 'other.example:1883', permanent } },
      });
      const connack = await refused(broker, { clientId: 'dev' }, code);
      expect(connack.properties?.serverReference).toBe('other.example:1883');
      expect(broker.sessions.size).toBe(0);
    },
  );

  it('refuses a 3.1.1 client with "server unavailable" when a server reference is configured', async () => {
    const { broker } = createTestBroker({
      limits: { serverReference: { reference: 'other.example:1883', permanent: true } },
    });
    const client = PacketClient.open(broker, 4);
    expect((await client.connect()).returnCode).toBe(3);
    await client.waitClosed();
  });

  it.each([
    [false, 0x9c, '0x9C'],
    [true, 0x9d, '0x9D'],
  ])(
    '[MQTT-3.1.4-2] redirects when the authentication hook says so (permanent %s → %s)',
    async (permanent, code) => {
      const result: AuthenticateResult = {
        ok: false,
        reason: 'use-another-server',
        serverReference: 'b.example:1883',
        ...(permanent ? { permanent } : {}),
      };
      const { broker } = createTestBroker({ auth: { authenticate: async () => result } });
      const connack = await refused(broker, { clientId: 'dev' }, code);
      expect(connack.properties?.serverReference).toBe('b.example:1883');
    },
  );

  it('sends no Server Reference on an accepted connection or an ordinary refusal', async () => {
    const { broker } = createTestBroker({
      auth: {
        authenticate: ({ username }) =>
          username === 'ok' ? { ok: true } : { ok: false, reason: 'bad-credentials' },
      },
    });
    const ok = await accepted(broker, { username: 'ok' });
    expect(ok.connack.properties).not.toHaveProperty('serverReference');
    const connack = await refused(broker, { username: 'no' }, 0x86);
    expect(connack.properties).not.toHaveProperty('serverReference');
  });
});

describe('CONNECT refusals', () => {
  it.each([
    ['Receive Maximum', { receiveMaximum: 0 }],
    ['Maximum Packet Size', { maximumPacketSize: 0 }],
  ])('[MQTT-3.2.2-8] refuses %s 0 as a protocol error (0x82)', async (_name, properties) => {
    const { broker } = createTestBroker();
    await refused(broker, { clientId: 'dev', properties }, 0x82);
    expect(broker.sessions.size).toBe(0);
  });

  it('[MQTT-3.2.2-12] refuses a will QoS above the Maximum QoS with 0x9B', async () => {
    const { broker } = createTestBroker({ limits: { maxQos: 1 } });
    await refused(broker, { will: will({ qos: 2 }) }, 0x9b);
    await accepted(broker, { will: will({ qos: 1 }) });
  });

  it.each([1, 2] as QoS[])('[MQTT-3.2.2-12] a QoS 0 broker refuses a QoS %i will with 0x9B', async (qos) => {
    const { broker } = createTestBroker({ limits: { maxQos: 0 } });
    await refused(broker, { will: will({ qos }) }, 0x9b);
  });

  it('[MQTT-3.2.2-13] refuses a retained will with 0x9A when retain is not available', async () => {
    const { broker } = createTestBroker({ limits: { retainAvailable: false } });
    await refused(broker, { will: will({ retain: true }) }, 0x9a);
    await accepted(broker, { will: will({ retain: false }) });
  });

  it('refuses a will marked as UTF-8 whose payload is not UTF-8 with 0x99', async () => {
    const { broker } = createTestBroker();
    const properties = { payloadFormatIndicator: true };
    await refused(broker, { will: will({ payload: Buffer.from([0xc3, 0x28]), properties }) }, 0x99);
    await accepted(broker, { will: will({ payload: Buffer.from('hors ligne ✓'), properties }) });
    // Without the indicator the payload is opaque bytes.
    await accepted(broker, { will: will({ payload: Buffer.from([0xc3, 0x28]) }) });
  });

  it('[MQTT-3.1.4-2] refuses bad credentials with 0x86 and an unauthorised client with 0x87', async () => {
    const { broker } = createTestBroker({
      auth: {
        authenticate: ({ username }) =>
          username === 'ok'
            ? { ok: true }
            : { ok: false, reason: username === 'banned' ? 'not-authorized' : 'bad-credentials' },
      },
    });
    await refused(broker, { username: 'wrong', password: Buffer.from('x') }, 0x86);
    await refused(broker, { username: 'banned' }, 0x87);
    await accepted(broker, { username: 'ok' });
  });

  it('[MQTT-3.2.2-6] a refusing CONNACK has session present 0 even when a session exists', async () => {
    let allow = true;
    const { broker } = createTestBroker({
      auth: { authenticate: () => (allow ? { ok: true } : { ok: false, reason: 'not-authorized' }) },
    });
    const first = await accepted(broker, {
      clientId: 'dev',
      clean: false,
      properties: { sessionExpiryInterval: 600 },
    });
    first.client.close();
    await first.client.waitClosed();
    allow = false;
    await refused(broker, { clientId: 'dev', clean: false }, 0x87);
    // The refused CONNECT leaves the session alone.
    allow = true;
    expect((await accepted(broker, { clientId: 'dev', clean: false })).connack.sessionPresent).toBe(true);
  });

  it('[MQTT-3.2.2-7] [MQTT-3.1.4-6] processes nothing the client sends after a refused CONNECT', async () => {
    const { broker } = createTestBroker({
      auth: { authenticate: async () => ({ ok: false, reason: 'not-authorized' }) },
    });
    const client = PacketClient.open(broker, 5);
    client.send(connectPacketV5());
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    client.send({ cmd: 'pingreq' });
    expect((await client.next('connack')).reasonCode).toBe(0x87);
    await client.waitClosed();
    expect(await client.settle()).toEqual([]);
    expect(broker.router.subscriptionCount).toBe(0);
  });

  it('[MQTT-3.2.2-19] leaves the Reason String out of a refusing CONNACK too large for the client', async () => {
    const { broker } = createTestBroker({
      auth: { authenticate: () => ({ ok: false, reason: 'bad-credentials' }) },
    });
    const roomy = await refused(broker, { properties: { maximumPacketSize: 1000 } }, 0x86);
    expect(roomy.properties?.reasonString).toEqual(expect.any(String));
    const tight = await refused(broker, { properties: { maximumPacketSize: 8 } }, 0x86);
    expect(tight.properties?.reasonString).toBeUndefined();
    // Fixed header, flags, reason code, property length: nothing more fits.
    expect(tight.length).toBeLessThanOrEqual(8 - 2);
  });
});
