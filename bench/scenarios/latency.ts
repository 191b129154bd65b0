import { BenchClient, closeAll } from '../load/bench-client.ts';
import { encodePublish, publishPayloadOffset } from '../load/mqtt-bytes.ts';
import { sleep } from '../load/timing.ts';
import { percentile } from '../report/stats.ts';
import { countLost, payloadOf, type Scenario } from './scenario.ts';

const topic = 'bench/latency/t';

/**
 * A fixed rate of QoS 0 messages, each carrying its send time (hrtime, ns) in its first payload bytes;
 * the subscriber, in the same process and clock, records publish-to-receive time.
 */
export const latency: Scenario = {
  name: 'latency',
  title: (sizes) => `latency at ${sizes.latencyRate / 1000}k msg/s, QoS 0`,
  metrics: [
    { key: 'p50', label: 'p50 µs', better: 'lower', format: 'micros' },
    { key: 'p99', label: 'p99 µs', better: 'lower', format: 'micros' },
  ],
  async run(context) {
    const { sizes, target, runId } = context;
    const subscriber = await BenchClient.open(target, `${runId}-sub`);
    const clients = [subscriber];
    let pacer: Pacer | undefined;
    try {
      await subscriber.subscribe(topic, 0);
      const publisher = await BenchClient.open(target, `${runId}-pub`);
      clients.push(publisher);
      const template = encodePublish({ topic, payload: payloadOf(Math.max(8, sizes.payloadBytes)), qos: 0 });
      const samples = new Float64Array(Math.ceil((sizes.latencyRate * context.durationMs) / 1000) * 2 + 1000);
      let recorded = 0;
      let recording = false;
      subscriber.onPublish = (bytes, _start, bodyStart) => {
        if (!recording || recorded === samples.length) return;
        const sentAt = bytes.readBigUInt64LE(publishPayloadOffset(bytes, bodyStart, 0));
        samples[recorded++] = Number(process.hrtime.bigint() - sentAt) / 1000;
      };
      pacer = startPacer(publisher, template.bytes, template.payloadOffset, sizes.latencyRate);
      await sleep(context.warmupMs);
      const sentBefore = pacer.sent();
      recording = true;
      context.probe.begin();
      await sleep(context.durationMs);
      context.probe.end();
      const sent = pacer.sent() - sentBefore;
      clearInterval(pacer.timer);
      // Messages still on their way when the window closes are counted, not lost.
      await sleep(50);
      recording = false;
      const sorted = samples.subarray(0, recorded).sort();
      return {
        metrics: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
        delivered: recorded,
        detail: {
          p999: percentile(sorted, 99.9),
          max: sorted[sorted.length - 1] ?? Number.NaN,
          sentInWindow: sent,
          receivedInWindow: recorded,
          disconnected: countLost(clients),
        },
      };
    } finally {
      if (pacer) clearInterval(pacer.timer);
      closeAll(clients);
    }
  },
};

interface Pacer {
  readonly timer: NodeJS.Timeout;
  sent(): number;
}

/**
 * Sends at `rate` messages per second on a 1 ms tick: each tick sends what is due by then, in one
 * write, stamped with the time of that write. A tick that comes late sends more, so the rate holds on a
 * busy machine.
 */
function startPacer(client: BenchClient, packet: Buffer, stampOffset: number, rate: number): Pacer {
  const started = process.hrtime.bigint();
  let sent = 0;
  let waiting = false;
  const timer = setInterval(() => {
    if (waiting || client.closed) return;
    const now = process.hrtime.bigint();
    const due = Math.floor((Number(now - started) * rate) / 1e9) - sent;
    if (due <= 0) return;
    const batch = Buffer.allocUnsafe(due * packet.length);
    for (let i = 0; i < due; i++) {
      packet.copy(batch, i * packet.length);
      batch.writeBigUInt64LE(now, i * packet.length + stampOffset);
    }
    sent += due;
    if (client.write(batch)) return;
    waiting = true;
    client.drained().then(() => {
      waiting = false;
    });
  }, 1);
  return { timer, sent: () => sent };
}
