import type { IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createTestBroker } from '../../testing/test-broker.ts';
import { acceptClient, disconnect, dropLink, expectSubscribed, publishPacket } from './flow-helpers.ts';

function payloads(packets: IPublishPacket[]): string[] {
  return packets.map((packet) => String(packet.payload));
}

describe('clean session 0 (persistent)', () => {
  it('[MQTT-3.1.2-4] [MQTT-3.2.2-3] creates a session when none is stored, with session present 0', async () => {
    const { broker } = createTestBroker();
    const { connack } = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(connack.sessionPresent).toBe(false);
    expect(broker.sessions.get('dev')?.persistent).toBe(true);
  });

  it('[MQTT-3.1.2-4] [MQTT-3.2.2-2] [MQTT-4.1.0-1] resumes the stored session: session present 1, subscriptions kept', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(first.client, 'cmd/#', 1);
    const sessionId = broker.sessions.get('dev')?.id;
    await disconnect(first.client);
    expect(broker.sessions.get('dev')?.id).toBe(sessionId);

    const second = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(second.connack.sessionPresent).toBe(true);
    expect(broker.sessions.get('dev')?.id).toBe(sessionId);
    const pub = await acceptClient(broker, { clientId: 'pub', clean: true });
    pub.client.send(publishPacket('cmd/reboot', 'now', { qos: 1, messageId: 9 }));
    await pub.client.next('puback');
    const delivered = await second.client.next('publish');
    expect(delivered.topic).toBe('cmd/reboot');
    expect(delivered.qos).toBe(1);
  });

  it('[MQTT-3.1.2-5] queues QoS 1 and QoS 2 messages while disconnected and delivers them, in order, on reconnect', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(first.client, 'cmd/#', 2);
    await dropLink(first.client);

    const pub = await acceptClient(broker, { clientId: 'pub', clean: true });
    pub.client.send(publishPacket('cmd/a', 'one', { qos: 1, messageId: 1 }));
    pub.client.send(publishPacket('cmd/b', 'two', { qos: 2, messageId: 2 }));
    pub.client.send(publishPacket('cmd/c', 'three', { qos: 1, messageId: 3 }));
    await pub.client.next('puback');
    await pub.client.next('pubrec');
    await pub.client.next('puback');
    expect(broker.metrics().queued).toBe(3);

    const second = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(second.connack.sessionPresent).toBe(true);
    const delivered = [
      await second.client.next('publish'),
      await second.client.next('publish'),
      await second.client.next('publish'),
    ];
    expect(payloads(delivered)).toEqual(['one', 'two', 'three']);
    expect(delivered.map((packet) => packet.qos)).toEqual([1, 2, 1]);
    // Queued messages are first sends, not retransmissions.
    expect(delivered.every((packet) => !packet.dup)).toBe(true);
    expect(broker.metrics().queued).toBe(0);
  });

  it('[MQTT-3.1.2-5] does not queue QoS 0 messages for a disconnected session, and counts them', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(first.client, 'cmd/#', 2);
    await dropLink(first.client);

    broker.publish({ topic: 'cmd/a', payload: Buffer.from('lost'), qos: 0 });
    broker.publish({ topic: 'cmd/b', payload: Buffer.from('kept'), qos: 1 });
    const metrics = broker.metrics();
    expect(metrics.dropped['offline-qos0']).toBe(1);
    expect(metrics.queued).toBe(1);

    const second = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(String((await second.client.next('publish')).payload)).toBe('kept');
    await second.client.settle();
    expect(second.client.received).toEqual([]);
  });

  it('[MQTT-3.1.3-2] identifies session state by client id', async () => {
    const { broker } = createTestBroker();
    const owner = await acceptClient(broker, { clientId: 'dev-1', clean: false });
    await expectSubscribed(owner.client, 'cmd/#', 1);
    await dropLink(owner.client);
    broker.publish({ topic: 'cmd/x', payload: Buffer.from('for dev-1'), qos: 1 });

    const other = await acceptClient(broker, { clientId: 'dev-2', clean: false });
    expect(other.connack.sessionPresent).toBe(false);
    await other.client.settle();
    expect(other.client.received).toEqual([]);
    const back = await acceptClient(broker, { clientId: 'dev-1', clean: false });
    expect(back.connack.sessionPresent).toBe(true);
    expect(String((await back.client.next('publish')).payload)).toBe('for dev-1');
  });
});

describe('message delivery retry on reconnect', () => {
  it('[MQTT-4.4.0-1] [MQTT-3.3.1-1] re-sends an unacknowledged QoS 1 PUBLISH with DUP 1 and its original id', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(first.client, 't', 1);
    broker.publish({ topic: 't', payload: Buffer.from('m'), qos: 1 });
    const original = await first.client.next('publish');
    expect(original.dup).toBe(false);
    await dropLink(first.client);

    const second = await acceptClient(broker, { clientId: 'dev', clean: false });
    const again = await second.client.next('publish');
    expect(again.dup).toBe(true);
    expect(again.messageId).toBe(original.messageId);
    expect(again.qos).toBe(1);
    expect(String(again.payload)).toBe('m');
    second.client.send({ cmd: 'puback', messageId: again.messageId! });
    await second.client.settle();
    expect(broker.metrics().inflight).toBe(0);

    // Acknowledged now: a further reconnect re-sends nothing.
    await dropLink(second.client);
    const third = await acceptClient(broker, { clientId: 'dev', clean: false });
    await third.client.settle();
    expect(third.client.received).toEqual([]);
  });

  it('[MQTT-4.4.0-1] re-sends PUBREL for a QoS 2 message past PUBREC, and PUBLISH (DUP 1) for one not, in order', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(first.client, 't', 2);
    broker.publish({ topic: 't', payload: Buffer.from('a'), qos: 2 });
    broker.publish({ topic: 't', payload: Buffer.from('b'), qos: 2 });
    const a = await first.client.next('publish');
    const b = await first.client.next('publish');
    first.client.send({ cmd: 'pubrec', messageId: a.messageId! });
    expect((await first.client.next('pubrel')).messageId).toBe(a.messageId);
    await dropLink(first.client);

    const second = await acceptClient(broker, { clientId: 'dev', clean: false });
    const pubrel = await second.client.next('pubrel');
    expect(pubrel.messageId).toBe(a.messageId);
    const resent = await second.client.next('publish');
    expect(resent.messageId).toBe(b.messageId);
    expect(resent.dup).toBe(true);
    expect(String(resent.payload)).toBe('b');
    // [MQTT-4.3.3-1] the PUBLISH of a message past PUBREC is not sent again.
    await second.client.settle();
    expect(second.client.received).toEqual([]);

    second.client.send({ cmd: 'pubcomp', messageId: a.messageId! });
    second.client.send({ cmd: 'pubrec', messageId: b.messageId! });
    expect((await second.client.next('pubrel')).messageId).toBe(b.messageId);
    second.client.send({ cmd: 'pubcomp', messageId: b.messageId! });
    await second.client.settle();
    expect(broker.metrics().inflight).toBe(0);
  });

  it('[MQTT-4.3.3-2] keeps inbound QoS 2 state across a reconnect: a re-sent PUBLISH is not delivered twice', async () => {
    const { broker } = createTestBroker();
    const sub = await acceptClient(broker, { clientId: 'sub', clean: true });
    await expectSubscribed(sub.client, 't', 2);
    const first = await acceptClient(broker, { clientId: 'pub', clean: false });
    first.client.send(publishPacket('t', 'once', { qos: 2, messageId: 5 }));
    expect((await first.client.next('pubrec')).messageId).toBe(5);
    expect(String((await sub.client.next('publish')).payload)).toBe('once');
    await dropLink(first.client);

    const second = await acceptClient(broker, { clientId: 'pub', clean: false });
    expect(second.connack.sessionPresent).toBe(true);
    second.client.send({ ...publishPacket('t', 'once', { qos: 2, messageId: 5 }), dup: true });
    expect((await second.client.next('pubrec')).messageId).toBe(5);
    second.client.send({ cmd: 'pubrel', messageId: 5 });
    expect((await second.client.next('pubcomp')).messageId).toBe(5);
    await sub.client.settle();
    expect(sub.client.received.filter((packet) => packet.cmd === 'publish')).toEqual([]);

    // Released: the id now starts a new message.
    second.client.send(publishPacket('t', 'next', { qos: 2, messageId: 5 }));
    await second.client.next('pubrec');
    expect(String((await sub.client.next('publish')).payload)).toBe('next');
  });
});

describe('clean session 1', () => {
  it('[MQTT-3.1.2-6] [MQTT-4.1.0-2] a clean session lasts as long as its connection, then is discarded', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: true });
    await expectSubscribed(first.client, 't', 1);
    expect(broker.sessions.get('dev')?.persistent).toBe(false);
    await dropLink(first.client);
    expect(broker.sessions.size).toBe(0);
    expect(broker.metrics().subscriptions).toBe(0);
    broker.publish({ topic: 't', payload: Buffer.from('x'), qos: 1 });
    expect(broker.metrics().dropped['no-subscribers']).toBe(1);

    const second = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(second.connack.sessionPresent).toBe(false);
    await second.client.settle();
    expect(second.client.received).toEqual([]);
  });

  it('[MQTT-3.1.2-6] [MQTT-3.1.4-3] a clean session 1 reconnect discards the stored session and never reuses it', async () => {
    const { broker } = createTestBroker();
    const first = await acceptClient(broker, { clientId: 'dev', clean: false });
    await expectSubscribed(first.client, 't', 1);
    first.client.send(publishPacket('in', 'x', { qos: 2, messageId: 3 }));
    await first.client.next('pubrec');
    await dropLink(first.client);
    broker.publish({ topic: 't', payload: Buffer.from('queued'), qos: 1 });
    expect(broker.metrics().queued).toBe(1);

    const clean = await acceptClient(broker, { clientId: 'dev', clean: true });
    expect(clean.connack.sessionPresent).toBe(false);
    expect(broker.metrics()).toMatchObject({ queued: 0, inflight: 0, subscriptions: 0 });
    broker.publish({ topic: 't', payload: Buffer.from('after'), qos: 1 });
    // The old inbound QoS 2 id is forgotten too: the same id is a new message.
    clean.client.send(publishPacket('in', 'x', { qos: 2, messageId: 3 }));
    await clean.client.next('pubrec');
    await clean.client.settle();
    expect(clean.client.received).toEqual([]);
    expect(broker.metrics().messagesIn).toBe(2);
    await disconnect(clean.client);

    const later = await acceptClient(broker, { clientId: 'dev', clean: false });
    expect(later.connack.sessionPresent).toBe(false);
    await later.client.settle();
    expect(later.client.received).toEqual([]);
  });

  it('[MQTT-3.1.2-7] retained messages outlive the session that published them', async () => {
    const { broker } = createTestBroker();
    const pub = await acceptClient(broker, { clientId: 'pub', clean: true });
    pub.client.send(publishPacket('status', 'up', { qos: 1, messageId: 1, retain: true }));
    await pub.client.next('puback');
    await disconnect(pub.client);
    expect(broker.sessions.has('pub')).toBe(false);

    const sub = await acceptClient(broker, { clientId: 'sub', clean: true });
    await expectSubscribed(sub.client, 'status', 1);
    const retained = await sub.client.next('publish');
    expect(String(retained.payload)).toBe('up');
    expect(retained.retain).toBe(true);
  });
});
