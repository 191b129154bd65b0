import { describe, expect, it } from 'vitest';
import type { BrokerSnapshot, BrokerStore } from './broker-store.ts';

function sampleSnapshot(): BrokerSnapshot {
  const message = {
    topic: 'a/b',
    payload: Uint8Array.from([0, 1, 2, 255]),
    qos: 1 as const,
    retain: true,
    properties: undefined,
    publishedAt: 1000,
    origin: 'pub',
  };
  return {
    version: 1,
    savedAt: 2000,
    retained: [message],
    sessions: [
      {
        clientId: 'c1',
        createdAt: 500,
        expiryInterval: 3600,
        disconnectedAt: 1500,
        subscriptions: [{ filter: 'a/#', options: { qos: 1 } }],
        inflight: [{ packetId: 3, qos: 1, retain: false, subscriptionIds: [7], state: 'publish', message }],
        queue: [{ qos: 1, retain: false, subscriptionIds: undefined, message }],
        inboundQos2: [9],
      },
    ],
  };
}

/** Every BrokerStore implementation passes this suite. */
export function runBrokerStoreContract(
  name: string,
  createStore: () => Promise<BrokerStore> | BrokerStore,
): void {
  describe(`BrokerStore contract: ${name}`, () => {
    it('loads nothing before the first save', async () => {
      const store = await createStore();
      expect(await store.load()).toBeUndefined();
    });

    it('loads what was saved, payload bytes intact', async () => {
      const store = await createStore();
      await store.save(sampleSnapshot());
      const loaded = await store.load();
      expect(loaded).toEqual(sampleSnapshot());
      expect([...loaded!.retained[0]!.payload]).toEqual([0, 1, 2, 255]);
    });

    it('a later save replaces the earlier one', async () => {
      const store = await createStore();
      await store.save(sampleSnapshot());
      const second = { ...sampleSnapshot(), savedAt: 3000, sessions: [] };
      await store.save(second);
      expect(await store.load()).toEqual(second);
    });

    it('is not changed by mutating a saved or loaded snapshot', async () => {
      const store = await createStore();
      const snapshot = sampleSnapshot();
      await store.save(snapshot);
      snapshot.retained.length = 0;
      const loaded = await store.load();
      loaded!.sessions.length = 0;
      const again = await store.load();
      expect(again!.retained).toHaveLength(1);
      expect(again!.sessions).toHaveLength(1);
    });
  });
}
