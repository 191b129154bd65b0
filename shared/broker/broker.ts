import { Buffer } from 'buffer';
import type { QoS } from 'mqtt-packet';
import type { EnhancedAuthenticator } from '../auth/enhanced-auth.ts';
import type { BrokerEnvironment } from '../env/environment.ts';
import { LongTimer } from '../env/long-timer.ts';
import { BrokerEvents } from '../observe/broker-events.ts';
import { type BrokerCounters, type BrokerMetrics, createCounters } from '../observe/broker-metrics.ts';
import { NEVER_EXPIRES, Session } from '../session/session.ts';
import { restoreSnapshot, takeSnapshot } from '../store/broker-snapshot.ts';
import type { BrokerStore } from '../store/broker-store.ts';
import type { Transport, TransportAcceptor, TransportSink } from '../transport/connection.ts';
import { type AuthHooks, type BrokerLimits, type BrokerOptions, defaultLimits } from './broker-options.ts';
import { ClientConnection, type CloseReason } from './client-connection.ts';
import { createMessage, type Message, type PublishProperties } from './message.ts';
import { Router } from './router.ts';

export interface PublishRequest {
  topic: string;
  payload: Uint8Array;
  qos?: QoS;
  retain?: boolean;
  properties?: PublishProperties;
}

/**
 * The broker: accepts transports, owns the session table (client id → session) and the router.
 * Connections come and go; sessions outlive them when the client asked for a persistent session.
 */
export class Broker implements TransportAcceptor {
  readonly env: BrokerEnvironment;
  readonly limits: BrokerLimits;
  readonly auth: AuthHooks;
  readonly store: BrokerStore | undefined;
  /** Enhanced authentication methods by name. */
  readonly enhancedAuth: ReadonlyMap<string, EnhancedAuthenticator>;
  readonly counters: BrokerCounters = createCounters();
  readonly events: BrokerEvents;
  readonly router: Router;
  readonly sessions = new Map<string, Session>();
  readonly connections = new Set<ClientConnection>();
  readonly startedAt: number;
  private nextConnectionId = 1;
  private connectedCount = 0;
  private closing = false;

  constructor(options: BrokerOptions) {
    this.env = options.env;
    this.events = new BrokerEvents((name, error) =>
      this.env.logger.error('event listener failed', { event: name, error: String(error) }),
    );
    this.limits = { ...defaultLimits, ...options.limits };
    this.auth = options.auth ?? {};
    this.store = options.store;
    this.enhancedAuth = new Map(
      (options.enhancedAuth ?? []).map((authenticator) => [authenticator.method, authenticator]),
    );
    this.router = new Router(this.limits, this.counters, this.events, this.env.clock, () => this.random());
    this.startedAt = this.env.clock.now();
  }

  /** Connections that completed CONNECT and are still open. */
  get connectionCount(): number {
    return this.connectedCount;
  }

  accept(transport: Transport): TransportSink {
    const connection = new ClientConnection(this, transport, this.nextConnectionId++);
    this.connections.add(connection);
    this.counters.connectionsOpened++;
    if (this.closing) connection.close({ name: 'server-shutting-down', publishWill: false });
    return connection;
  }

  /** Publishes a message as the broker itself (admin API, $SYS). */
  publish(request: PublishRequest): number {
    const message = createMessage(
      {
        topic: request.topic,
        // mqtt-packet encodes Buffers only; callers (admin API, sandbox) hand plain Uint8Arrays.
        payload: Buffer.from(request.payload.buffer, request.payload.byteOffset, request.payload.byteLength),
        qos: request.qos ?? 0,
        retain: request.retain ?? false,
        properties: request.properties,
        origin: undefined,
      },
      this.env.clock.now(),
    );
    return this.router.publish(message);
  }

  /** [MQTT-3.2.2-16] an id no other session uses. */
  assignClientId(): string {
    for (;;) {
      const id = `iothub-${toHex(this.env.randomBytes(12))}`;
      if (!this.sessions.has(id)) return id;
    }
  }

  /**
   * Gives the connection its session. A live connection with the same client id is closed first
   * [MQTT-3.1.4-2] (its will is published, as for any abnormal end). A clean start discards the old
   * session [MQTT-3.1.2-6]; otherwise the old one is resumed [MQTT-3.1.2-4].
   */
  attachSession(
    connection: ClientConnection,
    cleanStart: boolean,
    expiryInterval: number,
  ): { session: Session; present: boolean } {
    const clientId = connection.clientId;
    let session = this.sessions.get(clientId);
    const previousOwner = session?.owner as ClientConnection | undefined;
    if (previousOwner) {
      previousOwner.close({ name: 'takeover', publishWill: true, code: 0x8e });
      session = this.sessions.get(clientId);
    }
    let present = false;
    if (session && cleanStart) {
      this.discardSession(session);
      session = undefined;
    }
    if (session) {
      present = true;
      session.expiryTimer?.cancel();
      session.expiryTimer = undefined;
      // [MQTT-3.1.3-9] reconnecting within the Will Delay Interval cancels the will.
      session.delayedWill?.timer.cancel();
      session.delayedWill = undefined;
      session.expiryInterval = expiryInterval;
    } else {
      session = new Session(this.newSessionId(), clientId, expiryInterval, this.env.clock.now());
      this.sessions.set(clientId, session);
    }
    session.owner = connection;
    session.disconnectedAt = undefined;
    connection.session = session;
    this.connectedCount++;
    return { session, present };
  }

  /** After CONNACK: re-send what was in flight, then what was queued while offline. */
  sessionResumed(connection: ClientConnection, session: Session, present: boolean): void {
    if (this.events.has('connect')) {
      this.events.emit('connect', {
        sessionId: session.id,
        clientId: session.clientId,
        protocolVersion: connection.protocolVersion,
        transport: connection.transport.info.kind,
        remoteAddress: connection.remoteAddress,
        cleanSession: !session.persistent,
        sessionPresent: present,
        keepalive: connection.keepaliveSeconds,
        username: connection.username,
      });
    }
    if (present) this.router.resend(connection, session);
    this.router.pump(session);
  }

  /** Called once per connection, whoever ended it. */
  connectionEnded(connection: ClientConnection, reason: CloseReason): void {
    if (!this.connections.delete(connection)) return;
    this.counters.connectionsClosed++;
    const session = connection.session;
    if (!session || session.owner !== connection) return;
    this.connectedCount--;
    session.owner = undefined;
    const now = this.env.clock.now();
    session.disconnectedAt = now;
    this.router.redistribute(session);
    const willPublished = this.handleWill(connection, session, reason);
    if (!session.persistent) {
      // [MQTT-3.1.2-6] a clean session (expiry 0) ends with its connection.
      this.discardSession(session);
    } else {
      this.armSessionExpiry(session, now);
    }
    if (this.events.has('disconnect')) {
      this.events.emit('disconnect', {
        sessionId: session.id,
        clientId: session.clientId,
        reason: reason.name,
        willPublished,
      });
    }
  }

  /**
   * [MQTT-3.1.2-8] the will goes out when the connection ends without a normal DISCONNECT: at once,
   * or after its Will Delay Interval unless the session is resumed first or ends first. It is a
   * publish by the client, so it needs the permission a PUBLISH on its topic would have. Returns
   * whether it was published now.
   */
  private handleWill(connection: ClientConnection, session: Session, reason: CloseReason): boolean {
    const will = reason.publishWill ? connection.will : undefined;
    connection.will = undefined;
    if (!will) return false;
    if (this.auth.authorizePublish && !this.auth.authorizePublish(connection, will.topic)) {
      this.router.recordDrop('not-authorized', will.topic, session.clientId);
      return false;
    }
    const message = createMessage(
      { ...will, payload: will.payload as Buffer, origin: session.clientId },
      this.env.clock.now(),
    );
    if (will.delaySeconds === 0 || !session.persistent) {
      this.router.publish(message);
      return true;
    }
    const deadline = this.env.clock.now() + will.delaySeconds * 1000;
    const timer = new LongTimer(this.env.clock, deadline, () => {
      session.delayedWill = undefined;
      this.publishDelayedWill(message);
    });
    session.delayedWill = { message, timer };
    return false;
  }

  /** [MQTT-4.1.0-2] an offline session goes once its Session Expiry Interval has passed since
   * `disconnectedAt` (also for sessions restored from a store, whose deadline may be past). */
  armSessionExpiry(session: Session, disconnectedAt: number): void {
    if (session.expiryInterval === NEVER_EXPIRES) return;
    const deadline = disconnectedAt + session.expiryInterval * 1000;
    session.expiryTimer = new LongTimer(this.env.clock, deadline, () => this.expireSession(session));
  }

  private expireSession(session: Session): void {
    session.expiryTimer = undefined;
    if (session.owner === undefined) this.discardSession(session);
  }

  /** Removes a session with its subscriptions and queued messages. A will still waiting out its
   * delay is published now, since the session ends first [MQTT-3.1.2-8]. */
  discardSession(session: Session): void {
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
    session.expiryTimer?.cancel();
    session.expiryTimer = undefined;
    const delayedWill = session.delayedWill;
    session.delayedWill = undefined;
    this.router.removeAllSubscriptions(session);
    this.router.handOff(session);
    session.queue.clear();
    session.clearFlights();
    if (delayedWill) {
      delayedWill.timer.cancel();
      this.publishDelayedWill(delayedWill.message);
    }
  }

  /** A will's Message Expiry Interval counts from when it is published, not from the disconnect
   * (MQTT 5 §3.1.3.2.4). */
  private publishDelayedWill(will: Message): void {
    this.router.publish(createMessage(will, this.env.clock.now()));
  }

  metrics(): BrokerMetrics {
    let inflight = 0;
    let queued = 0;
    for (const session of this.sessions.values()) {
      inflight += session.inflight.size;
      queued += session.queue.length;
    }
    return {
      ...this.counters,
      dropped: { ...this.counters.dropped },
      startedAt: this.startedAt,
      connections: this.connectedCount,
      sessions: this.sessions.size,
      subscriptions: this.router.subscriptionCount,
      retained: this.router.retained.size,
      inflight,
      queued,
    };
  }

  /** Loads retained messages and persistent sessions from the store, before accepting connections. */
  async restore(): Promise<void> {
    const snapshot = await this.store?.load();
    if (snapshot) restoreSnapshot(this, snapshot);
  }

  /** Saves retained messages and persistent sessions to the store. */
  async persist(): Promise<void> {
    await this.store?.save(takeSnapshot(this));
  }

  /** Refuses new connections and closes every open one (v5 clients get DISCONNECT 0x8B). Wills are
   * not published: the server going away is not the client's failure. */
  shutdown(): void {
    this.closing = true;
    for (const connection of [...this.connections]) {
      connection.close({ name: 'server-shutting-down', publishWill: false, code: 0x8b });
    }
  }

  /** A uniform number in [0, 1) from the injected randomness. */
  random(): number {
    const bytes = this.env.randomBytes(4);
    return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) / 0x1_0000_0000;
  }

  newSessionId(): string {
    return toHex(this.env.randomBytes(8));
  }
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Ids are made on every CONNECT: a table lookup per byte rather than a number-to-string conversion. */
function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += HEX_BYTES[byte]!;
  return hex;
}

export function createBroker(options: BrokerOptions): Broker {
  return new Broker(options);
}
