import type { Packet } from 'mqtt-packet';
import { decodeShortPacket } from './ack-fast-decoder.ts';
import { decodeConnectV4 } from './connect-fast-decoder.ts';
import { parseFrame } from './frame-parser.ts';
import { type FrameError, type FrameHandler, FrameReader } from './frame-reader.ts';
import { decodePublishV4 } from './publish-fast-decoder.ts';
import { rememberUserPropertyOrder } from './user-property-order.ts';
import { checkStringFields } from './utf8-fields.ts';
import { bodyStart } from './variable-byte-integer.ts';

export type DecodeErrorKind =
  | 'malformed'
  | 'packet-too-large'
  /** A CONNECT whose protocol level this broker does not speak: answered with CONNACK 0x01 / 0x84. */
  | 'unsupported-protocol-version';

export interface DecodeError {
  kind: DecodeErrorKind;
  message: string;
}

export interface DecodeHandler {
  packetDecoded(packet: Packet, frame: Uint8Array): void;
  decodeFailed(error: DecodeError): void;
}

const CONNECT_TYPE = 1;
const PUBLISH_TYPE = 3;

/**
 * Bytes in, whole validated packets out. One per connection: it carries the protocol version. It is
 * its FrameReader's handler itself, so a connection costs no handler objects or closures here.
 */
export class PacketDecoder implements FrameHandler {
  private readonly frames: FrameReader;
  private failed = false;
  protocolVersion = 4;

  constructor(
    private readonly handler: DecodeHandler,
    maxPacketSize: number,
  ) {
    this.frames = new FrameReader(this, maxPacketSize);
  }

  push(bytes: Uint8Array): void {
    if (!this.failed) this.frames.push(bytes);
  }

  /** Bytes of an incomplete packet: non-zero when a connection ends mid-packet. */
  get bufferedBytes(): number {
    return this.frames.bufferedBytes;
  }

  /** FrameHandler: one whole frame from the FrameReader. */
  frame(frame: Uint8Array): void {
    if (this.failed) return;
    if (frame[0]! >> 4 === CONNECT_TYPE) {
      const problem = checkConnectProtocol(frame);
      if (problem) return this.fail(problem);
    }
    const fast = decodeCommonPacket(frame, this.protocolVersion);
    const { packet, error } = fast
      ? { packet: fast, error: undefined }
      : parseFrame(frame, this.protocolVersion);
    if (error || !packet)
      return this.fail({ kind: 'malformed', message: error?.message ?? 'incomplete packet' });
    const version = packet.cmd === 'connect' ? (packet.protocolVersion ?? 4) : this.protocolVersion;
    const problem = checkStringFields(packet, frame, version);
    if (problem) return this.fail({ kind: 'malformed', message: `${packet.cmd}: ${problem}` });
    if (version === 5) rememberUserPropertyOrder(packet, frame);
    this.handler.packetDecoded(packet, frame);
  }

  /** FrameHandler: the stream cannot be framed. */
  frameError(error: FrameError, declaredSize?: number): void {
    this.fail(frameErrorToDecodeError(error, declaredSize));
  }

  private fail(error: DecodeError): void {
    this.failed = true;
    this.handler.decodeFailed(error);
  }
}

/** The packets sent most (3.1.1 PUBLISH, every connection's CONNECT, acks, PINGREQ), decoded without
 * the general parser; undefined for the rest. */
function decodeCommonPacket(frame: Uint8Array, protocolVersion: number): Packet | undefined {
  switch (frame[0]! >> 4) {
    case PUBLISH_TYPE:
      return protocolVersion === 5 ? undefined : decodePublishV4(frame);
    case CONNECT_TYPE:
      return decodeConnectV4(frame);
    default:
      return decodeShortPacket(frame);
  }
}

function frameErrorToDecodeError(error: FrameError, size: number | undefined): DecodeError {
  return error === 'packet-too-large'
    ? { kind: 'packet-too-large', message: `packet of ${size} bytes exceeds the maximum packet size` }
    : { kind: 'malformed', message: 'remaining length longer than four bytes' };
}

/** Reads the protocol name and level of a CONNECT frame ahead of the full parse, which rejects an
 * unknown level before the server could answer it as [MQTT-3.1.2-2] requires. */
function checkConnectProtocol(frame: Uint8Array): DecodeError | undefined {
  const offset = bodyStart(frame);
  if (offset + 2 > frame.length) return undefined;
  const nameLength = (frame[offset]! << 8) | frame[offset + 1]!;
  const nameEnd = offset + 2 + nameLength;
  if (nameEnd >= frame.length) return undefined;
  let name = '';
  for (let i = offset + 2; i < nameEnd; i++) name += String.fromCharCode(frame[i]!);
  const level = frame[nameEnd]!;
  // [MQTT-3.1.2-1] a wrong protocol name is not answered; the parser's error closes the connection.
  if (name !== 'MQTT' && name !== 'MQIsdp') return undefined;
  if ((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3))
    return undefined;
  return { kind: 'unsupported-protocol-version', message: `unsupported protocol ${name} level ${level}` };
}
