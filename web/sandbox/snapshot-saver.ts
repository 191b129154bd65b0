import type { Logger } from '../../shared/index.ts';

/**
 * Saves the broker's state a short while after activity, at most once per `delayMs` however busy
 * the broker is (a fleet publishing ten readings a second costs two saves a second, not ten), and
 * one save at a time. A save takes its snapshot when it starts, so a save that waited includes
 * everything that happened while it waited.
 */
export class SnapshotSaver {
  readonly #save: () => Promise<void>;
  readonly #delayMs: number;
  readonly #logger: Logger;
  #timer: ReturnType<typeof globalThis.setTimeout> | undefined;
  /** The last save started or queued; later saves run after it. */
  #chain: Promise<void> = Promise.resolve();
  /** A save queued behind a running one and not started yet: a flush joins it. */
  #queued: Promise<void> | undefined;
  /** Changes since the last save took its snapshot. */
  #dirty = false;
  #running = 0;

  constructor(save: () => Promise<void>, delayMs: number, logger: Logger) {
    this.#save = save;
    this.#delayMs = delayMs;
    this.#logger = logger;
  }

  /** True while some change may not be in the store yet: not saved, or its save not finished. */
  get unsaved(): boolean {
    return this.#dirty || this.#running > 0;
  }

  /** Something changed: save within `delayMs`. */
  schedule(): void {
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    this.#timer = globalThis.setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {});
    }, this.#delayMs);
  }

  /** Saves now (after a save already running); rejects if this save fails. */
  flush(): Promise<void> {
    this.cancel();
    if (this.#queued) return this.#queued;
    const run = this.#chain.then(async () => {
      this.#queued = undefined;
      this.#dirty = false;
      this.#running++;
      try {
        await this.#save();
      } finally {
        this.#running--;
      }
    });
    this.#queued = run;
    this.#chain = run.catch((error: unknown) => {
      this.#dirty = true;
      this.#logger.error('saving the sandbox state failed', { error: String(error) });
    });
    return run;
  }

  /** Drops a save that was scheduled and not started. */
  cancel(): void {
    if (this.#timer === undefined) return;
    globalThis.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
