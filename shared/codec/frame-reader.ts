/**
 * Splits a byte stream into whole MQTT packets (fixed header + remaining length) before any parsing,
 * so that an oversized packet is refused from its header alone, without buffering its body.
 */
export type FrameError = 'malformed-length' | 'packet-too-large';

export interface FrameHandler {
  frame(bytes: Uint8Array): void;
  frameError(error: FrameError, declaredSize?: number): void;
}

const MAX_LENGTH_BYTES = 4;

export class FrameReader {
  private pending: Uint8Array | undefined;
  private failed = false;

  constructor(
    private readonly handler: FrameHandler,
    public maxPacketSize: number,
  ) {}

  /** Bytes of an incomplete packet held back until the rest arrives. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }

  push(chunk: Uint8Array): void {
    if (this.failed) return;
    let buffer = chunk;
    if (this.pending) {
      buffer = concatBytes(this.pending, chunk);
      this.pending = undefined;
    }
    let offset = 0;
    while (offset < buffer.length && !this.failed) {
      const size = this.frameSize(buffer, offset);
      if (size === undefined) break;
      if (offset + size > buffer.length) break;
      this.handler.frame(buffer.subarray(offset, offset + size));
      offset += size;
    }
    if (!this.failed && offset < buffer.length) this.pending = buffer.slice(offset);
  }

  /** Total size of the frame starting at `offset`, undefined while its header is incomplete. */
  private frameSize(buffer: Uint8Array, offset: number): number | undefined {
    let remaining = 0;
    let multiplier = 1;
    for (let i = 0; i < MAX_LENGTH_BYTES; i++) {
      const index = offset + 1 + i;
      if (index >= buffer.length) return undefined;
      const byte = buffer[index]!;
      remaining += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        const size = 2 + i + remaining;
        if (size > this.maxPacketSize) {
          this.fail('packet-too-large', size);
          return undefined;
        }
        return size;
      }
      multiplier *= 128;
    }
    // [MQTT-1.5.5-1] a Variable Byte Integer takes at most four bytes.
    this.fail('malformed-length');
    return undefined;
  }

  private fail(error: FrameError, declaredSize?: number): void {
    this.failed = true;
    this.pending = undefined;
    this.handler.frameError(error, declaredSize);
  }
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
