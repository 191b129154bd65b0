import { connectInWorkers } from '../load/connect-in-workers.ts';
import { readRssKib } from '../load/proc-stats.ts';
import { sleep } from '../load/timing.ts';
import type { Scenario } from './scenario.ts';

// Lets the broker finish the allocations that follow a CONNACK (timers, session bookkeeping) before
// its memory is read.
const settleMs = 500;

/** Many clients connect (a bounded number of handshakes at a time) and then stay idle. */
export const connections: Scenario = {
  name: 'connections',
  title: (sizes) => `${sizes.idleConnections.toLocaleString('en-US')} idle connections`,
  metrics: [
    { key: 'connectRate', label: 'conn/s', better: 'higher', format: 'rate', perBrokerCore: true },
    { key: 'kibPerConnection', label: 'KiB per connection (RSS)', better: 'lower', format: 'kib' },
  ],
  async run(context) {
    const { sizes, target, runId } = context;
    const ids = Array.from({ length: sizes.idleConnections }, (_, i) => `${runId}-idle-${i}`);
    const rssBefore = readRssKib(context.brokerPid);
    const held = await connectInWorkers(target, ids, {
      workers: sizes.connectWorkers,
      concurrency: sizes.connectConcurrency,
      probe: context.probe,
    });
    try {
      await sleep(settleMs);
      const rssAfter = readRssKib(context.brokerPid);
      return {
        metrics: {
          connectRate: held.count / held.seconds,
          kibPerConnection: (rssAfter - rssBefore) / held.count,
        },
        delivered: held.count,
        detail: { rssBeforeKib: rssBefore, rssAfterKib: rssAfter, connectSeconds: held.seconds },
      };
    } finally {
      await held.close();
    }
  },
};
