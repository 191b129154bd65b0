import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createBroker, silentLogger } from '../../shared/index.ts';
import { type RawClient, runTransportContract } from '../../shared/transport/transport.contract.ts';
import { createNodeEnvironment } from '../node-environment.ts';
import { listenTcp } from './tcp-listener.ts';

runTransportContract('tcp', async (limits) => {
  const broker = createBroker({ env: createNodeEnvironment(silentLogger), limits });
  const listener = await listenTcp(broker, '127.0.0.1', 0);
  const sockets: Socket[] = [];
  return {
    broker,
    async connect() {
      const socket = connect({ host: '127.0.0.1', port: listener.port });
      sockets.push(socket);
      await once(socket, 'connect');
      return rawTcpClient(socket);
    },
    async teardown() {
      for (const socket of sockets) socket.destroy();
      broker.shutdown();
      await listener.close();
    },
  };
});

describe('listenTcp', () => {
  it('binds an ephemeral port and reports it in its URL', async () => {
    const broker = createBroker({ env: createNodeEnvironment(silentLogger) });
    const listener = await listenTcp(broker, '127.0.0.1', 0);
    try {
      expect(listener.port).toBeGreaterThan(0);
      expect(listener.url).toBe(`mqtt://127.0.0.1:${listener.port}`);
    } finally {
      await listener.close();
    }
  });

  it('close() ends open sockets and stops accepting', async () => {
    const broker = createBroker({ env: createNodeEnvironment(silentLogger) });
    const listener = await listenTcp(broker, '127.0.0.1', 0);
    const socket = connect({ host: '127.0.0.1', port: listener.port });
    socket.on('error', () => {});
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    await listener.close();
    await closed;
    expect(broker.connections.size).toBe(0);
    const refused = connect({ host: '127.0.0.1', port: listener.port });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});

function rawTcpClient(socket: Socket): RawClient {
  // A write racing a close the broker started fails with EPIPE/ECONNRESET; the test sees the close.
  socket.on('error', () => {});
  socket.setNoDelay(true);
  return {
    write: (bytes) =>
      new Promise((resolve) => {
        if (socket.destroyed || socket.writableEnded) resolve();
        else socket.write(bytes, () => resolve());
      }),
    onData: (listener) => socket.on('data', listener),
    close: () => socket.end(),
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}
