import type { QoS } from 'mqtt-packet';
import type { Message } from '../broker/message.ts';

export interface SubscriptionOptions {
  qos: QoS;
}

/** An outbound QoS 1/2 message the client has not finished acknowledging. */
export interface OutboundFlight {
  readonly packetId: number;
  readonly message: Message;
  readonly qos: QoS;
  readonly retain: boolean;
  /** "publish": waiting for PUBACK/PUBREC; "pubrel": PUBREL sent, waiting for PUBCOMP. */
  state: 'publish' | 'pubrel';
}

export interface QueuedDelivery {
  readonly message: Message;
  readonly qos: QoS;
  /** Retain flag on the wire: 1 only for retained messages sent because of a new subscription. */
  readonly retain: boolean;
}

/** Something that can carry a session's deliveries: the live connection, when there is one. */
export interface SessionOwner {
  readonly connectionId: number;
}

const MAX_PACKET_ID = 0xffff;

/**
 * Client state that outlives a connection (MQTT §4.1): subscriptions, outbound messages in flight,
 * messages queued while offline or beyond the inflight window, and inbound QoS 2 packet ids awaiting
 * PUBREL. Its `id` is internal and unique per session, distinct from the client id, so a takeover is
 * an explicit move of this object from one connection to the next.
 */
export class Session {
  readonly subscriptions = new Map<string, SubscriptionOptions>();
  readonly inflight = new Map<number, OutboundFlight>();
  readonly queue: QueuedDelivery[] = [];
  /** Inbound QoS 2 packet ids received and not yet released [MQTT-4.3.3-2]. */
  readonly inboundQos2 = new Set<number>();
  owner: SessionOwner | undefined;
  /** When the last connection ended; undefined while connected. */
  disconnectedAt: number | undefined;
  private lastPacketId = 0;

  constructor(
    readonly id: string,
    readonly clientId: string,
    readonly persistent: boolean,
    readonly createdAt: number,
  ) {}

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
