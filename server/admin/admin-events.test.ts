import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LiveEvent } from '../../shared/admin/broker-link.ts';
import { AdminHarness, eventually } from './admin-test-harness.ts';

type EventOf<T extends LiveEvent['type']> = Extract<LiveEvent, { type: T }>;
const is =
  <T extends LiveEvent['type']>(type: T, match: (event: EventOf<T>) => boolean = () => true) =>
  (event: { type: string }): event is EventOf<T> =>
    event.type === type && match(event as EventOf<T>);

describe('GET /api/events (WebSocket)', () => {
  let h: AdminHarness;

  beforeEach(async () => {
    h = await AdminHarness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it('streams connects, subscribes, publishes, disconnects and a tick every second', async () => {
    const viewer = await h.watch({ publishes: 'all' });
    const tick = await viewer.next(is('tick'));
    expect(tick.overview).toMatchObject({ mode: 'server', connections: 0 });
    const client = await h.connect({ clientId: 'dev-1', protocolVersion: 5 });
    const connect = await viewer.next(is('connect'));
    expect(connect).toMatchObject({ clientId: 'dev-1', protocolVersion: 5, transport: 'ws' });
    expect(connect.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    await client.subscribeAsync('dev/#', { qos: 1 });
    expect(await viewer.next(is('subscribe'))).toMatchObject({ clientId: 'dev-1', filter: 'dev/#', qos: 1 });
    await client.publishAsync('dev/1/temp', '20.5', { qos: 1 });
    const publish = await viewer.next(is('publish'));
    expect(publish).toMatchObject({
      topic: 'dev/1/temp',
      qos: 1,
      retain: false,
      clientId: 'dev-1',
      deliveries: 1,
    });
    expect(Buffer.from(publish.payload.base64, 'base64').toString()).toBe('20.5');
    await client.unsubscribeAsync('dev/#');
    expect(await viewer.next(is('unsubscribe'))).toMatchObject({ filter: 'dev/#' });
    await client.endAsync();
    expect(await viewer.next(is('disconnect'))).toMatchObject({
      clientId: 'dev-1',
      reason: 'client-disconnect',
    });
    await viewer.next(is('tick', (t) => t.overview.totals.messagesIn === 1 && t.overview.connections === 0));
  });

  it('applies the topic filter, and a new watch message replaces it', async () => {
    const viewer = await h.watch({ publishes: 'all', topicFilter: 'a/+' });
    const client = await h.connect();
    for (const topic of ['a/1', 'b/1', 'a/2/x', 'a/3']) await client.publishAsync(topic, topic, { qos: 1 });
    await viewer.next(is('publish', (p) => p.topic === 'a/3'));
    expect(viewer.publishes().map((p) => p.topic)).toEqual(['a/1', 'a/3']);
    viewer.send({ type: 'watch', filter: { publishes: 'all', topicFilter: 'b/#' } });
    // Messages on one socket are handled in order: the answer to a bad one proves the watch applied.
    viewer.send('sync');
    await viewer.next((e) => e.type === 'error');
    await client.publishAsync('a/4', 'x', { qos: 1 });
    await client.publishAsync('b/2', 'x', { qos: 1 });
    await viewer.next(is('publish', (p) => p.topic === 'b/2'));
    expect(viewer.publishes().map((p) => p.topic)).toEqual(['a/1', 'a/3', 'b/2']);
  });

  it('samples publishes at maxPerSecond while another viewer sees them all', async () => {
    const sampled = await h.watch({ publishes: 'sampled', maxPerSecond: 5 });
    const all = await h.watch({ publishes: 'all' });
    const none = await h.watch({ publishes: 'none' });
    const client = await h.connect();
    for (let i = 0; i < 40; i++) client.publish(`load/${i}`, 'x');
    await client.publishAsync('load/end', 'x', { qos: 1 });
    await all.next(is('publish', (p) => p.topic === 'load/end'));
    expect(all.publishes()).toHaveLength(41);
    await none.next(is('tick'));
    await sampled.next(is('tick'));
    // The burst may straddle a second boundary: at most 5 in each second.
    expect(sampled.publishes().length).toBeGreaterThanOrEqual(5);
    expect(sampled.publishes().length).toBeLessThanOrEqual(10);
    expect(none.publishes()).toEqual([]);
  });

  it('answers bad messages with an error event and keeps the stream', async () => {
    const viewer = await h.watch({ publishes: 'all', topicFilter: 'ok/#' });
    viewer.send('not json');
    viewer.send({ type: 'subscribe' });
    viewer.send({ type: 'watch', filter: { publishes: 'all', topicFilter: 'a/#/b' } });
    viewer.send({ type: 'watch', filter: { publishes: 'sampled', maxPerSecond: 0 } });
    await eventually(() => expect(viewer.events.filter((e) => e.type === 'error')).toHaveLength(4));
    expect(
      viewer.events.filter((e) => e.type === 'error').map((e) => (e as { error: string }).error),
    ).toEqual([
      'invalid JSON',
      'expected {"type":"watch","filter":{...}}',
      'filter.topicFilter: invalid topic filter "a/#/b"',
      'filter.maxPerSecond must be an integer in 1..10000',
    ]);
    const client = await h.connect();
    await client.publishAsync('ok/1', 'x', { qos: 1 });
    await viewer.next(is('publish', (p) => p.topic === 'ok/1'));
  });

  it('stops listening to the broker when the last viewer leaves', async () => {
    const viewer = await h.watch({ publishes: 'all' });
    await viewer.next(is('tick'));
    expect(h.server.broker.events.has('subscribe')).toBe(true);
    viewer.ws.close();
    await eventually(() => expect(h.server.broker.events.has('subscribe')).toBe(false));
  });

  it('refuses other upgrade paths with 404 and still carries MQTT on /mqtt', async () => {
    const ws = new WebSocket(`${h.base.replace('http', 'ws')}/api/other`);
    ws.on('error', () => {});
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
    const client = await h.connect();
    await client.publishAsync('t', 'x', { qos: 1 });
  });
});
