import { BenchClient, closeAll, openClients } from '../load/bench-client.ts';
import { encodePublish } from '../load/mqtt-bytes.ts';
import { respondWithPubacks } from '../load/puback-responder.ts';
import { measureRates } from '../load/timing.ts';
import { WindowedPublisher } from '../load/windowed-publisher.ts';
import { countLost, payloadOf, type Scenario } from './scenario.ts';

/** QoS 1 both ways: publishers keep a window of unacknowledged PUBLISHes, the subscriber acks each. */
export const qos1: Scenario = {
  name: 'qos1',
  title: (sizes) =>
    `QoS 1 end to end: ${sizes.qos1Publishers} publishers → 1 subscriber, up to ${sizes.qos1Window} in flight each`,
  metrics: [{ key: 'rate', label: 'msg/s', better: 'higher', format: 'rate', perBrokerCore: true }],
  async run(context) {
    const { sizes, target, runId } = context;
    const subscriber = await BenchClient.open(target, `${runId}-sub`);
    const publisherIds = Array.from({ length: sizes.qos1Publishers }, (_, i) => `${runId}-pub-${i}`);
    const publishers = await openClients(target, publisherIds).catch((error: unknown) => {
      subscriber.close();
      throw error;
    });
    const clients = [subscriber, ...publishers];
    try {
      await subscriber.subscribe('bench/qos1/#', 1);
      respondWithPubacks(subscriber);
      const payload = payloadOf(sizes.payloadBytes);
      const windows = publishers.map((publisher, i) => {
        // One packet per id, encoded once: a freed id always goes out with the same bytes.
        const slots = Array.from(
          { length: sizes.qos1Window + 1 },
          (_, packetId) => encodePublish({ topic: `bench/qos1/${i}`, payload, qos: 1, packetId }).bytes,
        );
        return new WindowedPublisher(publisher, sizes.qos1Window, (packetId) => slots[packetId]);
      });
      for (const window of windows) window.start();
      const rates = await measureRates(context, {
        received: () => subscriber.received,
        acked: () => windows.reduce((sum, window) => sum + window.acked, 0),
      });
      for (const window of windows) window.stop();
      return {
        metrics: { rate: rates.received },
        delivered: subscriber.received,
        detail: { publishAckRate: rates.acked, disconnected: countLost(clients) },
      };
    } finally {
      closeAll(clients);
    }
  },
};
