import { Buffer } from 'buffer';
import type { QoS } from 'mqtt-packet';

/**
 * Encodes an MQTT 3.1.1 PUBLISH directly, as mqtt-packet would with packet id 0 and DUP 0 (the
 * connection writes both per delivery). A message needs a new wire form whenever a subscriber gets it
 * at another QoS or retain flag than it arrived with, e.g. each of 10,000 retained messages for a new
 * `#` subscriber: the general encoder costs several times more.
 */
export function encodePublishV4(topic: string, payload: Uint8Array, qos: QoS, retain: boolean): Uint8Array {
  const topicLength = Buffer.byteLength(topic);
  const remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payload.length;
  let lengthBytes = 1;
  while (lengthBytes < 4 && remaining >= 128 ** lengthBytes) lengthBytes++;
  const bytes = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  bytes[0] = 0x30 | (qos << 1) | (retain ? 1 : 0);
  let offset = 1;
  // Remaining Length as a Variable Byte Integer [MQTT-1.5.5].
  for (let rest = remaining; ; ) {
    const digit = rest % 128;
    rest = Math.floor(rest / 128);
    bytes[offset++] = rest > 0 ? digit | 0x80 : digit;
    if (rest === 0) break;
  }
  bytes[offset++] = topicLength >> 8;
  bytes[offset++] = topicLength & 0xff;
  offset += bytes.write(topic, offset, 'utf8');
  if (qos > 0) {
    bytes[offset++] = 0;
    bytes[offset++] = 0;
  }
  bytes.set(payload, offset);
  return bytes;
}
