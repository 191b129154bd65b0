import { createContext, useContext, useSyncExternalStore } from 'react';

/** A tick arrives every second; after this long without one the stream counts as down. */
export const STALE_AFTER_MS = 3500;
/** How often snapshots are polled while the event stream is down. */
export const FALLBACK_POLL_MS = 5000;

export type LiveState = 'connecting' | 'live' | 'stale';

/** Whether pushed ticks are arriving. Listeners hear only about changes of state, so components
 * that read it re-render when the stream drops or returns, not once a second. */
export class LiveStatus {
  #state: LiveState = 'connecting';
  #lastTickAt = 0;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  #listeners = new Set<() => void>();

  get state(): LiveState {
    return this.#state;
  }

  get lastTickAt(): number {
    return this.#lastTickAt;
  }

  markTick(now: number): void {
    this.#lastTickAt = now;
    clearTimeout(this.#staleTimer);
    this.#staleTimer = setTimeout(() => this.#set('stale'), STALE_AFTER_MS);
    this.#set('live');
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  dispose(): void {
    clearTimeout(this.#staleTimer);
  }

  #set(state: LiveState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}

export const LiveStatusContext = createContext(new LiveStatus());

export function useLiveState(): LiveState {
  const status = useContext(LiveStatusContext);
  return useSyncExternalStore(status.subscribe, () => status.state);
}

/** `refetchInterval` for snapshot queries: none while events arrive, polling while they do not. */
export function useFallbackInterval(): number | false {
  return useLiveState() === 'live' ? false : FALLBACK_POLL_MS;
}
