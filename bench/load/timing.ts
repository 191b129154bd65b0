import { setTimeout as sleep } from 'node:timers/promises';
import type { WindowProbe } from './cpu-probe.ts';

export { sleep };

export interface WindowTiming {
  warmupMs: number;
  durationMs: number;
  probe: WindowProbe;
}

/**
 * Lets the load run through the warm-up (JIT, buffers, queues reaching their steady state), then
 * returns each counter's rate per second over the measured window.
 */
export async function measureRates<K extends string>(
  timing: WindowTiming,
  counters: Record<K, () => number>,
): Promise<Record<K, number>> {
  const keys = Object.keys(counters) as K[];
  await sleep(timing.warmupMs);
  timing.probe.begin();
  const started = performance.now();
  const before = keys.map((key) => counters[key]());
  await sleep(timing.durationMs);
  const after = keys.map((key) => counters[key]());
  const seconds = (performance.now() - started) / 1000;
  timing.probe.end();
  const rates = {} as Record<K, number>;
  keys.forEach((key, index) => {
    rates[key] = (after[index]! - before[index]!) / seconds;
  });
  return rates;
}

/** Settles like `promise`, or rejects after `timeoutMs` naming what it was waiting for. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
