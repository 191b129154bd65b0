// mqtt-spec: 5.0
import type { IConnectPacket, IPublishPacket, ISubscription, QoS } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';
import type { Broker } from '../broker.ts';
import type { SharedDispatchPolicy } from '../shared-groups.ts';
import {
  connectClient,
  payloadText,
  publishNumbered,
  publishPacket,
  subscribe,
  takePublishes,
} from './flow-helpers.ts';
import { acceptV5, persistent, subscribeV5 } from './v5-helpers.ts';

/** A v5 client, checking that its CONNACK offers shared subscriptions. */
async function connectSharing(
  broker: Broker,
  clientId: string,
  fields: Partial<IConnectPacket> = {},
): Promise<PacketClient> {
  const { client, connack } = await acceptV5(broker, clientId, fields);
  expect(connack.properties?.sharedSubscriptionAvailable).toBe(true);
  return client;
}

/** SUBSCRIBE to one filter; its reason code. */
async function subscribeOne(
  client: PacketClient,
  filter: string,
  qos: QoS,
  options: Omit<ISubscription, 'topic' | 'qos'> = {},
  subscriptionIdentifier?: number,
): Promise<number> {
  const [code] = await subscribeV5(client, [[filter, qos, options]], { subscriptionIdentifier });
  return code!;
}

/** Every message a client got, PUBACKed so that the window never fills. */
async function takeAcked(client: PacketClient): Promise<IPublishPacket[]> {
  const received = await takePublishes(client);
  for (const packet of received) {
    if (packet.qos === 1) client.send({ cmd: 'puback', messageId: packet.messageId! });
  }
  return received;
}

function numbers(packets: IPublishPacket[]): number[] {
  return packets.map((packet) => Number(payloadText(packet)));
}

function range(count: number, from = 0): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

function withPolicy(sharedDispatch: SharedDispatchPolicy) {
  return createTestBroker({ limits: { sharedDispatch } });
}

describe('shared subscriptions: one member per message', () => {
  it('gives each message to exactly one member, v5 and 3.1.1 members alike', async () => {
    const { broker } = createTestBroker();
    const members = [
      await connectSharing(broker, 'v5-a'),
      await connectClient(broker, 'v3-b'),
      await connectSharing(broker, 'v5-c'),
    ];
    for (const member of members) {
      const granted =
        member.protocolVersion === 5
          ? await subscribeOne(member, '$share/workers/jobs/#', 1)
          : (await subscribe(member, [['$share/workers/jobs/#', 1]]))[0];
      expect(granted).toBe(1);
    }
    publishNumbered(broker, 'jobs/x', 30, 1);
    const got = await Promise.all(members.map(takeAcked));
    for (const packets of got) {
      expect(packets.length).toBeGreaterThan(0);
      for (const packet of packets) expect(packet).toMatchObject({ topic: 'jobs/x', qos: 1 });
    }
    expect(got.flatMap(numbers).sort((a, b) => a - b)).toEqual(range(30));
  });

  it('round robin (the default) spreads messages evenly, in turn', async () => {
    const { broker } = createTestBroker();
    const members = [
      await connectSharing(broker, 'a'),
      await connectSharing(broker, 'b'),
      await connectClient(broker, 'c'),
    ];
    for (const member of members) await subscribe(member, [['$share/g/t', 0]]);
    publishNumbered(broker, 't', 12, 0);
    const got = (await Promise.all(members.map(takePublishes))).map(numbers);
    for (const share of got) expect(share).toHaveLength(4);
    // Each member's messages are three apart: nobody gets two in a row.
    for (const share of got) for (let i = 1; i < share.length; i++) expect(share[i]! - share[i - 1]!).toBe(3);
  });

  it('random dispatch picks the member the injected randomness says', async () => {
    const { broker, env } = withPolicy('random');
    const members = [
      await connectSharing(broker, 'a'),
      await connectSharing(broker, 'b'),
      await connectSharing(broker, 'c'),
    ];
    for (const member of members) await subscribe(member, [['$share/g/t', 0]]);
    // Random bytes of 0xff: a draw just below 1 always selects the last member.
    const seeded = env.randomBytes;
    env.randomBytes = (length) => new Uint8Array(length).fill(0xff);
    publishNumbered(broker, 't', 5, 0);
    expect((await Promise.all(members.map(takePublishes))).map(numbers)).toEqual([[], [], range(5)]);
    env.randomBytes = (length) => new Uint8Array(length);
    publishNumbered(broker, 't', 5, 0, { from: 5 });
    expect((await Promise.all(members.map(takePublishes))).map(numbers)).toEqual([range(5, 5), [], []]);

    env.randomBytes = seeded;
    publishNumbered(broker, 't', 300, 0, { from: 10 });
    const counts = (await Promise.all(members.map(takePublishes))).map((packets) => packets.length);
    expect(counts.reduce((a, b) => a + b)).toBe(300);
    for (const count of counts) expect(count).toBeGreaterThan(50);
  });

  it('least-inflight dispatch sends to the member with the fewest unacknowledged messages', async () => {
    const { broker } = withPolicy('least-inflight');
    const slow = await connectSharing(broker, 'slow');
    const fast = await connectSharing(broker, 'fast');
    await subscribeOne(slow, '$share/g/t', 1);
    await subscribeOne(fast, '$share/g/t', 1);
    publishNumbered(broker, 't', 2, 1);
    // Both idle: the first member, then the other.
    expect(numbers(await takePublishes(slow))).toEqual([0]);
    expect(numbers(await takeAcked(fast))).toEqual([1]);
    await fast.settle();
    // "slow" never acknowledges: while "fast" keeps up, everything goes to it.
    for (let i = 2; i < 8; i++) {
      publishNumbered(broker, 't', 1, 1, { from: i });
      expect(numbers(await takeAcked(fast))).toEqual([i]);
    }
    expect(await takePublishes(slow)).toEqual([]);
  });

  it('two groups on the same filter each get a copy; a plain subscription gets its own', async () => {
    const { broker } = createTestBroker();
    const a1 = await connectSharing(broker, 'a1');
    const a2 = await connectSharing(broker, 'a2');
    const b1 = await connectClient(broker, 'b1');
    const plain = await connectSharing(broker, 'plain');
    await subscribeOne(a1, '$share/a/t/+', 1);
    await subscribeOne(a2, '$share/a/t/+', 1);
    await subscribe(b1, [['$share/b/t/+', 1]]);
    await subscribeOne(plain, 't/+', 1);
    publishNumbered(broker, 't/1', 6, 1);
    const groupA = [...numbers(await takeAcked(a1)), ...numbers(await takeAcked(a2))];
    expect(groupA.sort((a, b) => a - b)).toEqual(range(6));
    expect(numbers(await takeAcked(b1))).toEqual(range(6));
    expect(numbers(await takeAcked(plain))).toEqual(range(6));
  });

  it('[MQTT-3.3.4-5] a session with a shared and a plain subscription gets two copies, each with its own identifier', async () => {
    const { broker } = createTestBroker();
    const client = await connectSharing(broker, 'both');
    await subscribeOne(client, '$share/g/t', 1, {}, 1);
    await subscribeOne(client, 't', 1, {}, 2);
    publishNumbered(broker, 't', 1, 1);
    const received = await takeAcked(client);
    expect(received.map((p) => p.properties?.subscriptionIdentifier).sort()).toEqual([1, 2]);
  });

  it('[MQTT-4.8.2-3] each member gets the message at the QoS granted to its own subscription', async () => {
    const { broker } = createTestBroker();
    const low = await connectSharing(broker, 'low');
    const high = await connectSharing(broker, 'high');
    expect(await subscribeOne(low, '$share/g/t', 0)).toBe(0);
    expect(await subscribeOne(high, '$share/g/t', 2)).toBe(2);
    publishNumbered(broker, 't', 4, 2);
    expect((await takePublishes(low)).map((p) => p.qos)).toEqual([0, 0]);
    expect((await takePublishes(high)).map((p) => p.qos)).toEqual([2, 2]);
  });

  it('prefers members that are online over offline persistent ones', async () => {
    const { broker } = createTestBroker();
    const away = await connectSharing(broker, 'away', persistent);
    await subscribeOne(away, '$share/g/t', 1);
    const here = await connectSharing(broker, 'here');
    await subscribeOne(here, '$share/g/t', 1);
    away.send({ cmd: 'disconnect' });
    await away.waitClosed();
    publishNumbered(broker, 't', 4, 1);
    expect(numbers(await takeAcked(here))).toEqual(range(4));
    const back = await connectSharing(broker, 'away', persistent);
    expect(await takePublishes(back)).toEqual([]);
  });

  it('queues for an offline member when no member is online', async () => {
    const { broker } = createTestBroker();
    const only = await connectSharing(broker, 'only', persistent);
    await subscribeOne(only, '$share/g/t', 1);
    only.send({ cmd: 'disconnect' });
    await only.waitClosed();
    publishNumbered(broker, 't', 3, 1);
    const back = await connectSharing(broker, 'only', persistent);
    expect(numbers(await takeAcked(back))).toEqual(range(3));
  });
});

describe('shared subscriptions: members that go away', () => {
  it("a member that disconnects hands the group's queued QoS 1/2 messages to an online member", async () => {
    const { broker } = createTestBroker();
    const narrow = await connectSharing(broker, 'narrow', {
      ...persistent,
      properties: { ...persistent.properties, receiveMaximum: 1 },
    });
    const wide = await connectSharing(broker, 'wide');
    await subscribeOne(narrow, '$share/g/t', 2);
    await subscribeOne(wide, '$share/g/t', 2);
    publishNumbered(broker, 't', 6, 1);
    publishNumbered(broker, 't', 2, 2, { from: 6 });
    const inFlight = await takePublishes(narrow);
    expect(inFlight).toHaveLength(1);
    expect(broker.metrics().queued).toBe(3);

    narrow.close();
    await narrow.waitClosed();
    const atWide = await takePublishes(wide);
    expect(broker.metrics().queued).toBe(0);
    // The one in flight waits for its member's session [MQTT-4.8.2-4]; the rest went to "wide".
    const delivered = [...numbers(inFlight), ...numbers(atWide)];
    expect(delivered.sort((a, b) => a - b)).toEqual(range(8));
    expect(atWide.filter((p) => Number(payloadText(p)) >= 6).map((p) => p.qos)).toEqual([2, 2]);
  });

  it("a clean-session member that disconnects hands its queued messages to an offline member's session", async () => {
    const { broker } = createTestBroker();
    const later = await connectSharing(broker, 'later', persistent);
    await subscribeOne(later, '$share/g/t', 1);
    later.send({ cmd: 'disconnect' });
    await later.waitClosed();
    const brief = await connectSharing(broker, 'brief', { properties: { receiveMaximum: 1 } });
    await subscribeOne(brief, '$share/g/t', 1);
    publishNumbered(broker, 't', 4, 1);
    const [first] = await takePublishes(brief);
    brief.send({ cmd: 'puback', messageId: first!.messageId! });
    const [second] = await takePublishes(brief);
    expect(numbers([first!, second!])).toEqual([0, 1]);
    brief.close();
    await brief.waitClosed();

    // "brief" is gone with its session; its unsent messages wait in "later"'s session, and so does
    // the QoS 1 message it never acknowledged.
    const back = await connectSharing(broker, 'later', persistent);
    expect(numbers(await takeAcked(back)).sort()).toEqual([1, 2, 3]);
  });

  it('[MQTT-4.8.2-4] a member that reconnects gets its interrupted QoS 2 delivery completed, and nobody else gets it', async () => {
    const { broker } = createTestBroker();
    const member = await connectSharing(broker, 'member', persistent);
    const other = await connectSharing(broker, 'other');
    await subscribeOne(member, '$share/g/t', 2);
    await subscribeOne(other, '$share/g/t', 2);
    publishNumbered(broker, 't', 4, 2);
    const [unanswered, released] = await takePublishes(member);
    expect(unanswered).toBeDefined();
    expect(released).toBeDefined();
    member.send({ cmd: 'pubrec', messageId: released!.messageId! });
    await member.next('pubrel');
    member.close();
    await member.waitClosed();
    const atOther = await takePublishes(other);

    const back = await connectSharing(broker, 'member', persistent);
    const resent = await takePublishes(back);
    expect(resent.map((p) => [payloadText(p), p.messageId, p.dup])).toEqual([
      [payloadText(unanswered!), unanswered!.messageId, true],
    ]);
    expect((await back.next('pubrel')).messageId).toBe(released!.messageId);
    expect(numbers(atOther).sort()).toEqual(
      range(4).filter((n) => ![unanswered, released].map((p) => Number(payloadText(p!))).includes(n)),
    );
  });

  it('[MQTT-4.8.2-5] a QoS 2 delivery whose member session ends is not sent to another member', async () => {
    const { broker } = createTestBroker();
    const member = await connectSharing(broker, 'member');
    const other = await connectSharing(broker, 'other');
    await subscribeOne(member, '$share/g/t', 2);
    await subscribeOne(other, '$share/g/t', 2);
    publishNumbered(broker, 't', 2, 2);
    const [atMember] = await takePublishes(member);
    const [atOther] = await takePublishes(other);
    other.send({ cmd: 'pubrec', messageId: atOther!.messageId! });
    await other.next('pubrel');
    member.close();
    await member.waitClosed();
    await other.settle();
    expect(numbers(await takePublishes(other))).not.toContain(Number(payloadText(atMember!)));
  });

  // MQTT 5 §4.8.2: the Server SHOULD send it to another member.
  it('a QoS 1 message in flight to a member whose session ends goes to another member', async () => {
    const { broker } = createTestBroker();
    const member = await connectSharing(broker, 'member');
    const other = await connectSharing(broker, 'other');
    await subscribeOne(member, '$share/g/t', 1);
    await subscribeOne(other, '$share/g/t', 1);
    publishNumbered(broker, 't', 2, 1);
    const [unacknowledged] = await takePublishes(member);
    const first = await takeAcked(other);
    member.close();
    await member.waitClosed();
    const later = await takeAcked(other);
    expect(numbers([...first, ...later]).sort()).toEqual([0, 1]);
    expect(numbers(later)).toEqual(numbers([unacknowledged!]));
  });

  it('[MQTT-4.8.2-6] a message a member refuses with PUBACK 0x80 or above is not sent to another member', async () => {
    const { broker } = createTestBroker();
    const refuser = await connectSharing(broker, 'refuser');
    const other = await connectSharing(broker, 'other');
    await subscribeOne(refuser, '$share/g/t', 1);
    await subscribeOne(other, '$share/g/t', 1);
    publishNumbered(broker, 't', 2, 1);
    const [refused] = await takePublishes(refuser);
    refuser.send({ cmd: 'puback', messageId: refused!.messageId!, reasonCode: 0x80 });
    const atOther = await takeAcked(other);
    await other.settle();
    expect(numbers([...atOther, ...(await takePublishes(other))])).toEqual([
      1 - Number(payloadText(refused!)),
    ]);
  });
});

describe('SUBSCRIBE and UNSUBSCRIBE with $share', () => {
  it('sends no retained messages on a shared subscription, v5 or 3.1.1', async () => {
    const { broker } = createTestBroker();
    broker.publish({ topic: 'r', payload: new TextEncoder().encode('kept'), qos: 1, retain: true });
    const v5 = await connectSharing(broker, 'v5');
    expect(await subscribeOne(v5, '$share/g/r', 1, { rh: 0 })).toBe(1);
    const v3 = await connectClient(broker, 'v3');
    expect(await subscribe(v3, [['$share/h/#', 1]])).toEqual([1]);
    expect(await takePublishes(v5)).toEqual([]);
    expect(await takePublishes(v3)).toEqual([]);
    // A plain subscription of the same client still gets it.
    await subscribeOne(v5, 'r', 1);
    expect((await takePublishes(v5)).map(payloadText)).toEqual(['kept']);
  });

  it('[MQTT-3.8.3-4] No Local on a shared subscription is a protocol error: DISCONNECT 0x82', async () => {
    const { broker } = createTestBroker();
    const client = await connectSharing(broker, 'c');
    client.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: '$share/g/t', qos: 1, nl: true }],
    });
    expect((await client.next('disconnect')).reasonCode).toBe(0x82);
    await client.waitClosed();
    expect(broker.metrics().subscriptions).toBe(0);
  });

  const malformed = [
    '$share/',
    '$share/a',
    '$share/a+b/x',
    '$share/a#/x',
    '$share//x',
    '$share/g/',
    '$share/g/a/#/b',
  ];

  it.each(malformed)('[MQTT-4.8.2-1] [MQTT-4.8.2-2] refuses %j with SUBACK 0x8F for v5', async (filter) => {
    const { broker } = createTestBroker();
    const client = await connectSharing(broker, 'c');
    expect(await subscribeOne(client, filter, 1)).toBe(0x8f);
    expect(broker.metrics().subscriptions).toBe(0);
    expect(client.closed).toBe(false);
  });

  it.each(malformed)(
    '[MQTT-4.8.2-1] [MQTT-4.8.2-2] refuses %j with SUBACK 0x80 for 3.1.1',
    async (filter) => {
      const { broker } = createTestBroker();
      const client = await connectClient(broker, 'c');
      expect(await subscribe(client, [[filter, 1]])).toEqual([0x80]);
      expect(broker.metrics().subscriptions).toBe(0);
    },
  );

  it('[MQTT-4.8.2-1] [MQTT-4.8.2-2] accepts share names and filters that are well formed', async () => {
    const { broker } = createTestBroker();
    const client = await connectSharing(broker, 'c');
    for (const filter of ['$share/g/#', '$share/g/+/x', '$share/group-1.é/a/b', '$share/g/$SYS/x']) {
      expect(await subscribeOne(client, filter, 2)).toBe(2);
    }
    expect(broker.metrics().subscriptions).toBe(4);
  });

  it('UNSUBSCRIBE leaves the group: the other members get everything', async () => {
    const { broker } = createTestBroker();
    const leaver = await connectSharing(broker, 'leaver');
    const stayer = await connectClient(broker, 'stayer');
    await subscribeOne(leaver, '$share/g/t', 0);
    await subscribe(stayer, [['$share/g/t', 0]]);
    expect(broker.metrics().subscriptions).toBe(2);

    leaver.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['$share/g/t', '$share/other/t'] });
    expect((await leaver.next('unsuback')).granted).toEqual([0x00, 0x11]);
    expect(broker.metrics().subscriptions).toBe(1);
    publishNumbered(broker, 't', 4, 0);
    expect(numbers(await takePublishes(stayer))).toEqual(range(4));
    expect(await takePublishes(leaver)).toEqual([]);

    stayer.send({ cmd: 'unsubscribe', messageId: 3, unsubscriptions: ['$share/g/t'] });
    await stayer.next('unsuback');
    expect(broker.metrics().subscriptions).toBe(0);
    const pub = await connectSharing(broker, 'pub');
    pub.send(publishPacket('t', 'x', { qos: 1, messageId: 1 }));
    // An empty group is no subscriber at all.
    expect((await pub.next('puback')).reasonCode).toBe(0x10);
  });

  it('a member leaves its group when its session ends', async () => {
    const { broker } = createTestBroker();
    const leaver = await connectSharing(broker, 'leaver');
    const stayer = await connectSharing(broker, 'stayer');
    await subscribeOne(leaver, '$share/g/t', 0);
    await subscribeOne(stayer, '$share/g/t', 0);
    leaver.close();
    await leaver.waitClosed();
    expect(broker.metrics().subscriptions).toBe(1);
    publishNumbered(broker, 't', 3, 0);
    expect(numbers(await takePublishes(stayer))).toEqual(range(3));
  });
});
