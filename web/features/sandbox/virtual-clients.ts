import type { FrameScheduler } from '../../lib/frame-batcher.ts';
import { type ClientDefinition, isClientDefinition } from './client-definition.ts';
import { type ClientState, VirtualClient, type VirtualClientOptions } from './virtual-client.ts';

/** Where the user's client definitions are kept between reloads (demo clients are not). */
export const CLIENTS_STORAGE_KEY = 'iothub.sandbox.clients';

export interface VirtualClientsOptions {
  connect: VirtualClientOptions['connect'];
  scheduler: FrameScheduler;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  now?: () => number;
}

/** The sandbox's virtual clients, in creation order. Components read `getSnapshot()` through
 * useSyncExternalStore; listeners hear at most once a frame. */
export class VirtualClients {
  #clients = new Map<string, VirtualClient>();
  #snapshot: readonly ClientState[] = [];
  #listeners = new Set<() => void>();
  #notify: number | undefined;
  readonly #options: VirtualClientsOptions;

  constructor(options: VirtualClientsOptions) {
    this.#options = options;
    for (const definition of readDefinitions(options.storage)) this.#add(definition);
    this.#snapshot = this.#states();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): readonly ClientState[] => this.#snapshot;

  get(clientId: string): VirtualClient | undefined {
    return this.#clients.get(clientId);
  }

  ids(): Set<string> {
    return new Set(this.#clients.keys());
  }

  /** Adds a client (offline until connected); its id must be free. */
  create(definition: ClientDefinition): VirtualClient {
    if (this.#clients.has(definition.clientId)) {
      throw new Error(`A virtual client named ${definition.clientId} exists`);
    }
    const client = this.#add(definition);
    this.#changed();
    return client;
  }

  /** Disconnects the client properly (no will) and forgets it. */
  async remove(clientId: string): Promise<void> {
    const client = this.#clients.get(clientId);
    if (!client) return;
    this.#clients.delete(clientId);
    this.#changed();
    await client.disconnect().catch(() => {});
    client.dispose();
  }

  /** Removes every client. */
  async clear(): Promise<void> {
    await Promise.all([...this.#clients.keys()].map((id) => this.remove(id)));
  }

  /** Replaces every client with offline ones made from `definitions` (an imported state). */
  async replace(definitions: readonly ClientDefinition[]): Promise<void> {
    await this.clear();
    for (const definition of definitions) {
      if (!this.#clients.has(definition.clientId)) this.#add(definition);
    }
    this.#changed();
  }

  /** The user's clients, as saved and exported; demo clients are left out. */
  definitions(): ClientDefinition[] {
    return [...this.#clients.values()].map((client) => client.state.definition).filter((d) => !d.demo);
  }

  dispose(): void {
    if (this.#notify !== undefined) this.#options.scheduler.cancel(this.#notify);
    for (const client of this.#clients.values()) client.dispose();
    this.#clients.clear();
  }

  #add(definition: ClientDefinition): VirtualClient {
    const client = new VirtualClient(definition, {
      connect: this.#options.connect,
      scheduler: this.#options.scheduler,
      now: this.#options.now,
      onChange: () => this.#schedule(),
    });
    this.#clients.set(definition.clientId, client);
    return client;
  }

  #changed(): void {
    this.#persist();
    this.#schedule();
  }

  #schedule(): void {
    this.#notify ??= this.#options.scheduler.request(() => {
      this.#notify = undefined;
      this.#snapshot = this.#states();
      for (const listener of this.#listeners) listener();
    });
  }

  #states(): readonly ClientState[] {
    return [...this.#clients.values()].map((client) => client.state);
  }

  #persist(): void {
    this.#options.storage?.setItem(CLIENTS_STORAGE_KEY, JSON.stringify(this.definitions()));
  }
}

function readDefinitions(storage: VirtualClientsOptions['storage']): ClientDefinition[] {
  const text = storage?.getItem(CLIENTS_STORAGE_KEY);
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter(isClientDefinition) : [];
  } catch {
    return [];
  }
}
