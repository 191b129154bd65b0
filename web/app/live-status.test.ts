import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveStatus, STALE_AFTER_MS } from './live-status.ts';

describe('LiveStatus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is live while ticks arrive and turns stale when they stop, telling listeners only of changes', () => {
    const status = new LiveStatus();
    const states: string[] = [];
    status.subscribe(() => states.push(status.state));
    expect(status.state).toBe('connecting');
    status.markTick(1000);
    vi.advanceTimersByTime(1000);
    status.markTick(2000);
    vi.advanceTimersByTime(STALE_AFTER_MS + 1);
    status.markTick(9000);
    expect(states).toEqual(['live', 'stale', 'live']);
    status.dispose();
  });
});
