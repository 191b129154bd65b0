import { createServer, type Server, type Socket } from 'node:net';
import type { Transport, TransportAcceptor } from '../../shared/index.ts';
import { type BoundListener, closeServer, listenOn } from './bound-listener.ts';

/** Adapts one TCP socket to the transport contract. */
export function acceptTcpSocket(acceptor: TransportAcceptor, socket: Socket): void {
  socket.setNoDelay(true);
  const transport: Transport = {
    info: { kind: 'tcp', remoteAddress: `${socket.remoteAddress}:${socket.remotePort}` },
    send: (bytes) => socket.write(bytes),
    // Flush what is queued, then close; the peer need not close its side.
    close: () => socket.destroySoon(),
  };
  const sink = acceptor.accept(transport);
  let error: Error | undefined;
  socket.on('data', (bytes) => sink.received(bytes));
  socket.on('drain', () => sink.drained());
  socket.on('error', (cause) => {
    error = cause;
  });
  socket.on('close', () => sink.closed(error));
}

export async function listenTcp(
  acceptor: TransportAcceptor,
  host: string,
  port: number,
): Promise<BoundListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    acceptTcpSocket(acceptor, socket);
  });
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
