/**
 * mqtt-packet decodes strings leniently (ill-formed UTF-8 becomes U+FFFD). MQTT requires the receiver
 * to close the connection on ill-formed UTF-8 [MQTT-1.5.3-1] and on U+0000 [MQTT-1.5.3-2], so decoded
 * strings are checked here: U+0000 directly, and any U+FFFD against the raw bytes, since a well-formed
 * U+FFFD is legal. The raw walk only runs in that rare case, keeping the publish path cheap.
 */
import type { Packet } from 'mqtt-packet';

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
  switch (packet.cmd) {
    case 'publish':
      return [packet.topic];
    case 'subscribe':
      return packet.subscriptions.map((s) => s.topic);
    case 'unsubscribe':
      return packet.unsubscriptions;
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
      break;
    case 'subscribe':
    case 'unsubscribe':
      reader.skip(2);
      if (version === 5) reader.skipProperties();
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
      if (version === 5) reader.skipProperties();
      ranges.push(reader.string());
      if (flags & 0x04) {
        if (version === 5) reader.skipProperties();
        ranges.push(reader.string());
        reader.string();
      }
      if (flags & 0x80) ranges.push(reader.string());
      break;
    }
    default:
      break;
  }
  return ranges;
}

class FrameCursor {
  private offset: number;

  constructor(private readonly frame: Uint8Array) {
    let i = 1;
    while ((frame[i]! & 0x80) !== 0) i++;
    this.offset = i + 1;
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

  skipProperties(): void {
    let length = 0;
    let multiplier = 1;
    let byte: number;
    do {
      byte = this.byte();
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
    } while (byte & 0x80);
    this.offset += length;
  }
}
