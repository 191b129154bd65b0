import type { QoS } from 'mqtt-packet';
import { encodePublish } from '../codec/publish-encoder.ts';
import type { BrokerEvents } from '../observe/broker-events.ts';
import type { BrokerCounters, DropCause } from '../observe/broker-metrics.ts';
import type { Session, SubscriptionOptions } from '../session/session.ts';
import { RetainedIndex } from '../topic/retained-index.ts';
import { SubscriptionIndex } from '../topic/subscription-index.ts';
import type { BrokerLimits } from './broker-options.ts';
import type { ClientConnection } from './client-connection.ts';
import type { Message } from './message.ts';

/**
 * Routes messages to sessions and carries out delivery: the subscription index, the retained index,
 * per-session inflight windows and queues. Synchronous and closure-free per delivery.
 */
export class Router {
  readonly subscriptions = new SubscriptionIndex<Session, SubscriptionOptions>();
  readonly retained = new RetainedIndex<Message>();
  /** Reused per publish: session → highest matching QoS (3.1.1 overlapping subscriptions deliver once
   * at the highest QoS [MQTT-3.3.5-1]). */
  private readonly matched = new Map<Session, QoS>();
  private readonly collect = (session: Session, options: SubscriptionOptions): void => {
    const previous = this.matched.get(session);
    if (previous === undefined || options.qos > previous) this.matched.set(session, options.qos);
  };

  constructor(
    private readonly limits: BrokerLimits,
    private readonly counters: BrokerCounters,
    private readonly events: BrokerEvents,
  ) {}

  /** Stores or clears the retained message, then delivers to every matching session. Returns the
   * number of sessions it was delivered or queued to. */
  publish(message: Message): number {
    if (message.retain) this.retain(message);
    this.subscriptions.match(message.topic, this.collect);
    const matchedSessions = this.matched.size;
    let deliveries = 0;
    for (const [session, subscribedQos] of this.matched) {
      // The delivered QoS is the lower of the message's and the subscription's [MQTT-3.8.4-6].
      const qos = Math.min(message.qos, subscribedQos) as QoS;
      // [MQTT-3.3.1-9] an ordinary forward has retain 0, whatever the publisher set.
      if (this.deliver(session, message, qos, false)) deliveries++;
    }
    this.matched.clear();
    // Deliveries that were dropped (queue full, …) are counted under their own cause.
    if (matchedSessions === 0 && this.matchedNone(message))
      this.recordDrop('no-subscribers', message.topic, message.origin);
    if (this.events.has('publish')) {
      this.events.emit('publish', {
        clientId: message.origin,
        topic: message.topic,
        payload: message.payload,
        qos: message.qos,
        retain: message.retain,
        deliveries,
      });
    }
    return deliveries;
  }

  private matchedNone(message: Message): boolean {
    // A retained message with no subscriber is kept, not dropped.
    return !message.retain;
  }

  /** [MQTT-3.3.1-5] keep the last retained message per topic; [MQTT-3.3.1-10] an empty payload
   * removes it and is itself not stored [MQTT-3.3.1-11]. */
  private retain(message: Message): void {
    if (message.payload.length === 0) this.retained.delete(message.topic);
    else this.retained.set(message.topic, message);
  }

  subscribe(session: Session, filter: string, options: SubscriptionOptions): void {
    session.subscriptions.set(filter, options);
    this.subscriptions.add(filter, session, options);
    if (this.events.has('subscribe')) {
      this.events.emit('subscribe', {
        sessionId: session.id,
        clientId: session.clientId,
        filter,
        qos: options.qos,
      });
    }
  }

  unsubscribe(session: Session, filter: string): boolean {
    if (!session.subscriptions.delete(filter)) return false;
    this.subscriptions.remove(filter, session);
    if (this.events.has('unsubscribe')) {
      this.events.emit('unsubscribe', { sessionId: session.id, clientId: session.clientId, filter });
    }
    return true;
  }

  removeAllSubscriptions(session: Session): void {
    for (const filter of session.subscriptions.keys()) this.subscriptions.remove(filter, session);
    session.subscriptions.clear();
  }

  /** Sends the retained messages matching a new subscription, with retain 1 [MQTT-3.3.1-8]. */
  sendRetained(session: Session, filter: string, subscribedQos: QoS): void {
    this.retained.match(filter, (message) => {
      const qos = (message.qos < subscribedQos ? message.qos : subscribedQos) as QoS;
      this.deliver(session, message, qos, true);
    });
  }

  /** Delivers now when the connection can take it, else queues (QoS 1/2) or drops (QoS 0).
   * Returns false when the message was dropped. */
  deliver(session: Session, message: Message, qos: QoS, retainFlag: boolean): boolean {
    const connection = session.owner as ClientConnection | undefined;
    if (qos === 0) {
      if (!connection) return this.recordDrop('offline-qos0', message.topic, session.clientId);
      if (connection.outputFull)
        return this.recordDrop('output-buffer-full', message.topic, session.clientId);
      connection.write(
        encodePublish(
          message,
          { qos: 0, retain: retainFlag, protocolVersion: connection.protocolVersion },
          0,
          false,
        ),
      );
      this.counters.messagesOut++;
      return true;
    }
    if (session.queue.length === 0 && connection?.canSendInflight(session)) {
      this.sendInflight(connection, session, message, qos, retainFlag);
      return true;
    }
    if (session.queue.length >= this.limits.maxQueuedMessages) {
      return this.recordDrop('queue-full', message.topic, session.clientId);
    }
    session.queue.push({ message, qos, retain: retainFlag });
    return true;
  }

  /** Moves queued messages into flight while the window and the connection allow. */
  pump(session: Session): void {
    const connection = session.owner as ClientConnection | undefined;
    if (!connection) return;
    while (session.queue.length > 0 && connection.canSendInflight(session)) {
      const next = session.queue.shift()!;
      this.sendInflight(connection, session, next.message, next.qos, next.retain);
    }
  }

  /** [MQTT-4.4.0-1] on reconnect, unacknowledged PUBLISH packets are re-sent with DUP 1 and PUBREL
   * packets re-sent, in their original order, before anything new. */
  resend(connection: ClientConnection, session: Session): void {
    for (const flight of session.inflight.values()) {
      if (flight.state === 'pubrel') {
        connection.send({ cmd: 'pubrel', messageId: flight.packetId });
      } else {
        const form = { qos: flight.qos, retain: flight.retain, protocolVersion: connection.protocolVersion };
        connection.write(encodePublish(flight.message, form, flight.packetId, true));
        this.counters.messagesOut++;
      }
    }
  }

  private sendInflight(
    connection: ClientConnection,
    session: Session,
    message: Message,
    qos: QoS,
    retainFlag: boolean,
  ): void {
    const packetId = session.allocatePacketId()!;
    session.inflight.set(packetId, { packetId, message, qos, retain: retainFlag, state: 'publish' });
    const form = { qos, retain: retainFlag, protocolVersion: connection.protocolVersion };
    connection.write(encodePublish(message, form, packetId, false));
    this.counters.messagesOut++;
  }

  recordDrop(cause: DropCause, topic: string, clientId: string | undefined): false {
    this.counters.dropped[cause]++;
    if (this.events.has('drop')) this.events.emit('drop', { cause, topic, clientId });
    return false;
  }
}
