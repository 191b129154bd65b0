import { describe, expect, it } from 'vitest';
import { PacketClient } from '../testing/packet-client.ts';
import { createTestBroker } from '../testing/test-broker.ts';
import type { OverviewSnapshot } from './broker-link.ts';
import { createLocalBrokerLink } from './local-broker-link.ts';
import { type LoadAverages, zeroRates } from './rate-meter.ts';
import { sysMessages } from './sys-topics.ts';

const overview: OverviewSnapshot = {
  version: '1.2.3',
  mode: 'server',
  startedAt: 0,
  now: 3_723_000,
  uptimeSeconds: 3723,
  connections: 3,
  maxConnections: 7,
  sessions: 5,
  subscriptions: 11,
  retained: 4,
  inflight: 0,
  queued: 0,
  totals: { messagesIn: 100, messagesOut: 250, bytesIn: 4096, bytesOut: 8192 },
  rates: zeroRates(),
  dropped: {
    'queue-full': 1,
    'output-buffer-full': 0,
    'offline-qos0': 2,
    'no-subscribers': 3,
    'not-authorized': 0,
  } as OverviewSnapshot['dropped'],
  droppedTotal: 6,
};

const loads: LoadAverages = {
  '1min': { messagesIn: 60, messagesOut: 120.456, bytesIn: 1, bytesOut: 0 },
  '5min': { messagesIn: 12.345, messagesOut: 0, bytesIn: 0, bytesOut: 0 },
  '15min': { messagesIn: 4.2, messagesOut: 0, bytesIn: 0, bytesOut: 0.005 },
};

describe('sysMessages', () => {
  it("lays the figures out as Mosquitto's $SYS/broker tree, in its formats", () => {
    const byTopic = Object.fromEntries(sysMessages(overview, loads).map((m) => [m.topic, m.payload]));
    expect(byTopic).toEqual({
      '$SYS/broker/version': 'iothub version 1.2.3',
      '$SYS/broker/uptime': '3723 seconds',
      '$SYS/broker/clients/connected': '3',
      '$SYS/broker/clients/disconnected': '2',
      '$SYS/broker/clients/total': '5',
      '$SYS/broker/clients/maximum': '7',
      '$SYS/broker/messages/received': '100',
      '$SYS/broker/messages/sent': '250',
      '$SYS/broker/publish/messages/dropped': '6',
      '$SYS/broker/bytes/received': '4096',
      '$SYS/broker/bytes/sent': '8192',
      '$SYS/broker/subscriptions/count': '11',
      '$SYS/broker/retained messages/count': '4',
      '$SYS/broker/load/messages/received/1min': '60.00',
      '$SYS/broker/load/messages/received/5min': '12.35',
      '$SYS/broker/load/messages/received/15min': '4.20',
      '$SYS/broker/load/messages/sent/1min': '120.46',
      '$SYS/broker/load/messages/sent/5min': '0.00',
      '$SYS/broker/load/messages/sent/15min': '0.00',
      '$SYS/broker/load/bytes/received/1min': '1.00',
      '$SYS/broker/load/bytes/received/5min': '0.00',
      '$SYS/broker/load/bytes/received/15min': '0.00',
      '$SYS/broker/load/bytes/sent/1min': '0.00',
      '$SYS/broker/load/bytes/sent/5min': '0.00',
      '$SYS/broker/load/bytes/sent/15min': '0.01',
    });
  });
});

describe('$SYS publication', () => {
  const text = (payload: unknown) => String(payload);

  it('publishes retained $SYS messages at start, then the changed ones every interval', async () => {
    const { broker, env } = createTestBroker();
    const link = createLocalBrokerLink(broker, { mode: 'server', version: '0.1.0', sysIntervalSeconds: 10 });
    const client = PacketClient.open(broker);
    await client.connect({ clientId: 'sys-reader' });
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$SYS/broker/#', qos: 0 }] });
    await client.next('suback');
    const first = (await client.settle()).splice(0).filter((p) => p.cmd === 'publish');
    const topics = first.map((p) => (p.cmd === 'publish' ? p.topic : ''));
    expect(topics).toHaveLength(25);
    expect(first.every((p) => p.cmd === 'publish' && p.retain)).toBe(true);
    const version = first.find((p) => p.cmd === 'publish' && p.topic === '$SYS/broker/version');
    expect(version?.cmd === 'publish' && text(version.payload)).toBe('iothub version 0.1.0');

    env.clock.advance(10_000);
    const next = (await client.settle()).splice(0).flatMap((p) => (p.cmd === 'publish' ? [p] : []));
    const changed = Object.fromEntries(next.map((p) => [p.topic, text(p.payload)]));
    expect(changed['$SYS/broker/uptime']).toBe('10 seconds');
    // The first round went out before this client connected.
    expect(changed['$SYS/broker/clients/connected']).toBe('1');
    expect(changed['$SYS/broker/subscriptions/count']).toBe('1');
    expect(changed['$SYS/broker/version']).toBeUndefined();
    // The first round's deliveries to this client moved the sent counter.
    expect(changed['$SYS/broker/messages/sent']).toBe('25');

    env.clock.advance(10_000);
    const third = (await client.settle()).splice(0).flatMap((p) => (p.cmd === 'publish' ? [p.topic] : []));
    expect(third).toContain('$SYS/broker/uptime');
    expect(third).not.toContain('$SYS/broker/clients/connected');
    link.dispose();
  });

  it('is not delivered to a "#" subscriber [MQTT-4.7.2-1]', async () => {
    const { broker, env } = createTestBroker();
    const link = createLocalBrokerLink(broker, { mode: 'server', version: '0', sysIntervalSeconds: 1 });
    const client = PacketClient.open(broker);
    await client.connect({ clientId: 'all' });
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 0 }] });
    await client.next('suback');
    env.clock.advance(5000);
    expect((await client.settle()).filter((p) => p.cmd === 'publish')).toEqual([]);
    link.dispose();
  });

  it('publishes nothing with an interval of 0', () => {
    const { broker, env } = createTestBroker();
    const link = createLocalBrokerLink(broker, { mode: 'server', version: '0', sysIntervalSeconds: 0 });
    env.clock.advance(60_000);
    expect(broker.router.retained.size).toBe(0);
    link.dispose();
  });
});
