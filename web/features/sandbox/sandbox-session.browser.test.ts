import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../shared/index.ts';
import { startSandboxBroker } from '../../sandbox/index.ts';
import type { ClientDefinition } from './client-definition.ts';
import { startRequestResponse } from './demos/request-response.ts';
import { startSensorFleet } from './demos/sensor-fleet.ts';
import { startWorkerPool, WORKERS } from './demos/worker-pool.ts';
import { SandboxSession } from './sandbox-session.ts';
import { CLIENTS_STORAGE_KEY } from './virtual-clients.ts';

const sessions: SandboxSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) {
    await session.demos.stopAll();
    session.dispose();
  }
});

/** Hands frames over on the next task, so tests need no animation frames. */
const nextTask = {
  request: (callback: () => void) => setTimeout(callback, 0) as unknown as number,
  cancel: (handle: number) => clearTimeout(handle),
};

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

async function start(storage: Storage = memoryStorage(), store = new MemoryStore()): Promise<SandboxSession> {
  const engine = await startSandboxBroker({ store, logger: 'silent', sysIntervalSeconds: 0 });
  const session = new SandboxSession(engine, { scheduler: nextTask, storage, persistent: false });
  sessions.push(session);
  return session;
}

async function open(session: SandboxSession, definition: ClientDefinition) {
  const client = session.clients.create(definition);
  await client.connect();
  return client;
}

const topicsOf = (session: SandboxSession, clientId: string): string[] =>
  session.clients.get(clientId)?.state.messages.map((message) => message.topic) ?? [];

describe('virtual clients on the in-tab broker', () => {
  it('deliver at the granted QoS, and a dropped connection publishes the will but a disconnect does not', async () => {
    const session = await start();
    const display = await open(session, { clientId: 'display', protocolVersion: 5, clean: true });
    await display.subscribe('home/#', 2);
    const will = { topic: 'home/thermostat/status', payload: 'lost', qos: 1 as const, retain: true };
    const thermostat = await open(session, { clientId: 'thermostat', protocolVersion: 4, clean: true, will });
    const quiet = await open(session, {
      clientId: 'quiet',
      protocolVersion: 4,
      clean: true,
      will: { ...will, topic: 'home/quiet/status' },
    });

    await thermostat.publish({ topic: 'home/temperature', payload: '21.5', qos: 1, retain: false });
    await thermostat.publish({ topic: 'home/setpoint', payload: '22', qos: 2, retain: false });
    await quiet.disconnect();
    thermostat.drop();
    await vi.waitFor(() => expect(topicsOf(session, 'display')).toContain('home/thermostat/status'));
    expect(display.state.messages.map((m) => [m.topic, m.qos])).toEqual([
      ['home/thermostat/status', 1],
      ['home/setpoint', 2],
      ['home/temperature', 1],
    ]);
    expect(thermostat.state).toMatchObject({ status: 'offline', ended: 'dropped', sent: 2 });
    expect(quiet.state).toMatchObject({ status: 'offline', ended: 'disconnected' });
    expect(quiet.state.problem).toBeUndefined();
  });

  it('resume a persistent session with what was queued while away', async () => {
    const session = await start();
    const lamp = await open(session, { clientId: 'lamp', protocolVersion: 5, clean: false });
    await lamp.subscribe('lamp/#', 1);
    await lamp.disconnect();
    const button = await open(session, { clientId: 'button', protocolVersion: 4, clean: true });
    await button.publish({ topic: 'lamp/set', payload: 'on', qos: 1, retain: false });
    await lamp.connect();
    expect(lamp.state.sessionPresent).toBe(true);
    await vi.waitFor(() => expect(topicsOf(session, 'lamp')).toEqual(['lamp/set']));
  });

  it('keep the user clients between page loads, and removing one ends its broker session', async () => {
    const storage = memoryStorage();
    const first = await start(storage);
    await open(first, { clientId: 'keeper', protocolVersion: 5, clean: false });
    await open(first, { clientId: 'passer', protocolVersion: 4, clean: true });
    expect(JSON.parse(storage.getItem(CLIENTS_STORAGE_KEY) ?? '[]')).toHaveLength(2);
    await first.removeClient('keeper');
    expect(await first.engine.link.session('keeper')).toBeUndefined();

    const second = await start(storage);
    expect(second.clients.getSnapshot().map((client) => [client.definition.clientId, client.status])).toEqual(
      [['passer', 'offline']],
    );
  });

  it('export to a file and import it into a fresh sandbox after a reset', async () => {
    const session = await start();
    const keeper = await open(session, { clientId: 'keeper', protocolVersion: 5, clean: false });
    await keeper.subscribe('notes/#', 1);
    await keeper.publish({ topic: 'notes/today', payload: 'buy milk', qos: 1, retain: true });
    const file = await session.exportFile(new Date(2026, 0, 2, 3, 4));
    expect(file.name).toBe('iothub-sandbox-2026-01-02-0304.json');

    await session.reset();
    expect(session.clients.getSnapshot()).toHaveLength(0);
    expect((await session.engine.link.retained({ filter: 'notes/#' })).total).toBe(0);

    await expect(session.importFile('{"format":"iothub-sandbox","version":9}')).rejects.toThrow('version 9');
    expect(await session.importFile(file.text)).toEqual({ clients: 1 });
    await vi.waitFor(() => expect(session.clients.getSnapshot()).toHaveLength(1));
    expect((await session.engine.link.retained({ filter: 'notes/#' })).total).toBe(1);
    const restored = session.clients.get('keeper')!;
    await restored.connect();
    expect(restored.state.sessionPresent).toBe(true);
  });
});

describe('demo scenarios', () => {
  it('the sensor fleet publishes readings to the dashboard and says offline when stopped', async () => {
    const session = await start();
    await session.demos.start('sensors', startSensorFleet, { sensors: 2, intervalMs: 40 });
    expect(session.demos.getSnapshot().sensors).toMatchObject({
      phase: 'running',
      clientIds: ['dashboard', 'sensor-01', 'sensor-02'],
    });
    await vi.waitFor(() =>
      expect(topicsOf(session, 'dashboard')).toEqual(
        expect.arrayContaining(['sensors/sensor-01/temperature', 'sensors/sensor-02/temperature']),
      ),
    );
    const reading = session.clients
      .get('dashboard')!
      .state.messages.find((m) => m.topic.endsWith('temperature'))!;
    expect(JSON.parse(atob(reading.payload.base64))).toMatchObject({
      unit: 'C',
      temperature: expect.any(Number),
    });

    await session.demos.stop('sensors');
    expect(session.clients.getSnapshot()).toHaveLength(0);
    const status = await session.engine.link.retained({ filter: 'sensors/+/status' });
    expect(status.items.map((item) => atob(item.payload.base64))).toEqual(['offline', 'offline']);
  });

  it('request/response echoes the correlation data on the response topic', async () => {
    const session = await start();
    await session.demos.start('rpc', startRequestResponse, { intervalMs: 30 });
    await vi.waitFor(() => expect(session.clients.get('requester')!.state.received).toBeGreaterThan(1));
    const replies = [...session.clients.get('requester')!.state.messages].reverse();
    expect(replies[0]).toMatchObject({ topic: 'replies/requester', contentType: 'application/json' });
    expect(atob(replies[0]!.correlationData!.base64)).toBe('req-0001');
    expect(JSON.parse(atob(replies[0]!.payload.base64))).toHaveProperty('result');
  });

  it('the worker pool hands each job to exactly one worker', async () => {
    const session = await start();
    await session.demos.start('workers', startWorkerPool, { intervalMs: 10 });
    const counts = WORKERS.map((id) => {
      const count = { jobs: 0 };
      session.clients.get(id)!.onMessage(() => count.jobs++);
      return count;
    });
    const received = () => counts.map((count) => count.jobs);
    await vi.waitFor(() => expect(Math.min(...received())).toBeGreaterThan(2));
    const producer = session.clients.get('producer')!;
    await session.demos.stop('workers');
    expect(session.demos.getSnapshot().workers.phase).toBe('idle');
    expect(producer.state.sent).toBeGreaterThan(8);
    // Stopped, so nothing more is sent; every job published arrived once, at one worker.
    await vi.waitFor(() => expect(received().reduce((a, b) => a + b, 0)).toBe(producer.state.sent));
  });

  it('a demo whose client id is taken does not start, and leaves nothing behind', async () => {
    const session = await start();
    await open(session, { clientId: 'service', protocolVersion: 5, clean: true });
    await expect(session.demos.start('rpc', startRequestResponse, {})).rejects.toThrow('service');
    expect(session.demos.getSnapshot().rpc.phase).toBe('idle');
    expect(session.clients.getSnapshot().map((client) => client.definition.clientId)).toEqual(['service']);
  });
});
