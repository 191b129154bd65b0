import { BenchClient, closeAll } from '../load/bench-client.ts';
import { encodePublish, encodeSubscribe } from '../load/mqtt-bytes.ts';
import { withTimeout } from '../load/timing.ts';
import { WindowedPublisher } from '../load/windowed-publisher.ts';
import { payloadOf, type Scenario } from './scenario.ts';

const loadTimeoutMs = 60_000;
const deliveryTimeoutMs = 30_000;

/**
 * Stores many retained messages (QoS 1, so every one is known to be stored before the clock starts),
 * then times a new wildcard subscriber from its SUBSCRIBE to the last retained message.
 */
export const retained: Scenario = {
  name: 'retained',
  title: (sizes) =>
    `${sizes.retainedTopics.toLocaleString('en-US')} retained topics, new wildcard subscriber receives all`,
  metrics: [{ key: 'timeToLast', label: 'ms to last', better: 'lower', format: 'ms' }],
  async run(context) {
    const { sizes, target, runId } = context;
    const total = sizes.retainedTopics;
    const clients: BenchClient[] = [];
    try {
      const loader = await BenchClient.open(target, `${runId}-loader`);
      clients.push(loader);
      const payload = payloadOf(sizes.payloadBytes);
      const messages = Array.from({ length: total }, (_, i) =>
        encodePublish({ topic: `bench/retained/${i}`, payload, qos: 1, retain: true }),
      );
      let next = 0;
      const publisher = new WindowedPublisher(loader, sizes.qos1Window, (packetId) => {
        const message = messages[next++];
        if (!message) return undefined;
        message.bytes.writeUInt16BE(packetId, message.packetIdOffset);
        return message.bytes;
      });
      publisher.start();
      await withTimeout(publisher.finished(), loadTimeoutMs, () => `${total} retained messages to be stored`);

      const subscriber = await BenchClient.open(target, `${runId}-sub`);
      clients.push(subscriber);
      // The clock stops inside the read that brings the last message, not at a later poll.
      const last = new Promise<number>((resolve) => {
        subscriber.onPublish = () => {
          if (subscriber.received === total) resolve(performance.now());
        };
      });
      context.probe.begin();
      const started = performance.now();
      subscriber.write(encodeSubscribe(1, 'bench/retained/#', 0));
      const lastAt = await withTimeout(
        last,
        deliveryTimeoutMs,
        () => `${total} retained messages (got ${subscriber.received})`,
      );
      context.probe.end();
      return {
        metrics: { timeToLast: lastAt - started },
        delivered: subscriber.received,
        detail: { stored: publisher.acked },
      };
    } finally {
      closeAll(clients);
    }
  },
};
