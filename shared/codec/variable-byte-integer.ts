/** MQTT's Variable Byte Integer (§1.5.5 / 2.2.3): seven bits a byte, high bit set while more follow. */

export function readVariableByteInteger(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let multiplier = 1;
  let byte: number;
  do {
    byte = bytes[offset++]!;
    value += (byte & 0x7f) * multiplier;
    multiplier *= 128;
  } while (byte & 0x80);
  return { value, next: offset };
}

/** The fewest bytes for `value` [MQTT-1.5.5-1]. */
export function encodeVariableByteInteger(value: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Uint8Array.from(out);
}

/** Offset of a whole frame's variable header: past the first byte and the Remaining Length. */
export function bodyStart(frame: Uint8Array): number {
  let offset = 1;
  while (offset < frame.length && (frame[offset]! & 0x80) !== 0) offset++;
  return offset + 1;
}
