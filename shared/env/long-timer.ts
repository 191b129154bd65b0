import type { Clock, TimerHandle } from './environment.ts';

/** Host timers overflow past 2^31-1 ms (about 24.8 days); session expiry and will delay intervals
 * go up to 136 years. This timer re-arms itself in steps until its deadline. */
const MAX_STEP_MS = 0x7fffffff;

export class LongTimer {
  private handle: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly deadline: number,
    private readonly callback: () => void,
  ) {
    this.arm();
  }

  cancel(): void {
    if (this.handle !== undefined) this.clock.clearTimer(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const remaining = this.deadline - this.clock.now();
    if (remaining <= MAX_STEP_MS) {
      this.handle = this.clock.setTimer(this.callback, Math.max(0, remaining));
      return;
    }
    this.handle = this.clock.setTimer(() => this.arm(), MAX_STEP_MS);
  }
}
