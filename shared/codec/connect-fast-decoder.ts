import { Buffer } from 'buffer';
import type { IConnectPacket } from 'mqtt-packet';
import { bodyStart } from './variable-byte-integer.ts';

/** Protocol name and level as they open the variable header: "MQTT" 4 and "MQIsdp" 3. */
const MQTT_311 = [0, 4, 0x4d, 0x51, 0x54, 0x54, 4];
const MQIsdp_31 = [0, 6, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70, 3];

/**
 * Decodes an MQTT 3.1.1 or 3.1 CONNECT frame directly into what mqtt-packet would give: every
 * connection starts with one, and the general parser costs more than the rest of accepting it.
 * Anything else (MQTT 5, flags mqtt-packet refuses, a field cut short, bytes left over) returns
 * undefined, for the general parser to handle or refuse.
 */
export function decodeConnectV4(frame: Uint8Array): IConnectPacket | undefined {
  if (frame[0] !== 0x10) return undefined;
  let pos = bodyStart(frame);
  const length = frame.length - pos;
  const v311 = startsWith(frame, pos, MQTT_311);
  if (!v311 && !startsWith(frame, pos, MQIsdp_31)) return undefined;
  pos += v311 ? MQTT_311.length : MQIsdp_31.length;
  if (pos + 3 > frame.length) return undefined;
  const flags = frame[pos]!;
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  // The reserved flag [MQTT-3.1.2-3] and will flags without a will are the general parser's to refuse.
  if ((flags & 0x01) !== 0 || (!willFlag && (willQos !== 0 || willRetain))) return undefined;
  const keepalive = (frame[pos + 1]! << 8) | frame[pos + 2]!;
  const bytes = Buffer.isBuffer(frame)
    ? frame
    : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const fields = new FieldReader(bytes, pos + 3);
  const clientId = fields.string();
  const will = willFlag ? { topic: fields.string(), payload: fields.bytes() } : undefined;
  const username = (flags & 0x80) !== 0 ? fields.string() : undefined;
  const password = (flags & 0x40) !== 0 ? fields.bytes() : undefined;
  if (fields.failed || fields.offset !== bytes.length) return undefined;
  const packet = {
    cmd: 'connect',
    retain: false,
    qos: 0,
    dup: false,
    length,
    topic: null,
    payload: null,
    protocolId: v311 ? 'MQTT' : 'MQIsdp',
    protocolVersion: v311 ? 4 : 3,
    ...(will ? { will: { retain: willRetain, qos: willQos, topic: will.topic, payload: will.payload } } : {}),
    clean: (flags & 0x02) !== 0,
    keepalive,
    clientId,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
  return packet as IConnectPacket;
}

function startsWith(frame: Uint8Array, offset: number, expected: readonly number[]): boolean {
  if (offset + expected.length > frame.length) return false;
  for (let i = 0; i < expected.length; i++) if (frame[offset + i] !== expected[i]) return false;
  return true;
}

/** Reads length-prefixed fields; `failed` once one runs past the end of the frame. */
class FieldReader {
  failed = false;

  constructor(
    private readonly frame: Buffer,
    public offset: number,
  ) {}

  string(): string {
    const start = this.next();
    return this.failed ? '' : this.frame.toString('utf8', start, this.offset);
  }

  bytes(): Buffer {
    const start = this.next();
    return this.frame.subarray(start, this.failed ? start : this.offset);
  }

  /** Moves past the next field; returns where its content starts. */
  private next(): number {
    const { frame, offset } = this;
    const end = offset + 2 + ((frame[offset]! << 8) | frame[offset + 1]!);
    if (this.failed || offset + 2 > frame.length || end > frame.length) {
      this.failed = true;
      return offset;
    }
    this.offset = end;
    return offset + 2;
  }
}
