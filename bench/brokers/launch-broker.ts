import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from '../load/bench-client.ts';
import { sleep, withTimeout } from '../load/timing.ts';
import { readyPrefix } from './child-protocol.ts';
import { mosquittoConfig } from './mosquitto-config.ts';

export type BrokerName = 'iothub' | 'aedes' | 'mosquitto';
export const brokerNames: readonly BrokerName[] = ['iothub', 'aedes', 'mosquitto'];
export const brokerLabels: Record<BrokerName, string> = {
  iothub: 'IoTHub',
  aedes: 'Aedes',
  mosquitto: 'Mosquitto',
};

export interface RunningBroker {
  readonly name: BrokerName;
  readonly pid: number;
  readonly target: Target;
  /** True once the process has exited, expected or not. */
  exited(): boolean;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Path of the mosquitto executable (see `findMosquitto`). */
  mosquittoPath?: string;
  /** Write a V8 CPU profile of Node brokers into this directory. */
  profileDir?: string;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const startTimeoutMs = 20_000;
const stopTimeoutMs = 5_000;

/** Starts a broker as its own process on a free loopback port and waits until it accepts connections. */
export async function launchBroker(name: BrokerName, options: LaunchOptions = {}): Promise<RunningBroker> {
  if (name === 'mosquitto') return launchMosquitto(options.mosquittoPath ?? 'mosquitto');
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  // Plain node with the tsx loader rather than the `tsx` CLI, which would put a wrapper process (and
  // the wrong pid for /proc readings) between us and the broker.
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join('bench', 'brokers', `${name}.ts`)],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr = collectTail(child);
  const port = await withTimeout(readyPort(child, stderr), startTimeoutMs, () => `${name} to start`).catch(
    (error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
  return running(name, child, port, () => {});
}

async function launchMosquitto(path: string): Promise<RunningBroker> {
  // Mosquitto cannot report an ephemeral port, so we find a free one and hand it over.
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'iothub-bench-mosquitto-'));
  const configPath = join(dir, 'mosquitto.conf');
  writeFileSync(configPath, mosquittoConfig(port));
  const child = spawn(path, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collectTail(child);
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await withTimeout(acceptsConnections(port, child, stderr), startTimeoutMs, () => 'mosquitto to start');
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw error;
  }
  return running('mosquitto', child, port, cleanup);
}

function running(name: BrokerName, child: ChildProcess, port: number, cleanup: () => void): RunningBroker {
  let exited = child.exitCode !== null;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  return {
    name,
    pid: child.pid!,
    target: { host: '127.0.0.1', port },
    exited: () => exited,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await withTimeout(exit, stopTimeoutMs, () => `${name} to exit`).catch(() => child.kill('SIGKILL'));
        await exit;
      }
      cleanup();
    },
  };
}

function readyPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      buffered += text;
      const line = buffered.split('\n').find((candidate) => candidate.startsWith(readyPrefix));
      if (line) resolve(Number(line.slice(readyPrefix.length)));
    });
    child.once('exit', (code) => reject(new Error(`broker exited with code ${code}: ${stderr()}`)));
  });
}

async function acceptsConnections(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with code ${child.exitCode}: ${stderr()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await sleep(20);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The last few KiB of a child's stderr, for the error message when it fails. */
function collectTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    tail = (tail + text).slice(-4096);
    // Warnings from a broker under load are worth seeing as they happen.
    process.stderr.write(text);
  });
  return () => tail.trim();
}
