import type { Packet } from 'mqtt-packet';
import { decodeShortPacket } from './ack-fast-decoder.ts';
import { parseFrame } from './frame-parser.ts';
import { type FrameError, FrameReader } from './frame-reader.ts';
import { decodePublishV4 } from './publish-fast-decoder.ts';
import { rememberUserPropertyOrder } from './user-property-order.ts';
import { checkStringFields } from './utf8-fields.ts';

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
  packet(packet: Packet, frame: Uint8Array): void;
  decodeError(error: DecodeError): void;
}

const CONNECT_TYPE = 1;
const PUBLISH_TYPE = 3;

/** Bytes in, whole validated packets out. One per connection: it carries the protocol version. */
export class PacketDecoder {
  private readonly frames: FrameReader;
  private failed = false;
  protocolVersion = 4;

  constructor(
    private readonly handler: DecodeHandler,
    maxPacketSize: number,
  ) {
    this.frames = new FrameReader(
      {
        frame: (bytes) => this.decodeFrame(bytes),
        frameError: (error, size) => this.fail(frameErrorToDecodeError(error, size)),
      },
      maxPacketSize,
    );
  }

  push(bytes: Uint8Array): void {
    if (!this.failed) this.frames.push(bytes);
  }

  /** Bytes of an incomplete packet: non-zero when a connection ends mid-packet. */
  get bufferedBytes(): number {
    return this.frames.bufferedBytes;
  }

  private decodeFrame(frame: Uint8Array): void {
    if (this.failed) return;
    if (frame[0]! >> 4 === CONNECT_TYPE) {
      const problem = checkConnectProtocol(frame);
      if (problem) return this.fail(problem);
    }
    const isPublish = frame[0]! >> 4 === PUBLISH_TYPE;
    const fast = isPublish
      ? this.protocolVersion !== 5
        ? decodePublishV4(frame)
        : undefined
      : decodeShortPacket(frame);
    const { packet, error } = fast
      ? { packet: fast, error: undefined }
      : parseFrame(frame, this.protocolVersion);
    if (error || !packet)
      return this.fail({ kind: 'malformed', message: error?.message ?? 'incomplete packet' });
    const version = packet.cmd === 'connect' ? (packet.protocolVersion ?? 4) : this.protocolVersion;
    const problem = checkStringFields(packet, frame, version);
    if (problem) return this.fail({ kind: 'malformed', message: `${packet.cmd}: ${problem}` });
    if (version === 5) rememberUserPropertyOrder(packet, frame);
    this.handler.packet(packet, frame);
  }

  private fail(error: DecodeError): void {
    this.failed = true;
    this.handler.decodeError(error);
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
  let offset = 1;
  while (offset < frame.length && (frame[offset]! & 0x80) !== 0) offset++;
  offset++;
  if (offset + 2 > frame.length) return undefined;
  const nameLength = (frame[offset]! << 8) | frame[offset + 1]!;
  const nameEnd = offset + 2 + nameLength;
  if (nameEnd >= frame.length) return undefined;
  const name = String.fromCharCode(...frame.subarray(offset + 2, nameEnd));
  const level = frame[nameEnd]!;
  // [MQTT-3.1.2-1] a wrong protocol name is not answered; the parser's error closes the connection.
  if (name !== 'MQTT' && name !== 'MQIsdp') return undefined;
  if ((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3))
    return undefined;
  return { kind: 'unsupported-protocol-version', message: `unsupported protocol ${name} level ${level}` };
}
