import { describe, expect, it } from 'vitest';
import { AdminApiError, RemoteBrokerLink } from './remote-broker-link.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function fakeFetch(status: number, body: unknown) {
  const calls: Call[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
    });
    return new Response(body === undefined ? '' : JSON.stringify(body), { status });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

describe('RemoteBrokerLink', () => {
  it('sends queries and the bearer token', async () => {
    const { fetch, calls } = fakeFetch(200, { total: 0, offset: 0, items: [] });
    const link = new RemoteBrokerLink({ baseUrl: 'http://broker:8080/', token: 's3cret', fetch });
    await link.sessions({ search: 'a b', state: 'connected', offset: 100, limit: 50 });
    expect(calls[0]!.url).toBe(
      'http://broker:8080/api/sessions?search=a+b&state=connected&offset=100&limit=50',
    );
    expect(calls[0]!.headers.authorization).toBe('Bearer s3cret');
  });

  it('encodes client ids in paths and posts actions as JSON', async () => {
    const { fetch, calls } = fakeFetch(200, { deliveries: 2 });
    const link = new RemoteBrokerLink({ fetch });
    await link.session('a/b c');
    expect(calls[0]!.url).toBe('/api/sessions/a%2Fb%20c');
    const action = { topic: 't', payload: 'x', encoding: 'utf8', qos: 1, retain: false } as const;
    expect(await link.publish(action)).toEqual({ deliveries: 2 });
    expect(calls[1]!.method).toBe('POST');
    expect(JSON.parse(calls[1]!.body!)).toEqual(action);
  });

  it('maps 404 to undefined or false, and other failures to AdminApiError', async () => {
    const missing = new RemoteBrokerLink({ fetch: fakeFetch(404, { error: 'no session' }).fetch });
    expect(await missing.session('x')).toBeUndefined();
    expect(await missing.disconnectClient('x')).toBe(false);
    const denied = new RemoteBrokerLink({ fetch: fakeFetch(401, { error: 'admin token required' }).fetch });
    await expect(denied.overview()).rejects.toEqual(new AdminApiError(401, 'admin token required'));
  });

  it('reads the boolean an action answers with', async () => {
    const link = new RemoteBrokerLink({ fetch: fakeFetch(200, { disconnected: true }).fetch });
    expect(await link.disconnectClient('x')).toBe(true);
  });

  it('opens the event socket with the token in the query', () => {
    const urls: string[] = [];
    const link = new RemoteBrokerLink({
      baseUrl: 'https://broker.example:8443',
      token: 'a&b',
      createSocket: (url) => {
        urls.push(url);
        return {
          readyState: 0,
          send() {},
          close() {},
          onopen: null,
          onmessage: null,
          onclose: null,
          onerror: null,
        };
      },
    });
    link.watch({ publishes: 'none' }, () => {})();
    expect(urls).toEqual(['wss://broker.example:8443/api/events?token=a%26b']);
  });
});
