import { Buffer } from 'buffer';
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { bodyStart } from './variable-byte-integer.ts';

/**
 * Decodes an MQTT 3.1/3.1.1 PUBLISH frame directly: the hot path of every broker. The payload is a
 * view of the frame, not a copy. Anything unusual (QoS 3, a truncated topic) returns undefined so
 * that the general parser handles it and reports the error.
 */
export function decodePublishV4(frame: Uint8Array): IPublishPacket | undefined {
  const flags = frame[0]! & 0x0f;
  const qos = (flags >> 1) & 0x03;
  if (qos === 3) return undefined;
  let offset = bodyStart(frame);
  if (offset + 2 > frame.length) return undefined;
  const topicLength = (frame[offset]! << 8) | frame[offset + 1]!;
  const topicStart = offset + 2;
  offset = topicStart + topicLength;
  if (offset + (qos > 0 ? 2 : 0) > frame.length) return undefined;
  // Frames cut from a Node socket's chunk are Buffers already: no second view per message.
  const bytes = Buffer.isBuffer(frame)
    ? frame
    : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const topic = bytes.toString('utf8', topicStart, offset);
  let messageId: number | undefined;
  if (qos > 0) {
    messageId = (frame[offset]! << 8) | frame[offset + 1]!;
    offset += 2;
  }
  return {
    cmd: 'publish',
    topic,
    payload: bytes.subarray(offset),
    qos: qos as QoS,
    dup: (flags & 0x08) !== 0,
    retain: (flags & 0x01) !== 0,
    messageId,
    length: frame.length,
  };
}
