// mqtt-spec: 5.0
import { Buffer } from 'buffer';
import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { EnhancedAuthenticator } from '../../auth/enhanced-auth.ts';
import { PacketClient } from '../../testing/packet-client.ts';
import { lengthPrefixed, rawPacket, utf8Bytes } from '../../testing/raw-packets.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import { publishPacket, publishText, takePublishes } from './flow-helpers.ts';
import {
  connectPacketV5,
  connectRecorded,
  connectV5,
  expectDisconnected,
  expectNoDiagnostics,
  expectNothingDelivered,
  openRecorded,
  rawPublish,
  subscribeV5,
  TIGHT_PACKET_SIZE,
  watcher,
} from './v5-helpers.ts';

const tight = { properties: { maximumPacketSize: TIGHT_PACKET_SIZE } };

/** Diagnostics left out, and every frame within the client's Maximum Packet Size. */
function expectBare(packets: Packet[], frames: Uint8Array[]): void {
  for (const packet of packets) expectNoDiagnostics(packet);
  for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(TIGHT_PACKET_SIZE);
}

/** Asks for one round trip: "challenge" → "answer", then success. */
const echo: EnhancedAuthenticator = {
  method: 'echo',
  begin: () => {
    let round = 0;
    return {
      step: async (data) => {
        round++;
        if (round === 1) return { kind: 'continue', data: new TextEncoder().encode('challenge') };
        const ok = new TextDecoder().decode(data) === 'answer';
        return ok
          ? { kind: 'success' }
          : { kind: 'failure', reason: 'not-authorized', message: 'wrong answer' };
      },
    };
  },
};

describe('the connection', () => {
  it('[MQTT-4.2.0-1] reads packets from an ordered byte stream, whatever the chunks', async () => {
    const { broker } = createTestBroker();
    const encode = (packet: Packet) => [...mqttPacket.generate(packet, { protocolVersion: 5 })];
    const stream = [
      ...encode(connectPacketV5({ clientId: 'bytes' })),
      ...encode({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'echo', qos: 1 }] }),
      ...encode(publishPacket('echo', 'one', { qos: 1, messageId: 8 })),
      ...encode(publishPacket('echo', 'two', { qos: 1, messageId: 9 })),
      ...encode({ cmd: 'pingreq' }),
    ];
    const client = PacketClient.open(broker, 5);
    // One byte at a time, then the rest in a single chunk.
    for (const byte of stream.slice(0, 40)) client.sendBytes([byte]);
    client.sendBytes(stream.slice(40));
    await client.settle(20);
    const summary = client.received.map((p) =>
      p.cmd === 'publish'
        ? `publish ${String(p.payload)}`
        : `${p.cmd} ${'messageId' in p ? p.messageId : ''}`.trim(),
    );
    // The broker routes a message before acknowledging it.
    expect(summary).toEqual([
      'connack',
      'suback 7',
      'publish one',
      'puback 8',
      'publish two',
      'puback 9',
      'pingresp',
    ]);
  });

  it('[MQTT-3.2.0-2] sends one CONNACK when a second CONNECT follows at once, then DISCONNECT 0x82', async () => {
    const { broker } = createTestBroker();
    const connect = mqttPacket.generate(connectPacketV5(), { protocolVersion: 5 });
    const { client, frames } = openRecorded(broker);
    client.sendBytes([...connect, ...connect]);
    await client.waitClosed();
    expect(frames.map((frame) => frame[0]! >> 4)).toEqual([2, 14]);
    expect(client.received).toMatchObject([
      { cmd: 'connack', reasonCode: 0 },
      { cmd: 'disconnect', reasonCode: 0x82 },
    ]);
  });

  it('[MQTT-3.2.0-2] sends one CONNACK when a second CONNECT arrives while authentication is pending', async () => {
    let release: () => void = () => {};
    const { broker } = createTestBroker({
      auth: { authenticate: () => new Promise((resolve) => (release = () => resolve({ ok: true }))) },
    });
    const { client, frames } = openRecorded(broker);
    client.send(connectPacketV5());
    await client.settle();
    client.send(connectPacketV5());
    await client.settle();
    release();
    await client.waitClosed();
    expect(frames.map((frame) => frame[0]! >> 4)).toEqual([2, 14]);
    expect(frames[1]![2]).toBe(0x82);
  });

  it('[MQTT-4.13.2-1] closes after a refusing CONNACK, and after a DISCONNECT 0x80 or above, handling nothing more', async () => {
    const { broker } = createTestBroker({
      auth: { authenticate: () => ({ ok: false, reason: 'bad-credentials' }) },
    });
    const refused = PacketClient.open(broker, 5);
    expect((await refused.connect()).reasonCode).toBe(0x86);
    await refused.waitClosed();

    const open = createTestBroker().broker;
    const watching = await watcher(open);
    const client = await connectV5(open, 'bad');
    // The bad PUBLISH and a good one in one chunk: the good one must not be handled.
    client.sendBytes([
      ...rawPublish(utf8Bytes('a/#')),
      ...mqttPacket.generate(publishPacket('ok', 'x'), { protocolVersion: 5 }),
    ]);
    await expectDisconnected(client, 0x82);
    await expectNothingDelivered(watching);
  });
});

describe('Reason String and User Properties left out for a small Maximum Packet Size', () => {
  it('[MQTT-3.2.2-20] [MQTT-3.2.2-19] CONNACK, accepting or refusing, carries no User Properties', async () => {
    const { broker } = createTestBroker({
      auth: {
        authenticate: ({ username }) =>
          username === 'ok' ? { ok: true } : { ok: false, reason: 'not-authorized' },
      },
    });
    for (const username of ['ok', 'refused']) {
      const { client, frames } = openRecorded(broker);
      const connack = await client.connect({ clientId: username, username, ...tight });
      expect(connack.reasonCode).toBe(username === 'ok' ? 0 : 0x87);
      expectNoDiagnostics(connack);
      expect(frames[0]!.length).toBeLessThanOrEqual(TIGHT_PACKET_SIZE);
    }
  });

  it('[MQTT-3.14.2-3] [MQTT-3.14.2-4] DISCONNECT carries no Reason String or User Properties', async () => {
    const { broker } = createTestBroker();
    const taken = await connectRecorded(broker, 'dev', {
      ...tight,
      properties: { ...tight.properties, sessionExpiryInterval: 60 },
    });
    await connectV5(broker, 'dev', { clean: false });
    const bad = await connectRecorded(broker, 'bad', tight);
    bad.client.sendBytes(rawPublish(utf8Bytes('a/+')));
    for (const [{ client, frames }, code] of [
      [taken, 0x8e],
      [bad, 0x82],
    ] as const) {
      const disconnect = await client.next('disconnect');
      expect(disconnect.reasonCode).toBe(code);
      expectNoDiagnostics(disconnect);
      expect(frames.at(-1)!.length).toBeLessThanOrEqual(TIGHT_PACKET_SIZE);
    }
  });

  it('[MQTT-3.15.2-1] [MQTT-3.15.2-2] [MQTT-3.15.2-3] AUTH uses defined reason codes and carries no Reason String or User Properties', async () => {
    const { broker } = createTestBroker({ enhancedAuth: [echo] });
    const { client, frames } = openRecorded(broker);
    const answer = (reasonCode: number) => ({
      cmd: 'auth' as const,
      reasonCode,
      properties: { authenticationMethod: 'echo', authenticationData: Buffer.from('answer') },
    });
    client.send(
      connectPacketV5({ properties: { authenticationMethod: 'echo', maximumPacketSize: TIGHT_PACKET_SIZE } }),
    );
    const challenge = await client.next('auth');
    client.send(answer(0x18));
    expect((await client.next('connack')).reasonCode).toBe(0);
    client.send(answer(0x19));
    const again = await client.next('auth');
    client.send(answer(0x18));
    const success = await client.next('auth');
    expect([challenge.reasonCode, again.reasonCode, success.reasonCode]).toEqual([0x18, 0x18, 0x00]);
    for (const auth of [challenge, again, success]) expectNoDiagnostics(auth);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(TIGHT_PACKET_SIZE);
  });

  it('treats an AUTH with an undefined reason code as malformed: DISCONNECT 0x81', async () => {
    const { broker } = createTestBroker({ enhancedAuth: [echo] });
    const client = PacketClient.open(broker, 5);
    client.send(connectPacketV5({ properties: { authenticationMethod: 'echo' } }));
    await client.next('auth');
    client.send({
      cmd: 'auth',
      reasonCode: 0x18,
      properties: { authenticationMethod: 'echo', authenticationData: Buffer.from('answer') },
    });
    await client.next('connack');
    client.sendBytes(rawPacket(0xf0, [0x01, 7, ...[0x15, ...lengthPrefixed(utf8Bytes('echo'))]]));
    await expectDisconnected(client, 0x81);
  });

  it('[MQTT-3.4.2-2] [MQTT-3.4.2-3] [MQTT-3.5.2-2] [MQTT-3.5.2-3] PUBACK and PUBREC, success or not, to a client with a small Maximum Packet Size', async () => {
    const { broker } = createTestBroker({ auth: { authorizePublish: (_c, topic) => topic !== 'locked' } });
    await subscribeV5(await connectV5(broker, 'sub'), [['t', 2]]);
    const { client, frames } = await connectRecorded(broker, 'pub', tight);
    let id = 1;
    for (const qos of [1, 2] as const)
      for (const topic of ['t', 'nobody', 'locked'])
        client.send(publishPacket(topic, 'x', { qos, messageId: id++ }));
    const acks = await client.settle();
    expect(acks.map((p) => [p.cmd, (p as { reasonCode?: number }).reasonCode])).toEqual([
      ['puback', 0],
      ['puback', 0x10],
      ['puback', 0x87],
      ['pubrec', 0],
      ['pubrec', 0x10],
      ['pubrec', 0x87],
    ]);
    expectBare(acks, frames);
  });

  it('[MQTT-3.6.2-2] [MQTT-3.6.2-3] [MQTT-3.7.2-2] [MQTT-3.7.2-3] PUBREL and PUBCOMP, known id or not, to a client with a small Maximum Packet Size', async () => {
    const { broker } = createTestBroker();
    const { client, frames } = await connectRecorded(broker, 'sub', tight);
    await subscribeV5(client, [['t', 2]]);
    publishText(broker, 't', 'x', 2);
    const [delivery] = await takePublishes(client);
    client.send({ cmd: 'pubrec', messageId: delivery!.messageId!, reasonCode: 0 });
    client.send({ cmd: 'pubrec', messageId: 999, reasonCode: 0 });
    client.send(publishPacket('t', 'x', { qos: 2, messageId: 1 }));
    client.send({ cmd: 'pubrel', messageId: 1, reasonCode: 0 });
    client.send({ cmd: 'pubrel', messageId: 2, reasonCode: 0 });
    await client.settle();
    const acks = client.received.filter((p) => p.cmd === 'pubrel' || p.cmd === 'pubcomp');
    expect(acks.map((p) => [p.cmd, p.messageId, (p as { reasonCode?: number }).reasonCode ?? 0])).toEqual([
      ['pubrel', delivery!.messageId, 0],
      ['pubrel', 999, 0x92],
      ['pubcomp', 1, 0],
      ['pubcomp', 2, 0x92],
    ]);
    expectBare(acks, frames);
  });

  it('[MQTT-3.1.2-29] with Request Problem Information 0, only PUBLISH carries User Properties: no acknowledgement has diagnostics', async () => {
    const { broker } = createTestBroker({
      auth: {
        authorizePublish: (_c, topic) => topic !== 'locked',
        authorizeSubscribe: (_c, f, qos) => (f === 'locked' ? false : qos),
      },
    });
    const client = await connectV5(broker, 'quiet', { properties: { requestProblemInformation: false } });
    client.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 't', qos: 2 },
        { topic: 'bad#', qos: 0 },
        { topic: 'locked', qos: 0 },
      ],
    });
    client.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['never'] });
    client.send(publishPacket('nobody', 'x', { qos: 1, messageId: 3 }));
    client.send(publishPacket('locked', 'x', { qos: 2, messageId: 4 }));
    client.send({ cmd: 'pubrel', messageId: 5, reasonCode: 0 });
    client.send({ cmd: 'pubrec', messageId: 6, reasonCode: 0 });
    const pub = await connectV5(broker, 'pub');
    pub.send(publishPacket('t', 'x', { properties: { userProperties: { kept: 'yes' } } }));
    const received = await client.settle(20);
    expect(received.map((p) => p.cmd)).toEqual([
      'suback',
      'unsuback',
      'puback',
      'pubrec',
      'pubcomp',
      'pubrel',
      'publish',
    ]);
    expect(received.map((p) => (p as { reasonCode?: number }).reasonCode)).toEqual([
      undefined,
      undefined,
      0x10,
      0x87,
      0x92,
      0x92,
      undefined,
    ]);
    for (const packet of received.slice(0, -1)) expectNoDiagnostics(packet);
    expect(received.at(-1)).toMatchObject({ properties: { userProperties: { kept: 'yes' } } });
  });

  it('[MQTT-3.9.2-1] [MQTT-3.9.2-2] sends a SUBACK of refusals without Reason String or User Properties to a client with a small Maximum Packet Size', async () => {
    const { broker } = createTestBroker({ auth: { authorizeSubscribe: () => false } });
    const { client, frames } = await connectRecorded(broker, 'sub', {
      properties: { maximumPacketSize: TIGHT_PACKET_SIZE },
    });
    client.send({
      cmd: 'subscribe',
      messageId: 5,
      subscriptions: [
        { topic: 'a', qos: 1 },
        { topic: 'a#', qos: 1 },
      ],
    });
    const suback = await client.next('suback');
    expect(suback.granted).toEqual([0x87, 0x8f]);
    expectNoDiagnostics(suback);
    expect(frames.at(-1)!.length).toBeLessThanOrEqual(TIGHT_PACKET_SIZE);
  });

  it('[MQTT-3.11.2-1] [MQTT-3.11.2-2] sends an UNSUBACK without Reason String or User Properties to a client with a small Maximum Packet Size', async () => {
    const { broker } = createTestBroker();
    const { client, frames } = await connectRecorded(broker, 'c', {
      properties: { maximumPacketSize: TIGHT_PACKET_SIZE },
    });
    client.send({ cmd: 'unsubscribe', messageId: 9, unsubscriptions: ['none', 'other'] });
    const unsuback = await client.next('unsuback');
    expect(unsuback.granted).toEqual([0x11, 0x11]);
    expectNoDiagnostics(unsuback);
    expect(frames.at(-1)!.length).toBeLessThanOrEqual(TIGHT_PACKET_SIZE);
  });
});
