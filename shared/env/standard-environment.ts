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
  return { clock, randomBytes: pooledRandomBytes(globals), logger };
}

/** Random bytes are fetched this many at a time. */
const RANDOM_POOL_BYTES = 4096;

/**
 * Hands out copies of a pool filled by `getRandomValues`: the broker asks for a few bytes per CONNECT
 * (session id) and per shared-subscription pick, and one `getRandomValues` call per request cost as
 * much as the rest of a CONNECT's session set-up. Every byte is handed out once.
 */
function pooledRandomBytes(globals: StandardGlobals): (length: number) => Uint8Array {
  const pool = new Uint8Array(RANDOM_POOL_BYTES);
  let offset = RANDOM_POOL_BYTES;
  return (length) => {
    if (length > RANDOM_POOL_BYTES) return globals.getRandomValues(new Uint8Array(length));
    if (offset + length > RANDOM_POOL_BYTES) {
      globals.getRandomValues(pool);
      offset = 0;
    }
    const start = offset;
    offset += length;
    const bytes = pool.slice(start, offset);
    // No copy of bytes already handed out (nonces, ids) stays in the pool.
    pool.fill(0, start, offset);
    return bytes;
  };
}
