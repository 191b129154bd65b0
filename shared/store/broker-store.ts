import type { QoS } from 'mqtt-packet';
import type { PublishProperties } from '../broker/message.ts';
import type { SubscriptionOptions } from '../session/session.ts';

/** Plain, structured-clone-friendly data (IndexedDB stores it as is; a file store can encode it). */
export interface StoredMessage {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  properties: PublishProperties | undefined;
  publishedAt: number;
  origin: string | undefined;
  /** User Properties in wire order, when the properties object cannot keep it. */
  userPropertyOrder?: Array<readonly [string, string]>;
}

export interface StoredSession {
  clientId: string;
  createdAt: number;
  /** Seconds (NEVER_EXPIRES = 0xFFFFFFFF). */
  expiryInterval: number;
  disconnectedAt: number | undefined;
  subscriptions: Array<{ filter: string; options: SubscriptionOptions }>;
  inflight: Array<{
    packetId: number;
    qos: QoS;
    retain: boolean;
    subscriptionIds: number[] | undefined;
    state: 'publish' | 'pubrel';
    message: StoredMessage;
  }>;
  queue: Array<{ qos: QoS; retain: boolean; subscriptionIds: number[] | undefined; message: StoredMessage }>;
  inboundQos2: number[];
}

/** What survives a restart: retained messages and persistent sessions. */
export interface BrokerSnapshot {
  version: 1;
  savedAt: number;
  retained: StoredMessage[];
  sessions: StoredSession[];
}

/**
 * Where a broker keeps its durable state. Snapshot-shaped on purpose: the publish path never waits
 * on storage; the host decides when to save (on shutdown, on a timer, after a change).
 */
export interface BrokerStore {
  load(): Promise<BrokerSnapshot | undefined>;
  save(snapshot: BrokerSnapshot): Promise<void>;
}

/** Keeps the last snapshot in memory: state survives a broker restart within the same program run. */
export class MemoryStore implements BrokerStore {
  private snapshot: BrokerSnapshot | undefined;

  async load(): Promise<BrokerSnapshot | undefined> {
    return this.snapshot && structuredClone(this.snapshot);
  }

  async save(snapshot: BrokerSnapshot): Promise<void> {
    this.snapshot = structuredClone(snapshot);
  }
}
