import { describe, expect, it } from 'vitest';
import { BrokerEvents, type PublishEvent } from '../observe/broker-events.ts';
import { FakeClock } from '../testing/fake-environment.ts';
import { createTestBroker } from '../testing/test-broker.ts';
import { AdminInputError } from './admin-input.ts';
import type { LiveEvent, LiveFilter } from './broker-link.ts';
import { LiveFeed } from './live-events.ts';
import { createLocalBrokerLink } from './local-broker-link.ts';

function setup() {
  const clock = new FakeClock();
  const errors: unknown[] = [];
  const events = new BrokerEvents(() => {});
  const feed = new LiveFeed(events, clock, (error) => errors.push(error));
  const watch = (filter: LiveFilter) => {
    const received: LiveEvent[] = [];
    const stop = feed.watch(filter, (event) => received.push(event));
    return { received, stop };
  };
  const publish = (topic: string, extra: Partial<PublishEvent> = {}) =>
    events.emit('publish', {
      clientId: 'c',
      topic,
      payload: new TextEncoder().encode('hi'),
      qos: 0,
      retain: false,
      publishedAt: clock.now(),
      deliveries: 2,
      ...extra,
    });
  return { clock, events, feed, watch, publish, errors };
}

const topics = (events: LiveEvent[]) => events.flatMap((e) => (e.type === 'publish' ? [e.topic] : []));

describe('LiveFeed', () => {
  it('maps connect, disconnect, subscribe and unsubscribe events', () => {
    const { clock, events, watch } = setup();
    const { received } = watch({ publishes: 'none' });
    events.emit('connect', {
      sessionId: 's1',
      clientId: 'c1',
      protocolVersion: 5,
      transport: 'ws',
      remoteAddress: '1.2.3.4:5',
      cleanSession: true,
      sessionPresent: false,
      keepalive: 60,
      username: undefined,
    });
    events.emit('subscribe', { sessionId: 's1', clientId: 'c1', filter: 'a/#', qos: 1 });
    events.emit('unsubscribe', { sessionId: 's1', clientId: 'c1', filter: 'a/#' });
    events.emit('disconnect', {
      sessionId: 's1',
      clientId: 'c1',
      reason: 'keepalive-timeout',
      willPublished: false,
    });
    const at = clock.now();
    expect(received).toEqual([
      {
        type: 'connect',
        at,
        clientId: 'c1',
        sessionId: 's1',
        protocolVersion: 5,
        transport: 'ws',
        remoteAddress: '1.2.3.4:5',
      },
      { type: 'subscribe', at, clientId: 'c1', filter: 'a/#', qos: 1 },
      { type: 'unsubscribe', at, clientId: 'c1', filter: 'a/#' },
      { type: 'disconnect', at, clientId: 'c1', sessionId: 's1', reason: 'keepalive-timeout' },
    ]);
  });

  it('streams publishes matching the topic filter, none when asked for none', () => {
    const { watch, publish, clock } = setup();
    const none = watch({ publishes: 'none' });
    const all = watch({ publishes: 'all' });
    const some = watch({ publishes: 'all', topicFilter: 'home/+/temp' });
    for (const topic of ['home/kitchen/temp', 'home/kitchen/hum', 'office/temp', '$SYS/broker/uptime'])
      publish(topic);
    expect(topics(none.received)).toEqual([]);
    // [MQTT-4.7.2-1] "#" does not match $SYS topics.
    expect(topics(all.received)).toEqual(['home/kitchen/temp', 'home/kitchen/hum', 'office/temp']);
    expect(some.received).toEqual([
      {
        type: 'publish',
        topic: 'home/kitchen/temp',
        qos: 0,
        retain: false,
        payload: { base64: btoa('hi'), size: 2, truncated: false },
        at: clock.now(),
        deliveries: 2,
        clientId: 'c',
      },
    ]);
    const sys = watch({ publishes: 'all', topicFilter: '$SYS/#' });
    publish('$SYS/broker/uptime', { clientId: undefined });
    expect(sys.received).toMatchObject([{ topic: '$SYS/broker/uptime' }]);
    expect(sys.received[0]).not.toHaveProperty('clientId');
  });

  it('samples at most maxPerSecond publishes per viewer, starting afresh each second', () => {
    const { watch, publish, clock } = setup();
    const sampled = watch({ publishes: 'sampled', maxPerSecond: 3 });
    const defaulted = watch({ publishes: 'sampled' });
    for (let i = 0; i < 50; i++) publish(`t/${i}`);
    expect(topics(sampled.received)).toEqual(['t/0', 't/1', 't/2']);
    expect(topics(defaulted.received)).toHaveLength(10);
    clock.advance(1000);
    for (let i = 0; i < 5; i++) publish(`u/${i}`);
    expect(topics(sampled.received).slice(3)).toEqual(['u/0', 'u/1', 'u/2']);
  });

  it('sends ticks to every viewer', () => {
    const { feed, watch } = setup();
    const a = watch({ publishes: 'none' });
    const b = watch({ publishes: 'all' });
    const overview = { now: 42 } as never;
    feed.tick(overview);
    expect(a.received).toEqual([{ type: 'tick', at: 42, overview }]);
    expect(b.received).toHaveLength(1);
  });

  it('listens to the broker only while someone watches', () => {
    const { events, watch, feed } = setup();
    expect(events.has('connect')).toBe(false);
    const first = watch({ publishes: 'none' });
    const second = watch({ publishes: 'all' });
    expect(events.has('publish')).toBe(true);
    first.stop();
    expect(events.has('publish')).toBe(true);
    second.stop();
    second.stop();
    expect(events.has('publish')).toBe(false);
    expect(feed.watcherCount).toBe(0);
  });

  it.each([
    [{ publishes: 'some' }, 'filter.publishes must be'],
    [{ publishes: 'all', topicFilter: 'a/#/b' }, 'invalid topic filter'],
    [{ publishes: 'sampled', maxPerSecond: 0 }, 'filter.maxPerSecond must be an integer'],
    [{ publishes: 'sampled', maxPerSecond: 1.5 }, 'filter.maxPerSecond must be an integer'],
  ])('refuses a bad filter %j', (filter, message) => {
    const { feed } = setup();
    expect(() => feed.watch(filter as LiveFilter, () => {})).toThrow(AdminInputError);
    expect(() => feed.watch(filter as LiveFilter, () => {})).toThrow(message);
    expect(feed.watcherCount).toBe(0);
  });

  it('keeps serving other viewers when one throws', () => {
    const { feed, watch, publish, errors } = setup();
    feed.watch({ publishes: 'all' }, () => {
      throw new Error('viewer bug');
    });
    const good = watch({ publishes: 'all' });
    publish('a');
    expect(topics(good.received)).toEqual(['a']);
    expect(errors).toHaveLength(1);
  });
});

describe('live events through the local link', () => {
  it('ticks once a second with the overview, on the injected clock', () => {
    const { broker, env } = createTestBroker();
    const link = createLocalBrokerLink(broker, { mode: 'sandbox', version: '1', sysIntervalSeconds: 0 });
    const received: LiveEvent[] = [];
    const stop = link.watch({ publishes: 'none' }, (event) => received.push(event));
    env.clock.advance(999);
    expect(received).toEqual([]);
    env.clock.advance(1);
    env.clock.advance(1000);
    env.clock.advance(1000);
    expect(received.map((e) => e.type)).toEqual(['tick', 'tick', 'tick']);
    const last = received[2]!;
    expect(last.type === 'tick' && last.overview).toMatchObject({
      mode: 'sandbox',
      uptimeSeconds: 3,
      connections: 0,
    });
    stop();
    env.clock.advance(5000);
    expect(received).toHaveLength(3);
    link.dispose();
  });
});
