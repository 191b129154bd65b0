import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { isRecord } from '../../shared/admin/admin-input.ts';
import type { BrokerLink, LiveEvent, LiveFilter } from '../../shared/admin/broker-link.ts';
import type { Logger } from '../../shared/index.ts';

/** Beyond this many unsent bytes a viewer gets no publish events until it catches up. */
const PUBLISH_BACKLOG_BYTES = 1024 * 1024;
/** Beyond this a viewer is not reading at all and is disconnected. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
/** Viewers send only small watch messages. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** An event passed to several viewers is serialised once. */
const serialised = new WeakMap<object, string>();

function serialise(event: object): string {
  let text = serialised.get(event);
  if (text === undefined) {
    text = JSON.stringify(event);
    serialised.set(event, text);
  }
  return text;
}

export interface EventsEndpoint {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every event socket. */
  close(): void;
}

/**
 * The live event stream at `/api/events`: a viewer sends `{"type":"watch","filter":LiveFilter}` (again
 * to change the filter) and receives one LiveEvent per text message. A bad message is answered with
 * `{"type":"error","error":…}` and leaves the current filter in place. A viewer that falls behind
 * loses publish events first; one that stops reading is closed.
 */
export function createEventsEndpoint(link: BrokerLink, logger: Logger): EventsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const alive = new WeakSet<WebSocket>();
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS).unref();

  const serve = (ws: WebSocket): void => {
    let unwatch: (() => void) | undefined;
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    const send = (event: LiveEvent | { type: 'error'; error: string }): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BACKLOG_BYTES) {
        ws.terminate();
        return;
      }
      if (event.type === 'publish' && ws.bufferedAmount > PUBLISH_BACKLOG_BYTES) return;
      ws.send(serialise(event));
    };
    ws.on('message', (data, isBinary) => {
      try {
        const message: unknown = isBinary ? undefined : JSON.parse(String(data));
        if (!isRecord(message) || message.type !== 'watch') {
          send({ type: 'error', error: 'expected {"type":"watch","filter":{...}}' });
          return;
        }
        // The link checks the filter and throws AdminInputError with the reason.
        const next = link.watch((message.filter ?? {}) as LiveFilter, send);
        unwatch?.();
        unwatch = next;
      } catch (error) {
        send({
          type: 'error',
          error: error instanceof SyntaxError ? 'invalid JSON' : (error as Error).message,
        });
      }
    });
    ws.on('error', (error) => logger.debug('event socket error', { error: error.message }));
    ws.on('close', () => {
      unwatch?.();
      unwatch = undefined;
    });
  };

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, serve);
    },
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
