import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubscribeEvent } from '../../shared/index.ts';
import type { RunningServer } from '../start-server.ts';
import { startTestServer } from './integration-helpers.ts';

const hasMosquittoClients = spawnSync('which', ['mosquitto_pub', 'mosquitto_sub']).status === 0;
const EXIT_TIMEOUT_MS = 5000;
/** topic, QoS, retain flag, payload: one line per message. */
const FORMAT = '%t %q %r %p';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Tool {
  child: ChildProcess;
  /** Resolves when the process has exited; kills it after EXIT_TIMEOUT_MS. */
  finished: Promise<Finished>;
}

describe.skipIf(!hasMosquittoClients)('mosquitto_pub / mosquitto_sub against the server', () => {
  let server: RunningServer;
  let port: number;
  /** Children not yet closed, with the promise that settles when they are. */
  const running = new Map<ChildProcess, Promise<Finished>>();

  beforeEach(async () => {
    server = await startTestServer(['tcp://127.0.0.1:0']);
    port = server.listeners[0]!.port;
  });

  afterEach(async () => {
    for (const child of running.keys()) child.kill('SIGKILL');
    await Promise.all(running.values());
    await server.stop(1000);
  });

  function start(command: 'mosquitto_pub' | 'mosquitto_sub', args: string[], stdin?: string): Tool {
    const child = spawn(command, ['-h', '127.0.0.1', '-p', String(port), ...args], {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => (stderr += String(error)));
    const finished = new Promise<Finished>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        running.delete(child);
        resolve({ code, signal, stdout, stderr });
      });
    });
    running.set(child, finished);
    return { child, finished };
  }

  /** Starts mosquitto_sub and resolves once the broker has its subscription. */
  async function subscribe(clientId: string, args: string[]): Promise<Tool> {
    const subscribed = new Promise<void>((resolve) => {
      const off = server.broker.events.on('subscribe', (event: SubscribeEvent) => {
        if (event.clientId !== clientId) return;
        off();
        resolve();
      });
    });
    const tool = start('mosquitto_sub', ['-i', clientId, ...args]);
    await Promise.race([
      subscribed,
      tool.finished.then((result) => {
        throw new Error(`mosquitto_sub exited before subscribing: ${JSON.stringify(result)}`);
      }),
    ]);
    return tool;
  }

  async function publish(args: string[], stdin?: string): Promise<void> {
    const result = await start('mosquitto_pub', args, stdin).finished;
    expect(result, result.stderr).toMatchObject({ code: 0 });
  }

  describe.each(['mqttv31', 'mqttv311', 'mqttv5'])('-V %s', (version) => {
    it.each([0, 1, 2])('delivers a QoS %i message from mosquitto_pub to mosquitto_sub', async (qos) => {
      const topic = `interop/${version}/${qos}`;
      const sub = await subscribe(`sub-${version}-${qos}`, [
        '-V',
        version,
        '-q',
        String(qos),
        '-t',
        topic,
        '-C',
        '1',
        '-F',
        FORMAT,
      ]);
      await publish([
        '-V',
        version,
        '-i',
        `pub-${version}-${qos}`,
        '-q',
        String(qos),
        '-t',
        topic,
        '-m',
        'hello',
      ]);
      const result = await sub.finished;
      expect(result).toMatchObject({ code: 0, stdout: `${topic} ${qos} 0 hello\n` });
    });
  });

  it('ends mosquitto_sub -C 3 after exactly three messages, in order', async () => {
    const sub = await subscribe('counter', ['-t', 'count', '-q', '1', '-C', '3']);
    // -l publishes one message per stdin line.
    await publish(['-i', 'lines', '-t', 'count', '-q', '1', '-l'], 'one\ntwo\nthree\nfour\n');
    const result = await sub.finished;
    expect(result).toMatchObject({ code: 0, stdout: 'one\ntwo\nthree\n' });
  });

  it('keeps a retained message (-r) for a later mosquitto_sub and clears it with -n [MQTT-3.3.1-5]', async () => {
    await publish(['-i', 'retainer', '-t', 'kept/a', '-q', '1', '-r', '-m', 'stays']);
    // [MQTT-3.3.1-8] sent because of the new subscription, so with retain 1.
    const first = await subscribe('late-1', ['-t', 'kept/#', '-q', '1', '-C', '1', '-F', FORMAT]);
    expect(await first.finished).toMatchObject({ code: 0, stdout: 'kept/a 1 1 stays\n' });

    await publish(['-i', 'clearer', '-t', 'kept/a', '-q', '1', '-r', '-n']);
    const second = await subscribe('late-2', ['-t', 'kept/#', '-q', '1', '-C', '1', '-F', FORMAT]);
    await publish(['-i', 'marker', '-t', 'kept/marker', '-q', '1', '-m', 'fresh']);
    expect(await second.finished).toMatchObject({ code: 0, stdout: 'kept/marker 1 0 fresh\n' });
  });

  it.each(['mqttv311', 'mqttv5'])(
    'publishes the will of a killed %s mosquitto_sub [MQTT-3.1.2-8]',
    async (version) => {
      const watcher = await subscribe('will-watcher', ['-t', 'will/#', '-q', '1', '-C', '1', '-v']);
      const victim = await subscribe('will-victim', [
        '-V',
        version,
        '-t',
        'anything',
        '--will-topic',
        'will/victim',
        '--will-payload',
        'gone',
        '--will-qos',
        '1',
      ]);
      victim.child.kill('SIGKILL');
      expect(await watcher.finished).toMatchObject({ code: 0, stdout: 'will/victim gone\n' });
    },
  );
});

if (!hasMosquittoClients) {
  describe('mosquitto_pub / mosquitto_sub', () => {
    it.skip('skipped: mosquitto_pub/mosquitto_sub not found (apt-get install -y mosquitto-clients)', () => {});
  });
}
