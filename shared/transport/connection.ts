/**
 * The transport contract. An adapter (TCP socket, WebSocket, in-tab socket) implements `Transport`
 * and hands it to `broker.accept()`; it gets back a `TransportSink` and calls it when bytes arrive,
 * when its write buffer has drained, and when the underlying connection has closed.
 */
export interface TransportInfo {
  /** "tcp", "ws", "memory", … shown in the dashboard. */
  readonly kind: string;
  readonly remoteAddress: string;
}

export interface Transport {
  readonly info: TransportInfo;
  /** Queue bytes for writing. Returns false when the adapter's buffer is full: wait for `drained`. */
  send(bytes: Uint8Array): boolean;
  /** Close the connection; the adapter calls `sink.closed()` once it is closed. */
  close(): void;
}

export interface TransportSink {
  received(bytes: Uint8Array): void;
  drained(): void;
  /** Called exactly once, whether the peer, the network or `Transport.close()` ended it. */
  closed(cause?: Error): void;
}

export interface TransportAcceptor {
  accept(transport: Transport): TransportSink;
}
