import { afterEach, describe, expect, it } from 'vitest';
import type { OverviewSnapshot } from '../../shared/admin/broker-link.ts';
import { zeroRates } from '../../shared/admin/rate-meter.ts';
import { createCounters } from '../../shared/observe/broker-metrics.ts';
import { AdminHarness } from './admin-test-harness.ts';
import { prometheusContentType, renderPrometheus } from './prometheus.ts';

const sampleLine =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

/** Checks the text exposition format 0.0.4 line by line and returns name{labels} → value. */
function parseExposition(text: string): Map<string, number> {
  expect(text.endsWith('\n')).toBe(true);
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.trimEnd().split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge']).toContain(meta[3]);
        expect(typed.has(meta[2]!), `one TYPE line per metric: ${meta[2]}`).toBe(false);
        typed.add(meta[2]!);
      }
      continue;
    }
    expect(line).toMatch(sampleLine);
    const space = line.lastIndexOf(' ');
    const name = line.slice(0, space);
    expect(typed.has(name.replace(/\{.*$/, '')), `TYPE before sample: ${line}`).toBe(true);
    samples.set(name, Number(line.slice(space + 1)));
  }
  return samples;
}

const overview: OverviewSnapshot = {
  version: '1.0.0-"beta"\\',
  mode: 'server',
  startedAt: 1_700_000_000_000,
  now: 1_700_000_100_000,
  uptimeSeconds: 100,
  connections: 2,
  maxConnections: 5,
  sessions: 3,
  subscriptions: 4,
  retained: 6,
  inflight: 1,
  queued: 7,
  totals: { messagesIn: 10, messagesOut: 20, bytesIn: 300, bytesOut: 400 },
  rates: zeroRates(),
  dropped: { ...createCounters().dropped, 'queue-full': 2 },
  droppedTotal: 2,
};

describe('renderPrometheus', () => {
  it('writes valid exposition text with every figure', () => {
    const counters = { ...createCounters(), connectionsOpened: 9, packetsIn: 33 };
    const text = renderPrometheus(overview, counters, {
      cpuUserSeconds: 1.5,
      cpuSystemSeconds: 0.25,
      residentMemoryBytes: 1e8,
      heapUsedBytes: 5e7,
      startTimeSeconds: 1_700_000_000,
    });
    const samples = parseExposition(text);
    expect(samples.get('iothub_info{version="1.0.0-\\"beta\\"\\\\"}')).toBe(1);
    expect(samples.get('iothub_uptime_seconds')).toBe(100);
    expect(samples.get('iothub_start_time_seconds')).toBe(1_700_000_000);
    expect(samples.get('iothub_clients_connected')).toBe(2);
    expect(samples.get('iothub_clients_maximum')).toBe(5);
    expect(samples.get('iothub_clients_disconnected')).toBe(1);
    expect(samples.get('iothub_sessions')).toBe(3);
    expect(samples.get('iothub_subscriptions')).toBe(4);
    expect(samples.get('iothub_retained_messages')).toBe(6);
    expect(samples.get('iothub_inflight_messages')).toBe(1);
    expect(samples.get('iothub_queued_messages')).toBe(7);
    expect(samples.get('iothub_messages_received_total')).toBe(10);
    expect(samples.get('iothub_messages_sent_total')).toBe(20);
    expect(samples.get('iothub_bytes_received_total')).toBe(300);
    expect(samples.get('iothub_bytes_sent_total')).toBe(400);
    expect(samples.get('iothub_connections_opened_total')).toBe(9);
    expect(samples.get('iothub_packets_received_total')).toBe(33);
    expect(samples.get('iothub_messages_dropped_total{cause="queue-full"}')).toBe(2);
    expect(samples.get('iothub_messages_dropped_total{cause="no-subscribers"}')).toBe(0);
    expect(samples.get('process_resident_memory_bytes')).toBe(1e8);
    expect(text).toContain('# TYPE iothub_messages_received_total counter\n');
    expect(text).toContain('# TYPE iothub_clients_connected gauge\n');
  });

  it('leaves the process metrics out when not given', () => {
    expect(renderPrometheus(overview, createCounters())).not.toContain('process_');
  });
});

describe('GET /metrics', () => {
  let h: AdminHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('serves the live figures as Prometheus text', async () => {
    h = await AdminHarness.start();
    const client = await h.connect();
    await client.subscribeAsync('m/#');
    await client.publishAsync('m/1', 'x', { qos: 1, retain: true });
    const response = await fetch(`${h.base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(prometheusContentType);
    const samples = parseExposition(await response.text());
    expect(samples.get('iothub_clients_connected')).toBe(1);
    expect(samples.get('iothub_subscriptions')).toBe(1);
    expect(samples.get('iothub_retained_messages')).toBe(1);
    expect(samples.get('iothub_messages_received_total')).toBe(1);
    expect(samples.get('iothub_messages_sent_total')).toBe(1);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await fetch(`${h.base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
