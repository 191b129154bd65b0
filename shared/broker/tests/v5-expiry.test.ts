// mqtt-spec: 5.0
import type { IConnectPacket, IPublishPacket, QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import {
  connectClient,
  disconnect,
  payloadText,
  publishPacket,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';
import { connectV5 } from './v5-helpers.ts';

/** A v5 client with a session that outlives its connection by an hour. */
function connectPersistent(broker: Broker, clientId: string, fields: Partial<IConnectPacket> = {}) {
  return connectV5(broker, clientId, {
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
    ...fields,
  });
}

function publishExpiring(broker: Broker, topic: string, text: string, qos: QoS, seconds?: number): void {
  broker.publish({
    topic,
    payload: new TextEncoder().encode(text),
    qos,
    properties: seconds === undefined ? undefined : { messageExpiryInterval: seconds },
  });
}

function expiryOf(packet: IPublishPacket): number | undefined {
  return packet.properties?.messageExpiryInterval;
}

describe('Message Expiry Interval', () => {
  it('[MQTT-3.3.2-5] drops a message queued for an offline session once its interval has passed, counted as expired', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectPersistent(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    await disconnect(sub);

    publishExpiring(broker, 't', 'short', 1, 5);
    publishExpiring(broker, 't', 'long', 1, 60);
    publishExpiring(broker, 't', 'forever', 1);
    expect(broker.metrics().queued).toBe(3);
    env.clock.advance(5_000);

    const back = await connectPersistent(broker, 'sub');
    const received = await takePublishes(back);
    expect(received.map(payloadText)).toEqual(['long', 'forever']);
    expect(broker.metrics().dropped.expired).toBe(1);
    expect(broker.metrics().queued).toBe(0);
  });

  it('[MQTT-3.3.2-5] keeps a queued message one millisecond before its interval ends', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectPersistent(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    await disconnect(sub);
    publishExpiring(broker, 't', 'just in time', 1, 5);
    env.clock.advance(4_999);
    const back = await connectPersistent(broker, 'sub');
    const [message] = await takePublishes(back);
    expect(payloadText(message!)).toBe('just in time');
    expect(expiryOf(message!)).toBe(1);
    expect(broker.metrics().dropped.expired).toBe(0);
  });

  it('[MQTT-3.3.2-5] drops a message that expired waiting behind a full Receive Maximum window', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectV5(broker, 'sub', { properties: { receiveMaximum: 1 } });
    await subscribe(sub, [['t', 1]]);
    publishExpiring(broker, 't', 'first', 1, 10);
    publishExpiring(broker, 't', 'stale', 1, 2);
    publishExpiring(broker, 't', 'fresh', 1, 60);
    const [first] = await takePublishes(sub);
    expect(payloadText(first!)).toBe('first');

    env.clock.advance(3_000);
    sub.send({ cmd: 'puback', messageId: first!.messageId!, reasonCode: 0 });
    const next = await takePublishes(sub);
    expect(next.map(payloadText)).toEqual(['fresh']);
    expect(expiryOf(next[0]!)).toBe(57);
    expect(broker.metrics().dropped.expired).toBe(1);
  });

  it('[MQTT-3.3.2-6] forwards the full interval at once and the remaining interval after a wait', async () => {
    const { broker, env } = createTestBroker();
    const live = await connectV5(broker, 'live');
    await subscribe(live, [['t', 1]]);
    const offline = await connectPersistent(broker, 'offline');
    await subscribe(offline, [['t', 1]]);
    await disconnect(offline);

    publishExpiring(broker, 't', 'm', 1, 10);
    const [now] = await takePublishes(live);
    expect(expiryOf(now!)).toBe(10);

    env.clock.advance(4_000);
    const back = await connectPersistent(broker, 'offline');
    const [later] = await takePublishes(back);
    expect(payloadText(later!)).toBe('m');
    expect(expiryOf(later!)).toBe(6);
  });

  it('[MQTT-3.3.2-6] forwards no Message Expiry Interval when the publisher set none', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectPersistent(broker, 'sub');
    await subscribe(sub, [['t', 1]]);
    await disconnect(sub);
    publishExpiring(broker, 't', 'kept', 1);
    env.clock.advance(1_800_000);
    const back = await connectPersistent(broker, 'sub');
    const [message] = await takePublishes(back);
    expect(payloadText(message!)).toBe('kept');
    expect(expiryOf(message!)).toBeUndefined();
  });

  it('[MQTT-3.3.2-6] a v5 publisher sets the interval; the subscriber sees it reduced', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectPersistent(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    await disconnect(sub);
    const pub = await connectV5(broker, 'pub');
    pub.send(
      publishPacket('t', 'from a client', {
        qos: 2,
        messageId: 7,
        properties: { messageExpiryInterval: 30 },
      }),
    );
    await pub.next('pubrec');
    env.clock.advance(12_500);
    const back = await connectPersistent(broker, 'sub');
    const [message] = await takePublishes(back);
    expect(payloadText(message!)).toBe('from a client');
    // 17.5 s left: whole seconds, rounded up so that a message still alive never says 0.
    expect(expiryOf(message!)).toBe(18);
  });

  it('[MQTT-3.3.2-5] applies to a 3.1.1 subscriber too, which gets the message without properties', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectClient(broker, 'v3', { clean: false });
    await subscribe(sub, [['t', 1]]);
    sub.close();
    await sub.waitClosed();
    publishExpiring(broker, 't', 'expires', 1, 5);
    publishExpiring(broker, 't', 'stays', 1, 50);
    env.clock.advance(10_000);
    const back = await connectClient(broker, 'v3', { clean: false });
    const received = await takePublishes(back);
    expect(received.map(payloadText)).toEqual(['stays']);
    expect(received[0]!.properties).toBeUndefined();
    expect(broker.metrics().dropped.expired).toBe(1);
  });
});

describe('Message Expiry Interval of retained messages', () => {
  it('[MQTT-3.3.2-6] a retained message is sent to a new subscriber with its remaining interval', async () => {
    const { broker, env } = createTestBroker();
    broker.publish({
      topic: 'r',
      payload: new TextEncoder().encode('retained'),
      qos: 1,
      retain: true,
      properties: { messageExpiryInterval: 100 },
    });
    env.clock.advance(30_000);
    const sub = await connectV5(broker, 'sub');
    await subscribe(sub, [['r', 1]]);
    const [message] = await takePublishes(sub);
    expect(message).toMatchObject({ topic: 'r', retain: true });
    expect(expiryOf(message!)).toBe(70);
  });

  it('[MQTT-3.3.2-5] an expired retained message is no longer sent and is removed', async () => {
    const { broker, env } = createTestBroker();
    broker.publish({
      topic: 'r/expiring',
      payload: new TextEncoder().encode('gone'),
      qos: 1,
      retain: true,
      properties: { messageExpiryInterval: 10 },
    });
    broker.publish({ topic: 'r/lasting', payload: new TextEncoder().encode('stays'), qos: 1, retain: true });
    expect(broker.metrics().retained).toBe(2);
    env.clock.advance(10_000);
    const sub = await connectV5(broker, 'sub');
    await subscribe(sub, [['r/#', 1]]);
    const received = await takePublishes(sub);
    expect(received.map(payloadText)).toEqual(['stays']);
    expect(broker.metrics().retained).toBe(1);
  });
});

describe('Message Expiry Interval and messages already in flight', () => {
  it('[MQTT-4.3.3-7] a QoS 2 PUBLISH already sent is re-sent on reconnect after its interval passed', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectPersistent(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    publishExpiring(broker, 't', 'in flight', 2, 5);
    const [sent] = await takePublishes(sub);
    expect(sent).toMatchObject({ qos: 2, dup: false });
    sub.close();
    await sub.waitClosed();

    env.clock.advance(60_000);
    const back = await connectPersistent(broker, 'sub');
    const [resent] = await takePublishes(back);
    expect(resent).toMatchObject({ qos: 2, dup: true, messageId: sent!.messageId });
    expect(payloadText(resent!)).toBe('in flight');
    back.send({ cmd: 'pubrec', messageId: sent!.messageId!, reasonCode: 0 });
    expect((await back.next('pubrel')).messageId).toBe(sent!.messageId);
    back.send({ cmd: 'pubcomp', messageId: sent!.messageId!, reasonCode: 0 });
    await back.settle();
    expect(broker.metrics()).toMatchObject({ inflight: 0 });
    expect(broker.metrics().dropped.expired).toBe(0);
  });

  it('[MQTT-4.3.3-7] a QoS 2 delivery waiting for PUBCOMP is completed after its interval passed', async () => {
    const { broker, env } = createTestBroker();
    const sub = await connectPersistent(broker, 'sub');
    await subscribe(sub, [['t', 2]]);
    publishExpiring(broker, 't', 'received', 2, 5);
    const [sent] = await takePublishes(sub);
    sub.send({ cmd: 'pubrec', messageId: sent!.messageId!, reasonCode: 0 });
    await sub.next('pubrel');
    sub.close();
    await sub.waitClosed();

    env.clock.advance(60_000);
    const back = await connectPersistent(broker, 'sub');
    expect((await back.next('pubrel')).messageId).toBe(sent!.messageId);
    expect(await takePublishes(back)).toEqual([]);
  });
});
