import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Transport, TransportAcceptor } from '../../shared/index.ts';
import { type BoundListener, closeServer, listenOn } from './bound-listener.ts';
import { formatHost } from './tcp-listener.ts';

const MQTT_SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];
/** Bytes queued in a WebSocket before `send` reports a full buffer. */
const HIGH_WATER_MARK = 256 * 1024;

/** Adapts one WebSocket (binary frames carrying an MQTT byte stream) to the transport contract. */
export function acceptWebSocket(acceptor: TransportAcceptor, ws: WebSocket, request: IncomingMessage): void {
  const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
  let waitingForDrain = false;
  const onWritten = (): void => {
    if (waitingForDrain && ws.bufferedAmount <= HIGH_WATER_MARK) {
      waitingForDrain = false;
      sink.drained();
    }
  };
  const transport: Transport = {
    info: { kind: 'ws', remoteAddress: remote },
    send(bytes) {
      if (ws.readyState !== ws.OPEN) return false;
      if (ws.bufferedAmount + bytes.length <= HIGH_WATER_MARK) {
        ws.send(bytes);
        return true;
      }
      // Over the mark: ask to be told when this write has gone out, and check the level then.
      waitingForDrain = true;
      ws.send(bytes, onWritten);
      return false;
    },
    // A method, not an arrow property: tsx (esbuild keepNames) renames each arrow property with
    // Object.defineProperty, which gives every connection's closure a property table of its own.
    close() {
      ws.close();
    },
  };
  const sink = acceptor.accept(transport);
  let error: Error | undefined;
  ws.on('message', (data, isBinary) => {
    // MQTT over WebSocket uses binary frames only [MQTT-6.0.0-1].
    if (!isBinary) {
      ws.close(1003, 'MQTT needs binary frames');
      return;
    }
    sink.received(data as Buffer);
  });
  ws.on('error', (cause) => {
    error = cause;
  });
  ws.on('close', () => sink.closed(error));
}

export interface WebSocketEndpoint {
  /** Hands HTTP upgrades on `path` to the broker; returns false for other paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  readonly clients: Set<WebSocket>;
}

export function createWebSocketEndpoint(acceptor: TransportAcceptor, path: string): WebSocketEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => MQTT_SUBPROTOCOLS.find((name) => offered.has(name)) ?? false,
  });
  return {
    clients: wss.clients,
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== path) return false;
      wss.handleUpgrade(request, socket, head, (ws) => acceptWebSocket(acceptor, ws, request));
      return true;
    },
  };
}

/** Another upgrade handler on the same server (the dashboard's event stream); false declines. */
export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/** An HTTP server whose `path` upgrades to MQTT over WebSocket; other requests go to `onRequest`,
 * other upgrades to `onUpgrade`. */
export async function listenWebSocket(
  acceptor: TransportAcceptor,
  host: string,
  port: number,
  path: string,
  onRequest?: RequestListener,
  onUpgrade?: UpgradeListener,
): Promise<BoundListener & { server: Server }> {
  const server = createServer(
    onRequest ??
      ((_request, response) => {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      }),
  );
  const endpoint = createWebSocketEndpoint(acceptor, path);
  const sockets = new Set<Duplex>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request, socket, head) => {
    if (!endpoint.handleUpgrade(request, socket, head) && !onUpgrade?.(request, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  const address = await listenOn(server, host, port);
  return {
    server,
    url: `ws://${formatHost(address.address)}:${address.port}${path}`,
    port: address.port,
    close: (graceMs) => closeServer(server, sockets, graceMs),
  };
}
