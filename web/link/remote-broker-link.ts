import type {
  BrokerLink,
  LiveEvent,
  LiveFilter,
  MessageView,
  OverviewSnapshot,
  Page,
  PublishAction,
  RetainedQuery,
  RetainedSelector,
  SessionDetail,
  SessionQuery,
  SessionSummary,
  SubscriptionQuery,
  SubscriptionView,
  TopicView,
} from '../../shared/admin/broker-link.ts';
import { openEventSocket, type SocketFactory } from './event-socket.ts';

export interface RemoteBrokerLinkOptions {
  /** Origin (and optional path prefix) of the admin API; '' means the page's own origin. */
  baseUrl?: string;
  /** Admin token: sent as `Authorization: Bearer` and as `?token=` on the event socket. */
  token?: string;
  fetch?: typeof fetch;
  createSocket?: SocketFactory;
}

/** An admin API answer other than 2xx, with the server's JSON `error` text when it sent one. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

type Params = Record<string, string | number | undefined>;

/** BrokerLink over the admin HTTP API (see `adminRoutes`) and its `/api/events` WebSocket. */
export class RemoteBrokerLink implements BrokerLink {
  readonly mode = 'server' as const;
  readonly #baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #createSocket: SocketFactory;

  constructor(options: RemoteBrokerLinkOptions = {}) {
    this.#baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.#token = options.token || undefined;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#createSocket = options.createSocket ?? ((url) => new WebSocket(url));
  }

  overview(): Promise<OverviewSnapshot> {
    return this.#request('GET', '/api/overview');
  }

  sessions(query: SessionQuery = {}): Promise<Page<SessionSummary>> {
    return this.#request('GET', '/api/sessions', { ...query });
  }

  async session(clientId: string): Promise<SessionDetail | undefined> {
    try {
      return await this.#request<SessionDetail>('GET', `/api/sessions/${encodeURIComponent(clientId)}`);
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  subscriptions(query: SubscriptionQuery = {}): Promise<Page<SubscriptionView>> {
    return this.#request('GET', '/api/subscriptions', { ...query });
  }

  topics(): Promise<TopicView[]> {
    return this.#request('GET', '/api/topics');
  }

  topicMessages(topic: string): Promise<MessageView[]> {
    return this.#request('GET', '/api/topics/messages', { topic });
  }

  retained(query: RetainedQuery = {}): Promise<Page<MessageView>> {
    return this.#request('GET', '/api/retained', { ...query });
  }

  publish(action: PublishAction): Promise<{ deliveries: number }> {
    return this.#request('POST', '/api/publish', undefined, action);
  }

  disconnectClient(clientId: string): Promise<boolean> {
    return this.#action('POST', `/api/sessions/${encodeURIComponent(clientId)}/disconnect`);
  }

  deleteSession(clientId: string): Promise<boolean> {
    return this.#action('DELETE', `/api/sessions/${encodeURIComponent(clientId)}`);
  }

  deleteRetained(selector: RetainedSelector): Promise<{ deleted: number }> {
    return this.#request('DELETE', '/api/retained', { ...selector });
  }

  watch(filter: LiveFilter, onEvent: (event: LiveEvent) => void): () => void {
    const url = new URL(this.#url('/api/events', { token: this.#token }), currentOrigin());
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return openEventSocket({ url: url.href, filter, onEvent, createSocket: this.#createSocket });
  }

  /** Actions answer with a boolean, or 404 when the client is unknown. */
  async #action(method: string, path: string): Promise<boolean> {
    try {
      const body = await this.#request<unknown>(method, path);
      if (typeof body === 'boolean') return body;
      if (body && typeof body === 'object') {
        const flag = Object.values(body).find((value) => typeof value === 'boolean');
        if (typeof flag === 'boolean') return flag;
      }
      return true;
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404) return false;
      throw error;
    }
  }

  async #request<T>(method: string, path: string, params?: Params, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(this.#url(path, params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? parseJson(text) : undefined;
    if (!response.ok) {
      const message =
        parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string'
          ? parsed.error
          : `${method} ${path} failed with HTTP ${response.status}`;
      throw new AdminApiError(response.status, message);
    }
    return parsed as T;
  }

  #url(path: string, params?: Params): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params ?? {})) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const query = search.toString();
    return `${this.#baseUrl}${path}${query ? `?${query}` : ''}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function currentOrigin(): string {
  return globalThis.location?.href ?? 'http://localhost/';
}
