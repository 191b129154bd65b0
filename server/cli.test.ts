import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { IDisconnectPacket } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The CLI's own shutdown deadline; a graceful exit must come well within it. */
const SHUTDOWN_DEADLINE_MS = 5000;
const LISTENING = /^iothub listening on mqtt:\/\/127\.0\.0\.1:(\d+)$/m;

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('iothub CLI', () => {
  /** CLIs not yet closed. */
  const running = new Set<Cli>();
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await Promise.all([...running].map((cli) => cli.exited));
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  function runCli(args: string[]): Cli {
    // The dashboard would otherwise take its default fixed port (8080).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', '--dashboard', 'off', ...args],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('close', (code, signal) => {
        running.delete(cli);
        resolve({ code, signal });
      });
    });
    const cli: Cli = { child, stdout: () => stdout, stderr: () => stderr, exited };
    running.add(cli);
    return cli;
  }

  /** Resolves with the port once the CLI prints where it listens. */
  async function listeningPort(cli: Cli): Promise<number> {
    for (;;) {
      const match = LISTENING.exec(cli.stdout());
      if (match) return Number(match[1]);
      const outcome = await Promise.race([once(cli.child.stdout!, 'data'), cli.exited]);
      if (!Array.isArray(outcome)) {
        throw new Error(`CLI exited (${JSON.stringify(outcome)}) before listening: ${cli.stderr()}`);
      }
    }
  }

  async function tempFile(name: string, text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'iothub-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('prints the address it listens on and accepts MQTT clients there', async () => {
    const cli = runCli(['--listen', 'tcp://127.0.0.1:0']);
    const port = await listeningPort(cli);
    expect(port).toBeGreaterThan(0);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    await client.endAsync();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('exits non-zero with a one-line error when the port is already in use', async () => {
    const blocker: Server = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const { port } = blocker.address() as { port: number };

    const cli = runCli(['--listen', `tcp://127.0.0.1:${port}`]);
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toBe(`iothub: cannot listen: address 127.0.0.1:${port} is already in use\n`);
  });

  it.each([
    {
      where: 'a section',
      toml: 'listen = ["tcp://127.0.0.1:0"]\n\n[limits]\nmax_conections = 10\n',
      error: /^iothub\.toml:4: limits\.max_conections: unknown key \(did you mean max_connections\?\)$/,
    },
    {
      where: 'the top level',
      toml: '# IoTHub\nbacklog = 511\n',
      error: /^iothub\.toml:2: backlog: unknown key$/,
    },
  ])('exits non-zero naming the key and line of an unknown key in $where', async ({ toml, error }) => {
    const path = await tempFile('iothub.toml', toml);
    const cli = runCli(['--config', path]);
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(cli.stdout()).toBe('');
    const stderr = cli.stderr().replace(path, 'iothub.toml');
    expect(stderr.endsWith('\n') && stderr.split('\n').length === 2, stderr).toBe(true);
    expect(stderr.trimEnd()).toMatch(error);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'shuts down gracefully on %s: v5 clients get DISCONNECT 0x8B, exit code 0',
    async (signal) => {
      const cli = runCli(['--listen', 'tcp://127.0.0.1:0', '--log-level', 'silent']);
      const port = await listeningPort(cli);
      const client: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      cleanups.push(() => client.endAsync(true));
      const disconnect = new Promise<IDisconnectPacket>((resolve) => client.once('disconnect', resolve));

      const signalledAt = Date.now();
      cli.child.kill(signal);
      // MQTT 5 reason code 0x8B: server shutting down.
      expect((await disconnect).reasonCode).toBe(0x8b);
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      expect(cli.stderr()).toBe('');
    },
  );
});
