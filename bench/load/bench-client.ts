import { connect, type Socket } from 'node:net';
import { encodeConnect, encodeSubscribe, packetType } from './mqtt-bytes.ts';
import { PacketScanner, type PacketSink } from './packet-scanner.ts';

export interface Target {
  readonly host: string;
  readonly port: number;
}

const handshakeTimeoutMs = 15_000;
// Long enough that no bench run needs a PINGREQ, short enough that brokers arm a real keepalive timer,
// as they would for a device.
const keepaliveSeconds = 60;

interface Waiter {
  type: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One raw MQTT 3.1.1 connection of the load generator. It frames what it receives and counts PUBLISH
 * packets; a scenario hooks in only where it must look further (acks, timestamps).
 */
export class BenchClient {
  /** PUBLISH packets received so far. */
  received = 0;
  /** Called for each PUBLISH after `received` is counted. */
  onPublish: PacketSink | undefined;
  onPuback: ((packetId: number) => void) | undefined;
  /** Called once per read, after every packet in it was handled: the place to flush batched replies. */
  afterRead: (() => void) | undefined;
  /** True once the broker (or the network) closed the connection before `close()` was called. */
  lost = false;

  private waiter: Waiter | undefined;
  private closing = false;
  private readonly scanner = new PacketScanner((bytes, start, bodyStart, end) => {
    const type = bytes[start]! >> 4;
    if (type === packetType.publish) {
      this.received++;
      this.onPublish?.(bytes, start, bodyStart, end);
    } else if (type === packetType.puback) {
      this.onPuback?.(bytes.readUInt16BE(bodyStart));
    } else {
      this.settle(type, bytes, bodyStart);
    }
  });

  private constructor(
    readonly socket: Socket,
    readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.scanner.push(chunk);
      this.afterRead?.();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      if (!this.closing) this.lost = true;
      this.fail(new Error(`${clientId}: connection closed`));
    });
  }

  /** Connects and completes the MQTT handshake (CONNECT, then CONNACK with return code 0). */
  static async open(target: Target, clientId: string): Promise<BenchClient> {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    const client = new BenchClient(socket, clientId);
    const accepted = client.expect(packetType.connack);
    socket.once('connect', () => socket.write(encodeConnect(clientId, keepaliveSeconds)));
    try {
      await accepted;
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  subscribe(filter: string, qos: 0 | 1): Promise<void> {
    const granted = this.expect(packetType.suback);
    this.socket.write(encodeSubscribe(1, filter, qos));
    return granted;
  }

  /** False means the socket's buffer is full: wait for `drained()` before writing more. */
  write(bytes: Uint8Array): boolean {
    return this.socket.write(bytes);
  }

  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  /** Resets rather than closes: thousands of bench connections must not linger in TIME_WAIT. */
  close(): void {
    this.closing = true;
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  private expect(type: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`${this.clientId}: no reply (packet type ${type})`)),
        handshakeTimeoutMs,
      );
      const clear = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
      };
      this.waiter = {
        type,
        resolve: () => {
          clear();
          resolve();
        },
        reject: (error) => {
          clear();
          reject(error);
        },
      };
    });
  }

  private settle(type: number, bytes: Buffer, bodyStart: number): void {
    const waiter = this.waiter;
    if (!waiter || waiter.type !== type) return;
    if (type === packetType.connack && bytes[bodyStart + 1] !== 0) {
      waiter.reject(new Error(`${this.clientId}: CONNACK return code ${bytes[bodyStart + 1]}`));
    } else if (type === packetType.suback && (bytes[bodyStart + 2] ?? 0x80) >= 0x80) {
      waiter.reject(new Error(`${this.clientId}: subscription refused`));
    } else {
      waiter.resolve();
    }
  }

  private fail(error: Error): void {
    this.waiter?.reject(error);
  }
}

/** Opens `count` clients, at most `concurrency` handshakes at a time, keeping the order of ids. */
export async function openClients(
  target: Target,
  clientIds: readonly string[],
  concurrency = 100,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < clientIds.length && !failed) {
      const index = next++;
      clients[index] = await BenchClient.open(target, clientIds[index]!);
    }
  };
  const workers = Array.from({ length: Math.min(concurrency, clientIds.length) }, worker);
  try {
    await Promise.all(workers);
  } catch (error) {
    failed = true;
    // Handshakes still in flight would leak sockets if their workers were left running.
    await Promise.allSettled(workers);
    closeAll(clients);
    throw error;
  }
  return clients;
}

export function closeAll(clients: readonly (BenchClient | undefined)[]): void {
  for (const client of clients) client?.close();
}
