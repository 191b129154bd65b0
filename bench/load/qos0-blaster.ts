import type { BenchClient } from './bench-client.ts';
import { repeatPacket } from './mqtt-bytes.ts';

// One write carries about this many bytes of back-to-back PUBLISH packets.
const batchBytes = 64 * 1024;

/**
 * Publishes one pre-encoded QoS 0 packet as fast as the socket takes it: whole batches per write,
 * waiting for 'drain' when the kernel and Node's buffer are full, yielding to the event loop between
 * batches so that the generator's own receivers keep up.
 */
export class Qos0Blaster {
  /** Messages handed to the socket. */
  sent = 0;
  private running = false;
  private readonly batch: Buffer;
  private readonly perBatch: number;

  constructor(
    private readonly client: BenchClient,
    packet: Buffer,
  ) {
    const { batch, count } = repeatPacket(packet, batchBytes);
    this.batch = batch;
    this.perBatch = count;
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  stop(): void {
    this.running = false;
  }

  private readonly pump = (): void => {
    if (!this.running || this.client.closed) return;
    // The same immutable batch is written again and again: no per-message work at all.
    const ready = this.client.write(this.batch);
    this.sent += this.perBatch;
    if (ready) setImmediate(this.pump);
    else this.client.drained().then(this.pump);
  };
}
