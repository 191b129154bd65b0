import { createServer, type Server, type Socket } from 'node:net';
import type { Transport, TransportAcceptor, TransportInfo } from '../../shared/index.ts';
import { type BoundListener, closeServer, listenOn } from './bound-listener.ts';

/** One TCP socket as a transport. A class rather than an object literal of closures: there is one
 * per connection, and methods on the prototype cost a connection nothing. */
class TcpTransport implements Transport {
  readonly info: TransportInfo;

  constructor(private readonly socket: Socket) {
    this.info = { kind: 'tcp', remoteAddress: `${socket.remoteAddress}:${socket.remotePort}` };
  }

  send(bytes: Uint8Array): boolean {
    return this.socket.write(bytes);
  }

  /** Flushes what is queued, then closes; the peer need not close its side. */
  close(): void {
    this.socket.destroySoon();
  }
}

/** Adapts one TCP socket to the transport contract; it is in `open` until it closes. */
export function acceptTcpSocket(acceptor: TransportAcceptor, socket: Socket, open: Set<Socket>): void {
  socket.setNoDelay(true);
  open.add(socket);
  const sink = acceptor.accept(new TcpTransport(socket));
  let error: Error | undefined;
  socket.on('data', (bytes) => sink.received(bytes));
  socket.on('drain', () => sink.drained());
  socket.on('error', (cause) => {
    error = cause;
  });
  socket.on('close', () => {
    open.delete(socket);
    sink.closed(error);
  });
}

export async function listenTcp(
  acceptor: TransportAcceptor,
  host: string,
  port: number,
): Promise<BoundListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => acceptTcpSocket(acceptor, socket, sockets));
  const address = await listenOn(server, host, port);
  return {
    url: `mqtt://${formatHost(address.address)}:${address.port}`,
    port: address.port,
    close: (graceMs) => closeServer(server, sockets, graceMs),
  };
}

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
