import type { Clock } from '../env/environment.ts';
import type { BrokerEvents, PublishEvent } from '../observe/broker-events.ts';
import { parseLiveFilter } from './admin-input.ts';
import type { LiveEvent, LiveFilter, OverviewSnapshot } from './broker-link.ts';
import { toPayloadView } from './payload-view.ts';
import { compileTopicFilter } from './topic-filter-match.ts';

interface Watcher {
  publishes: LiveFilter['publishes'];
  matches: (topic: string) => boolean;
  maxPerSecond: number;
  /** The second `sent` counts for, for sampling. */
  second: number;
  sent: number;
  onEvent: (event: LiveEvent) => void;
}

/**
 * Broker events as LiveEvents for any number of viewers, each with its own filter. Listens to the
 * broker only while someone watches, so an unwatched broker builds no event objects for it. A
 * publish event is converted once and shared by every viewer it passes.
 */
export class LiveFeed {
  private readonly watchers = new Set<Watcher>();
  private detach: Array<() => void> = [];

  constructor(
    private readonly events: BrokerEvents,
    private readonly clock: Clock,
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {}

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Throws AdminInputError for an invalid filter. */
  watch(filter: LiveFilter, onEvent: (event: LiveEvent) => void): () => void {
    const checked = parseLiveFilter(filter);
    const watcher: Watcher = {
      publishes: checked.publishes,
      matches: compileTopicFilter(checked.topicFilter)!,
      maxPerSecond: checked.maxPerSecond,
      second: 0,
      sent: 0,
      onEvent,
    };
    this.watchers.add(watcher);
    if (this.watchers.size === 1) this.attach();
    return () => {
      if (this.watchers.delete(watcher) && this.watchers.size === 0) this.detachAll();
    };
  }

  /** Sends one `tick` to every viewer; the owner calls it once a second. */
  tick(overview: OverviewSnapshot): void {
    if (this.watchers.size === 0) return;
    this.broadcast({ type: 'tick', at: overview.now, overview });
  }

  dispose(): void {
    this.watchers.clear();
    this.detachAll();
  }

  private attach(): void {
    const now = () => this.clock.now();
    this.detach = [
      this.events.on('connect', (e) =>
        this.broadcast({
          type: 'connect',
          at: now(),
          clientId: e.clientId,
          sessionId: e.sessionId,
          protocolVersion: e.protocolVersion,
          transport: e.transport,
          remoteAddress: e.remoteAddress,
        }),
      ),
      this.events.on('disconnect', (e) =>
        this.broadcast({
          type: 'disconnect',
          at: now(),
          clientId: e.clientId,
          sessionId: e.sessionId,
          reason: e.reason,
        }),
      ),
      this.events.on('subscribe', (e) =>
        this.broadcast({ type: 'subscribe', at: now(), clientId: e.clientId, filter: e.filter, qos: e.qos }),
      ),
      this.events.on('unsubscribe', (e) =>
        this.broadcast({ type: 'unsubscribe', at: now(), clientId: e.clientId, filter: e.filter }),
      ),
      this.events.on('publish', (e) => this.publish(e)),
    ];
  }

  private detachAll(): void {
    for (const off of this.detach) off();
    this.detach = [];
  }

  private publish(event: PublishEvent): void {
    let live: LiveEvent | undefined;
    const at = this.clock.now();
    const second = Math.floor(at / 1000);
    for (const watcher of this.watchers) {
      if (watcher.publishes === 'none' || !watcher.matches(event.topic)) continue;
      if (watcher.publishes === 'sampled') {
        if (watcher.second !== second) {
          watcher.second = second;
          watcher.sent = 0;
        }
        if (watcher.sent >= watcher.maxPerSecond) continue;
        watcher.sent++;
      }
      live ??= {
        type: 'publish',
        topic: event.topic,
        qos: event.qos,
        retain: event.retain,
        payload: toPayloadView(event.payload),
        at,
        deliveries: event.deliveries,
        ...(event.clientId === undefined ? {} : { clientId: event.clientId }),
      };
      this.send(watcher, live);
    }
  }

  private broadcast(event: LiveEvent): void {
    for (const watcher of this.watchers) this.send(watcher, event);
  }

  /** One viewer failing must not keep the event from the others. */
  private send(watcher: Watcher, event: LiveEvent): void {
    try {
      watcher.onEvent(event);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
