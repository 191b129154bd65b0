import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AdminInputError } from '../../shared/admin/admin-input.ts';
import type { LocalBrokerLink } from '../../shared/admin/local-broker-link.ts';
import type { BrokerCounters, Logger } from '../../shared/index.ts';
import { type BoundListener, closeServer, listenOn } from '../listeners/bound-listener.ts';
import { formatHost } from '../listeners/tcp-listener.ts';
import { createAccessCheck } from './admin-access.ts';
import { createAdminApi } from './admin-api.ts';
import { createEventsEndpoint } from './events-socket.ts';
import { sendError } from './http-json.ts';
import { prometheusContentType, readProcessFigures, renderPrometheus } from './prometheus.ts';
import { createStaticFiles } from './static-files.ts';

export interface DashboardHttpOptions {
  link: LocalBrokerLink;
  counters: BrokerCounters;
  /** When set, `/api/*`, `/api/events` and `/metrics` require it. */
  adminToken: string | undefined;
  staticDir: string;
  logger: Logger;
}

export interface DashboardHttp {
  onRequest(request: IncomingMessage, response: ServerResponse): void;
  /** Takes the upgrade when it is for `/api/events`; false leaves it to the caller. */
  onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

/**
 * Everything the dashboard's HTTP origin answers: the admin API under `/api/`, its event WebSocket,
 * `/metrics`, and the built dashboard for every other path. No request can throw past here: a
 * failure is logged and answered with a JSON 500.
 */
export function createDashboardHttp(options: DashboardHttpOptions): DashboardHttp {
  const { link, logger } = options;
  const checkAccess = createAccessCheck(options.adminToken);
  const api = createAdminApi(link);
  const events = createEventsEndpoint(link, logger);
  const serveStatic = createStaticFiles(options.staticDir);

  const route = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const isApi = path === '/api' || path.startsWith('/api/');
    if (!isApi && path !== '/metrics') return serveStatic(request, response, url);
    const access = checkAccess(request, url);
    if (!access.ok) {
      const headers: Record<string, string> = access.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      return sendError(response, access.status, access.error, headers);
    }
    if (isApi) return api.handle(request, response, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendError(response, 405, `${request.method} not allowed here; use GET`, { allow: 'GET' });
    }
    const text = renderPrometheus(link.snapshot(), options.counters, readProcessFigures());
    response.writeHead(200, { 'content-type': prometheusContentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : text);
  };

  return {
    onRequest(request, response) {
      const fail = (error: unknown): void => {
        if (error instanceof AdminInputError) {
          // Stop reading a body that is too large; the client gets the answer, then the close.
          const headers: Record<string, string> = error.status === 413 ? { connection: 'close' } : {};
          sendError(response, error.status, error.message, headers);
          return;
        }
        logger.error('admin request failed', {
          method: request.method,
          path: request.url,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        sendError(response, 500, 'internal error');
      };
      request.on('error', (error) => logger.debug('admin request stream error', { error: error.message }));
      try {
        route(request, response, requestUrl(request)).catch(fail);
      } catch (error) {
        fail(error);
      }
    },
    onUpgrade(request, socket, head) {
      const url = requestUrl(request);
      if (url.pathname !== '/api/events') return false;
      const access = checkAccess(request, url);
      if (!access.ok) {
        const status = access.status === 401 ? '401 Unauthorized' : '403 Forbidden';
        const body = JSON.stringify({ error: access.error });
        socket.end(
          `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return true;
      }
      events.handleUpgrade(request, socket, head);
      return true;
    },
    close() {
      events.close();
    },
  };
}

function requestUrl(request: IncomingMessage): URL {
  // The Host header is not trusted for routing; only path and query matter.
  try {
    return new URL(request.url ?? '/', 'http://dashboard.invalid');
  } catch {
    return new URL('http://dashboard.invalid/');
  }
}

/** A standalone HTTP server for the dashboard, when no ws listener shares its address. */
export async function listenDashboard(
  http: DashboardHttp,
  host: string,
  port: number,
): Promise<BoundListener & { server: ReturnType<typeof createServer> }> {
  const server = createServer((request, response) => http.onRequest(request, response));
  const sockets = new Set<Duplex>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request, socket, head) => {
    if (!http.onUpgrade(request, socket, head))
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  const address = await listenOn(server, host, port);
  return {
    server,
    url: dashboardUrl(address.address, address.port),
    port: address.port,
    close: (graceMs) => closeServer(server, sockets, graceMs),
  };
}

export function dashboardUrl(host: string, port: number): string {
  return `http://${formatHost(host)}:${port}/`;
}
