import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminInputError, checkTopicName } from '../../shared/admin/admin-input.ts';
import type {
  BrokerLink,
  PublishAction,
  RetainedSelector,
  SessionQuery,
} from '../../shared/admin/broker-link.ts';
import { readJsonBody, sendJson } from './http-json.ts';

interface RouteContext {
  params: string[];
  query: URLSearchParams;
  request: IncomingMessage;
}

/** What a route answers: a JSON body with 200, or another status. */
type Reply = { status: number; body: unknown };
type RouteHandler = (context: RouteContext) => Promise<Reply>;

interface Route {
  method: string;
  /** Path segments after `/api`; `:` matches one segment, handed to the handler in order. */
  segments: string[];
  handle: RouteHandler;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const notFound = (error: string): Reply => ({ status: 404, body: { error } });

/** The routes of `adminRoutes`, on a BrokerLink. The events WebSocket is in events-socket.ts. */
function createRoutes(link: BrokerLink): Route[] {
  return [
    { method: 'GET', segments: ['overview'], handle: async () => ok(await link.overview()) },
    {
      method: 'GET',
      segments: ['sessions'],
      handle: async ({ query }) =>
        ok(
          await link.sessions({
            ...optionalText(query, 'search'),
            ...sessionState(query),
            ...paging(query),
          }),
        ),
    },
    {
      method: 'GET',
      segments: ['sessions', ':'],
      handle: async ({ params: [clientId = ''] }) => {
        const detail = await link.session(clientId);
        return detail ? ok(detail) : notFound(`no session for client id ${JSON.stringify(clientId)}`);
      },
    },
    {
      method: 'DELETE',
      segments: ['sessions', ':'],
      handle: async ({ params: [clientId = ''] }) =>
        (await link.deleteSession(clientId))
          ? ok({ deleted: true })
          : notFound(`no session for client id ${JSON.stringify(clientId)}`),
    },
    {
      method: 'POST',
      segments: ['sessions', ':', 'disconnect'],
      handle: async ({ params: [clientId = ''] }) =>
        (await link.disconnectClient(clientId))
          ? ok({ disconnected: true })
          : notFound(`client ${JSON.stringify(clientId)} is not connected`),
    },
    {
      method: 'GET',
      segments: ['subscriptions'],
      handle: async ({ query }) =>
        ok(await link.subscriptions({ ...optionalText(query, 'search'), ...paging(query) })),
    },
    { method: 'GET', segments: ['topics'], handle: async () => ok(await link.topics()) },
    {
      method: 'GET',
      segments: ['topics', 'messages'],
      handle: async ({ query }) => ok(await link.topicMessages(checkTopicName(query.get('topic') ?? ''))),
    },
    {
      method: 'GET',
      segments: ['retained'],
      handle: async ({ query }) =>
        ok(await link.retained({ ...optionalText(query, 'filter'), ...paging(query) })),
    },
    {
      method: 'DELETE',
      segments: ['retained'],
      handle: async ({ query }) => ok(await link.deleteRetained(retainedSelector(query))),
    },
    {
      method: 'POST',
      segments: ['publish'],
      // The link checks the action's fields; here only the body's size and syntax.
      handle: async ({ request }) => ok(await link.publish((await readJsonBody(request)) as PublishAction)),
    },
    {
      method: 'GET',
      segments: ['events'],
      handle: async () => ({
        status: 426,
        body: { error: 'the event stream is a WebSocket: send an upgrade' },
      }),
    },
  ];
}

export interface AdminApi {
  /** Answers a request whose path starts with `/api/`. Rejections are for the caller to report. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

export function createAdminApi(link: BrokerLink): AdminApi {
  const routes = createRoutes(link);
  return {
    async handle(request, response, url) {
      const segments = pathSegments(url.pathname).slice(1);
      const matching = routes.filter((route) => matches(route.segments, segments));
      if (matching.length === 0) {
        sendJson(response, 404, { error: `no such API route: ${url.pathname}` });
        return;
      }
      const route = matching.find((candidate) => candidate.method === request.method);
      if (!route) {
        const allow = matching.map((candidate) => candidate.method).join(', ');
        sendJson(response, 405, { error: `${request.method} not allowed here; use ${allow}` }, { allow });
        return;
      }
      const params = segments.filter((_, index) => route.segments[index] === ':');
      const reply = await route.handle({ params, query: url.searchParams, request });
      sendJson(response, reply.status, reply.body);
    },
  };
}

/** Decoded path segments; a client id may hold any character, `/` included, percent-encoded. */
function pathSegments(pathname: string): string[] {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new AdminInputError('malformed percent-encoding in the path');
  }
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every((part, index) => part === ':' || part === segments[index]);
}

function optionalText(query: URLSearchParams, name: 'search' | 'filter'): { [K in typeof name]?: string } {
  const value = query.get(name);
  return value === null || value === '' ? {} : { [name]: value };
}

function paging(query: URLSearchParams): { offset?: number; limit?: number } {
  const out: { offset?: number; limit?: number } = {};
  for (const name of ['offset', 'limit'] as const) {
    const text = query.get(name);
    if (text === null || text === '') continue;
    if (!/^\d{1,9}$/.test(text))
      throw new AdminInputError(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
    out[name] = Number(text);
  }
  return out;
}

function sessionState(query: URLSearchParams): Pick<SessionQuery, 'state'> {
  const state = query.get('state');
  if (state === null || state === '') return {};
  if (state === 'all' || state === 'connected' || state === 'offline') return { state };
  throw new AdminInputError(`state must be "all", "connected" or "offline", got ${JSON.stringify(state)}`);
}

function retainedSelector(query: URLSearchParams): RetainedSelector {
  const topic = query.get('topic');
  const filter = query.get('filter');
  if ((topic === null) === (filter === null)) throw new AdminInputError('give either ?topic= or ?filter=');
  return topic === null ? { filter: filter! } : { topic };
}
