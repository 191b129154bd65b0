import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Target } from './bench-client.ts';
import type { ConnectCommand, ConnectReport, ConnectWorkerData } from './connect-messages.ts';
import type { WindowProbe } from './cpu-probe.ts';
import { startTsWorker } from './start-ts-worker.ts';

export interface HeldConnections {
  count: number;
  /** From the moment every worker was told to connect to the last CONNACK. */
  seconds: number;
  close(): Promise<void>;
}

export interface ConnectInWorkersOptions {
  workers: number;
  /** Handshakes in progress at a time, over all workers. */
  concurrency: number;
  /** Opened and closed around the connecting itself, not around starting the workers. */
  probe: WindowProbe;
}

/**
 * Opens connections from several worker threads at once. The kernel's share of a loopback TCP
 * handshake is charged to the connecting side, so one thread caps out near the rate of a fast C
 * broker; spreading the connects lets the broker be what is measured.
 */
export async function connectInWorkers(
  target: Target,
  clientIds: readonly string[],
  options: ConnectInWorkersOptions,
): Promise<HeldConnections> {
  const shares = Array.from({ length: options.workers }, (_, w) =>
    clientIds.filter((_, i) => i % options.workers === w),
  ).filter((share) => share.length > 0);
  const concurrency = Math.max(1, Math.ceil(options.concurrency / shares.length));
  const workers = shares.map((share) => {
    const data: ConnectWorkerData = { target, clientIds: share, concurrency };
    return startTsWorker(new URL('./connect-worker.ts', import.meta.url), data);
  });
  const close = async (): Promise<void> => {
    for (const worker of workers) send(worker, { type: 'close' });
    await Promise.all(workers.map((worker) => once(worker, 'exit')));
  };
  try {
    // Loading the worker's modules takes a few hundred ms: that stays outside the timed part.
    await Promise.all(workers.map((worker) => nextReport(worker)));
    options.probe.begin();
    const started = performance.now();
    for (const worker of workers) send(worker, { type: 'connect' });
    const reports = await Promise.all(workers.map((worker) => nextReport(worker)));
    const seconds = (performance.now() - started) / 1000;
    options.probe.end();
    let count = 0;
    for (const report of reports) {
      if (report.type === 'failed') throw new Error(report.message);
      if (report.type === 'connected') count += report.count;
    }
    return { count, seconds, close };
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
}

function send(worker: Worker, command: ConnectCommand): void {
  worker.postMessage(command);
}

function nextReport(worker: Worker): Promise<ConnectReport> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (report: ConnectReport): void => {
      settle();
      resolve(report);
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    const onExit = (code: number): void => {
      settle();
      reject(new Error(`connect worker exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
