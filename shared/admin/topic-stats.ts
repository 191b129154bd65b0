import type { PublishEvent } from '../observe/broker-events.ts';
import type { MessageView, QosLevel, TopicView } from './broker-link.ts';
import { copyPreview, toPayloadView } from './payload-view.ts';

export interface TopicStatsOptions {
  /** Topics tracked at once; the least recently active is forgotten first. */
  maxTopics?: number;
  /** Recent messages kept per topic. */
  recentPerTopic?: number;
  /** Budget for all kept payload previews (each at most 1 KiB); over it, quiet topics keep only their
   * last message. */
  maxRecentBytes?: number;
  /** Seconds over which a topic's rate is averaged. */
  rateWindowSeconds?: number;
}

interface RecentMessage {
  at: number;
  qos: QosLevel;
  retain: boolean;
  clientId: string | undefined;
  preview: Uint8Array;
  size: number;
}

interface TopicEntry {
  messages: number;
  recent: RecentMessage[];
  /** Per-second message counts in a ring indexed by second modulo the window, with their second. */
  counts: number[];
  seconds: number[];
}

/**
 * Per-topic figures from the broker's publish events: message count, recent rate, last payload and a
 * few recent messages. Bounded in topics and bytes; per publish it costs two map operations, one
 * ≤ 1 KiB copy and a small object, and no scan.
 */
export class TopicStats {
  private readonly topics = new Map<string, TopicEntry>();
  readonly maxTopics: number;
  private readonly recentPerTopic: number;
  private readonly maxRecentBytes: number;
  private readonly window: number;
  private recentBytes = 0;

  constructor(options: TopicStatsOptions = {}) {
    this.maxTopics = options.maxTopics ?? 10_000;
    this.recentPerTopic = Math.max(1, options.recentPerTopic ?? 10);
    this.maxRecentBytes = options.maxRecentBytes ?? 16 * 1024 * 1024;
    this.window = options.rateWindowSeconds ?? 5;
  }

  get size(): number {
    return this.topics.size;
  }

  /** Bytes held in payload previews. */
  get heldBytes(): number {
    return this.recentBytes;
  }

  record(event: PublishEvent, at: number): void {
    let entry = this.topics.get(event.topic);
    if (entry) {
      // Re-inserting keeps the map ordered from least to most recently active.
      this.topics.delete(event.topic);
    } else {
      entry = {
        messages: 0,
        recent: [],
        counts: new Array(this.window).fill(0),
        seconds: new Array(this.window).fill(-1),
      };
    }
    this.topics.set(event.topic, entry);
    entry.messages++;
    const second = Math.floor(at / 1000);
    const slot = second % this.window;
    if (entry.seconds[slot] !== second) {
      entry.seconds[slot] = second;
      entry.counts[slot] = 0;
    }
    entry.counts[slot]!++;
    const preview = copyPreview(event.payload);
    entry.recent.push({
      at,
      qos: event.qos,
      retain: event.retain,
      clientId: event.clientId,
      preview,
      size: event.payload.length,
    });
    this.recentBytes += preview.length;
    if (entry.recent.length > this.recentPerTopic) this.recentBytes -= entry.recent.shift()!.preview.length;
    if (this.topics.size > this.maxTopics) this.evictOldest();
    if (this.recentBytes > this.maxRecentBytes) this.trimQuietTopics();
  }

  forget(topic: string): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    for (const message of entry.recent) this.recentBytes -= message.preview.length;
    this.topics.delete(topic);
  }

  /** Every tracked topic, sorted by name. `isRetained` tells whether a retained message is held. */
  views(now: number, isRetained: (topic: string) => boolean): TopicView[] {
    const views: TopicView[] = [];
    for (const [topic, entry] of this.topics) {
      const last = entry.recent.at(-1);
      views.push({
        topic,
        messages: entry.messages,
        rate: this.rate(entry, now),
        ...(last ? { lastAt: last.at, lastPayload: toPayloadView(last.preview, last.size) } : {}),
        retained: isRetained(topic),
      });
    }
    return views.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** Recent messages on `topic`, oldest first. */
  messages(topic: string): MessageView[] {
    const entry = this.topics.get(topic);
    if (!entry) return [];
    return entry.recent.map((message) => ({
      topic,
      qos: message.qos,
      retain: message.retain,
      payload: toPayloadView(message.preview, message.size),
      at: message.at,
      ...(message.clientId === undefined ? {} : { clientId: message.clientId }),
    }));
  }

  /** Messages per second over the window, counting the current second by the part of it elapsed. */
  private rate(entry: TopicEntry, now: number): number {
    const second = Math.floor(now / 1000);
    let count = 0;
    for (let i = 0; i < this.window; i++) {
      const at = entry.seconds[i]!;
      if (at > second - this.window && at <= second) count += entry.counts[i]!;
    }
    const elapsed = this.window - 1 + (now % 1000) / 1000;
    return elapsed > 0 ? count / elapsed : count;
  }

  private evictOldest(): void {
    const oldest = this.topics.keys().next();
    if (!oldest.done) this.forget(oldest.value);
  }

  /** Trims the least recently active topics to their last message until a quarter of the budget is
   * free again, so that trimming runs rarely. */
  private trimQuietTopics(): void {
    const target = (this.maxRecentBytes * 3) / 4;
    for (const entry of this.topics.values()) {
      if (this.recentBytes <= target) return;
      while (entry.recent.length > 1) this.recentBytes -= entry.recent.shift()!.preview.length;
    }
  }
}
