import { Buffer } from 'buffer';
import type { Broker } from '../broker/broker.ts';
import { createMessage, type Message } from '../broker/message.ts';
import { Session } from '../session/session.ts';
import type { BrokerSnapshot, StoredMessage, StoredSession } from './broker-store.ts';

/** Retained messages and persistent sessions (online or not) as plain data. */
export function takeSnapshot(broker: Broker): BrokerSnapshot {
  const retained = [...broker.router.retained.values()].map(storeMessage);
  const sessions: StoredSession[] = [];
  for (const session of broker.sessions.values()) {
    if (!session.persistent) continue;
    sessions.push({
      clientId: session.clientId,
      createdAt: session.createdAt,
      expiryInterval: session.expiryInterval,
      disconnectedAt: session.disconnectedAt ?? broker.env.clock.now(),
      subscriptions: [...session.subscriptions].map(([filter, options]) => ({
        filter,
        options: { ...options },
      })),
      inflight: [...session.inflight.values()].map((flight) => ({
        packetId: flight.packetId,
        qos: flight.qos,
        retain: flight.retain,
        subscriptionIds: flight.subscriptionIds,
        state: flight.state,
        message: storeMessage(flight.message),
      })),
      queue: session.queue.toArray().map((entry) => ({
        qos: entry.qos,
        retain: entry.retain,
        subscriptionIds: entry.subscriptionIds,
        message: storeMessage(entry.message),
      })),
      inboundQos2: [...(session.inboundQos2 ?? [])],
    });
  }
  return { version: 1, savedAt: broker.env.clock.now(), retained, sessions };
}

/** Loads a snapshot into a broker that has no connections yet. Sessions come back offline. */
export function restoreSnapshot(broker: Broker, snapshot: BrokerSnapshot): void {
  for (const stored of snapshot.retained) broker.router.retained.set(stored.topic, loadMessage(stored));
  for (const stored of snapshot.sessions) {
    const session = new Session(
      broker.newSessionId(),
      stored.clientId,
      stored.expiryInterval,
      stored.createdAt,
    );
    session.disconnectedAt = stored.disconnectedAt;
    for (const { filter, options } of stored.subscriptions) broker.router.subscribe(session, filter, options);
    for (const flight of stored.inflight) {
      session.addFlight({
        ...flight,
        subscriptionIds: flight.subscriptionIds,
        group: undefined,
        message: loadMessage(flight.message),
      });
    }
    // Queued shared-group messages come back as the member's own: groups are rebuilt by subscribing.
    for (const entry of stored.queue) {
      session.queue.push({
        ...entry,
        subscriptionIds: entry.subscriptionIds,
        group: undefined,
        message: loadMessage(entry.message),
      });
    }
    if (stored.inboundQos2.length > 0) session.inboundQos2 = new Set(stored.inboundQos2);
    broker.sessions.set(session.clientId, session);
    broker.armSessionExpiry(session, stored.disconnectedAt ?? snapshot.savedAt);
  }
}

function storeMessage(message: Message): StoredMessage {
  return {
    topic: message.topic,
    payload: Uint8Array.from(message.payload),
    qos: message.qos,
    retain: message.retain,
    properties: message.properties,
    publishedAt: message.publishedAt,
    origin: message.origin,
    ...(message.userPropertyOrder ? { userPropertyOrder: [...message.userPropertyOrder] } : {}),
  };
}

function loadMessage(stored: StoredMessage): Message {
  const payload = Buffer.from(stored.payload.buffer, stored.payload.byteOffset, stored.payload.byteLength);
  return createMessage({ ...stored, payload }, stored.publishedAt);
}
