import { afterAll, describe, expect, it } from 'vitest';
import type { BrokerSnapshot } from '../../shared/index.ts';
import { runBrokerStoreContract } from '../../shared/store/broker-store.contract.ts';
import { IndexedDbStore } from './indexeddb-store.ts';

const opened: IndexedDbStore[] = [];
let databases = 0;

/** A fresh database per store: the contract expects each store to start empty. */
function freshStore(name = `iothub-store-test-${Date.now()}-${databases++}`): IndexedDbStore {
  const store = new IndexedDbStore({ databaseName: name });
  opened.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(opened.map((store) => store.deleteDatabase()));
});

runBrokerStoreContract('IndexedDbStore (browser)', () => freshStore());

const snapshot: BrokerSnapshot = {
  version: 1,
  savedAt: 1,
  retained: [
    {
      topic: 'a',
      payload: Uint8Array.from([1, 2, 3]),
      qos: 0,
      retain: true,
      properties: { correlationData: Uint8Array.from([9]) as never },
      publishedAt: 1,
      origin: undefined,
    },
  ],
  sessions: [],
};

describe('IndexedDbStore', () => {
  it('keeps the snapshot for the next connection to the same database (a reload)', async () => {
    const first = freshStore();
    await first.save(snapshot);
    first.close();
    const loaded = await freshStore(first.databaseName).load();
    expect(loaded).toEqual(snapshot);
    expect(loaded!.retained[0]!.payload).toBeInstanceOf(Uint8Array);
  });

  it('forgets the snapshot on clear()', async () => {
    const store = freshStore();
    await store.save(snapshot);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it('steps aside when another connection deletes the database, and opens it again after', async () => {
    const store = freshStore();
    await store.save(snapshot);
    // Would stay blocked if the first connection did not close on "versionchange".
    await freshStore(store.databaseName).deleteDatabase();
    expect(await store.load()).toBeUndefined();
    await store.save(snapshot);
    expect(await store.load()).toEqual(snapshot);
  });

  it('keeps a snapshot saved while the page unloads, even when the IndexedDB write is lost', async () => {
    const name = freshStore().databaseName;
    // Stands for a page torn down before its write commits: the IndexedDB side never completes.
    const lost = { open: () => ({}) } as unknown as IDBFactory;
    expect(new IndexedDbStore({ databaseName: name, indexedDB: lost }).saveBeforeUnload(snapshot)).toBe(true);
    expect(await freshStore(name).load()).toEqual(snapshot);
    // Moved into IndexedDB: it is still there without the localStorage copy.
    expect(localStorage.getItem(`${name}:saved-on-unload`)).toBeNull();
    expect(await freshStore(name).load()).toEqual(snapshot);
  });

  it('prefers a newer IndexedDB snapshot to an older one kept at unload', async () => {
    const store = freshStore();
    const lost = { open: () => ({}) } as unknown as IDBFactory;
    new IndexedDbStore({ databaseName: store.databaseName, indexedDB: lost }).saveBeforeUnload(snapshot);
    const newer = { ...snapshot, savedAt: snapshot.savedAt + 1, retained: [] };
    await store.save(newer);
    expect(await store.load()).toEqual(newer);
  });

  it('rejects when IndexedDB refuses to open', async () => {
    const refusing = {
      open() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    await expect(new IndexedDbStore({ indexedDB: refusing }).load()).rejects.toThrow(/denied/);
  });
});
