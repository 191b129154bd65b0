/** Plain counters, incremented inline on the hot path (no allocation) and read by snapshots. */
export type DropCause =
  /** The session's offline/overflow queue was full. */
  | 'queue-full'
  /** A QoS 0 message met a connection whose output buffer was over its limit. */
  | 'output-buffer-full'
  /** A QoS 0 message for a session that is offline (QoS 0 is not queued). */
  | 'offline-qos0'
  /** No subscriber matched the topic. */
  | 'no-subscribers'
  /** The publisher was not authorised to publish on the topic. */
  | 'not-authorized'
  /** The Message Expiry Interval ran out while the message waited [MQTT-3.3.2-5]. */
  | 'expired'
  /** Larger than the receiving client's Maximum Packet Size [MQTT-3.1.2-25]. */
  | 'packet-too-large';

export interface BrokerCounters {
  connectionsOpened: number;
  connectionsClosed: number;
  /** CONNECTs answered with a refusing CONNACK (bad protocol level, id, credentials, limits). */
  connectionsRejected: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  dropped: Record<DropCause, number>;
}

export interface BrokerGauges {
  connections: number;
  sessions: number;
  subscriptions: number;
  retained: number;
  inflight: number;
  queued: number;
}

export interface BrokerMetrics extends BrokerCounters, BrokerGauges {
  startedAt: number;
}

export function createCounters(): BrokerCounters {
  return {
    connectionsOpened: 0,
    connectionsClosed: 0,
    connectionsRejected: 0,
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    packetsIn: 0,
    packetsOut: 0,
    dropped: {
      'queue-full': 0,
      'output-buffer-full': 0,
      'offline-qos0': 0,
      'no-subscribers': 0,
      'not-authorized': 0,
      expired: 0,
      'packet-too-large': 0,
    },
  };
}
