import { type Broker, createBroker, type Logger } from '../shared/index.ts';
import type { ServerConfig } from './config/config-schema.ts';
import type { BoundListener } from './listeners/bound-listener.ts';
import { listenTcp } from './listeners/tcp-listener.ts';
import { listenWebSocket } from './listeners/ws-listener.ts';
import { createNodeEnvironment } from './node-environment.ts';

export interface RunningServer {
  readonly broker: Broker;
  readonly listeners: readonly BoundListener[];
  /** Graceful shutdown: stop accepting, tell clients, flush, close; sockets still open after
   * `deadlineMs` are destroyed. */
  stop(deadlineMs?: number): Promise<void>;
}

/** Starts the broker and every configured listener; on a listen failure the ones already bound are
 * closed again before the error is thrown. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const broker = createBroker({ env: createNodeEnvironment(logger), limits: config.limits });
  const listeners: BoundListener[] = [];
  try {
    for (const spec of config.listen) {
      const listener =
        spec.protocol === 'tcp'
          ? await listenTcp(broker, spec.host, spec.port)
          : await listenWebSocket(broker, spec.host, spec.port, spec.path);
      listeners.push(listener);
    }
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.close()));
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = (deadlineMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      const closed = Promise.all(listeners.map((listener) => listener.close(deadlineMs)));
      broker.shutdown();
      await closed;
    })();
    return stopping;
  };
  return { broker, listeners, stop };
}
