import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseDashboardUrl } from '../config/listen-url.ts';
import { createLogger } from '../logging/create-logger.ts';
import { startServer } from '../start-server.ts';
import { AdminHarness, testConfig } from './admin-test-harness.ts';

const token = 'test-token-0123456789abcdef';

/** A GET with headers fetch() will not send as given (Host). */
function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, { headers });
  ws.on('error', () => {});
  const outcome = await Promise.race([
    once(ws, 'open').then(() => 101),
    once(ws, 'unexpected-response').then(([, response]) => (response as { statusCode: number }).statusCode),
  ]);
  ws.terminate();
  return outcome;
}

describe('admin API access', () => {
  let h: AdminHarness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  describe('with an admin token', () => {
    it('answers 401 without the token or with a wrong one, 200 with it', async () => {
      h = await AdminHarness.start(testConfig((config) => (config.dashboard.adminToken = token)));
      for (const path of ['/api/overview', '/api/sessions', '/metrics', '/api/nothing']) {
        const missing = await h.get(path);
        expect(missing.status, path).toBe(401);
        expect(missing.json()).toEqual({ error: 'admin token required' });
        expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      }
      const wrong = await h.get('/api/overview', { authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.json()).toEqual({ error: 'wrong admin token' });
      expect((await h.get('/api/overview', { authorization: `Bearer ${token}` })).status).toBe(200);
      expect((await h.get(`/api/overview?token=${token}`)).status).toBe(200);
      expect((await h.get('/metrics', { authorization: `bearer ${token}` })).status).toBe(200);
      const publish = await h.request('POST', '/api/publish', { body: { topic: 'a' } });
      expect(publish.status).toBe(401);
      const authorised = await h.request('POST', '/api/publish', {
        body: { topic: 'a' },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(authorised.json()).toEqual({ deliveries: 0 });
    });

    it('guards the event WebSocket: token as ?token= or Authorization header', async () => {
      h = await AdminHarness.start(testConfig((config) => (config.dashboard.adminToken = token)));
      const url = `${h.base.replace('http', 'ws')}/api/events`;
      expect(await upgradeStatus(url)).toBe(401);
      expect(await upgradeStatus(`${url}?token=wrong`)).toBe(401);
      const viewer = await h.watch({ publishes: 'all' }, `/api/events?token=${token}`);
      await viewer.next((e) => e.type === 'tick');
      const byHeader = await h.watch({ publishes: 'none' }, '/api/events', {
        authorization: `Bearer ${token}`,
      });
      await byHeader.next((e) => e.type === 'tick');
    });

    it('serves the dashboard page itself without the token (it asks for one)', async () => {
      h = await AdminHarness.start(testConfig((config) => (config.dashboard.adminToken = token)));
      expect([200, 503]).toContain((await h.get('/')).status);
    });

    it('can listen beyond loopback with a token', async () => {
      h = await AdminHarness.start(
        testConfig((config) => {
          config.listen = [];
          config.dashboard.listen = parseDashboardUrl('http://0.0.0.0:0');
          config.dashboard.adminToken = token;
        }),
      );
      expect(h.server.dashboard!.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/$/);
      const reply = await fetch(`http://127.0.0.1:${h.server.dashboard!.port}/api/overview`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(reply.status).toBe(200);
    });
  });

  describe('without a token', () => {
    it('refuses to start on a non-loopback address', async () => {
      const config = testConfig((c) => (c.dashboard.listen = parseDashboardUrl('http://0.0.0.0:0')));
      await expect(startServer(config, createLogger(config.log))).rejects.toThrow(
        'dashboard.listen: http://0.0.0.0:0 is reachable from other machines: set dashboard.admin_token',
      );
    });

    it('starts on a non-loopback address when the dashboard is disabled', async () => {
      h = await AdminHarness.start(
        testConfig((config) => {
          config.dashboard.enabled = false;
          config.dashboard.listen = parseDashboardUrl('http://0.0.0.0:0');
        }),
      );
      expect(h.server.dashboard).toBeUndefined();
      const response = await fetch(
        h.server.listeners[0]!.url.replace('ws', 'http').replace('/mqtt', '/api/overview'),
      );
      expect(response.status).toBe(404);
    });

    it('refuses a Host that is not a loopback name (DNS rebinding)', async () => {
      h = await AdminHarness.start();
      const port = h.server.dashboard!.port;
      expect((await rawGet(port, '/api/overview', { host: 'attacker.example' })).status).toBe(403);
      expect((await rawGet(port, '/metrics', { host: `attacker.example:${port}` })).body).toContain(
        'not allowed',
      );
      expect((await rawGet(port, '/api/overview', { host: `localhost:${port}` })).status).toBe(200);
      expect((await rawGet(port, '/api/overview', { host: `[::1]:${port}` })).status).toBe(200);
    });

    it('refuses requests and event sockets from another site (CSRF), allows loopback origins', async () => {
      h = await AdminHarness.start();
      const evil = { origin: 'https://attacker.example' };
      const kick = await h.request('POST', '/api/sessions/x/disconnect', { headers: evil });
      expect(kick.status).toBe(403);
      expect(kick.json()).toEqual({ error: 'origin "https://attacker.example" not allowed' });
      expect((await h.get('/api/overview', { origin: 'http://localhost:5173' })).status).toBe(200);
      expect((await h.get('/api/overview', { origin: h.base })).status).toBe(200);
      const url = `${h.base.replace('http', 'ws')}/api/events`;
      expect(await upgradeStatus(url, evil)).toBe(403);
      expect(await upgradeStatus(url, { origin: h.base })).toBe(101);
    });
  });
});
