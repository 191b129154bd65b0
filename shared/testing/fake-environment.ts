import type { BrokerEnvironment, Clock, LogFields, Logger, TimerHandle } from '../env/environment.ts';

interface FakeTimer {
  at: number;
  callback: () => void;
}

/** A clock that only moves when told, so a 90-second keepalive is tested in microseconds. */
export class FakeClock implements Clock {
  private current = 1_700_000_000_000;
  private readonly timers = new Map<number, FakeTimer>();
  private nextId = 1;

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + delayMs, callback });
    return id as unknown as TimerHandle;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextId: number | undefined;
      let next: FakeTimer | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && (!next || timer.at < next.at)) {
          next = timer;
          nextId = id;
        }
      }
      if (!next || nextId === undefined) break;
      this.timers.delete(nextId);
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    this.current = target;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps its lines for assertions. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  debug(message: string, fields?: LogFields): void {
    this.records.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.records.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.records.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.records.push({ level: 'error', message, fields });
  }
}

export interface FakeEnvironment extends BrokerEnvironment {
  clock: FakeClock;
  logger: RecordingLogger;
}

export function createFakeEnvironment(): FakeEnvironment {
  let seed = 1;
  return {
    clock: new FakeClock(),
    logger: new RecordingLogger(),
    randomBytes(length) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      return bytes;
    },
  };
}
