import mqttPacket from 'mqtt-packet';

/** Control packet types (high nibble of the first byte) the load generator looks at. */
export const packetType = {
  connack: 2,
  publish: 3,
  puback: 4,
  suback: 9,
} as const;

/** MQTT 3.1.1 everywhere: every broker under test speaks it, and its PUBLISH has no properties, so
 * payload offsets are fixed once the topic is known. */
export function encodeConnect(clientId: string, keepalive: number): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId,
    clean: true,
    keepalive,
  });
}

export function encodeSubscribe(packetId: number, filter: string, qos: 0 | 1): Buffer {
  return mqttPacket.generate({
    cmd: 'subscribe',
    messageId: packetId,
    subscriptions: [{ topic: filter, qos }],
  });
}

export function encodePuback(packetId: number): Buffer {
  return Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);
}

export interface EncodedPublish {
  readonly bytes: Buffer;
  /** Where the two packet id bytes sit; -1 for QoS 0. */
  readonly packetIdOffset: number;
  readonly payloadOffset: number;
}

export interface PublishSpec {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
  retain?: boolean;
  packetId?: number;
}

/** Encoded by hand (not with `generate`) so the offsets of the packet id and the payload are known and
 * the generator can stamp or patch them in place. */
export function encodePublish(spec: PublishSpec): EncodedPublish {
  const topic = Buffer.from(spec.topic, 'utf8');
  const idLength = spec.qos > 0 ? 2 : 0;
  const remaining = 2 + topic.length + idLength + spec.payload.length;
  const lengthBytes = encodeRemainingLength(remaining);
  const bytes = Buffer.allocUnsafe(1 + lengthBytes.length + remaining);
  bytes[0] = 0x30 | (spec.qos << 1) | (spec.retain ? 1 : 0);
  let offset = 1;
  for (const byte of lengthBytes) bytes[offset++] = byte;
  offset = bytes.writeUInt16BE(topic.length, offset);
  offset += topic.copy(bytes, offset);
  const packetIdOffset = idLength > 0 ? offset : -1;
  if (idLength > 0) offset = bytes.writeUInt16BE(spec.packetId ?? 1, offset);
  bytes.set(spec.payload, offset);
  return { bytes, packetIdOffset, payloadOffset: offset };
}

function encodeRemainingLength(length: number): number[] {
  const out: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

/** The same packet back to back, about `targetBytes` long: one `write` then carries hundreds of
 * messages, so the publisher's per-message cost is a share of one syscall. */
export function repeatPacket(packet: Buffer, targetBytes: number): { batch: Buffer; count: number } {
  const count = Math.max(1, Math.floor(targetBytes / packet.length));
  const batch = Buffer.allocUnsafe(count * packet.length);
  for (let i = 0; i < count; i++) packet.copy(batch, i * packet.length);
  return { batch, count };
}

/** Offset of the payload of a QoS 0 PUBLISH whose variable header starts at `bodyStart`. */
export function publishPayloadOffset(bytes: Buffer, bodyStart: number, qos: number): number {
  const topicLength = bytes.readUInt16BE(bodyStart);
  return bodyStart + 2 + topicLength + (qos > 0 ? 2 : 0);
}
