import { BenchClient, closeAll, openClients } from '../load/bench-client.ts';
import { encodePublish } from '../load/mqtt-bytes.ts';
import { Qos0Blaster } from '../load/qos0-blaster.ts';
import { measureRates } from '../load/timing.ts';
import { countLost, payloadOf, type Scenario } from './scenario.ts';

/** Several publishers as fast as they can, one wildcard subscriber, QoS 0. */
export const fanIn: Scenario = {
  name: 'fan-in',
  title: (sizes) =>
    `fan-in QoS 0: ${sizes.fanInPublishers} publishers → 1 wildcard subscriber, ${sizes.payloadBytes} B`,
  metrics: [{ key: 'rate', label: 'msg/s', better: 'higher', format: 'rate', perBrokerCore: true }],
  async run(context) {
    const { sizes, target, runId } = context;
    const subscriber = await BenchClient.open(target, `${runId}-sub`);
    const publisherIds = Array.from({ length: sizes.fanInPublishers }, (_, i) => `${runId}-pub-${i}`);
    const publishers = await openClients(target, publisherIds).catch((error: unknown) => {
      subscriber.close();
      throw error;
    });
    const clients = [subscriber, ...publishers];
    try {
      await subscriber.subscribe('bench/fan-in/#', 0);
      const payload = payloadOf(sizes.payloadBytes);
      const blasters = publishers.map(
        (publisher, i) =>
          new Qos0Blaster(publisher, encodePublish({ topic: `bench/fan-in/${i}`, payload, qos: 0 }).bytes),
      );
      for (const blaster of blasters) blaster.start();
      const rates = await measureRates(context, {
        received: () => subscriber.received,
        sent: () => blasters.reduce((sum, blaster) => sum + blaster.sent, 0),
      });
      for (const blaster of blasters) blaster.stop();
      const sent = blasters.reduce((sum, blaster) => sum + blaster.sent, 0);
      return {
        metrics: { rate: rates.received },
        delivered: subscriber.received,
        detail: { sent, sentRate: rates.sent, disconnected: countLost(clients) },
      };
    } finally {
      closeAll(clients);
    }
  },
};
