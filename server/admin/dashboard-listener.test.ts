import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseDashboardUrl, parseListenUrl } from '../config/listen-url.ts';
import { createLogger } from '../logging/create-logger.ts';
import { startServer } from '../start-server.ts';
import { AdminHarness, testConfig } from './admin-test-harness.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('where the dashboard is served', () => {
  let h: AdminHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('gets its own HTTP server when no ws listener has its address', async () => {
    h = await AdminHarness.start(
      testConfig((config) => (config.listen = [parseListenUrl('tcp://127.0.0.1:0')])),
    );
    expect(h.server.listeners.map((l) => l.url)).toEqual([
      expect.stringMatching(/^mqtt:\/\/127\.0\.0\.1:\d+$/),
    ]);
    expect(h.server.dashboard!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${h.base}/api/overview`)).status).toBe(200);
    const viewer = await h.watch({ publishes: 'none' });
    await viewer.next((e) => e.type === 'tick');
    // MQTT over WebSocket is not on this server.
    const ws = new WebSocket(`${h.base.replace('http', 'ws')}/mqtt`, 'mqtt');
    ws.on('error', () => {});
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
  });

  it('is absent when disabled, and the ws listener answers plain HTTP with 404', async () => {
    h = await AdminHarness.start(testConfig((config) => (config.dashboard.enabled = false)));
    expect(h.server.dashboard).toBeUndefined();
    const url = h.server.listeners[0]!.url.replace('ws://', 'http://').replace('/mqtt', '/api/overview');
    expect((await fetch(url)).status).toBe(404);
  });

  it('refuses a dashboard port that a wildcard listener holds, naming both', async () => {
    const config = testConfig((c) => {
      c.listen = [parseListenUrl('ws://0.0.0.0:18080/mqtt')];
      c.dashboard.listen = parseDashboardUrl('http://127.0.0.1:18080');
    });
    await expect(startServer(config, createLogger(config.log))).rejects.toThrow(
      'dashboard.listen http://127.0.0.1:18080 collides with listener ws://0.0.0.0:18080/mqtt',
    );
  });

  it('npm start prints the dashboard URL; --dashboard off leaves it out', async () => {
    const run = async (args: string[]) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'server/cli.ts', '--log-level', 'silent', ...args],
        {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const exited = once(child, 'close');
      for (let i = 0; i < 200 && !stdout.includes('mqtt'); i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGTERM');
      await exited;
      return stdout;
    };
    const shared = await run(['--listen', 'ws://127.0.0.1:0/mqtt', '--dashboard', 'http://127.0.0.1:0']);
    const match =
      /^iothub listening on ws:\/\/127\.0\.0\.1:(\d+)\/mqtt\niothub dashboard at http:\/\/127\.0\.0\.1:(\d+)\/\n$/.exec(
        shared,
      );
    expect(match, shared).not.toBeNull();
    expect(match![1]).toBe(match![2]);
    const off = await run(['--listen', 'tcp://127.0.0.1:0', '--dashboard', 'off']);
    expect(off).toMatch(/^iothub listening on mqtt:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
