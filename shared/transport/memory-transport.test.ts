import { createTestBroker } from '../testing/test-broker.ts';
import { connectInMemory, type MemoryClientEnd } from './memory-transport.ts';
import { type RawClient, runTransportContract } from './transport.contract.ts';

runTransportContract(
  'in-memory',
  async (limits) => {
    const { broker } = createTestBroker({ limits });
    const ends: MemoryClientEnd[] = [];
    return {
      broker,
      async connect(): Promise<RawClient> {
        const end = connectInMemory(broker);
        ends.push(end);
        const closed = new Promise<void>((resolve) => end.onClose(resolve));
        return {
          // Delivery is a microtask per write, as the transport documents.
          write: async (bytes) => {
            end.write(bytes);
            await Promise.resolve();
          },
          onData: (listener) => end.onData(listener),
          close: () => end.close(),
          pause: () => end.pause(),
          resume: () => end.resume(),
          closed,
        };
      },
      async teardown() {
        for (const end of ends) end.close();
        broker.shutdown();
      },
    };
  },
  { canPauseReading: true },
);
