import type { DemoStart } from './demo-runner.ts';

export interface WorkerPoolOptions {
  /** Between two jobs. */
  intervalMs?: number;
}

export const WORKERS = ['worker-1', 'worker-2', 'worker-3'] as const;
export const SHARED_FILTER = '$share/workers/jobs/#';
const kinds = ['resize', 'encode', 'index'] as const;

/** A shared subscription: three MQTT 5 workers on `$share/workers/jobs/#`, so each job a `producer`
 * publishes goes to exactly one of them. */
export const startWorkerPool: DemoStart<WorkerPoolOptions> = async (context, options) => {
  for (const clientId of WORKERS) {
    const worker = await context.open({ clientId, protocolVersion: 5, clean: true });
    await worker.subscribe(SHARED_FILTER, 1);
  }
  const producer = await context.open({ clientId: 'producer', protocolVersion: 5, clean: true });
  let job = 0;
  context.every(options.intervalMs ?? 400, () => {
    if (producer.state.status !== 'connected') return;
    job++;
    const kind = kinds[job % kinds.length]!;
    void producer
      .publish({
        topic: `jobs/${kind}/${job}`,
        payload: JSON.stringify({ job, kind, submitted: new Date().toISOString() }),
        qos: 1,
        retain: false,
      })
      .catch(() => {});
  });
  return async () => {};
};
