import type { IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { AuthenticateResult } from '../broker-options.ts';
import {
  acceptClient,
  connectPacket,
  expectSubscribed,
  receivedPublishes,
  recordEvents,
} from './flow-helpers.ts';

describe('takeover', () => {
  it('[MQTT-3.1.4-2] closes the existing connection when the same client id connects again', async () => {
    const { broker } = createTestBroker();
    const { disconnects } = recordEvents(broker);
    const old = await acceptClient(broker, { clientId: 'dev' });
    const fresh = await acceptClient(broker, { clientId: 'dev' });
    await old.client.waitClosed();
    // 3.1.1 has no DISCONNECT from the server: the old connection just ends.
    expect(old.client.received).toEqual([]);
    expect(fresh.client.closed).toBe(false);
    expect(broker.connectionCount).toBe(1);
    fresh.client.send({ cmd: 'pingreq' });
    await fresh.client.next('pingresp');
    expect(disconnects).toEqual([
      { sessionId: expect.any(String), clientId: 'dev', reason: 'takeover', willPublished: false },
    ]);
  });

  it('[MQTT-3.1.4-2] moves a persistent session to the new connection', async () => {
    const { broker } = createTestBroker();
    const { connects } = recordEvents(broker);
    const old = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(old.client, 'cmd', 1);
    const fresh = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(fresh.connack.sessionPresent).toBe(true);
    await old.client.waitClosed();
    expect(connects.map((event) => event.sessionId)).toEqual([
      connects[0]!.sessionId,
      connects[0]!.sessionId,
    ]);
    expect(broker.metrics()).toMatchObject({ sessions: 1, subscriptions: 1, connections: 1 });

    broker.publish({ topic: 'cmd', payload: Buffer.from('go'), qos: 1 });
    expect(String((await fresh.client.next('publish')).payload)).toBe('go');
    expect(receivedPublishes(old.client)).toEqual([]);
  });

  it('[MQTT-3.1.4-2] [MQTT-4.4.0-1] loses nothing in flight or queued and delivers nothing twice', async () => {
    const { broker } = createTestBroker({ limits: { maxInflight: 2 } });
    const old = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(old.client, 'n', 1);
    for (const n of ['1', '2', '3', '4']) broker.publish({ topic: 'n', payload: Buffer.from(n), qos: 1 });
    const first = await old.client.next('publish');
    await old.client.next('publish');
    old.client.send({ cmd: 'puback', messageId: first.messageId! });
    // The acknowledgement frees a slot: "3" goes out, "4" stays queued.
    expect(String((await old.client.next('publish')).payload)).toBe('3');
    expect(broker.metrics()).toMatchObject({ inflight: 2, queued: 1 });

    const fresh = await acceptClient(broker, { clientId: 'dev', clean: false });
    await old.client.waitClosed();
    const got: IPublishPacket[] = [];
    for (let i = 0; i < 3; i++) {
      const packet = await fresh.client.next('publish');
      got.push(packet);
      fresh.client.send({ cmd: 'puback', messageId: packet.messageId! });
    }
    broker.publish({ topic: 'n', payload: Buffer.from('5'), qos: 1 });
    got.push(await fresh.client.next('publish'));
    await fresh.client.settle();

    // "1" was acknowledged on the old connection; "2" and "3" were unacknowledged there and come again
    // as retransmissions; the rest arrive once, as first sends.
    expect(got.map((packet) => [String(packet.payload), packet.dup])).toEqual([
      ['2', true],
      ['3', true],
      ['4', false],
      ['5', false],
    ]);
    expect(receivedPublishes(fresh.client)).toEqual([]);
    expect(receivedPublishes(old.client)).toEqual([]);
  });

  it('[MQTT-3.1.4-2] [MQTT-4.3.3-1] moves a QoS 2 delivery past PUBREC as a PUBREL, not a second PUBLISH', async () => {
    const { broker } = createTestBroker();
    const old = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(old.client, 'q2', 2);
    broker.publish({ topic: 'q2', payload: Buffer.from('x'), qos: 2 });
    const delivered = await old.client.next('publish');
    old.client.send({ cmd: 'pubrec', messageId: delivered.messageId! });
    await old.client.next('pubrel');

    const fresh = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect((await fresh.client.next('pubrel')).messageId).toBe(delivered.messageId);
    fresh.client.send({ cmd: 'pubcomp', messageId: delivered.messageId! });
    await fresh.client.settle();
    expect(receivedPublishes(fresh.client)).toEqual([]);
    expect(broker.metrics().inflight).toBe(0);
  });

  it("[MQTT-3.1.2-8] publishes the old connection's will", async () => {
    const { broker } = createTestBroker();
    const { disconnects } = recordEvents(broker);
    const watcher = await acceptClient(broker, { clientId: 'watcher' });
    await expectSubscribed(watcher.client, 'dev/status', 1);
    await acceptClient(broker, {
      clientId: 'dev',
      will: { topic: 'dev/status', payload: Buffer.from('offline'), qos: 1, retain: false },
    });
    await acceptClient(broker, { clientId: 'dev' });
    const will = await watcher.client.next('publish');
    expect(will.topic).toBe('dev/status');
    expect(String(will.payload)).toBe('offline');
    expect(disconnects).toEqual([
      expect.objectContaining({ clientId: 'dev', reason: 'takeover', willPublished: true }),
    ]);
  });

  it('[MQTT-3.1.2-6] with clean session 1 the new connection discards the old session', async () => {
    const { broker } = createTestBroker();
    const { connects } = recordEvents(broker);
    const old = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(old.client, 'cmd', 1);
    broker.publish({ topic: 'cmd', payload: Buffer.from('unacked'), qos: 1 });
    await old.client.next('publish');

    const fresh = await acceptClient(broker, { clientId: 'dev', clean: true });
    expect(fresh.connack.sessionPresent).toBe(false);
    await old.client.waitClosed();
    expect(connects[1]!.sessionId).not.toBe(connects[0]!.sessionId);
    expect(broker.metrics()).toMatchObject({ sessions: 1, subscriptions: 0, inflight: 0, queued: 0 });
    broker.publish({ topic: 'cmd', payload: Buffer.from('later'), qos: 1 });
    await fresh.client.settle();
    expect(fresh.client.received).toEqual([]);
  });

  it('[MQTT-3.1.2-6] [MQTT-3.2.2-3] does not hand a clean session 1 connection’s state to a clean session 0 takeover', async () => {
    const { broker } = createTestBroker();
    const old = await acceptClient(broker, { clientId: 'dev', clean: true });
    await expectSubscribed(old.client, 'cmd', 1);
    const fresh = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(fresh.connack.sessionPresent).toBe(false);
    expect(broker.metrics().subscriptions).toBe(0);
  });

  it('sends a v5 connection DISCONNECT 0x8E (session taken over) before closing it', async () => {
    const { broker } = createTestBroker();
    const old = await acceptClient(broker, { clientId: 'dev' }, 5);
    await acceptClient(broker, { clientId: 'dev' }, 5);
    expect((await old.client.next('disconnect')).reasonCode).toBe(0x8e);
    await old.client.waitClosed();
  });

  it('keeps the existing connection while the newcomer is being authenticated, and when it is refused', async () => {
    let pending: ((result: AuthenticateResult) => void) | undefined;
    const { broker } = createTestBroker({
      auth: {
        authenticate: (request) =>
          request.username === 'intruder'
            ? new Promise<AuthenticateResult>((resolve) => {
                pending = resolve;
              })
            : { ok: true },
      },
    });
    const { disconnects } = recordEvents(broker);
    const owner = await acceptClient(broker, { clientId: 'dev', clean: false, username: 'owner' });
    const intruder = PacketClient.open(broker);
    intruder.send(connectPacket({ clientId: 'dev', clean: false, username: 'intruder' }));
    await intruder.settle();
    expect(owner.client.closed).toBe(false);
    pending!({ ok: false, reason: 'not-authorized' });
    expect((await intruder.next('connack')).returnCode).toBe(0x05);
    await intruder.waitClosed();
    await owner.client.settle();
    expect(owner.client.closed).toBe(false);
    expect(disconnects).toEqual([]);
    owner.client.send({ cmd: 'pingreq' });
    await owner.client.next('pingresp');
  });
});
