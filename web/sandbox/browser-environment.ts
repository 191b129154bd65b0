import {
  type BrokerEnvironment,
  type Clock,
  createStandardEnvironment,
  type Logger,
  type LogLevel,
  type TimerHandle,
} from '../../shared/index.ts';

/** A broker environment whose timers can all be cancelled at once, when the sandbox replaces its
 * broker (reset, import): session expiry and will delay timers of the old broker must not fire into
 * a broker nobody can reach any more. */
export interface DisposableEnvironment {
  readonly env: BrokerEnvironment;
  dispose(): void;
}

/** The core's environment in a tab or a worker: the host's timers and `crypto.getRandomValues`. */
export function createBrowserEnvironment(logger: Logger): DisposableEnvironment {
  const standard = createStandardEnvironment(
    {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle),
      // The core only ever asks for bytes in a fresh, unshared Uint8Array.
      getRandomValues: (array) => globalThis.crypto.getRandomValues(array as Uint8Array<ArrayBuffer>),
    },
    logger,
  );
  const pending = new Set<TimerHandle>();
  let disposed = false;
  const clock: Clock = {
    now: standard.clock.now,
    setTimer(callback, delayMs) {
      // After dispose a timer is accepted and never fires.
      if (disposed) return {} as TimerHandle;
      const handle = standard.clock.setTimer(() => {
        pending.delete(handle);
        callback();
      }, delayMs);
      pending.add(handle);
      return handle;
    },
    clearTimer(handle) {
      if (pending.delete(handle)) standard.clock.clearTimer(handle);
    },
  };
  return {
    env: { ...standard, clock },
    dispose() {
      disposed = true;
      for (const handle of pending) standard.clock.clearTimer(handle);
      pending.clear();
    },
  };
}

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Logs to the browser console at `level` and above, with the fields as a second argument so that
 * devtools shows them as an object. */
export function createConsoleLogger(level: LogLevel = 'warn', prefix = '[iothub sandbox]'): Logger {
  const threshold = levelRank[level];
  const method =
    (name: Exclude<LogLevel, 'silent'>): Logger[typeof name] =>
    (message, fields) => {
      if (levelRank[name] < threshold) return;
      if (fields === undefined) console[name](`${prefix} ${message}`);
      else console[name](`${prefix} ${message}`, fields);
    };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}
