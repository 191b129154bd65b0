import type { BenchClient } from './bench-client.ts';

/** The packet to send with this packet id, or undefined when there is nothing left to send. */
export type NextPacket = (packetId: number) => Buffer | undefined;

/**
 * A QoS 1 publisher with a fixed window: packet ids 1..window, and an id is reused as soon as its
 * PUBACK arrives. Everything freed by one read goes out in one write.
 */
export class WindowedPublisher {
  /** PUBLISH packets written. */
  sent = 0;
  /** PUBACKs received. */
  acked = 0;
  private running = false;
  private blocked = false;
  private readonly freed: number[] = [];
  private readonly idle: Promise<void>;
  private readonly refillAt: number;
  private resolveIdle: () => void = () => {};

  constructor(
    private readonly client: BenchClient,
    private readonly window: number,
    private readonly nextPacket: NextPacket,
  ) {
    this.refillAt = Math.max(1, Math.floor(window / 10));
    this.idle = new Promise((resolve) => {
      this.resolveIdle = resolve;
    });
    client.onPuback = (packetId) => {
      this.acked++;
      this.freed.push(packetId);
    };
    client.afterRead = this.flush;
  }

  start(): void {
    this.running = true;
    for (let id = 1; id <= this.window; id++) this.freed.push(id);
    this.flush();
  }

  stop(): void {
    this.running = false;
  }

  /** Resolves once every packet `nextPacket` gave was acknowledged and it has no more. */
  finished(): Promise<void> {
    return this.idle;
  }

  private readonly flush = (): void => {
    if (!this.running || this.blocked || this.client.closed) return;
    // Refilling one id per PUBACK would cost the generator a write per message against a broker that
    // sends each PUBACK in its own segment; a tenth of the window at a time keeps 90-100 in flight.
    if (this.freed.length < this.refillAt && this.freed.length < this.window) return;
    const packets: Buffer[] = [];
    while (this.freed.length > 0) {
      const packet = this.nextPacket(this.freed[this.freed.length - 1]!);
      if (!packet) break;
      this.freed.pop();
      packets.push(packet);
    }
    if (this.freed.length === this.window) this.resolveIdle();
    if (packets.length === 0) return;
    this.sent += packets.length;
    if (this.client.write(packets.length === 1 ? packets[0]! : Buffer.concat(packets))) return;
    this.blocked = true;
    this.client.drained().then(() => {
      this.blocked = false;
      this.flush();
    });
  };
}
