/**
 * mqtt-packet decodes strings leniently (ill-formed UTF-8 becomes U+FFFD). MQTT requires the receiver
 * to close the connection on ill-formed UTF-8 [MQTT-1.5.3-1] and on U+0000 [MQTT-1.5.3-2], so decoded
 * strings are checked here: U+0000 directly, and any U+FFFD against the raw bytes, since a well-formed
 * U+FFFD is legal. The raw walk only runs in that rare case, keeping the publish path cheap. MQTT 5
 * string properties and both halves of User Property pairs follow the same rules [MQTT-1.5.7-1].
 */
import type { Packet } from 'mqtt-packet';
import { bodyStart, readVariableByteInteger } from './variable-byte-integer.ts';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type StringFieldProblem = 'null-character' | 'ill-formed-utf8';

export function checkStringFields(
  packet: Packet,
  frame: Uint8Array,
  version: number,
): StringFieldProblem | undefined {
  const strings = decodedStrings(packet);
  let suspicious = false;
  for (const s of strings) {
    if (s.includes('\u0000')) return 'null-character';
    if (s.includes('\uFFFD')) suspicious = true;
  }
  if (!suspicious) return undefined;
  for (const [start, end] of rawStringRanges(packet, frame, version)) {
    try {
      strictDecoder.decode(frame.subarray(start, end));
    } catch {
      return 'ill-formed-utf8';
    }
  }
  return undefined;
}

function decodedStrings(packet: Packet): string[] {
  const out = topLevelStrings(packet);
  if ('properties' in packet) pushPropertyStrings(out, packet.properties);
  if (packet.cmd === 'connect') pushPropertyStrings(out, packet.will?.properties);
  return out;
}

/** The UTF-8 strings among decoded MQTT 5 properties: string-valued ones and User Property pairs. */
function pushPropertyStrings(out: string[], properties: object | undefined): void {
  if (!properties) return;
  for (const [name, value] of Object.entries(properties)) {
    if (typeof value === 'string') out.push(value);
    else if (name === 'userProperties') {
      for (const [key, values] of Object.entries(value as Record<string, string | string[]>)) {
        out.push(key);
        if (Array.isArray(values)) out.push(...values);
        else out.push(values);
      }
    }
  }
}

function topLevelStrings(packet: Packet): string[] {
  switch (packet.cmd) {
    case 'publish':
      return [packet.topic];
    case 'subscribe':
      return packet.subscriptions.map((s) => s.topic);
    case 'unsubscribe':
      return [...packet.unsubscriptions];
    case 'connect': {
      const out = [packet.clientId];
      if (packet.username !== undefined) out.push(packet.username);
      if (packet.will) out.push(packet.will.topic);
      return out;
    }
    default:
      return [];
  }
}

/** Byte ranges of the length-prefixed strings that `decodedStrings` returns, read from the frame. */
function rawStringRanges(packet: Packet, frame: Uint8Array, version: number): Array<[number, number]> {
  const reader = new FrameCursor(frame);
  const ranges: Array<[number, number]> = [];
  switch (packet.cmd) {
    case 'publish':
      ranges.push(reader.string());
      if (version === 5) {
        if (packet.qos > 0) reader.skip(2);
        reader.properties(ranges);
      }
      break;
    case 'subscribe':
    case 'unsubscribe':
      reader.skip(2);
      if (version === 5) reader.properties(ranges);
      while (reader.remaining() > 0) {
        ranges.push(reader.string());
        if (packet.cmd === 'subscribe') reader.skip(1);
      }
      break;
    case 'connect': {
      reader.string();
      reader.skip(1);
      const flags = reader.byte();
      reader.skip(2);
      if (version === 5) reader.properties(ranges);
      ranges.push(reader.string());
      if (flags & 0x04) {
        if (version === 5) reader.properties(ranges);
        ranges.push(reader.string());
        reader.string();
      }
      if (flags & 0x80) ranges.push(reader.string());
      break;
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      reader.skip(2);
      if (version === 5 && reader.remaining() > 1) {
        reader.skip(1);
        reader.properties(ranges);
      }
      break;
    case 'disconnect':
    case 'auth':
      if (version === 5 && reader.remaining() > 1) {
        reader.skip(1);
        reader.properties(ranges);
      }
      break;
    default:
      break;
  }
  return ranges;
}

class FrameCursor {
  private offset: number;

  constructor(private readonly frame: Uint8Array) {
    this.offset = bodyStart(frame);
  }

  remaining(): number {
    return this.frame.length - this.offset;
  }

  skip(count: number): void {
    this.offset += count;
  }

  byte(): number {
    return this.frame[this.offset++]!;
  }

  string(): [number, number] {
    const length = (this.frame[this.offset]! << 8) | this.frame[this.offset + 1]!;
    const start = this.offset + 2;
    this.offset = start + length;
    return [start, this.offset];
  }

  varint(): number {
    const { value, next } = readVariableByteInteger(this.frame, this.offset);
    this.offset = next;
    return value;
  }

  /** Walks a property block (already validated by the parser), collecting its strings' ranges. */
  properties(ranges: Array<[number, number]>): void {
    const length = this.varint();
    const end = this.offset + length;
    while (this.offset < end) {
      const kind = PROPERTY_KINDS.get(this.byte());
      if (kind === 'string') ranges.push(this.string());
      else if (kind === 'pair') ranges.push(this.string(), this.string());
      else if (kind === 'binary') this.string();
      else if (kind === 'varint') this.varint();
      else if (typeof kind === 'number') this.skip(kind);
      else break;
    }
    this.offset = end;
  }
}

/** How each MQTT 5 property (§2.2.2.2) is encoded: a fixed size in bytes or a kind. */
const PROPERTY_KINDS = new Map<number, number | 'string' | 'pair' | 'binary' | 'varint'>([
  [0x01, 1],
  [0x02, 4],
  [0x03, 'string'],
  [0x08, 'string'],
  [0x09, 'binary'],
  [0x0b, 'varint'],
  [0x11, 4],
  [0x12, 'string'],
  [0x13, 2],
  [0x15, 'string'],
  [0x16, 'binary'],
  [0x17, 1],
  [0x18, 4],
  [0x19, 1],
  [0x1a, 'string'],
  [0x1c, 'string'],
  [0x1f, 'string'],
  [0x21, 2],
  [0x22, 2],
  [0x23, 2],
  [0x24, 1],
  [0x25, 1],
  [0x26, 'pair'],
  [0x27, 4],
  [0x28, 1],
  [0x29, 1],
  [0x2a, 1],
]);
