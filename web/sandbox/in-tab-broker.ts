import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { version as packageVersion } from '../../package.json';
import {
  type AuthHooks,
  type Broker,
  type BrokerEventName,
  type BrokerLimits,
  type BrokerLink,
  type BrokerSnapshot,
  type BrokerStore,
  createBroker,
  createLocalBrokerLink,
  type EnhancedAuthenticator,
  type LocalBrokerLink,
  type Logger,
  type LogLevel,
  MemoryStore,
  type TransportAcceptor,
} from '../../shared/index.ts';
import { restoreSnapshot, takeSnapshot } from '../../shared/store/broker-snapshot.ts';
import { createBrowserEnvironment, createConsoleLogger } from './browser-environment.ts';
import { InTabWebSocket } from './in-tab-websocket.ts';
import { IndexedDbStore, isUnloadAwareStore } from './indexeddb-store.ts';
import { SandboxLink } from './sandbox-link.ts';
import { snapshotFromJson, snapshotToJson } from './snapshot-json.ts';
import { SnapshotSaver } from './snapshot-saver.ts';

/** Any URL works; this one reads well in logs and in the dashboard. */
export const SANDBOX_URL = 'ws://sandbox/mqtt';

export interface SandboxBrokerOptions {
  /** Where the state is kept between page loads. Default: IndexedDB (database "iothub-sandbox"), or
   * memory only where IndexedDB cannot be used (an opaque origin, some private modes). */
  store?: BrokerStore;
  /** A Logger, or the level for console logging. Default "warn". */
  logger?: Logger | LogLevel;
  limits?: Partial<BrokerLimits>;
  auth?: AuthHooks;
  enhancedAuth?: EnhancedAuthenticator[];
  /** Milliseconds from activity to the save that records it. Default 500. */
  persistDelayMs?: number;
  /** Seconds between `$SYS/broker/...` publications; 0 disables them. Default 10. */
  sysIntervalSeconds?: number;
}

/** A broker running in this tab (or worker), its dashboard link and ways to reach it. */
export interface SandboxBroker {
  /** The broker now; `reset()` and `importState()` put a new one in its place (see `onRestart`). */
  readonly broker: Broker;
  /** BrokerLink for the dashboard views; the same object across resets and imports. */
  readonly link: BrokerLink;
  readonly store: BrokerStore;
  /** For `mqtt`'s `createWebsocket` option; the URL and protocols are checked as a server would. */
  readonly createWebsocket: (url?: string | URL, protocols?: string | string[]) => InTabWebSocket;
  /** `mqtt.connect` to this broker; returns at once, like `mqtt.connect`. */
  connect(options?: IClientOptions): MqttClient;
  /** `mqtt.connectAsync` to this broker: resolves on CONNACK, rejects if the connection fails. */
  connectAsync(options?: IClientOptions): Promise<MqttClient>;
  /** Saves the state now, after any save under way. */
  persist(): Promise<void>;
  /** Closes every connection and starts over with an empty broker and an empty store. */
  reset(): Promise<void>;
  /** The state (retained messages, persistent sessions with their subscriptions, queued and
   * in-flight messages) as JSON, bytes in base64. */
  exportState(): Promise<string>;
  /** Closes every connection and starts over from exported state, which is saved to the store. A
   * state that does not parse or load rejects and changes nothing. */
  importState(json: string): Promise<void>;
  /** Told after `reset()` or `importState()` with the new broker. Returns an unsubscribe function. */
  onRestart(listener: (broker: Broker) => void): () => void;
  /** Ends the clients `connect` opened, saves, and closes the broker. */
  dispose(): Promise<void>;
}

/** Events after which the state may have changed (a PUBACK changes it too, but always follows a
 * publish closely enough to be in the same save). */
const changeEvents: BrokerEventName[] = ['connect', 'disconnect', 'subscribe', 'unsubscribe', 'publish'];

interface Generation {
  readonly broker: Broker;
  readonly link: LocalBrokerLink;
  stop(): void;
}

/** Starts a broker in the page, restoring what its store kept. */
export async function startSandboxBroker(options: SandboxBrokerOptions = {}): Promise<SandboxBroker> {
  const logger =
    typeof options.logger === 'object' ? options.logger : createConsoleLogger(options.logger ?? 'warn');
  const { store, snapshot } = await openStore(options.store, logger);
  const saver = new SnapshotSaver(() => current.broker.persist(), options.persistDelayMs ?? 500, logger);
  const restartListeners = new Set<(broker: Broker) => void>();
  const clients = new Set<MqttClient>();
  let sockets = 0;
  let disposed = false;

  const startGeneration = (from: BrokerSnapshot | undefined): Generation => {
    const environment = createBrowserEnvironment(logger);
    const broker = createBroker({
      env: environment.env,
      store,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.enhancedAuth ? { enhancedAuth: options.enhancedAuth } : {}),
    });
    try {
      if (from) restoreSnapshot(broker, from);
    } catch (error) {
      environment.dispose();
      throw new Error(
        `The broker state does not load: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const link = createLocalBrokerLink(broker, {
      mode: 'sandbox',
      version: packageVersion,
      ...(options.sysIntervalSeconds !== undefined ? { sysIntervalSeconds: options.sysIntervalSeconds } : {}),
    });
    const detach = changeEvents.map((name) => broker.events.on(name, () => saver.schedule()));
    return {
      broker,
      link,
      stop() {
        for (const off of detach) off();
        link.dispose();
        broker.shutdown();
        environment.dispose();
      },
    };
  };

  let current = startGeneration(snapshot);
  const link = new SandboxLink(current.link);
  const acceptor: TransportAcceptor = { accept: (transport) => current.broker.accept(transport) };

  const replace = async (from: BrokerSnapshot | undefined): Promise<void> => {
    const next = startGeneration(from);
    const previous = current;
    current = next;
    link.retarget(next.link);
    previous.stop();
    for (const listener of restartListeners) listener(next.broker);
    await saver.flush();
  };

  // The page may be gone before a queued or asynchronous save finishes: the store keeps this last
  // snapshot synchronously when it can.
  const onPageHide = (): void => {
    saver.cancel();
    if (!saver.unsaved) return;
    const snapshot = takeSnapshot(current.broker);
    if (isUnloadAwareStore(store) && store.saveBeforeUnload(snapshot)) return;
    store.save(snapshot).catch((error: unknown) => {
      logger.error('saving the sandbox state failed', { error: String(error) });
    });
  };
  // A hidden tab may be discarded without a pagehide; it still runs, so a normal save completes.
  const onVisibility = (): void => {
    if (globalThis.document?.visibilityState === 'hidden' && saver.unsaved) saver.flush().catch(() => {});
  };
  globalThis.addEventListener?.('pagehide', onPageHide);
  globalThis.document?.addEventListener('visibilitychange', onVisibility);

  const track = (client: MqttClient): MqttClient => {
    clients.add(client);
    client.once('end', () => clients.delete(client));
    return client;
  };
  const clientOptions = (options: IClientOptions = {}): IClientOptions => ({
    ...options,
    createWebsocket: (url: string, protocols: string[]) => createWebsocket(url, protocols),
  });
  const createWebsocket = (url: string | URL = SANDBOX_URL, protocols: string | string[] = ['mqtt']) =>
    new InTabWebSocket(acceptor, url, protocols, { remoteAddress: `in-tab#${++sockets}` });

  return {
    get broker() {
      return current.broker;
    },
    link,
    store,
    createWebsocket,
    connect: (options) => track(mqtt.connect(SANDBOX_URL, clientOptions(options))),
    connectAsync: async (options) => track(await mqtt.connectAsync(SANDBOX_URL, clientOptions(options))),
    persist: () => saver.flush(),
    reset: () => replace(undefined),
    exportState: async () => snapshotToJson(takeSnapshot(current.broker)),
    importState: async (json) => replace(snapshotFromJson(json)),
    onRestart(listener) {
      restartListeners.add(listener);
      return () => restartListeners.delete(listener);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      globalThis.removeEventListener?.('pagehide', onPageHide);
      globalThis.document?.removeEventListener('visibilitychange', onVisibility);
      await Promise.all([...clients].map(endClient));
      await saver.flush().catch(() => {});
      current.stop();
      link.close();
      restartListeners.clear();
    },
  };
}

/** DISCONNECT, so that what the client wrote last reaches the broker and no will goes out; a client
 * that does not finish within a second is cut off. */
async function endClient(client: MqttClient): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cutOff = new Promise<void>((resolve) => {
    timer = setTimeout(() => client.end(true, () => resolve()), 1000);
  });
  await Promise.race([client.endAsync().catch(() => {}), cutOff]);
  clearTimeout(timer);
}

/** The store and what it holds. Without a store of the caller's, IndexedDB when it works here. */
async function openStore(
  given: BrokerStore | undefined,
  logger: Logger,
): Promise<{ store: BrokerStore; snapshot: BrokerSnapshot | undefined }> {
  if (given) return { store: given, snapshot: await given.load() };
  if (globalThis.indexedDB) {
    const store = new IndexedDbStore();
    try {
      return { store, snapshot: await store.load() };
    } catch (error) {
      logger.warn('IndexedDB cannot be used here; the sandbox state will not survive a reload', {
        error: String(error),
      });
    }
  }
  return { store: new MemoryStore(), snapshot: undefined };
}
