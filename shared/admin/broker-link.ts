/**
 * BrokerLink: the one interface the dashboard talks to, whether the broker is a Node server (over
 * the admin HTTP API and its event WebSocket) or runs in the same tab (the sandbox). Every type here
 * is plain JSON so the same shapes travel over HTTP unchanged.
 */
import type { DropCause } from '../observe/broker-metrics.ts';

export type QosLevel = 0 | 1 | 2;

/** Payload bytes for display: base64 of at most `maxPreviewBytes`, with the full size. The UI shows
 * it as text, pretty JSON or hex. */
export interface PayloadView {
  base64: string;
  size: number;
  truncated: boolean;
}

export interface RateSet {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface OverviewSnapshot {
  version: string;
  mode: 'server' | 'sandbox';
  startedAt: number;
  now: number;
  uptimeSeconds: number;
  connections: number;
  /** Highest number of simultaneous connections since start. */
  maxConnections: number;
  sessions: number;
  subscriptions: number;
  retained: number;
  inflight: number;
  queued: number;
  /** Totals since start. */
  totals: RateSet;
  /** Per second, averaged over the last few seconds. */
  rates: RateSet;
  dropped: Record<DropCause, number>;
  droppedTotal: number;
}

export interface SessionSummary {
  /** Internal id, distinct from the client id; changes when a clean session starts over. */
  sessionId: string;
  clientId: string;
  connected: boolean;
  cleanSession: boolean;
  /** The fields below describe the current connection; absent while offline. */
  protocolVersion?: number;
  transport?: string;
  remoteAddress?: string;
  username?: string;
  keepalive?: number;
  connectedAt?: number;
  disconnectedAt?: number;
  createdAt: number;
  subscriptions: number;
  inflight: number;
  queued: number;
}

export interface Page<T> {
  total: number;
  offset: number;
  items: T[];
}

export interface SessionQuery {
  /** Case-insensitive substring of the client id, username or address. */
  search?: string;
  state?: 'all' | 'connected' | 'offline';
  offset?: number;
  limit?: number;
}

export interface SubscriptionView {
  clientId: string;
  filter: string;
  qos: QosLevel;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
  subscriptionIdentifier?: number;
}

export interface MessageView {
  topic: string;
  qos: QosLevel;
  retain: boolean;
  payload: PayloadView;
  /** Epoch ms when the broker received it. */
  at: number;
  /** Publisher's client id; absent for messages from the broker or the dashboard. */
  clientId?: string;
  packetId?: number;
}

export interface SessionDetail extends SessionSummary {
  subscriptionList: SubscriptionView[];
  inflightMessages: MessageView[];
  queuedMessages: MessageView[];
}

export interface SubscriptionQuery {
  search?: string;
  offset?: number;
  limit?: number;
}

export interface TopicView {
  topic: string;
  messages: number;
  /** Messages per second, recent average. */
  rate: number;
  lastAt?: number;
  lastPayload?: PayloadView;
  retained: boolean;
}

export interface RetainedQuery {
  /** An MQTT topic filter; `#` when absent. */
  filter?: string;
  offset?: number;
  limit?: number;
}

export interface PublishAction {
  topic: string;
  payload: string;
  encoding: 'utf8' | 'base64';
  qos: QosLevel;
  retain: boolean;
  properties?: {
    contentType?: string;
    responseTopic?: string;
    messageExpiryInterval?: number;
    payloadFormatIndicator?: boolean;
    userProperties?: Record<string, string>;
  };
}

export type RetainedSelector = { topic: string } | { filter: string };

export interface LiveFilter {
  /** Which publishes to stream: none, all matching, or at most `maxPerSecond` of them. */
  publishes: 'none' | 'all' | 'sampled';
  /** MQTT topic filter for publishes; `#` when absent. */
  topicFilter?: string;
  maxPerSecond?: number;
}

export type LiveEvent =
  | {
      type: 'connect';
      at: number;
      clientId: string;
      sessionId: string;
      protocolVersion: number;
      transport: string;
      remoteAddress: string;
    }
  | { type: 'disconnect'; at: number; clientId: string; sessionId: string; reason: string }
  | { type: 'subscribe'; at: number; clientId: string; filter: string; qos: QosLevel }
  | { type: 'unsubscribe'; at: number; clientId: string; filter: string }
  | ({ type: 'publish'; deliveries: number } & MessageView)
  /** Once a second: fresh figures for the overview and its charts. */
  | { type: 'tick'; at: number; overview: OverviewSnapshot };

export interface BrokerLink {
  readonly mode: 'server' | 'sandbox';
  overview(): Promise<OverviewSnapshot>;
  sessions(query?: SessionQuery): Promise<Page<SessionSummary>>;
  session(clientId: string): Promise<SessionDetail | undefined>;
  subscriptions(query?: SubscriptionQuery): Promise<Page<SubscriptionView>>;
  topics(): Promise<TopicView[]>;
  /** Recent messages on one topic, newest last. */
  topicMessages(topic: string): Promise<MessageView[]>;
  retained(query?: RetainedQuery): Promise<Page<MessageView>>;
  publish(action: PublishAction): Promise<{ deliveries: number }>;
  /** Closes the client's connection (v5: DISCONNECT 0x98); its session stays if persistent. */
  disconnectClient(clientId: string): Promise<boolean>;
  /** Closes the connection if any and discards the session. */
  deleteSession(clientId: string): Promise<boolean>;
  deleteRetained(selector: RetainedSelector): Promise<{ deleted: number }>;
  /** Streams live events until the returned function is called. */
  watch(filter: LiveFilter, onEvent: (event: LiveEvent) => void): () => void;
}

/** The admin HTTP API that carries a BrokerLink; paths relative to the dashboard origin. */
export const adminRoutes = {
  overview: 'GET /api/overview',
  sessions: 'GET /api/sessions?search=&state=&offset=&limit=',
  session: 'GET /api/sessions/:clientId',
  deleteSession: 'DELETE /api/sessions/:clientId',
  disconnectClient: 'POST /api/sessions/:clientId/disconnect',
  subscriptions: 'GET /api/subscriptions?search=&offset=&limit=',
  topics: 'GET /api/topics',
  topicMessages: 'GET /api/topics/messages?topic=',
  retained: 'GET /api/retained?filter=&offset=&limit=',
  deleteRetained: 'DELETE /api/retained?topic= | ?filter=',
  publish: 'POST /api/publish',
  /** WebSocket; the client sends {"type":"watch","filter":LiveFilter} (again to change it), the server
   * sends one LiveEvent per message. */
  events: 'GET /api/events',
} as const;
