import type { Transport, TransportAcceptor, TransportSink } from './connection.ts';

/** The client's end of an in-memory connection: what a test or an in-tab client holds. */
export interface MemoryClientEnd {
  write(bytes: Uint8Array): void;
  close(): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  onClose(listener: () => void): void;
  /** Stops reading, like a frozen consumer: the broker's bytes pile up until `resume`. */
  pause(): void;
  resume(): void;
  readonly closed: boolean;
}

export interface MemoryConnectOptions {
  /** Bytes the server may have unread by the client before `send` reports a full buffer. */
  highWaterMark?: number;
  remoteAddress?: string;
}

/**
 * An in-memory transport pair with asynchronous delivery (a microtask per write, like a socket) and
 * a simulated buffer: `send` returns false once more than `highWaterMark` bytes are undelivered, and
 * `drained` fires when the client has taken them.
 */
export function connectInMemory(
  acceptor: TransportAcceptor,
  options: MemoryConnectOptions = {},
): MemoryClientEnd {
  const highWaterMark = options.highWaterMark ?? 64 * 1024;
  const dataListeners: Array<(bytes: Uint8Array) => void> = [];
  const closeListeners: Array<() => void> = [];
  let closed = false;
  let undelivered = 0;
  let full = false;
  /** Set while the client end does not read: what the broker sends waits here, still undelivered. */
  let held: Uint8Array[] | undefined;
  let sink: TransportSink | undefined;

  const deliver = (bytes: Uint8Array): void => {
    for (const listener of dataListeners) listener(bytes);
    undelivered -= bytes.length;
    if (full && undelivered <= highWaterMark) {
      full = false;
      sink?.drained();
    }
  };

  const finish = (): void => {
    if (closed) return;
    closed = true;
    queueMicrotask(() => {
      sink?.closed();
      for (const listener of closeListeners) listener();
    });
  };

  const transport: Transport = {
    info: { kind: 'memory', remoteAddress: options.remoteAddress ?? 'memory' },
    send(bytes) {
      if (closed) return false;
      undelivered += bytes.length;
      const copy = bytes.slice();
      queueMicrotask(() => {
        if (closed && dataListeners.length === 0) return;
        if (held) held.push(copy);
        else deliver(copy);
      });
      if (undelivered > highWaterMark) full = true;
      return !full;
    },
    close: finish,
  };
  sink = acceptor.accept(transport);

  return {
    write(bytes) {
      if (closed) return;
      const copy = bytes.slice();
      queueMicrotask(() => {
        if (!closed) sink?.received(copy);
      });
    },
    close: finish,
    pause() {
      held ??= [];
    },
    resume() {
      const waiting = held ?? [];
      held = undefined;
      for (const bytes of waiting) deliver(bytes);
    },
    onData: (listener) => dataListeners.push(listener),
    onClose: (listener) => closeListeners.push(listener),
    get closed() {
      return closed;
    },
  };
}
