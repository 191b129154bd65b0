/**
 * Called once per complete packet. `bytes[start]` is the fixed header's first byte (type and flags),
 * the variable header starts at `bodyStart`, the packet ends before `end`. The view is only valid
 * during the call: the buffer may be a shared read chunk.
 */
export type PacketSink = (bytes: Buffer, start: number, bodyStart: number, end: number) => void;

/**
 * A streaming MQTT framer for the receive side of the load generator: it reads the fixed header and
 * the remaining length and hands out views, without decoding anything. Packets inside one read are
 * never copied; only a packet that straddles two reads is.
 */
export class PacketScanner {
  private carry: Buffer | undefined;

  constructor(private readonly sink: PacketSink) {}

  push(chunk: Buffer): void {
    // The bench's packets are small, so at most one straddles a read: joining it to the next read costs
    // one copy per read, never per packet.
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const length = bytes.length;
    let offset = 0;
    while (offset < length) {
      let pos = offset + 1;
      let remaining = 0;
      let multiplier = 1;
      let complete = false;
      while (pos < length) {
        const byte = bytes[pos++]!;
        remaining += (byte & 0x7f) * multiplier;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
        multiplier *= 128;
        if (pos - offset > 4) throw new Error('malformed remaining length');
      }
      const end = pos + remaining;
      if (!complete || end > length) {
        this.carry = bytes.subarray(offset);
        return;
      }
      this.sink(bytes, offset, pos, end);
      offset = end;
    }
  }
}
