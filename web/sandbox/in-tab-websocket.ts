import type { Transport, TransportAcceptor, TransportSink } from '../../shared/index.ts';

export interface InTabWebSocketOptions {
  /** Bytes the broker may have queued, undelivered, for this socket before its `send` reports a full
   * buffer (the core then holds further bytes back until `drained`). Default 64 KiB. */
  highWaterMark?: number;
  /** Shown as the client's address in the dashboard. */
  remoteAddress?: string;
}

/** What a WebSocket server in front of the broker would agree to (the server's ws listener too). */
const MQTT_SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];
/** "No status received": what a browser reports when the server closes without a code. */
const NO_STATUS = 1005;
const ABNORMAL = 1006;
const UNSUPPORTED_DATA = 1003;
const encoder = new TextEncoder();

interface CloseFrame {
  code: number;
  reason: string;
}
type Inbound = Uint8Array | { text: number };
type ReadyState = WebSocket['readyState'];
type Handler = ((this: WebSocket, event: never) => unknown) | null;

/**
 * A WebSocket-shaped object whose far end is the in-tab broker, reached through the core's transport
 * contract instead of a network. The `mqtt` package takes it through its `createWebsocket` option
 * unmodified. Like a real socket, everything is asynchronous: opening, each delivery (a microtask,
 * in order), closing. Bytes the broker sends wait in a bounded buffer; when more than
 * `highWaterMark` wait, the broker is told to hold back (`send` returns false) and is told again
 * (`drained`) once the page has taken them.
 *
 * Beyond the WebSocket API: `pause()` / `resume()` make the client stop and restart reading, to
 * show (or test) what a frozen consumer does to the broker.
 */
export class InTabWebSocket extends EventTarget implements WebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readonly url: string;
  readonly extensions = '';
  binaryType: BinaryType = 'blob';

  readonly #acceptor: TransportAcceptor;
  readonly #requested: string[];
  readonly #highWaterMark: number;
  readonly #remoteAddress: string;
  #readyState: ReadyState = InTabWebSocket.CONNECTING;
  #protocol = '';
  #sink: TransportSink | undefined;
  /** The broker side has ended (or been told that the client ended): nothing more crosses. */
  #brokerSideClosed = false;
  #paused = false;
  // Broker → page.
  #outbox: Array<Uint8Array | CloseFrame> = [];
  #undelivered = 0;
  #waitingForDrain = false;
  #outboxScheduled = false;
  // Page → broker.
  #inbox: Inbound[] = [];
  #bufferedAmount = 0;
  #inboxScheduled = false;
  readonly #handlers = new Map<string, Handler>();

  constructor(
    acceptor: TransportAcceptor,
    url: string | URL,
    protocols: string | string[] = [],
    options: InTabWebSocketOptions = {},
  ) {
    super();
    const parsed = new URL(url);
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol) || parsed.hash !== '') {
      throw new DOMException(`The URL '${parsed.href}' is invalid for a WebSocket.`, 'SyntaxError');
    }
    this.url = parsed.href.replace(/^http/, 'ws');
    this.#acceptor = acceptor;
    this.#requested = typeof protocols === 'string' ? [protocols] : [...protocols];
    this.#highWaterMark = options.highWaterMark ?? 64 * 1024;
    this.#remoteAddress = options.remoteAddress ?? 'in-tab';
    queueMicrotask(() => this.#open());
  }

  get readyState(): ReadyState {
    return this.#readyState;
  }

  get protocol(): string {
    return this.#protocol;
  }

  /** Bytes sent by the page that the broker has not taken yet. */
  get bufferedAmount(): number {
    return this.#bufferedAmount;
  }

  get onopen(): WebSocket['onopen'] {
    return this.#handlers.get('open') as WebSocket['onopen'];
  }
  set onopen(handler: WebSocket['onopen']) {
    this.#setHandler('open', handler);
  }
  get onmessage(): WebSocket['onmessage'] {
    return this.#handlers.get('message') as WebSocket['onmessage'];
  }
  set onmessage(handler: WebSocket['onmessage']) {
    this.#setHandler('message', handler);
  }
  get onclose(): WebSocket['onclose'] {
    return this.#handlers.get('close') as WebSocket['onclose'];
  }
  set onclose(handler: WebSocket['onclose']) {
    this.#setHandler('close', handler);
  }
  get onerror(): WebSocket['onerror'] {
    return this.#handlers.get('error') as WebSocket['onerror'];
  }
  set onerror(handler: WebSocket['onerror']) {
    this.#setHandler('error', handler);
  }

  override addEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: (this: WebSocket, event: WebSocketEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
  }

  override removeEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: (this: WebSocket, event: WebSocketEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (this.#readyState === InTabWebSocket.CONNECTING) {
      throw new DOMException(
        "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
        'InvalidStateError',
      );
    }
    const item = toInbound(data);
    const size = item instanceof Uint8Array ? item.length : item.text;
    this.#bufferedAmount += size;
    // After close() a browser discards the data but still counts it [WebSockets §send].
    if (this.#readyState !== InTabWebSocket.OPEN) return;
    this.#inbox.push(item);
    if (!this.#inboxScheduled) {
      this.#inboxScheduled = true;
      queueMicrotask(() => this.#flushInbox());
    }
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new DOMException(
        `The close code must be 1000 or in 3000-4999; ${code} is neither.`,
        'InvalidAccessError',
      );
    }
    if (reason !== undefined && encoder.encode(reason).length > 123) {
      throw new DOMException('The close reason must not be longer than 123 bytes.', 'SyntaxError');
    }
    if (this.#readyState === InTabWebSocket.CLOSING || this.#readyState === InTabWebSocket.CLOSED) return;
    const opening = this.#readyState === InTabWebSocket.CONNECTING;
    this.#readyState = InTabWebSocket.CLOSING;
    queueMicrotask(() => {
      if (opening) {
        this.#fail();
        return;
      }
      // What the page sent before closing still reaches the broker; what the broker sent is dropped.
      this.#flushInbox();
      this.#endBrokerSide();
      this.#finish({ code: code ?? NO_STATUS, reason: reason ?? '' }, true);
    });
  }

  /** Stops delivering the broker's bytes to the page, as a client that stopped reading would. */
  pause(): void {
    this.#paused = true;
  }

  /** Delivers what waited, and reads again. */
  resume(): void {
    this.#paused = false;
    this.#scheduleOutbox();
  }

  #open(): void {
    if (this.#readyState !== InTabWebSocket.CONNECTING) return;
    const protocol = MQTT_SUBPROTOCOLS.find((name) => this.#requested.includes(name));
    if (this.#requested.length > 0 && protocol === undefined) {
      // The server would not pick any offered subprotocol, and a browser then fails the connection.
      this.#fail();
      return;
    }
    this.#protocol = protocol ?? '';
    const transport: Transport = {
      info: { kind: 'in-tab', remoteAddress: this.#remoteAddress },
      send: (bytes) => this.#sendToPage(bytes),
      close: () => this.#closeFromBroker({ code: NO_STATUS, reason: '' }),
    };
    this.#sink = this.#acceptor.accept(transport);
    this.#readyState = InTabWebSocket.OPEN;
    this.#fire(new Event('open'));
  }

  #sendToPage(bytes: Uint8Array): boolean {
    if (this.#brokerSideClosed) return false;
    // A copy: the core may reuse its encode buffers once `send` returns.
    const copy = new Uint8Array(bytes);
    this.#outbox.push(copy);
    this.#undelivered += copy.length;
    this.#scheduleOutbox();
    if (this.#undelivered <= this.#highWaterMark) return true;
    this.#waitingForDrain = true;
    return false;
  }

  #closeFromBroker(frame: CloseFrame): void {
    if (this.#brokerSideClosed) return;
    this.#brokerSideClosed = true;
    // The page sees the close after the bytes sent before it; the broker is done at once, even with a
    // client that has stopped reading.
    this.#outbox.push(frame);
    this.#scheduleOutbox();
    const sink = this.#sink;
    queueMicrotask(() => sink?.closed());
  }

  #endBrokerSide(): void {
    if (this.#brokerSideClosed) return;
    this.#brokerSideClosed = true;
    this.#sink?.closed();
  }

  #scheduleOutbox(): void {
    if (this.#outboxScheduled || this.#paused) return;
    this.#outboxScheduled = true;
    queueMicrotask(() => this.#flushOutbox());
  }

  #flushOutbox(): void {
    this.#outboxScheduled = false;
    let taken = 0;
    while (!this.#paused && taken < this.#outbox.length) {
      const item = this.#outbox[taken++]!;
      if (!(item instanceof Uint8Array)) {
        this.#finish(item, true);
        break;
      }
      this.#undelivered -= item.length;
      if (this.#readyState === InTabWebSocket.OPEN) this.#deliver(item);
    }
    this.#outbox.splice(0, taken);
    if (this.#waitingForDrain && this.#undelivered <= this.#highWaterMark && !this.#brokerSideClosed) {
      this.#waitingForDrain = false;
      this.#sink?.drained();
    }
  }

  #deliver(bytes: Uint8Array): void {
    const data =
      this.binaryType === 'arraybuffer' ? bytes.buffer : new Blob([bytes as Uint8Array<ArrayBuffer>]);
    this.#fire(new MessageEvent('message', { data }));
  }

  #flushInbox(): void {
    this.#inboxScheduled = false;
    for (const item of this.#inbox.splice(0)) {
      this.#bufferedAmount -= item instanceof Uint8Array ? item.length : item.text;
      if (this.#brokerSideClosed) continue;
      // MQTT over WebSocket uses binary frames only [MQTT-6.0.0-1]: the server closes on a text frame.
      if (item instanceof Uint8Array) this.#sink?.received(item);
      else this.#closeFromBroker({ code: UNSUPPORTED_DATA, reason: 'MQTT needs binary frames' });
    }
  }

  /** The connection could not be (or stay) established: error, then close 1006. */
  #fail(): void {
    this.#endBrokerSide();
    this.#readyState = InTabWebSocket.CLOSED;
    this.#fire(new Event('error'));
    this.#fire(new CloseEvent('close', { code: ABNORMAL, reason: '', wasClean: false }));
  }

  #finish(frame: CloseFrame, wasClean: boolean): void {
    if (this.#readyState === InTabWebSocket.CLOSED) return;
    this.#readyState = InTabWebSocket.CLOSED;
    this.#outbox.length = 0;
    this.#undelivered = 0;
    this.#fire(new CloseEvent('close', { code: frame.code, reason: frame.reason, wasClean }));
  }

  #fire(event: Event): void {
    this.dispatchEvent(event);
  }

  /** An event handler attribute is a listener added when it is first set, calling whatever the
   * attribute holds at the time (so it keeps its place among addEventListener listeners). */
  #setHandler(type: string, handler: Handler): void {
    if (!this.#handlers.has(type)) {
      this.addEventListener(type, (event) => {
        const current = this.#handlers.get(type);
        if (typeof current === 'function') current.call(this, event as never);
      });
    }
    this.#handlers.set(type, typeof handler === 'function' ? handler : null);
  }
}

function toInbound(data: string | ArrayBufferLike | Blob | ArrayBufferView): Inbound {
  if (typeof data === 'string') return { text: encoder.encode(data).length };
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (
    data instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)
  ) {
    return new Uint8Array(data).slice();
  }
  // A Blob can only be read asynchronously, which would let later sends overtake it; `mqtt` never
  // sends one.
  throw new TypeError('the in-tab WebSocket sends strings, ArrayBuffers and typed arrays, not Blobs');
}
