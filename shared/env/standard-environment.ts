import type { BrokerEnvironment, Clock, Logger, TimerHandle } from './environment.ts';
import { silentLogger } from './environment.ts';

/** Timers and randomness from the ECMAScript/Web globals both Node and browsers have. The host
 * passes the globals in, so this module itself stays free of environment assumptions. */
export interface StandardGlobals {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: never): void;
  getRandomValues(array: Uint8Array): Uint8Array;
}

export function createStandardEnvironment(
  globals: StandardGlobals,
  logger: Logger = silentLogger,
): BrokerEnvironment {
  const clock: Clock = {
    now: () => Date.now(),
    setTimer: (callback, delayMs) => globals.setTimeout(callback, delayMs) as TimerHandle,
    clearTimer: (handle) => globals.clearTimeout(handle as never),
  };
  return {
    clock,
    randomBytes: (length) => globals.getRandomValues(new Uint8Array(length)),
    logger,
  };
}
