import type { BrokerSnapshot, BrokerStore } from '../../shared/index.ts';
import { snapshotFromJson, snapshotToJson } from './snapshot-json.ts';

export interface IndexedDbStoreOptions {
  /** Database name; one broker's state per database. Default "iothub-sandbox". */
  databaseName?: string;
  /** The IndexedDB factory; `globalThis.indexedDB` by default. */
  indexedDB?: IDBFactory;
  /** Synchronous storage for `saveBeforeUnload`; `globalThis.localStorage` where there is one. */
  unloadStorage?: Storage;
}

/** A store that can take a last snapshot while the page is being unloaded. */
export interface UnloadAwareStore extends BrokerStore {
  /** Keeps `snapshot` even if the page is gone before any asynchronous write finishes. Returns false
   * if it could not (no synchronous storage, or the snapshot is too large for it). */
  saveBeforeUnload(snapshot: BrokerSnapshot): boolean;
}

const objectStoreName = 'state';
const snapshotKey = 'snapshot';

/**
 * Keeps the broker's snapshot in IndexedDB as a structured clone (payloads stay Uint8Arrays): one
 * object store, one record. The connection is opened on first use and kept; it is closed when another
 * tab upgrades or deletes the database, and opened again on the next call.
 *
 * Chromium drops IndexedDB writes still under way when a page unloads, so a reload right after a
 * change would lose it: `saveBeforeUnload` also writes the snapshot to localStorage, synchronously,
 * and the next `load` takes it from there when it is the newer one, then moves it into IndexedDB.
 *
 * Plain IndexedDB rather than the `idb` wrapper: the store needs one open, one get, one put and one
 * delete, and a ten-line promise adapter covers them.
 */
export class IndexedDbStore implements UnloadAwareStore {
  readonly databaseName: string;
  readonly #factory: IDBFactory;
  readonly #unloadStorage: Storage | undefined;
  readonly #unloadKey: string;
  #database: Promise<IDBDatabase> | undefined;
  /** The open connection, once `#database` has resolved. */
  #connection: IDBDatabase | undefined;

  constructor(options: IndexedDbStoreOptions = {}) {
    this.databaseName = options.databaseName ?? 'iothub-sandbox';
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (!factory) throw new Error('IndexedDB is not available here');
    this.#factory = factory;
    this.#unloadStorage = options.unloadStorage ?? defaultUnloadStorage();
    this.#unloadKey = `${this.databaseName}:saved-on-unload`;
  }

  async load(): Promise<BrokerSnapshot | undefined> {
    const database = await this.#open();
    const store = database.transaction(objectStoreName, 'readonly').objectStore(objectStoreName);
    const saved = (await request(store.get(snapshotKey))) as BrokerSnapshot | undefined;
    const onUnload = this.#readUnloadSnapshot();
    if (onUnload && !(saved && saved.savedAt > onUnload.savedAt)) await this.save(onUnload);
    this.#unloadStorage?.removeItem(this.#unloadKey);
    return onUnload && !(saved && saved.savedAt > onUnload.savedAt) ? onUnload : saved;
  }

  /** Resolves once the transaction has committed. The snapshot is cloned when `save` is called, so
   * the caller may change it right after. */
  async save(snapshot: BrokerSnapshot): Promise<void> {
    // With the connection open, the write is queued before `save` returns.
    const database = this.#connection ?? (await this.#open());
    const transaction = database.transaction(objectStoreName, 'readwrite');
    transaction.objectStore(objectStoreName).put(snapshot, snapshotKey);
    transaction.commit();
    await committed(transaction);
  }

  saveBeforeUnload(snapshot: BrokerSnapshot): boolean {
    // The IndexedDB write may still land; if it does not, the copy below is loaded instead.
    this.save(snapshot).catch(() => {});
    if (!this.#unloadStorage) return false;
    try {
      this.#unloadStorage.setItem(this.#unloadKey, snapshotToJson(snapshot, 0));
      return true;
    } catch {
      // Quota exceeded: the state is larger than localStorage takes.
      return false;
    }
  }

  /** Forgets the saved snapshot. */
  async clear(): Promise<void> {
    this.#unloadStorage?.removeItem(this.#unloadKey);
    const database = await this.#open();
    const transaction = database.transaction(objectStoreName, 'readwrite');
    transaction.objectStore(objectStoreName).delete(snapshotKey);
    await committed(transaction);
  }

  /** Closes the connection (the next call opens it again). */
  close(): void {
    const database = this.#database;
    this.#database = undefined;
    this.#connection = undefined;
    void database?.then((db) => db.close()).catch(() => {});
  }

  /** Deletes the whole database, closing this store's connection first. */
  async deleteDatabase(): Promise<void> {
    this.close();
    this.#unloadStorage?.removeItem(this.#unloadKey);
    await request(this.#factory.deleteDatabase(this.databaseName));
  }

  /** What `saveBeforeUnload` kept; undefined if nothing readable. */
  #readUnloadSnapshot(): BrokerSnapshot | undefined {
    const json = this.#unloadStorage?.getItem(this.#unloadKey);
    if (json === null || json === undefined) return undefined;
    try {
      return snapshotFromJson(json);
    } catch {
      return undefined;
    }
  }

  #open(): Promise<IDBDatabase> {
    if (this.#database) return this.#database;
    const opening = this.#factory.open(this.databaseName, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(objectStoreName);
    const database = request(opening).then((db) => {
      const forget = (): void => {
        db.close();
        if (this.#database !== database) return;
        this.#database = undefined;
        this.#connection = undefined;
      };
      db.onversionchange = forget;
      // Closed by the browser (storage cleared, disk error).
      db.onclose = forget;
      if (this.#database === database) this.#connection = db;
      return db;
    });
    this.#database = database;
    // A failed open (private mode, an opaque origin) is not cached: the next call tries again.
    database.catch(() => {
      if (this.#database === database) this.#database = undefined;
    });
    return database;
  }
}

export function isUnloadAwareStore(store: BrokerStore): store is UnloadAwareStore {
  return typeof (store as Partial<UnloadAwareStore>).saveBeforeUnload === 'function';
}

/** localStorage throws on opaque origins and does not exist in workers. */
function defaultUnloadStorage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}
