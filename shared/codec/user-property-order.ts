/**
 * mqtt-packet keeps User Properties as an object keyed by name, so pairs whose names interleave
 * (a=1, b=2, a=3) lose their order, which MQTT 5 requires kept [MQTT-3.3.2-18]. For PUBLISH packets
 * whose order the object cannot express, the decoder reads the pairs from the frame, and the encoder
 * writes them back after the rest of the properties.
 */
import type { Packet } from 'mqtt-packet';
import { encodeVariableByteInteger, readVariableByteInteger } from './variable-byte-integer.ts';

export type UserPropertyPair = readonly [string, string];

const USER_PROPERTY = 0x26;
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** Pair order for PUBLISH packets that need it, set by the decoder. */
const orderedPairs = new WeakMap<Packet, UserPropertyPair[]>();

export function orderedUserProperties(packet: Packet): UserPropertyPair[] | undefined {
  return orderedPairs.get(packet);
}

/** Records the wire order of a v5 PUBLISH's User Properties when the parsed object loses it. */
export function rememberUserPropertyOrder(packet: Packet, frame: Uint8Array): void {
  if (packet.cmd !== 'publish') return;
  const parsed = packet.properties?.userProperties;
  if (!parsed || Object.keys(parsed).length < 2) return;
  const pairs = readPublishUserProperties(frame, packet.qos);
  if (!sameAsGrouped(pairs, parsed)) orderedPairs.set(packet, pairs);
}

function sameAsGrouped(pairs: UserPropertyPair[], parsed: Record<string, string | string[]>): boolean {
  const grouped: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(parsed)) {
    for (const item of Array.isArray(value) ? value : [value]) grouped.push([name, item]);
  }
  return grouped.every(([name, value], i) => pairs[i]?.[0] === name && pairs[i]?.[1] === value);
}

/** The User Property pairs of a v5 PUBLISH frame, in wire order. */
export function readPublishUserProperties(frame: Uint8Array, qos: number): UserPropertyPair[] {
  const layout = publishLayout(frame, qos);
  const pairs: UserPropertyPair[] = [];
  let offset = layout.propertiesStart;
  const end = layout.propertiesEnd;
  while (offset < end) {
    const id = frame[offset++]!;
    switch (id) {
      case 0x01:
        offset += 1;
        break;
      case 0x02:
        offset += 4;
        break;
      case 0x23:
        offset += 2;
        break;
      case 0x03:
      case 0x08:
      case 0x09:
        offset += 2 + readUint16(frame, offset);
        break;
      case 0x0b:
        offset = readVariableByteInteger(frame, offset).next;
        break;
      case USER_PROPERTY: {
        const nameLength = readUint16(frame, offset);
        const name = textDecoder.decode(frame.subarray(offset + 2, offset + 2 + nameLength));
        offset += 2 + nameLength;
        const valueLength = readUint16(frame, offset);
        const value = textDecoder.decode(frame.subarray(offset + 2, offset + 2 + valueLength));
        offset += 2 + valueLength;
        pairs.push([name, value]);
        break;
      }
      default:
        // Not a PUBLISH property: the parser would have refused the packet already.
        return pairs;
    }
  }
  return pairs;
}

/** Appends User Property pairs, in order, to an encoded v5 PUBLISH that has none. */
export function appendUserProperties(
  packet: Uint8Array,
  qos: number,
  pairs: readonly UserPropertyPair[],
): Uint8Array {
  const extra: number[] = [];
  for (const [name, value] of pairs) {
    extra.push(USER_PROPERTY);
    pushString(extra, name);
    pushString(extra, value);
  }
  const layout = publishLayout(packet, qos);
  const oldPropertiesLength = layout.propertiesEnd - layout.propertiesStart;
  const propertiesLength = encodeVariableByteInteger(oldPropertiesLength + extra.length);
  const head = packet.subarray(layout.remainingEnd, layout.propertiesLengthStart);
  const properties = packet.subarray(layout.propertiesStart, layout.propertiesEnd);
  const payload = packet.subarray(layout.propertiesEnd);
  const remaining = head.length + propertiesLength.length + properties.length + extra.length + payload.length;
  const remainingLength = encodeVariableByteInteger(remaining);
  const out = new Uint8Array(1 + remainingLength.length + remaining);
  let offset = 0;
  out[offset++] = packet[0]!;
  for (const chunk of [
    remainingLength,
    head,
    propertiesLength,
    properties,
    Uint8Array.from(extra),
    payload,
  ]) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

interface PublishLayout {
  remainingEnd: number;
  propertiesLengthStart: number;
  propertiesStart: number;
  propertiesEnd: number;
}

function publishLayout(packet: Uint8Array, qos: number): PublishLayout {
  const remainingEnd = readVariableByteInteger(packet, 1).next;
  let offset = remainingEnd + 2 + readUint16(packet, remainingEnd);
  if (qos > 0) offset += 2;
  const { value, next } = readVariableByteInteger(packet, offset);
  return { remainingEnd, propertiesLengthStart: offset, propertiesStart: next, propertiesEnd: next + value };
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

function pushString(out: number[], text: string): void {
  const bytes = textEncoder.encode(text);
  out.push(bytes.length >> 8, bytes.length & 0xff, ...bytes);
}
