import type { Packet, QoS } from 'mqtt-packet';
import type { AuthExchange } from '../auth/enhanced-auth.ts';
import { type DecodeError, type DecodeHandler, PacketDecoder } from '../codec/packet-decoder.ts';
import { ACK_PACKET_ID_OFFSET, encodePacket, plainAckTemplate } from '../codec/packet-encoder.ts';
import type { TimerHandle } from '../env/environment.ts';
import type { Session, SessionOwner } from '../session/session.ts';
import type { Transport, TransportSink } from '../transport/connection.ts';
import type { Broker } from './broker.ts';
import type { ClientIdentity } from './broker-options.ts';
import { dispatchPacket } from './dispatch-packet.ts';
import type { PendingConnect } from './handlers/connect-outcome.ts';
import type { PublishProperties } from './message.ts';
import type { InboundTopicAliases, OutboundTopicAliases } from './topic-aliases.ts';

export type ConnectionState = 'awaiting-connect' | 'authenticating' | 'connected' | 'closed';

export interface WillMessage {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  properties: PublishProperties | undefined;
  /** Seconds to wait after the connection ends before publishing (MQTT 5 Will Delay Interval). */
  delaySeconds: number;
}

/** Why the broker ends a connection. `code` is the v5 DISCONNECT reason code to send first. */
export interface CloseReason {
  name: string;
  publishWill: boolean;
  code?: number;
  detail?: string;
}

const UNRESPONSIVE_FACTOR = 4;
/** Above any packet id: marks a delivery whose DUP bit is to be set. */
const DUP_FLAG = 0x10000;
/** Closes caused by what the client sent: logged as warnings even after CONNECT, unlike ordinary
 * ends (takeover, keepalive, shutdown). */
const BAD_INPUT_REASONS = new Set(['malformed-packet', 'packet-too-large', 'protocol-error']);

/**
 * One network connection: decoding, the state guard's state, keepalive, and coalesced writes. It is
 * its decoder's handler itself: a broker holds thousands of these, and handler objects of closures
 * would cost each of them several hundred bytes.
 */
export class ClientConnection implements TransportSink, DecodeHandler, SessionOwner, ClientIdentity {
  readonly connectionId: number;
  readonly connectedAt: number;
  state: ConnectionState = 'awaiting-connect';
  protocolVersion = 4;
  clientId = '';
  /** Set when the broker chose the client id [MQTT-3.1.3-6]; v5 returns it in CONNACK. */
  assignedClientId: string | undefined;
  username: string | undefined;
  keepaliveSeconds = 0;
  /** The Session Expiry Interval in the CONNECT, before the broker's cap (MQTT 5 §3.14.2.2.2). */
  requestedSessionExpiry = 0;
  session: Session | undefined;
  will: WillMessage | undefined;
  /** Packets that arrived while an asynchronous authentication was pending, handled after it. */
  backlog: Packet[] | undefined;
  /** What the client announced in its MQTT 5 CONNECT: the broker never exceeds these. */
  peerReceiveMaximum = 0xffff;
  peerMaximumPacketSize = Number.POSITIVE_INFINITY;
  /** Topic aliases in each direction (MQTT 5); undefined when not in use. */
  inboundAliases: InboundTopicAliases | undefined;
  outboundAliases: OutboundTopicAliases | undefined;
  /** The MQTT 5 enhanced authentication in progress, or the method that authenticated the client. */
  authMethod: string | undefined;
  authExchange: AuthExchange | undefined;
  /** The CONNECT waiting for its enhanced authentication to finish. */
  pendingConnect: PendingConnect | undefined;
  lastPacketAt: number;
  private readonly decoder: PacketDecoder;
  private output: Uint8Array[] = [];
  /** Packet ids to write into shared bytes in `output` as it is joined: triples of chunk index,
   * offset in the chunk, packet id (with DUP_FLAG when the DUP bit is to be set). */
  private readonly packetIds: number[] = [];
  private outputBytes = 0;
  private flushScheduled = false;
  private writable = true;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly broker: Broker,
    readonly transport: Transport,
    connectionId: number,
  ) {
    this.connectionId = connectionId;
    this.connectedAt = broker.env.clock.now();
    this.lastPacketAt = this.connectedAt;
    this.decoder = new PacketDecoder(this, broker.limits.maxPacketSize);
    this.timer = broker.env.clock.setTimer(() => this.connectTimedOut(), broker.limits.connectTimeoutMs);
  }

  get remoteAddress(): string {
    return this.transport.info.remoteAddress;
  }

  /** True when QoS 0 deliveries must be dropped rather than buffered. */
  get outputFull(): boolean {
    return this.outputBytes > this.broker.limits.maxOutputBufferBytes;
  }

  /** True when another QoS 1/2 message may be put in flight now. */
  canSendInflight(session: Session): boolean {
    // [MQTT-3.3.4-9] never more unacknowledged QoS 1/2 PUBLISHes than the client's Receive Maximum.
    const window = Math.min(this.broker.limits.maxInflight, this.peerReceiveMaximum);
    return this.writable && !this.outputFull && session.inflight.size < window;
  }

  received(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.broker.counters.bytesIn += bytes.length;
    this.lastPacketAt = this.broker.env.clock.now();
    this.decoder.push(bytes);
  }

  drained(): void {
    this.writable = true;
    this.flush();
    if (this.writable && this.session && this.state === 'connected') this.broker.router.pump(this.session);
  }

  closed(cause?: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopTimer();
    const reason: CloseReason = cause
      ? { name: 'transport-error', publishWill: true, detail: cause.message }
      : { name: 'peer-closed', publishWill: true };
    // A packet cut short is bad input like any malformed one.
    const partial = this.decoder.bufferedBytes;
    if (partial > 0) {
      this.broker.env.logger.warn('connection closed mid-packet', {
        clientId: this.clientId || undefined,
        remoteAddress: this.remoteAddress,
        reason: reason.name,
        detail: `${partial} bytes of a partial packet`,
      });
    }
    this.broker.connectionEnded(this, reason);
  }

  /** Ends the connection: sends a v5 DISCONNECT when there is a code, flushes, closes the transport. */
  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.stopTimer();
    if (reason.name !== 'client-disconnect') {
      const level = wasConnected && !BAD_INPUT_REASONS.has(reason.name) ? 'info' : 'warn';
      this.broker.env.logger[level]('closing connection', {
        clientId: this.clientId || undefined,
        remoteAddress: this.remoteAddress,
        reason: reason.name,
        detail: reason.detail,
      });
    }
    if (reason.code !== undefined && this.protocolVersion === 5 && wasConnected) {
      // The connection must close even if the DISCONNECT cannot be encoded.
      try {
        this.writeNow(encodePacket({ cmd: 'disconnect', reasonCode: reason.code }, 5));
      } catch (error) {
        this.broker.env.logger.error('cannot encode DISCONNECT', { code: reason.code, error: String(error) });
      }
    }
    this.flush();
    this.transport.close();
    this.broker.connectionEnded(this, reason);
  }

  send(packet: Packet): void {
    const ack = plainAckTemplate(packet);
    if (ack) this.writeWithPacketId(ack, ACK_PACKET_ID_OFFSET, packet.messageId!, false);
    else this.write(encodePacket(packet, this.protocolVersion));
  }

  /**
   * Queues bytes shared with other deliveries (a PUBLISH encoded once per wire form, an ack template)
   * together with this delivery's packet id: the id, and the DUP flag, are written into the output
   * when it is joined at flush, so a QoS 1/2 delivery or an ack costs no buffer of its own.
   */
  writeWithPacketId(bytes: Uint8Array, packetIdOffset: number, packetId: number, dup: boolean): void {
    if (this.state === 'closed') return;
    this.packetIds.push(this.output.length, packetIdOffset, dup ? packetId | DUP_FLAG : packetId);
    this.write(bytes);
  }

  /** Queues bytes for the transport; everything written in one tick goes out in one send. */
  write(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.broker.counters.packetsOut++;
    this.output.push(bytes);
    this.outputBytes += bytes.length;
    // Unresponsive means the transport stopped taking bytes; a writable one gets them next flush.
    if (!this.writable && this.outputBytes > this.broker.limits.maxOutputBufferBytes * UNRESPONSIVE_FACTOR) {
      this.close({ name: 'output-buffer-overflow', publishWill: true, code: 0x97 });
      return;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private writeNow(bytes: Uint8Array): void {
    this.broker.counters.packetsOut++;
    this.output.push(bytes);
    this.outputBytes += bytes.length;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.writable || this.output.length === 0) return;
    const chunks = this.output;
    const ids = this.packetIds;
    const bytes =
      chunks.length === 1 && ids.length === 0 ? chunks[0]! : joinChunks(chunks, this.outputBytes, ids);
    this.output = [];
    ids.length = 0;
    this.outputBytes = 0;
    this.broker.counters.bytesOut += bytes.length;
    this.writable = this.transport.send(bytes);
    // QoS 1/2 deliveries that met a full output buffer wait in the session queue: there is room now.
    if (this.writable && this.state === 'connected' && this.session?.queue.length)
      this.broker.router.pump(this.session);
  }

  /** Keepalive: the client must send something within 1.5 × its keepalive [MQTT-3.1.2-24]. */
  startKeepalive(): void {
    this.stopTimer();
    if (this.keepaliveSeconds > 0) this.scheduleKeepalive(this.keepaliveSeconds * 1500);
  }

  private scheduleKeepalive(delayMs: number): void {
    this.timer = this.broker.env.clock.setTimer(() => {
      const limit = this.keepaliveSeconds * 1500;
      const idle = this.broker.env.clock.now() - this.lastPacketAt;
      if (idle >= limit) this.close({ name: 'keepalive-timeout', publishWill: true, code: 0x8d });
      else this.scheduleKeepalive(limit - idle);
    }, delayMs);
  }

  private connectTimedOut(): void {
    this.timer = undefined;
    // The timeout also bounds an authentication hook that never settles.
    if (this.state === 'awaiting-connect' || this.state === 'authenticating') {
      this.close({ name: 'connect-timeout', publishWill: false });
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.broker.env.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** DecodeHandler: a whole, validated packet. */
  packetDecoded(packet: Packet, frame: Uint8Array): void {
    if (this.state === 'closed') return;
    this.broker.counters.packetsIn++;
    // An AUTH continues an enhanced authentication and a DISCONNECT ends it (the two a client may send
    // before CONNACK [MQTT-3.1.2-30]); anything else waits for its outcome.
    if (
      this.state === 'authenticating' &&
      packet.cmd !== 'disconnect' &&
      !(packet.cmd === 'auth' && this.authExchange)
    ) {
      this.backlog ??= [];
      this.backlog.push(packet);
      return;
    }
    dispatchPacket(this.broker, this, packet, frame);
  }

  /** DecodeHandler: the bytes are not MQTT; the connection ends. */
  decodeFailed(error: DecodeError): void {
    if (error.kind === 'unsupported-protocol-version') {
      // [MQTT-3.1.2-2] answer with "unacceptable protocol version", then close.
      this.send({ cmd: 'connack', returnCode: 1, sessionPresent: false });
      this.broker.counters.connectionsRejected++;
      this.close({ name: 'unsupported-protocol-version', publishWill: false, detail: error.message });
      return;
    }
    const tooLarge = error.kind === 'packet-too-large';
    this.close({
      name: tooLarge ? 'packet-too-large' : 'malformed-packet',
      publishWill: true,
      code: tooLarge ? 0x95 : 0x81,
      detail: error.message,
    });
  }

  /** Switches the decoder and encoder to the version the CONNECT asked for. */
  setProtocolVersion(version: number): void {
    this.protocolVersion = version;
    this.decoder.protocolVersion = version === 5 ? 5 : 4;
  }
}

/** Copies the chunks into one buffer and writes the packet ids (see `writeWithPacketId`) into it. */
function joinChunks(chunks: Uint8Array[], total: number, packetIds: number[]): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  let next = 0;
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index]!;
    out.set(chunk, offset);
    for (; next < packetIds.length && packetIds[next] === index; next += 3) {
      const at = offset + packetIds[next + 1]!;
      const id = packetIds[next + 2]!;
      out[at] = (id >> 8) & 0xff;
      out[at + 1] = id & 0xff;
      // [MQTT-3.3.1-1] DUP 1 on a re-delivery.
      if (id & DUP_FLAG) out[offset]! |= 0x08;
    }
    offset += chunk.length;
  }
  return out;
}
