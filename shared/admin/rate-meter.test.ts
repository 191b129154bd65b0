import { describe, expect, it } from 'vitest';
import { RateMeter, zeroRates } from './rate-meter.ts';

const t0 = 1_700_000_000_000;

function totals(messagesIn: number, bytesIn = 0) {
  return { ...zeroRates(), messagesIn, bytesIn };
}

describe('RateMeter', () => {
  it('is zero before two samples', () => {
    const meter = new RateMeter();
    expect(meter.rates()).toEqual(zeroRates());
    meter.sample(t0, totals(100));
    expect(meter.rates()).toEqual(zeroRates());
  });

  it('averages per-second rates over its window', () => {
    const meter = new RateMeter(5);
    for (let s = 0; s <= 10; s++) meter.sample(t0 + s * 1000, totals(s * 20, s * 2000));
    expect(meter.rates()).toMatchObject({ messagesIn: 20, bytesIn: 2000, messagesOut: 0 });
    // A burst in the last second shows, diluted over the 5-second window.
    meter.sample(t0 + 11_000, totals(10 * 20 + 120, 0));
    expect(meter.rates().messagesIn).toBeCloseTo((4 * 20 + 120) / 5);
  });

  it('ignores samples that do not move time forward', () => {
    const meter = new RateMeter();
    meter.sample(t0, totals(0));
    meter.sample(t0 + 1000, totals(10));
    meter.sample(t0 + 1000, totals(1_000_000));
    meter.sample(t0 + 500, totals(1_000_000));
    expect(meter.rates().messagesIn).toBe(10);
  });

  it("computes Mosquitto's damped per-minute loads over 1, 5 and 15 minutes", () => {
    const meter = new RateMeter();
    // A steady 10 messages a second is 600 a minute.
    for (let s = 0; s <= 3600; s++) meter.sample(t0 + s * 1000, totals(s * 10));
    const loads = meter.loads();
    expect(loads['1min'].messagesIn).toBeCloseTo(600, 3);
    expect(loads['5min'].messagesIn).toBeCloseTo(600 * (1 - Math.exp(-3600 / 300)), 3);
    expect(loads['15min'].messagesIn).toBeCloseTo(600 * (1 - Math.exp(-3600 / 900)), 3);
  });

  it('lets the 1-minute load fall faster than the 15-minute one when traffic stops', () => {
    const meter = new RateMeter();
    for (let s = 0; s <= 600; s++) meter.sample(t0 + s * 1000, totals(s * 10));
    for (let s = 601; s <= 660; s++) meter.sample(t0 + s * 1000, totals(6000));
    const loads = meter.loads();
    expect(loads['1min'].messagesIn).toBeLessThan(loads['5min'].messagesIn);
    expect(loads['5min'].messagesIn).toBeLessThan(loads['15min'].messagesIn * 2);
    // One time constant after the stop, the 1-minute load is down to about 1/e.
    expect(loads['1min'].messagesIn / 600).toBeCloseTo(Math.exp(-1), 2);
  });

  it('hands out copies', () => {
    const meter = new RateMeter();
    meter.sample(t0, totals(0));
    meter.sample(t0 + 1000, totals(60));
    const loads = meter.loads();
    loads['1min'].messagesIn = -1;
    expect(meter.loads()['1min'].messagesIn).toBeGreaterThan(0);
  });
});
