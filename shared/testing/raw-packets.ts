/** Packets built byte by byte, for what mqtt-packet refuses to encode (ill-formed strings, reserved
 * flags, bad lengths) and for reading frames as they were sent. Valid for every protocol level. */

export function utf8Bytes(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

/** A two-byte length, then the bytes as given (any bytes: mqtt-packet encodes only valid text). */
export function lengthPrefixed(bytes: number[]): number[] {
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

/** A UTF-8 Encoded String as MQTT carries it: its length, then its bytes. */
export function utf8String(text: string): number[] {
  return lengthPrefixed(utf8Bytes(text));
}

export function variableByteInteger(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** A whole packet: first byte, Remaining Length, body. */
export function rawPacket(firstByte: number, body: number[]): Uint8Array {
  return Uint8Array.from([firstByte, ...variableByteInteger(body.length), ...body]);
}

export interface RawConnectFields {
  /** Protocol Name; 'MQTT'. */
  name?: string;
  /** Protocol Level; 4. */
  level?: number;
  /** Connect Flags; 0x02, clean. */
  flags?: number;
  /** v5 only: the property bytes, sent after their length. */
  properties?: number[];
  /** Client Identifier, as text or as raw bytes; 'raw'. */
  clientId?: string | number[];
  /** What the flags announce after the Client Identifier: will, user name, password. */
  rest?: number[];
}

/** A CONNECT with keepalive 0, for the ones mqtt-packet would not generate. */
export function rawConnect(fields: RawConnectFields = {}): Uint8Array {
  const clientId = fields.clientId ?? 'raw';
  const properties =
    fields.properties === undefined
      ? []
      : [...variableByteInteger(fields.properties.length), ...fields.properties];
  return rawPacket(0x10, [
    ...utf8String(fields.name ?? 'MQTT'),
    fields.level ?? 4,
    fields.flags ?? 0x02,
    0,
    0,
    ...properties,
    ...lengthPrefixed(typeof clientId === 'string' ? utf8Bytes(clientId) : clientId),
    ...(fields.rest ?? []),
  ]);
}

/** Length of the frame at the start of `bytes`; infinite while its header is incomplete. */
export function frameLength(bytes: Uint8Array): number {
  let offset = 1;
  let length = 0;
  let multiplier = 1;
  for (;;) {
    if (offset >= bytes.length) return Number.POSITIVE_INFINITY;
    const byte = bytes[offset++]!;
    length += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) return offset + length;
  }
}

/** Offset of the variable header: just past the fixed header's Remaining Length. */
export function bodyStart(frame: Uint8Array): number {
  let offset = 1;
  while ((frame[offset]! & 0x80) !== 0) offset++;
  return offset + 1;
}
