import type { ClientDefinition, DemoName } from '../client-definition.ts';
import type { VirtualClient } from '../virtual-client.ts';
import type { VirtualClients } from '../virtual-clients.ts';

/** What a demo scenario may use; everything it opens is closed by the runner when it stops. */
export interface DemoContext {
  /** Creates a client tagged with the demo and connects it. */
  open(definition: Omit<ClientDefinition, 'demo'>): Promise<VirtualClient>;
  /** Runs `tick` every `ms` until the demo stops. */
  every(ms: number, tick: () => void): void;
}

/** Starts a scenario; resolves with what to do before its clients are removed (say goodbye). */
export type DemoStart<O> = (context: DemoContext, options: O) => Promise<() => Promise<void>>;

export type DemoPhase = 'idle' | 'starting' | 'running' | 'stopping';

export interface DemoStatus {
  phase: DemoPhase;
  clientIds: readonly string[];
  startedAt?: number;
}

export type DemoStatuses = Readonly<Record<DemoName, DemoStatus>>;

const idle: DemoStatus = { phase: 'idle', clientIds: [] };

interface Running {
  timers: ReturnType<typeof setInterval>[];
  clientIds: string[];
  farewell?: () => Promise<void>;
}

/** Starts and stops the demo scenarios, one of each kind at a time. */
export class DemoRunner {
  #statuses: DemoStatuses = { sensors: idle, rpc: idle, workers: idle };
  #running = new Map<DemoName, Running>();
  #listeners = new Set<() => void>();
  readonly #clients: VirtualClients;

  constructor(clients: VirtualClients) {
    this.#clients = clients;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): DemoStatuses => this.#statuses;

  async start<O>(name: DemoName, start: DemoStart<O>, options: O): Promise<void> {
    if (this.#running.has(name)) return;
    const running: Running = { timers: [], clientIds: [] };
    this.#running.set(name, running);
    this.#set(name, { phase: 'starting', clientIds: [] });
    const context: DemoContext = {
      open: async (definition) => {
        const client = this.#clients.create({ ...definition, demo: name });
        running.clientIds.push(client.id);
        this.#set(name, { phase: 'starting', clientIds: [...running.clientIds] });
        await client.connect();
        return client;
      },
      every: (ms, tick) => {
        running.timers.push(setInterval(tick, ms));
      },
    };
    try {
      running.farewell = await start(context, options);
    } catch (error) {
      await this.stop(name);
      throw error;
    }
    if (this.#running.get(name) !== running) return;
    this.#set(name, { phase: 'running', clientIds: [...running.clientIds], startedAt: Date.now() });
  }

  async stop(name: DemoName): Promise<void> {
    const running = this.#running.get(name);
    if (!running) return;
    this.#set(name, { ...this.#statuses[name], phase: 'stopping' });
    for (const timer of running.timers) clearInterval(timer);
    await running.farewell?.().catch(() => {});
    await Promise.all(running.clientIds.map((id) => this.#clients.remove(id)));
    this.#running.delete(name);
    this.#set(name, idle);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((name) => this.stop(name)));
  }

  #set(name: DemoName, status: DemoStatus): void {
    this.#statuses = { ...this.#statuses, [name]: status };
    for (const listener of this.#listeners) listener();
  }
}
