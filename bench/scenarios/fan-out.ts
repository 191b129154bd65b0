import { BenchClient, closeAll, openClients } from '../load/bench-client.ts';
import { encodePublish } from '../load/mqtt-bytes.ts';
import { Qos0Blaster } from '../load/qos0-blaster.ts';
import { measureRates } from '../load/timing.ts';
import { countLost, payloadOf, type Scenario } from './scenario.ts';

const topic = 'bench/fan-out/t';

/** One publisher as fast as it can, many subscribers to the same topic, QoS 0. */
export const fanOut: Scenario = {
  name: 'fan-out',
  title: (sizes) => `fan-out QoS 0: 1 publisher → ${sizes.fanOutSubscribers} subscribers`,
  metrics: [{ key: 'rate', label: 'deliveries/s', better: 'higher', format: 'rate', perBrokerCore: true }],
  async run(context) {
    const { sizes, target, runId } = context;
    const subscriberIds = Array.from({ length: sizes.fanOutSubscribers }, (_, i) => `${runId}-sub-${i}`);
    const subscribers = await openClients(target, subscriberIds);
    const clients: BenchClient[] = [...subscribers];
    try {
      await Promise.all(subscribers.map((subscriber) => subscriber.subscribe(topic, 0)));
      const publisher = await BenchClient.open(target, `${runId}-pub`);
      clients.push(publisher);
      const payload = payloadOf(sizes.payloadBytes);
      const blaster = new Qos0Blaster(publisher, encodePublish({ topic, payload, qos: 0 }).bytes);
      const delivered = (): number => subscribers.reduce((sum, subscriber) => sum + subscriber.received, 0);
      blaster.start();
      const rates = await measureRates(context, { delivered, sent: () => blaster.sent });
      blaster.stop();
      return {
        metrics: { rate: rates.delivered },
        delivered: delivered(),
        detail: { sentRate: rates.sent, disconnected: countLost(clients) },
      };
    } finally {
      closeAll(clients);
    }
  },
};
