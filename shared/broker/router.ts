import type { QoS } from 'mqtt-packet';
import { type DeliveryExtras, encodePublish } from '../codec/publish-encoder.ts';
import type { Clock } from '../env/environment.ts';
import type { BrokerEvents } from '../observe/broker-events.ts';
import type { BrokerCounters, DropCause } from '../observe/broker-metrics.ts';
import type { Session, SubscriptionOptions } from '../session/session.ts';
import { RetainedIndex } from '../topic/retained-index.ts';
import { parseSharedFilter } from '../topic/shared-filter.ts';
import { SubscriptionIndex } from '../topic/subscription-index.ts';
import type { BrokerLimits } from './broker-options.ts';
import type { ClientConnection } from './client-connection.ts';
import type { Message } from './message.ts';
import { type SharedGroup, SharedGroups } from './shared-groups.ts';

/**
 * Routes messages to sessions and carries out delivery: the subscription index, shared groups, the
 * retained index, per-session inflight windows and queues. Synchronous; no closures per delivery.
 */
export class Router {
  readonly subscriptions = new SubscriptionIndex<Session, SubscriptionOptions>();
  readonly shared: SharedGroups;
  readonly retained = new RetainedIndex<Message>();

  constructor(
    private readonly limits: BrokerLimits,
    private readonly counters: BrokerCounters,
    private readonly events: BrokerEvents,
    private readonly clock: Clock,
    random: () => number,
  ) {
    this.shared = new SharedGroups(limits.sharedDispatch, random);
  }

  get subscriptionCount(): number {
    return this.subscriptions.size + this.shared.size;
  }

  /** Stores or clears the retained message, then delivers to every matching session and to one
   * member of every matching shared group. Returns the number of deliveries made or queued. */
  publish(message: Message): number {
    if (message.retain) this.retain(message);
    // Read from the index's cache, with each session's matches side by side: overlapping
    // subscriptions of one session give one delivery at the highest QoS [MQTT-3.3.5-1], carrying
    // every matching Subscription Identifier [MQTT-3.3.4-3]. Locals only, so a publish that a
    // delivery sets off (a will) cannot disturb this one.
    const matches = this.subscriptions.matches(message.topic);
    let matchedSessions = 0;
    let deliveries = 0;
    for (let i = 0; i < matches.length; ) {
      const session = matches[i] as Session;
      let qos = -1;
      let retain = false;
      let ids: number[] | undefined;
      for (; matches[i] === session; i += 2) {
        const options = matches[i + 1] as SubscriptionOptions;
        // [MQTT-3.8.3-3] No Local: not back to the client that published it.
        if (options.noLocal && session.clientId === message.origin) continue;
        qos = Math.max(qos, options.qos);
        // [MQTT-3.3.1-12/13] Retain As Published keeps the flag; otherwise forwards carry retain 0.
        retain ||= options.retainAsPublished === true && message.retain;
        const id = options.subscriptionIdentifier;
        if (id) {
          ids ??= [];
          ids.push(id);
        }
      }
      if (qos < 0) continue;
      matchedSessions++;
      // The delivered QoS is the lower of the message's and the subscription's [MQTT-3.8.4-6].
      const delivered = Math.min(message.qos, qos) as QoS;
      if (this.deliver(session, message, delivered, retain, ids, undefined)) deliveries++;
    }
    const groups = this.shared.matches(message.topic);
    for (let i = 0; i < groups.length; i += 2) {
      if (this.deliverToGroup(groups[i] as SharedGroup, message, undefined)) deliveries++;
    }
    const matchedGroups = groups.length / 2;
    // Deliveries that were dropped (queue full, …) are counted under their own cause. A retained
    // message with no subscriber is kept, not dropped.
    if (matchedSessions === 0 && matchedGroups === 0 && !message.retain) {
      this.recordDrop('no-subscribers', message.topic, message.origin);
    }
    if (this.events.has('publish')) {
      this.events.emit('publish', {
        clientId: message.origin,
        topic: message.topic,
        payload: message.payload,
        qos: message.qos,
        retain: message.retain,
        publishedAt: message.publishedAt,
        deliveries,
      });
    }
    return deliveries;
  }

  /** [MQTT-3.3.1-5] keep the last retained message per topic; [MQTT-3.3.1-10] an empty payload
   * removes it and is itself not stored [MQTT-3.3.1-11]. */
  private retain(message: Message): void {
    if (message.payload.length === 0) this.retained.delete(message.topic);
    else this.retained.set(message.topic, message);
  }

  /** Adds or replaces a subscription ([MQTT-3.8.4-3]); returns true when it replaced one. */
  subscribe(session: Session, filter: string, options: SubscriptionOptions): boolean {
    const existed = session.subscriptions.has(filter);
    session.setSubscription(filter, options);
    const shared = parseSharedFilter(filter);
    if (shared) this.shared.add(shared.group, shared.filter, session, options);
    else this.subscriptions.add(filter, session, options);
    if (this.events.has('subscribe')) {
      this.events.emit('subscribe', {
        sessionId: session.id,
        clientId: session.clientId,
        filter,
        qos: options.qos,
      });
    }
    return existed;
  }

  unsubscribe(session: Session, filter: string): boolean {
    if (!session.deleteSubscription(filter)) return false;
    const shared = parseSharedFilter(filter);
    if (shared) this.shared.remove(shared.group, shared.filter, session);
    else this.subscriptions.remove(filter, session);
    if (this.events.has('unsubscribe')) {
      this.events.emit('unsubscribe', { sessionId: session.id, clientId: session.clientId, filter });
    }
    return true;
  }

  removeAllSubscriptions(session: Session): void {
    for (const filter of [...session.subscriptions.keys()]) {
      const shared = parseSharedFilter(filter);
      if (shared) this.shared.remove(shared.group, shared.filter, session);
      else this.subscriptions.remove(filter, session);
    }
    session.clearSubscriptions();
  }

  /**
   * Sends the retained messages matching a new subscription, with retain 1 [MQTT-3.3.1-8], as
   * Retain Handling asks: 0 always, 1 only for a new subscription, 2 never. Shared subscriptions get
   * none (MQTT 5 §4.8.2).
   */
  sendRetained(session: Session, filter: string, options: SubscriptionOptions, existed: boolean): void {
    const handling = options.retainHandling ?? 0;
    if (handling === 2 || (handling === 1 && existed) || parseSharedFilter(filter)) return;
    const ids = options.subscriptionIdentifier ? [options.subscriptionIdentifier] : undefined;
    const now = this.clock.now();
    const expired: string[] = [];
    this.retained.match(filter, (message) => {
      if (message.expiresAt !== undefined && message.expiresAt <= now) {
        expired.push(message.topic);
        return;
      }
      const qos = Math.min(message.qos, options.qos) as QoS;
      this.deliver(session, message, qos, true, ids, undefined);
    });
    for (const topic of expired) this.retained.delete(topic);
  }

  /** Delivers now when the connection can take it, else queues (QoS 1/2) or drops (QoS 0).
   * Returns false when the message was dropped. */
  deliver(
    session: Session,
    message: Message,
    qos: QoS,
    retainFlag: boolean,
    subscriptionIds: number[] | undefined,
    group: SharedGroup | undefined,
  ): boolean {
    const connection = session.owner as ClientConnection | undefined;
    if (qos === 0) {
      if (!connection) return this.recordDrop('offline-qos0', message.topic, session.clientId);
      if (connection.outputFull)
        return this.recordDrop('output-buffer-full', message.topic, session.clientId);
      return this.transmit(connection, message, 0, retainFlag, subscriptionIds, 0, false);
    }
    if (session.queue.length === 0 && connection?.canSendInflight(session)) {
      return this.sendInflight(connection, session, message, qos, retainFlag, subscriptionIds, group);
    }
    if (session.queue.length >= this.limits.maxQueuedMessages) {
      return this.recordDrop('queue-full', message.topic, session.clientId);
    }
    session.queue.push({ message, qos, retain: retainFlag, subscriptionIds, group });
    return true;
  }

  /** One member of a shared group gets the message [MQTT-4.8.2-3: at its granted QoS]. */
  private deliverToGroup(group: SharedGroup, message: Message, exclude: Session | undefined): boolean {
    const pick = this.shared.pick(group, exclude);
    if (!pick) return false;
    const qos = Math.min(message.qos, pick.options.qos) as QoS;
    const retain = pick.options.retainAsPublished === true && message.retain;
    const ids = pick.options.subscriptionIdentifier ? [pick.options.subscriptionIdentifier] : undefined;
    return this.deliver(pick.session, message, qos, retain, ids, group);
  }

  /** Moves queued messages into flight while the window and the connection allow; messages whose
   * expiry passed while queued are dropped [MQTT-3.3.2-5]. */
  pump(session: Session): void {
    const connection = session.owner as ClientConnection | undefined;
    if (!connection) return;
    while (session.queue.length > 0 && connection.canSendInflight(session)) {
      const next = session.queue.shift()!;
      if (this.isExpired(next.message)) {
        this.recordDrop('expired', next.message.topic, session.clientId);
        continue;
      }
      this.sendInflight(
        connection,
        session,
        next.message,
        next.qos,
        next.retain,
        next.subscriptionIds,
        next.group,
      );
    }
  }

  /** A shared-group member went offline: its queued, not yet sent, group messages go to another
   * member that is online, so the group loses nothing while others can take them. A session that
   * ends with its connection hands them to an offline member's session rather than lose them. */
  redistribute(session: Session): void {
    if (!session.queue.some((entry) => entry.group !== undefined)) return;
    session.queue.retain((entry) => {
      if (!entry.group) return true;
      const pick = this.shared.pick(entry.group, session);
      if (!pick || (!pick.session.owner && session.persistent)) return true;
      this.deliverToGroup(entry.group, entry.message, session);
      return false;
    });
  }

  /**
   * A session is ending: shared-group messages it still holds go to another member, the queued ones
   * and the QoS 1 ones in flight (MQTT 5 §4.8.2: SHOULD). QoS 2 ones in flight end with the session
   * [MQTT-4.8.2-5]. Call after the session's subscriptions are removed.
   */
  handOff(session: Session): void {
    for (const entry of session.queue)
      if (entry.group) this.deliverToGroup(entry.group, entry.message, session);
    for (const flight of session.inflight.values()) {
      if (flight.group && flight.qos === 1) this.deliverToGroup(flight.group, flight.message, session);
    }
  }

  /** [MQTT-4.4.0-1] on reconnect, unacknowledged PUBLISH packets are re-sent with DUP 1 and PUBREL
   * packets re-sent, in their original order, before anything new. */
  resend(connection: ClientConnection, session: Session): void {
    for (const flight of session.inflight.values()) {
      if (flight.state === 'pubrel') {
        connection.send({ cmd: 'pubrel', messageId: flight.packetId });
      } else if (
        !this.transmit(
          connection,
          flight.message,
          flight.qos,
          flight.retain,
          flight.subscriptionIds,
          flight.packetId,
          true,
        )
      ) {
        // Too large for the new connection's Maximum Packet Size: treated as sent [MQTT-3.1.2-25],
        // so it must not hold a slot of the window for ever.
        session.endFlight(flight.packetId);
      }
    }
  }

  private sendInflight(
    connection: ClientConnection,
    session: Session,
    message: Message,
    qos: QoS,
    retainFlag: boolean,
    subscriptionIds: number[] | undefined,
    group: SharedGroup | undefined,
  ): boolean {
    const packetId = session.allocatePacketId()!;
    // A message too large for the client is dropped as if sent [MQTT-3.1.2-25]: no flight.
    if (!this.transmit(connection, message, qos, retainFlag, subscriptionIds, packetId, false)) return false;
    session.addFlight({
      packetId,
      message,
      qos,
      retain: retainFlag,
      subscriptionIds,
      group,
      state: 'publish',
    });
    return true;
  }

  /** Encodes for this connection and writes; false when the packet exceeds the client's Maximum
   * Packet Size [MQTT-3.1.2-24]. */
  private transmit(
    connection: ClientConnection,
    message: Message,
    qos: QoS,
    retainFlag: boolean,
    subscriptionIds: number[] | undefined,
    packetId: number,
    dup: boolean,
  ): boolean {
    const form = { qos, retain: retainFlag, protocolVersion: connection.protocolVersion };
    const extras =
      connection.protocolVersion === 5
        ? this.deliveryExtras(connection, message, subscriptionIds)
        : undefined;
    const encoded = encodePublish(message, form, extras);
    if (encoded.bytes.length > connection.peerMaximumPacketSize) {
      return this.recordDrop('packet-too-large', message.topic, connection.clientId);
    }
    if (extras?.topicAlias?.establish)
      connection.outboundAliases!.established(message.topic, extras.topicAlias.alias);
    if (qos === 0) connection.write(encoded.bytes);
    else connection.writeWithPacketId(encoded.bytes, encoded.packetIdOffset, packetId, dup);
    this.counters.messagesOut++;
    return true;
  }

  private deliveryExtras(
    connection: ClientConnection,
    message: Message,
    subscriptionIds: number[] | undefined,
  ): DeliveryExtras | undefined {
    const expiry =
      message.expiresAt === undefined
        ? undefined
        : Math.max(0, Math.ceil((message.expiresAt - this.clock.now()) / 1000));
    const topicAlias = connection.outboundAliases?.aliasFor(message.topic);
    if (!subscriptionIds && expiry === undefined && !topicAlias) return undefined;
    return { subscriptionIds, messageExpiryInterval: expiry, topicAlias };
  }

  private isExpired(message: Message): boolean {
    return message.expiresAt !== undefined && message.expiresAt <= this.clock.now();
  }

  recordDrop(cause: DropCause, topic: string, clientId: string | undefined): false {
    this.counters.dropped[cause]++;
    if (this.events.has('drop')) this.events.emit('drop', { cause, topic, clientId });
    return false;
  }
}
