import type { Broker } from '../broker/broker.ts';
import type { ClientConnection } from '../broker/client-connection.ts';
import type { Message } from '../broker/message.ts';
import type { Session, SubscriptionOptions } from '../session/session.ts';
import type {
  MessageView,
  Page,
  QosLevel,
  SessionDetail,
  SessionQuery,
  SessionSummary,
  SubscriptionQuery,
  SubscriptionView,
} from './broker-link.ts';
import { toPayloadView } from './payload-view.ts';

export const defaultPageSize = 100;
export const maxPageSize = 1000;
/** Inflight and queued messages listed in a session's detail; the counts give the full number. */
export const maxDetailMessages = 100;

export function toSessionSummary(session: Session): SessionSummary {
  const connection = session.owner as ClientConnection | undefined;
  const summary: SessionSummary = {
    sessionId: session.id,
    clientId: session.clientId,
    connected: connection !== undefined,
    cleanSession: !session.persistent,
    createdAt: session.createdAt,
    subscriptions: session.subscriptions.size,
    inflight: session.inflight.size,
    queued: session.queue.length,
  };
  if (connection) {
    summary.protocolVersion = connection.protocolVersion;
    summary.transport = connection.transport.info.kind;
    summary.remoteAddress = connection.remoteAddress;
    if (connection.username !== undefined) summary.username = connection.username;
    summary.keepalive = connection.keepaliveSeconds;
    summary.connectedAt = connection.connectedAt;
  } else if (session.disconnectedAt !== undefined) {
    summary.disconnectedAt = session.disconnectedAt;
  }
  return summary;
}

export function toSessionDetail(session: Session): SessionDetail {
  const subscriptionList: SubscriptionView[] = [];
  for (const [filter, options] of session.subscriptions) {
    subscriptionList.push(toSubscriptionView(session.clientId, filter, options));
  }
  const inflightMessages: MessageView[] = [];
  for (const flight of session.inflight.values()) {
    if (inflightMessages.length >= maxDetailMessages) break;
    inflightMessages.push(toMessageView(flight.message, flight.qos, flight.retain, flight.packetId));
  }
  const queuedMessages = session.queue
    .toArray()
    .slice(0, maxDetailMessages)
    .map((queued) => toMessageView(queued.message, queued.qos, queued.retain));
  return { ...toSessionSummary(session), subscriptionList, inflightMessages, queuedMessages };
}

/** 3.1.1 subscriptions carry only a QoS; the v5 options appear when the client set them. */
export function toSubscriptionView(
  clientId: string,
  filter: string,
  options: SubscriptionOptions,
): SubscriptionView {
  const view: SubscriptionView = { clientId, filter, qos: options.qos };
  if (options.noLocal !== undefined) view.noLocal = options.noLocal;
  if (options.retainAsPublished !== undefined) view.retainAsPublished = options.retainAsPublished;
  if (options.retainHandling !== undefined) view.retainHandling = options.retainHandling;
  if (options.subscriptionIdentifier !== undefined)
    view.subscriptionIdentifier = options.subscriptionIdentifier;
  return view;
}

export function toMessageView(
  message: Message,
  qos: QosLevel,
  retain: boolean,
  packetId?: number,
): MessageView {
  const view: MessageView = {
    topic: message.topic,
    qos,
    retain,
    payload: toPayloadView(message.payload),
    at: message.publishedAt,
  };
  if (message.origin !== undefined) view.clientId = message.origin;
  if (packetId !== undefined) view.packetId = packetId;
  return view;
}

/** Sessions in the order they were created, filtered, one page of them. */
export function listSessions(broker: Broker, query: SessionQuery = {}): Page<SessionSummary> {
  const search = query.search?.toLowerCase() ?? '';
  const state = query.state ?? 'all';
  const { offset, limit } = pageBounds(query);
  const items: SessionSummary[] = [];
  let total = 0;
  for (const session of broker.sessions.values()) {
    const connection = session.owner as ClientConnection | undefined;
    if (state === 'connected' && !connection) continue;
    if (state === 'offline' && connection) continue;
    if (search !== '' && !sessionMatches(session, connection, search)) continue;
    if (total >= offset && items.length < limit) items.push(toSessionSummary(session));
    total++;
  }
  return { total, offset, items };
}

function sessionMatches(session: Session, connection: ClientConnection | undefined, search: string): boolean {
  if (session.clientId.toLowerCase().includes(search)) return true;
  if (!connection) return false;
  return (
    connection.remoteAddress.toLowerCase().includes(search) ||
    (connection.username?.toLowerCase().includes(search) ?? false)
  );
}

/** Every session's subscriptions, session by session; `search` matches the filter or the client id. */
export function listSubscriptions(broker: Broker, query: SubscriptionQuery = {}): Page<SubscriptionView> {
  const search = query.search?.toLowerCase() ?? '';
  const { offset, limit } = pageBounds(query);
  const items: SubscriptionView[] = [];
  let total = 0;
  for (const session of broker.sessions.values()) {
    const clientMatches = session.clientId.toLowerCase().includes(search);
    for (const [filter, options] of session.subscriptions) {
      if (search !== '' && !clientMatches && !filter.toLowerCase().includes(search)) continue;
      if (total >= offset && items.length < limit)
        items.push(toSubscriptionView(session.clientId, filter, options));
      total++;
    }
  }
  return { total, offset, items };
}

export function pageBounds(query: { offset?: number; limit?: number }): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.min(maxPageSize, Math.max(0, Math.floor(query.limit ?? defaultPageSize)));
  return { offset, limit };
}
