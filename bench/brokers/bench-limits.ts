/**
 * The limits every broker gets for the bench, so that none of them drops messages merely because its
 * default queue is small: the bench measures speed, not the default policy for slow consumers.
 */
export const benchLimits = {
  /** Per-session queue beyond the inflight window (Mosquitto max_queued_messages, Aedes queueLimit). */
  maxQueuedMessages: 100_000,
  /** Outbound QoS 1 window per session (Mosquitto's default is 20; IoTHub's is 100). */
  maxInflight: 100,
  /** IoTHub's per-connection output buffer before QoS 0 is dropped. */
  maxOutputBufferBytes: 16 * 1024 * 1024,
} as const;
