import { describe, expect, it } from 'vitest';
import type { PublishEvent } from '../observe/broker-events.ts';
import { TopicStats } from './topic-stats.ts';

const t0 = 1_700_000_000_000;
const text = (value: string) => new TextEncoder().encode(value);

function publish(
  topic: string,
  payload: Uint8Array | string = 'x',
  extra: Partial<PublishEvent> = {},
): PublishEvent {
  return {
    clientId: 'c1',
    topic,
    payload: typeof payload === 'string' ? text(payload) : payload,
    qos: 0,
    retain: false,
    publishedAt: t0,
    deliveries: 0,
    ...extra,
  };
}

function decode(base64: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

describe('TopicStats', () => {
  it('counts messages per topic and keeps the last payload, sorted by topic', () => {
    const stats = new TopicStats();
    stats.record(publish('b', 'one'), t0);
    stats.record(publish('a', 'two', { clientId: undefined, qos: 1, retain: true }), t0 + 10);
    stats.record(publish('b', 'three'), t0 + 20);
    const views = stats.views(t0 + 30, (topic) => topic === 'a');
    expect(views.map((v) => [v.topic, v.messages, v.retained, v.lastAt])).toEqual([
      ['a', 1, true, t0 + 10],
      ['b', 2, false, t0 + 20],
    ]);
    expect(decode(views[1]!.lastPayload!.base64)).toBe('three');
    expect(stats.messages('a')).toEqual([
      {
        topic: 'a',
        qos: 1,
        retain: true,
        at: t0 + 10,
        payload: { base64: btoa('two'), size: 3, truncated: false },
      },
    ]);
  });

  it('keeps a small ring of recent messages per topic, oldest first', () => {
    const stats = new TopicStats({ recentPerTopic: 3 });
    for (let i = 1; i <= 5; i++) stats.record(publish('t', `m${i}`), t0 + i);
    expect(stats.messages('t').map((m) => decode(m.payload.base64))).toEqual(['m3', 'm4', 'm5']);
    expect(stats.messages('t')[0]).toMatchObject({ clientId: 'c1', at: t0 + 3 });
    expect(stats.messages('unknown')).toEqual([]);
  });

  it('previews at most 1 KiB of a payload and copies it', () => {
    const stats = new TopicStats();
    const big = new Uint8Array(5000).fill(65);
    stats.record(publish('big', big), t0);
    big.fill(66);
    const [view] = stats.views(t0, () => false);
    expect(view!.lastPayload).toMatchObject({ size: 5000, truncated: true });
    expect(decode(view!.lastPayload!.base64)).toBe('A'.repeat(1024));
    expect(stats.heldBytes).toBe(1024);
  });

  it('tracks at most maxTopics, forgetting the least recently active', () => {
    const stats = new TopicStats({ maxTopics: 3 });
    stats.record(publish('a'), t0);
    stats.record(publish('b'), t0);
    stats.record(publish('c'), t0);
    stats.record(publish('a'), t0);
    stats.record(publish('d'), t0);
    expect(stats.size).toBe(3);
    expect(stats.views(t0, () => false).map((v) => v.topic)).toEqual(['a', 'c', 'd']);
    expect(stats.heldBytes).toBe(4);
  });

  it('stays within its byte budget by trimming quiet topics to their last message', () => {
    const stats = new TopicStats({ recentPerTopic: 10, maxRecentBytes: 40 * 1024 });
    const kib = new Uint8Array(1024);
    for (let i = 0; i < 10; i++) stats.record(publish('quiet', kib), t0);
    for (let i = 0; i < 40; i++) stats.record(publish(`busy/${i % 4}`, kib), t0 + 1);
    expect(stats.heldBytes).toBeLessThanOrEqual(40 * 1024);
    expect(stats.messages('quiet')).toHaveLength(1);
    expect(stats.messages('busy/3').length).toBeGreaterThan(1);
  });

  it('reports a recent rate that fades once a topic goes quiet', () => {
    const stats = new TopicStats({ rateWindowSeconds: 5 });
    // 10 messages a second for 5 seconds.
    for (let s = 0; s < 5; s++)
      for (let i = 0; i < 10; i++) stats.record(publish('r'), t0 + s * 1000 + i * 100);
    const rate = (at: number) => stats.views(at, () => false)[0]!.rate;
    expect(rate(t0 + 4999)).toBeCloseTo(10, 0);
    expect(rate(t0 + 7000)).toBeCloseTo(20 / 4, 0);
    expect(rate(t0 + 60_000)).toBe(0);
  });

  it('forgets a topic with its bytes', () => {
    const stats = new TopicStats();
    stats.record(publish('a', 'abc'), t0);
    stats.forget('a');
    expect(stats.size).toBe(0);
    expect(stats.heldBytes).toBe(0);
  });
});
