import type { RateSet } from './broker-link.ts';

export const rateKeys = [
  'messagesIn',
  'messagesOut',
  'bytesIn',
  'bytesOut',
] as const satisfies readonly (keyof RateSet)[];

/** Exponentially damped per-minute rates over 1, 5 and 15 minutes, as Mosquitto's `$SYS/broker/load/...`. */
export interface LoadAverages {
  '1min': RateSet;
  '5min': RateSet;
  '15min': RateSet;
}

const loadWindows = [
  ['1min', 60],
  ['5min', 300],
  ['15min', 900],
] as const;

interface Sample {
  at: number;
  totals: RateSet;
}

export function zeroRates(): RateSet {
  return { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
}

/**
 * Turns cumulative counters, sampled about once a second, into recent per-second rates (averaged
 * over the last `windowSeconds`) and load averages. Mosquitto's formula: per interval the per-minute
 * rate `r` moves each load towards it, `load = r + e^(-dt/T) · (load - r)`, T = 60, 300, 900 s.
 */
export class RateMeter {
  private readonly samples: Sample[] = [];
  private readonly load: LoadAverages = { '1min': zeroRates(), '5min': zeroRates(), '15min': zeroRates() };

  constructor(private readonly windowSeconds = 5) {}

  /** Records the counters at `now` (epoch ms). Samples that do not move time forward are ignored. */
  sample(now: number, totals: RateSet): void {
    const last = this.samples.at(-1);
    if (last && now <= last.at) return;
    this.samples.push({ at: now, totals: { ...totals } });
    if (this.samples.length > this.windowSeconds + 1) this.samples.shift();
    if (!last) return;
    const seconds = (now - last.at) / 1000;
    for (const [name, horizon] of loadWindows) {
      const decay = Math.exp(-seconds / horizon);
      const load = this.load[name];
      for (const key of rateKeys) {
        const perMinute = ((totals[key] - last.totals[key]) / seconds) * 60;
        load[key] = perMinute + decay * (load[key] - perMinute);
      }
    }
  }

  /** Per-second rates between the oldest and newest samples in the window; zero before two samples. */
  rates(): RateSet {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    const rates = zeroRates();
    if (!first || !last || last === first) return rates;
    const seconds = (last.at - first.at) / 1000;
    for (const key of rateKeys) rates[key] = (last.totals[key] - first.totals[key]) / seconds;
    return rates;
  }

  loads(): LoadAverages {
    return {
      '1min': { ...this.load['1min'] },
      '5min': { ...this.load['5min'] },
      '15min': { ...this.load['15min'] },
    };
  }
}
