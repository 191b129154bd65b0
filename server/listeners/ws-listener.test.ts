import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type Broker, createBroker, silentLogger } from '../../shared/index.ts';
import { type RawClient, runTransportContract } from '../../shared/transport/transport.contract.ts';
import { createNodeEnvironment } from '../node-environment.ts';
import type { BoundListener } from './bound-listener.ts';
import { listenWebSocket } from './ws-listener.ts';

runTransportContract('websocket', async (limits) => {
  const broker = createBroker({ env: createNodeEnvironment(silentLogger), limits });
  const listener = await listenWebSocket(broker, '127.0.0.1', 0, '/mqtt');
  const sockets: WebSocket[] = [];
  return {
    broker,
    async connect() {
      const ws = new WebSocket(listener.url, 'mqtt');
      sockets.push(ws);
      await once(ws, 'open');
      return rawWebSocketClient(ws);
    },
    async teardown() {
      for (const ws of sockets) ws.terminate();
      broker.shutdown();
      await listener.close();
    },
  };
});

describe('listenWebSocket', () => {
  let listener: BoundListener | undefined;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await listener?.close();
    listener = undefined;
  });

  async function start(): Promise<BoundListener & { broker: Broker }> {
    const broker = createBroker({ env: createNodeEnvironment(silentLogger) });
    listener = await listenWebSocket(broker, '127.0.0.1', 0, '/mqtt');
    return { ...listener, broker };
  }

  function open(url: string, protocols: string | string[] = 'mqtt'): WebSocket {
    const ws = new WebSocket(url, protocols);
    ws.on('error', () => {});
    sockets.push(ws);
    return ws;
  }

  it('selects the "mqtt" subprotocol [MQTT-6.0.0-4]', async () => {
    const { url } = await start();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const ws = open(url, ['mqtt']);
    await once(ws, 'open');
    expect(ws.protocol).toBe('mqtt');
  });

  it('refuses an upgrade on another path with 404', async () => {
    const { port } = await start();
    const ws = open(`ws://127.0.0.1:${port}/other`);
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
  });

  it('answers plain HTTP requests with 404', async () => {
    const { port } = await start();
    const response = await fetch(`http://127.0.0.1:${port}/mqtt`);
    expect(response.status).toBe(404);
    await response.text();
  });

  it('closes the connection on a text frame [MQTT-6.0.0-1]', async () => {
    const { url, broker } = await start();
    const ws = open(url);
    await once(ws, 'open');
    expect(broker.connections.size).toBe(1);
    ws.send('not binary');
    const [code] = (await once(ws, 'close')) as [number, Buffer];
    expect(code).toBe(1003);
    await vi.waitFor(() => expect(broker.connections.size).toBe(0));
  });
});

function rawWebSocketClient(ws: WebSocket): RawClient {
  ws.on('error', () => {});
  return {
    write: (bytes) =>
      new Promise((resolve) => {
        if (ws.readyState !== WebSocket.OPEN) resolve();
        else ws.send(bytes, () => resolve());
      }),
    onData: (listener) => ws.on('message', (data: Buffer) => listener(data)),
    close: () => ws.close(),
    closed: new Promise((resolve) => ws.once('close', () => resolve())),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
}
