import { Buffer } from 'buffer';
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet';
import type { TransportAcceptor } from '../transport/connection.ts';
import {
  connectInMemory,
  type MemoryClientEnd,
  type MemoryConnectOptions,
} from '../transport/memory-transport.ts';

/** What PacketClient needs of its byte stream: any raw client can play the part. */
export type PeerBytes = Omit<MemoryClientEnd, 'pause' | 'resume'>;

type PacketOf<C extends Packet['cmd']> = Extract<Packet, { cmd: C }>;

/**
 * A raw MQTT peer for protocol tests: send packet objects or raw bytes, await the packets the broker
 * sends back, observe the close. Works over the in-memory transport.
 */
export class PacketClient {
  readonly received: Packet[] = [];
  private readonly parser = mqttPacket.parser();
  private waiters: Array<() => void> = [];
  private closedFlag = false;
  protocolVersion: 3 | 4 | 5;

  constructor(
    private readonly end: PeerBytes,
    protocolVersion: 3 | 4 | 5 = 4,
  ) {
    this.protocolVersion = protocolVersion;
    (this.parser as unknown as { settings: { protocolVersion: number } }).settings = { protocolVersion };
    this.parser.on('packet', (packet: Packet) => {
      this.received.push(packet);
      this.wake();
    });
    end.onData((bytes) => this.parser.parse(Buffer.from(bytes)));
    end.onClose(() => {
      this.closedFlag = true;
      this.wake();
    });
  }

  static open(
    acceptor: TransportAcceptor,
    protocolVersion: 3 | 4 | 5 = 4,
    options?: MemoryConnectOptions,
  ): PacketClient {
    return new PacketClient(connectInMemory(acceptor, options), protocolVersion);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(packet: Packet): void {
    this.end.write(mqttPacket.generate(packet, { protocolVersion: this.protocolVersion }));
  }

  sendBytes(bytes: Uint8Array | number[]): void {
    this.end.write(Uint8Array.from(bytes));
  }

  close(): void {
    this.end.close();
  }

  /** CONNECT with sensible defaults, then the CONNACK. */
  async connect(fields: Partial<IConnectPacket> = {}): Promise<PacketOf<'connack'>> {
    this.send({
      cmd: 'connect',
      protocolId: this.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: this.protocolVersion,
      clientId: 'test-client',
      clean: true,
      keepalive: 0,
      ...fields,
    });
    return this.next('connack');
  }

  /** The next packet of type `cmd` not yet taken (earlier packets of other types stay queued). */
  async next<C extends Packet['cmd']>(cmd: C, timeoutMs = 1000): Promise<PacketOf<C>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((packet) => packet.cmd === cmd);
      if (index >= 0) return this.received.splice(index, 1)[0] as PacketOf<C>;
      if (this.closedFlag) throw new Error(`connection closed while waiting for ${cmd}`);
      if (Date.now() >= deadline) throw new Error(`no ${cmd} within ${timeoutMs} ms; got ${this.describe()}`);
      await this.wait(deadline - Date.now());
    }
  }

  /** Resolves when the broker has closed the connection. */
  async waitClosed(timeoutMs = 1000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) {
      if (Date.now() >= deadline) throw new Error(`connection still open after ${timeoutMs} ms`);
      await this.wait(deadline - Date.now());
    }
  }

  /** Lets queued microtasks and timers run, then returns what arrived and was not taken. */
  async settle(ms = 10): Promise<Packet[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received;
  }

  private describe(): string {
    return this.received.length === 0 ? 'nothing' : this.received.map((p) => p.cmd).join(', ');
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(ms, 1));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
