import type { PublishEvent } from '../observe/broker-events.ts';
import type { MessageView, QosLevel, TopicView } from './broker-link.ts';
import { copyPreview, maxPreviewBytes, toPayloadView } from './payload-view.ts';

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
  /** A ring of the last messages: once full, `recent[next]` is the oldest and the next to be
   * overwritten. A busy topic gets tens of thousands of messages a second; reusing the slots (and
   * their preview bytes when the size matches) costs those no allocation and no array shift. */
  recent: RecentMessage[];
  next: number;
  /** Per-second message counts in a ring indexed by second modulo the window, with their second. */
  counts: number[];
  seconds: number[];
}

/**
 * Per-topic figures from the broker's publish events: message count, recent rate, last payload and a
 * few recent messages. Bounded in topics and bytes; per publish it costs a map lookup and a copy of at
 * most 1 KiB, and no scan.
 */
export class TopicStats {
  private readonly topics = new Map<string, TopicEntry>();
  readonly maxTopics: number;
  private readonly recentPerTopic: number;
  private readonly maxRecentBytes: number;
  private readonly window: number;
  private recentBytes = 0;
  /** The entry recorded last, which is already at the end of the map. */
  private newest: TopicEntry | undefined;

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
    if (!entry) {
      entry = {
        messages: 0,
        recent: [],
        next: 0,
        counts: new Array(this.window).fill(0),
        seconds: new Array(this.window).fill(-1),
      };
      this.topics.set(event.topic, entry);
    } else if (entry !== this.newest) {
      // Re-inserting keeps the map ordered from least to most recently active. Messages come in runs
      // per topic (one read holds many from one publisher): a run re-inserts once, not per message.
      this.topics.delete(event.topic);
      this.topics.set(event.topic, entry);
    }
    this.newest = entry;
    entry.messages++;
    const second = Math.floor(at / 1000);
    const slot = second % this.window;
    if (entry.seconds[slot] !== second) {
      entry.seconds[slot] = second;
      entry.counts[slot] = 0;
    }
    entry.counts[slot]!++;
    this.remember(entry, event, at);
    if (this.topics.size > this.maxTopics) this.evictOldest();
    if (this.recentBytes > this.maxRecentBytes) this.trimQuietTopics();
  }

  /** Puts the message into the topic's ring of recent ones. */
  private remember(entry: TopicEntry, event: PublishEvent, at: number): void {
    const { payload } = event;
    if (entry.recent.length < this.recentPerTopic) {
      const preview = copyPreview(payload);
      entry.recent.push({
        at,
        qos: event.qos,
        retain: event.retain,
        clientId: event.clientId,
        preview,
        size: payload.length,
      });
      this.recentBytes += preview.length;
      return;
    }
    const slot = entry.recent[entry.next]!;
    entry.next = (entry.next + 1) % entry.recent.length;
    this.recentBytes -= slot.preview.length;
    const previewLength = Math.min(payload.length, maxPreviewBytes);
    if (slot.preview.length !== previewLength) slot.preview = copyPreview(payload);
    else slot.preview.set(previewLength === payload.length ? payload : payload.subarray(0, previewLength));
    this.recentBytes += slot.preview.length;
    slot.at = at;
    slot.qos = event.qos;
    slot.retain = event.retain;
    slot.clientId = event.clientId;
    slot.size = payload.length;
  }

  forget(topic: string): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    for (const message of entry.recent) this.recentBytes -= message.preview.length;
    this.topics.delete(topic);
    if (this.newest === entry) this.newest = undefined;
  }

  /** Every tracked topic, sorted by name. `isRetained` tells whether a retained message is held. */
  views(now: number, isRetained: (topic: string) => boolean): TopicView[] {
    const views: TopicView[] = [];
    for (const [topic, entry] of this.topics) {
      const last = newestOf(entry);
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
    return inOrder(entry).map((message) => ({
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
      const ordered = inOrder(entry);
      const last = ordered.pop();
      if (!last) continue;
      for (const message of ordered) this.recentBytes -= message.preview.length;
      entry.recent = [last];
      entry.next = 0;
    }
  }
}

/** The message written last: just before `next`, or at the end while the ring is filling up. */
function newestOf(entry: TopicEntry): RecentMessage | undefined {
  return entry.recent[(entry.next === 0 ? entry.recent.length : entry.next) - 1];
}

/** The ring's messages, oldest first. */
function inOrder(entry: TopicEntry): RecentMessage[] {
  return entry.next === 0
    ? entry.recent.slice()
    : [...entry.recent.slice(entry.next), ...entry.recent.slice(0, entry.next)];
}
