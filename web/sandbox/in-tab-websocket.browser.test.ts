import { describe, expect, it } from 'vitest';
import type { Transport, TransportAcceptor, TransportSink } from '../../shared/index.ts';
import { MemoryStore } from '../../shared/index.ts';
import { type RawClient, runTransportContract } from '../../shared/transport/transport.contract.ts';
import { startSandboxBroker } from './in-tab-broker.ts';
import { InTabWebSocket } from './in-tab-websocket.ts';

runTransportContract('in-tab WebSocket (browser)', async (limits) => {
  const sandbox = await startSandboxBroker({
    store: new MemoryStore(),
    limits,
    logger: 'silent',
    sysIntervalSeconds: 0,
  });
  const sockets: InTabWebSocket[] = [];
  return {
    broker: sandbox.broker,
    async connect() {
      const ws = sandbox.createWebsocket();
      ws.binaryType = 'arraybuffer';
      sockets.push(ws);
      await nextEvent(ws, 'open');
      return rawClient(ws);
    },
    async teardown() {
      for (const ws of sockets) ws.close();
      await sandbox.dispose();
    },
  };
});

/** The contract's raw client over the socket, as any page code would use it. */
function rawClient(ws: InTabWebSocket): RawClient {
  return {
    async write(bytes) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(bytes);
      // Delivery to the broker is the next microtask.
      await new Promise<void>((resolve) => queueMicrotask(resolve));
    },
    onData: (listener) =>
      ws.addEventListener('message', (event) => listener(new Uint8Array(event.data as ArrayBuffer))),
    close: () => ws.close(),
    closed: nextEvent(ws, 'close').then(() => {}),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
}

function nextEvent<K extends keyof WebSocketEventMap>(
  ws: InTabWebSocket,
  type: K,
): Promise<WebSocketEventMap[K]> {
  return new Promise((resolve) =>
    ws.addEventListener(type, (event) => resolve(event as WebSocketEventMap[K]), { once: true }),
  );
}

interface SinkCalls {
  transport: Transport | undefined;
  received: Uint8Array[];
  drained: number;
  closed: number;
}

/** An acceptor standing in for the broker, recording what the socket does to it. */
function recordingAcceptor(): TransportAcceptor & { calls: SinkCalls } {
  const calls: SinkCalls = { transport: undefined, received: [], drained: 0, closed: 0 };
  return {
    calls,
    accept(transport): TransportSink {
      calls.transport = transport;
      return {
        received: (bytes) => calls.received.push(bytes),
        drained: () => calls.drained++,
        closed: () => calls.closed++,
      };
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('InTabWebSocket', () => {
  it('opens asynchronously with the "mqtt" subprotocol [MQTT-6.0.0-4]', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', ['mqtt']);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    expect(acceptor.calls.transport).toBeUndefined();
    const events: string[] = [];
    ws.onopen = () => events.push('onopen');
    ws.addEventListener('open', () => events.push('listener'));
    await nextEvent(ws, 'open');
    expect(events).toEqual(['onopen', 'listener']);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(ws.protocol).toBe('mqtt');
    expect(ws.url).toBe('ws://sandbox/mqtt');
    expect(acceptor.calls.transport?.info.kind).toBe('in-tab');
  });

  it('fails like a browser when no offered subprotocol is MQTT: error, then close 1006', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', ['chat']);
    const events: string[] = [];
    ws.onerror = () => events.push('error');
    const closed = nextEvent(ws, 'close');
    const close = await closed;
    expect(events).toEqual(['error']);
    expect([close.code, close.wasClean]).toEqual([1006, false]);
    expect(acceptor.calls.transport).toBeUndefined();
  });

  it('rejects what a browser WebSocket rejects', () => {
    const acceptor = recordingAcceptor();
    expect(() => new InTabWebSocket(acceptor, 'ftp://sandbox/mqtt')).toThrow(/invalid for a WebSocket/);
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    expect(() => ws.send(new Uint8Array(1))).toThrow(/CONNECTING/);
    expect(() => ws.close(1001)).toThrow(/close code/);
    expect(() => ws.close(1000, 'x'.repeat(124))).toThrow(/123 bytes/);
  });

  it('closing while connecting never reaches the broker', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    ws.close();
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    const close = await nextEvent(ws, 'close');
    expect(close.code).toBe(1006);
    expect(acceptor.calls.transport).toBeUndefined();
  });

  it('hands bytes to the broker in order, counting them in bufferedAmount until then', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    await nextEvent(ws, 'open');
    ws.send(Uint8Array.from([1, 2]));
    ws.send(Uint8Array.from([3]).buffer);
    expect(ws.bufferedAmount).toBe(3);
    await tick();
    expect(ws.bufferedAmount).toBe(0);
    expect(acceptor.calls.received.map((bytes) => [...bytes])).toEqual([[1, 2], [3]]);
  });

  it('delivers the broker bytes as ArrayBuffer or Blob, whichever binaryType asks for', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    await nextEvent(ws, 'open');
    expect(ws.binaryType).toBe('blob');
    const blob = nextEvent(ws, 'message');
    acceptor.calls.transport!.send(Uint8Array.from([7, 8]));
    const first = (await blob).data as Blob;
    expect(first).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await first.arrayBuffer())]).toEqual([7, 8]);

    ws.binaryType = 'arraybuffer';
    const buffer = nextEvent(ws, 'message');
    const shared = Uint8Array.from([9]);
    acceptor.calls.transport!.send(shared);
    // The socket took a copy: the core may reuse its buffer once send returns.
    shared[0] = 0;
    expect([...new Uint8Array((await buffer).data as ArrayBuffer)]).toEqual([9]);
  });

  it('reports a full buffer while the page is not reading, and drained once it has read', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt', { highWaterMark: 10 });
    await nextEvent(ws, 'open');
    const received: number[] = [];
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event) => received.push(...new Uint8Array(event.data as ArrayBuffer));
    ws.pause();
    const transport = acceptor.calls.transport!;
    expect(transport.send(new Uint8Array(6).fill(1))).toBe(true);
    expect(transport.send(new Uint8Array(6).fill(2))).toBe(false);
    await tick();
    expect(received).toEqual([]);
    expect(acceptor.calls.drained).toBe(0);
    ws.resume();
    await tick();
    expect(received).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    expect(acceptor.calls.drained).toBe(1);
  });

  it('shows a close the broker started after the bytes it sent first', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    await nextEvent(ws, 'open');
    const seen: string[] = [];
    ws.onmessage = () => seen.push('message');
    ws.onclose = (event) => seen.push(`close ${event.code}`);
    acceptor.calls.transport!.send(Uint8Array.from([0x20, 2, 0, 5]));
    acceptor.calls.transport!.close();
    await tick();
    expect(seen).toEqual(['message', 'close 1005']);
    expect(ws.readyState).toBe(WebSocket.CLOSED);
    expect(acceptor.calls.closed).toBe(1);
  });

  it('tells the broker once when the page closes, after the bytes sent before', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    await nextEvent(ws, 'open');
    ws.send(Uint8Array.from([0xe0, 0]));
    ws.close(1000, 'bye');
    ws.close();
    const close = await nextEvent(ws, 'close');
    expect([close.code, close.reason, close.wasClean]).toEqual([1000, 'bye', true]);
    expect(acceptor.calls.received.map((bytes) => [...bytes])).toEqual([[0xe0, 0]]);
    expect(acceptor.calls.closed).toBe(1);
    expect(acceptor.calls.transport!.send(Uint8Array.from([1]))).toBe(false);
  });

  it('is closed by the broker with 1003 on a text frame [MQTT-6.0.0-1]', async () => {
    const acceptor = recordingAcceptor();
    const ws = new InTabWebSocket(acceptor, 'ws://sandbox/mqtt', 'mqtt');
    await nextEvent(ws, 'open');
    ws.send('CONNECT');
    const close = await nextEvent(ws, 'close');
    expect(close.code).toBe(1003);
    expect(acceptor.calls.received).toEqual([]);
    expect(acceptor.calls.closed).toBe(1);
  });
});
