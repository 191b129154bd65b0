const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** A payload marked as UTF-8 (Payload Format Indicator 1) must be well-formed (MQTT 5 §3.3.2.3.2). */
export function isWellFormedPayload(payload: Uint8Array): boolean {
  try {
    strictDecoder.decode(payload);
    return true;
  } catch {
    return false;
  }
}
