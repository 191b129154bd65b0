import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../config/listen-url.ts';

export type AccessVerdict = { ok: true } | { ok: false; status: 401 | 403; error: string };

/**
 * Who may use the admin API and the event stream.
 *
 * With a token: every request carries it (`Authorization: Bearer …`, or `?token=` where headers
 * cannot be set, as on a browser WebSocket). Browsers never add it by themselves, so no other site
 * can act with it.
 *
 * Without a token the server listens on loopback only, and that alone does not stop a web page the
 * operator visits: it could post forms to 127.0.0.1 (CSRF), open a WebSocket to it, or rebind its own
 * DNS name to 127.0.0.1. So the Host must be a loopback name, and an Origin, when a browser sends
 * one, must be this server or another loopback origin (a dev server on localhost).
 */
export function createAccessCheck(
  token: string | undefined,
): (request: IncomingMessage, url: URL) => AccessVerdict {
  if (token !== undefined) {
    const expected = digest(token);
    return (request, url) => {
      const offered = bearerToken(request) ?? url.searchParams.get('token') ?? undefined;
      if (offered !== undefined && timingSafeEqual(digest(offered), expected)) return { ok: true };
      return {
        ok: false,
        status: 401,
        error: offered === undefined ? 'admin token required' : 'wrong admin token',
      };
    };
  }
  return (request) => {
    const host = request.headers.host;
    if (host !== undefined && !isLoopbackHost(hostnameOf(`http://${host}`) ?? '')) {
      return {
        ok: false,
        status: 403,
        error: `host ${JSON.stringify(host)} not allowed without an admin token`,
      };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}` && !isLoopbackHost(hostnameOf(origin) ?? '')) {
      return { ok: false, status: 403, error: `origin ${JSON.stringify(origin)} not allowed` };
    }
    return { ok: true };
  };
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Fixed-length digests, so that comparing them takes the same time whatever was offered. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function hostnameOf(url: string): string | undefined {
  try {
    // URL keeps IPv6 brackets in hostname.
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}
