import type { AddressInfo } from 'node:net';

/** A listener that is bound and accepting. */
export interface BoundListener {
  /** Where clients connect, e.g. mqtt://127.0.0.1:1883 or ws://127.0.0.1:8080/mqtt. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting; resolves once every socket has closed. Sockets still open after `graceMs`
   * (default 0) are destroyed. */
  close(graceMs?: number): Promise<void>;
}

interface ListeningServer {
  listen(port: number, host: string): unknown;
  once(event: 'listening' | 'error', listener: (error?: Error) => void): unknown;
  off(event: 'listening' | 'error', listener: (error?: Error) => void): unknown;
  address(): AddressInfo | string | null;
  close(callback?: (error?: Error) => void): unknown;
}

export function listenOn(server: ListeningServer, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error?: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function closeServer(
  server: ListeningServer,
  sockets: Iterable<{ destroy(): void }>,
  graceMs = 0,
): Promise<void> {
  return new Promise((resolve) => {
    const destroyAll = (): void => {
      for (const socket of sockets) socket.destroy();
    };
    const timer = graceMs > 0 ? setTimeout(destroyAll, graceMs) : undefined;
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    if (graceMs <= 0) destroyAll();
  });
}
