import type { Target } from './bench-client.ts';

export interface ConnectWorkerData {
  target: Target;
  clientIds: string[];
  concurrency: number;
}

/** Main thread to worker. */
export type ConnectCommand = { type: 'connect' } | { type: 'close' };

/** Worker to main thread. */
export type ConnectReport =
  | { type: 'ready' }
  | { type: 'connected'; count: number }
  | { type: 'failed'; message: string };
