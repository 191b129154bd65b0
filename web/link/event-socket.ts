import type { LiveEvent, LiveFilter } from '../../shared/admin/broker-link.ts';

/** The part of the browser WebSocket the event stream uses, so tests can hand in a fake. */
export interface EventSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type SocketFactory = (url: string) => EventSocket;

export interface EventSocketOptions {
  url: string;
  filter: LiveFilter;
  onEvent: (event: LiveEvent) => void;
  createSocket: SocketFactory;
  /** Injected so tests need no real timers. */
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
const liveEventTypes = new Set(['connect', 'disconnect', 'subscribe', 'unsubscribe', 'publish', 'tick']);

/** Opens the `/api/events` socket, sends the watch filter on every (re)connect and reconnects with
 * backoff until the returned function is called. */
export function openEventSocket(options: EventSocketOptions): () => void {
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as number));
  let socket: EventSocket | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: unknown;
  let stopped = false;

  const connect = (): void => {
    const current = options.createSocket(options.url);
    socket = current;
    current.onopen = () => {
      retryMs = FIRST_RETRY_MS;
      current.send(JSON.stringify({ type: 'watch', filter: options.filter }));
    };
    current.onmessage = ({ data }) => {
      if (typeof data !== 'string') return;
      const event = parseEvent(data);
      if (event) options.onEvent(event);
    };
    current.onclose = () => {
      if (stopped || socket !== current) return;
      retryTimer = setTimer(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
    // A failed socket also fires close, which schedules the retry.
    current.onerror = null;
  };

  connect();
  return () => {
    stopped = true;
    if (retryTimer !== undefined) clearTimer(retryTimer);
    socket?.close(1000, 'unwatched');
    socket = undefined;
  };
}

function parseEvent(data: string): LiveEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (value && typeof value === 'object' && 'type' in value && liveEventTypes.has(String(value.type))) {
      return value as LiveEvent;
    }
  } catch {
    // Not JSON: nothing the dashboard can show.
  }
  return undefined;
}
