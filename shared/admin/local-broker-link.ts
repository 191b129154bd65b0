import type { Broker } from '../broker/broker.ts';
import type { TimerHandle } from '../env/environment.ts';
import type { DropCause } from '../observe/broker-metrics.ts';
import { checkTopicFilter, checkTopicName } from './admin-input.ts';
import { deleteRetained, deleteSession, disconnectClient, publishAction } from './broker-actions.ts';
import type {
  BrokerLink,
  MessageView,
  OverviewSnapshot,
  Page,
  RetainedQuery,
  TopicView,
} from './broker-link.ts';
import { LiveFeed } from './live-events.ts';
import { toPayloadView } from './payload-view.ts';
import { type LoadAverages, RateMeter } from './rate-meter.ts';
import {
  listSessions,
  listSubscriptions,
  pageBounds,
  toMessageView,
  toSessionDetail,
} from './session-views.ts';
import { startSysTopics } from './sys-topics.ts';
import { TopicStats, type TopicStatsOptions } from './topic-stats.ts';

export interface LocalBrokerLinkOptions {
  mode: 'server' | 'sandbox';
  version: string;
  /** Seconds between `$SYS/broker/...` publications; 0 disables them. Default 10. */
  sysIntervalSeconds?: number;
  topics?: TopicStatsOptions;
}

/** A BrokerLink on a broker in the same process, plus what its host needs besides. */
export interface LocalBrokerLink extends BrokerLink {
  /** The overview now, synchronously (for `/metrics`). */
  snapshot(): OverviewSnapshot;
  loads(): LoadAverages;
  /** Stops the timers and detaches from the broker's events. */
  dispose(): void;
}

const sampleIntervalMs = 1000;

/**
 * BrokerLink implemented directly on a Broker: the Node server's admin API wraps it, the sandbox
 * uses it as is. It samples the counters once a second (rates, load averages, live ticks), keeps
 * per-topic figures from publish events, and publishes `$SYS` topics.
 */
export function createLocalBrokerLink(broker: Broker, options: LocalBrokerLinkOptions): LocalBrokerLink {
  const clock = broker.env.clock;
  const meter = new RateMeter();
  const topicStats = new TopicStats(options.topics);
  const live = new LiveFeed(broker.events, clock, (error) =>
    broker.env.logger.error('live event viewer failed', { error: String(error) }),
  );
  let peakConnections = broker.connectionCount;
  let timer: TimerHandle | undefined;
  let disposed = false;

  const detachStats = broker.events.on('publish', (event) => topicStats.record(event, event.publishedAt));
  const detachPeak = broker.events.on('connect', () => {
    if (broker.connectionCount > peakConnections) peakConnections = broker.connectionCount;
  });

  const snapshot = (): OverviewSnapshot => {
    const metrics = broker.metrics();
    const now = clock.now();
    peakConnections = Math.max(peakConnections, metrics.connections);
    let droppedTotal = 0;
    for (const cause of Object.keys(metrics.dropped) as DropCause[]) droppedTotal += metrics.dropped[cause];
    return {
      version: options.version,
      mode: options.mode,
      startedAt: metrics.startedAt,
      now,
      uptimeSeconds: Math.floor((now - metrics.startedAt) / 1000),
      connections: metrics.connections,
      maxConnections: peakConnections,
      sessions: metrics.sessions,
      subscriptions: metrics.subscriptions,
      retained: metrics.retained,
      inflight: metrics.inflight,
      queued: metrics.queued,
      totals: {
        messagesIn: metrics.messagesIn,
        messagesOut: metrics.messagesOut,
        bytesIn: metrics.bytesIn,
        bytesOut: metrics.bytesOut,
      },
      rates: meter.rates(),
      dropped: metrics.dropped,
      droppedTotal,
    };
  };

  const sample = (): void => {
    const { counters } = broker;
    meter.sample(clock.now(), {
      messagesIn: counters.messagesIn,
      messagesOut: counters.messagesOut,
      bytesIn: counters.bytesIn,
      bytesOut: counters.bytesOut,
    });
  };

  const everySecond = (): void => {
    try {
      sample();
      if (live.watcherCount > 0) live.tick(snapshot());
    } catch (error) {
      broker.env.logger.error('admin sampling failed', { error: String(error) });
    }
    if (!disposed) timer = clock.setTimer(everySecond, sampleIntervalMs);
  };
  sample();
  timer = clock.setTimer(everySecond, sampleIntervalMs);
  const stopSys = startSysTopics(broker, clock, {
    intervalSeconds: options.sysIntervalSeconds ?? 10,
    figures: () => ({ overview: snapshot(), loads: meter.loads() }),
  });

  const topics = (): TopicView[] => {
    const isRetained = (topic: string) => broker.router.retained.get(topic) !== undefined;
    const views = topicStats.views(clock.now(), isRetained);
    // Retained messages nobody published since start (restored from the store) belong in the tree too.
    let room = topicStats.maxTopics - views.length;
    if (room <= 0) return views;
    for (const message of broker.router.retained.values()) {
      if (room <= 0) break;
      if (topicStats.has(message.topic)) continue;
      views.push({
        topic: message.topic,
        messages: 0,
        rate: 0,
        lastAt: message.publishedAt,
        lastPayload: toPayloadView(message.payload),
        retained: true,
      });
      room--;
    }
    return views.sort((a, b) => compareStrings(a.topic, b.topic));
  };

  const topicMessages = (topic: string): MessageView[] => {
    checkTopicName(topic);
    const recent = topicStats.messages(topic);
    if (recent.length > 0) return recent;
    const retained = broker.router.retained.get(topic);
    return retained ? [toMessageView(retained, retained.qos, true)] : [];
  };

  const retained = (query: RetainedQuery = {}): Page<MessageView> => {
    const filter = checkTopicFilter(query.filter ?? '#');
    const { offset, limit } = pageBounds(query);
    const matched: MessageView[] = [];
    const now = clock.now();
    broker.router.retained.match(filter, (message) => {
      // An expired message stays in the index until a subscription walks past it; it is not shown.
      if (message.expiresAt === undefined || message.expiresAt > now) {
        matched.push(toMessageView(message, message.qos, true));
      }
    });
    matched.sort((a, b) => compareStrings(a.topic, b.topic));
    return { total: matched.length, offset, items: matched.slice(offset, offset + limit) };
  };

  // Each method runs synchronously inside the promise, so a thrown AdminInputError becomes a rejection.
  const run = <T>(body: () => T): Promise<T> => new Promise((resolve) => resolve(body()));

  return {
    mode: options.mode,
    overview: () => run(snapshot),
    sessions: (query) => run(() => listSessions(broker, query)),
    session: (clientId) =>
      run(() => {
        const session = broker.sessions.get(clientId);
        return session ? toSessionDetail(session) : undefined;
      }),
    subscriptions: (query) => run(() => listSubscriptions(broker, query)),
    topics: () => run(topics),
    topicMessages: (topic) => run(() => topicMessages(topic)),
    retained: (query) => run(() => retained(query)),
    publish: (action) => run(() => ({ deliveries: publishAction(broker, action) })),
    disconnectClient: (clientId) => run(() => disconnectClient(broker, clientId)),
    deleteSession: (clientId) => run(() => deleteSession(broker, clientId)),
    deleteRetained: (selector) => run(() => ({ deleted: deleteRetained(broker, selector) })),
    watch: (filter, onEvent) => live.watch(filter, onEvent),
    snapshot,
    loads: () => meter.loads(),
    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer !== undefined) clock.clearTimer(timer);
      stopSys();
      detachStats();
      detachPeak();
      live.dispose();
    },
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
