import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminHarness, testConfig } from './admin-test-harness.ts';

/** The path exactly as given: fetch() would normalise `..` away. */
function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static dashboard files', () => {
  let dir = '';
  let h: AdminHarness | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iothub-static-'));
    await mkdir(join(dir, 'web', 'assets'), { recursive: true });
    await writeFile(join(dir, 'web', 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'web', 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'web', 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'secret.txt'), 'outside the root');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('serves the build, with index.html for app routes and long caching for hashed assets', async () => {
    h = await AdminHarness.start(testConfig(), { staticDir: join(dir, 'web') });
    const index = await fetch(`${h.base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    expect(await index.text()).toContain('id="root"');
    const route = await fetch(`${h.base}/sessions/some-client`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('id="root"');
    const asset = await fetch(`${h.base}/assets/index-abc123.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(`${h.base}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    const head = await fetch(`${h.base}/favicon.svg`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 for missing files and paths that leave the root, 405 for other methods', async () => {
    h = await AdminHarness.start(testConfig(), { staticDir: join(dir, 'web') });
    expect((await fetch(`${h.base}/assets/missing.js`)).status).toBe(404);
    const port = h.server.dashboard!.port;
    expect(await rawStatus(port, '/../secret.txt')).toBe(404);
    expect(await rawStatus(port, '/%2e%2e/secret.txt')).toBe(404);
    expect(await rawStatus(port, '/assets/%2e%2e%2f%2e%2e%2fsecret.txt')).toBe(404);
    expect(await rawStatus(port, '/%00')).toBe(404);
    expect((await fetch(`${h.base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('says how to build the dashboard when there is no build', async () => {
    h = await AdminHarness.start(testConfig(), { staticDir: join(dir, 'no-such-dir') });
    const page = await fetch(`${h.base}/`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('npm run build:web');
    // The API works regardless.
    expect((await fetch(`${h.base}/api/overview`)).status).toBe(200);
  });
});
