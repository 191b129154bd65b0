import type { QoS } from 'mqtt-packet';
import type { Message } from '../broker/message.ts';
import type { SharedGroup } from '../broker/shared-groups.ts';
import type { LongTimer } from '../env/long-timer.ts';
import { DeliveryQueue } from './delivery-queue.ts';

/** MQTT 5 subscription options (§3.8.3.1); 3.1.1 subscriptions use only `qos`. */
export interface SubscriptionOptions {
  qos: QoS;
  /** [MQTT-3.8.3-3] do not deliver the client's own publications back to it. */
  noLocal?: boolean;
  /** [MQTT-3.3.1-12/13] keep the publisher's retain flag on forwarded messages. */
  retainAsPublished?: boolean;
  /** 0: send retained messages on subscribe; 1: only for a new subscription; 2: never. */
  retainHandling?: 0 | 1 | 2;
  subscriptionIdentifier?: number;
}

/** A session whose expiry interval is this never expires (MQTT 5 §3.1.2.11.2). */
export const NEVER_EXPIRES = 0xffffffff;

/** An outbound QoS 1/2 message the client has not finished acknowledging. */
export interface OutboundFlight {
  readonly packetId: number;
  readonly message: Message;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly subscriptionIds: number[] | undefined;
  /** Set when the message came through a shared subscription. */
  readonly group: SharedGroup | undefined;
  /** "publish": waiting for PUBACK/PUBREC; "pubrel": PUBREL sent, waiting for PUBCOMP. */
  state: 'publish' | 'pubrel';
}

export interface QueuedDelivery {
  readonly message: Message;
  readonly qos: QoS;
  /** Retain flag on the wire: 1 only for retained messages sent because of a new subscription. */
  readonly retain: boolean;
  readonly subscriptionIds: number[] | undefined;
  /** Set when the message came through a shared subscription: it may move to another member. */
  readonly group: SharedGroup | undefined;
}

/** Something that can carry a session's deliveries: the live connection, when there is one. */
export interface SessionOwner {
  readonly connectionId: number;
}

const MAX_PACKET_ID = 0xffff;
const NO_SUBSCRIPTIONS: ReadonlyMap<string, SubscriptionOptions> = new Map();
const NO_FLIGHTS: ReadonlyMap<number, OutboundFlight> = new Map();

/**
 * Client state that outlives a connection (MQTT §4.1): subscriptions, outbound messages in flight,
 * messages queued while offline or beyond the inflight window, and inbound QoS 2 packet ids awaiting
 * PUBREL. Its `id` is internal and unique per session, distinct from the client id, so a takeover is
 * an explicit move of this object from one connection to the next.
 */
export class Session {
  /** Created by the first subscription and the first message in flight, since a publish-only device
   * needs neither, and an empty Map costs each of thousands of sessions ~200 bytes. */
  private subscriptionMap: Map<string, SubscriptionOptions> | undefined;
  private flights: Map<number, OutboundFlight> | undefined;
  readonly queue = new DeliveryQueue<QueuedDelivery>();
  /** Inbound QoS 2 packet ids received and not yet released [MQTT-4.3.3-2]. Created by the first
   * QoS 2 PUBLISH: most clients never send one, and an empty Set costs every session ~200 bytes. */
  inboundQos2: Set<number> | undefined;
  owner: SessionOwner | undefined;
  /** When the last connection ended; undefined while connected. */
  disconnectedAt: number | undefined;
  /** Seconds the session outlives its connection: 0 ends it with the connection, NEVER_EXPIRES keeps
   * it. 3.1.1 maps clean session 1 to 0 and 0 to NEVER_EXPIRES. */
  expiryInterval: number;
  /** Runs out the session expiry interval while offline. */
  expiryTimer: LongTimer | undefined;
  /** A will waiting out its Will Delay Interval (MQTT 5 §3.1.3.2.2). */
  delayedWill: { message: Message; timer: LongTimer } | undefined;
  private lastPacketId = 0;

  constructor(
    readonly id: string,
    readonly clientId: string,
    expiryInterval: number,
    readonly createdAt: number,
  ) {
    this.expiryInterval = expiryInterval;
  }

  /** Topic filter → options. */
  get subscriptions(): ReadonlyMap<string, SubscriptionOptions> {
    return this.subscriptionMap ?? NO_SUBSCRIPTIONS;
  }

  setSubscription(filter: string, options: SubscriptionOptions): void {
    this.subscriptionMap ??= new Map();
    this.subscriptionMap.set(filter, options);
  }

  /** False when there was no such subscription. */
  deleteSubscription(filter: string): boolean {
    return this.subscriptionMap?.delete(filter) === true;
  }

  clearSubscriptions(): void {
    this.subscriptionMap?.clear();
  }

  /** Packet id → outbound QoS 1/2 message not yet fully acknowledged, in the order sent. */
  get inflight(): ReadonlyMap<number, OutboundFlight> {
    return this.flights ?? NO_FLIGHTS;
  }

  addFlight(flight: OutboundFlight): void {
    this.flights ??= new Map();
    this.flights.set(flight.packetId, flight);
  }

  endFlight(packetId: number): void {
    this.flights?.delete(packetId);
  }

  clearFlights(): void {
    this.flights?.clear();
  }

  /** True when the session outlives its connection. */
  get persistent(): boolean {
    return this.expiryInterval > 0;
  }

  /** A packet id not used by any message in flight [MQTT-2.3.1-2]; undefined when all are. */
  allocatePacketId(): number | undefined {
    if (this.inflight.size >= MAX_PACKET_ID) return undefined;
    let id = this.lastPacketId;
    do {
      id = id === MAX_PACKET_ID ? 1 : id + 1;
    } while (this.inflight.has(id));
    this.lastPacketId = id;
    return id;
  }
}
