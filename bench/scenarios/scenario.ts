import type { Target } from '../load/bench-client.ts';
import type { WindowProbe } from '../load/cpu-probe.ts';

/** How large each scenario is; the smoke run shrinks some of them. */
export interface ScenarioSizes {
  payloadBytes: number;
  fanInPublishers: number;
  fanOutSubscribers: number;
  qos1Publishers: number;
  qos1Window: number;
  latencyRate: number;
  idleConnections: number;
  connectConcurrency: number;
  /** Worker threads that open the idle connections. */
  connectWorkers: number;
  retainedTopics: number;
}

export const fullSizes: ScenarioSizes = {
  payloadBytes: 64,
  fanInPublishers: 4,
  fanOutSubscribers: 50,
  qos1Publishers: 4,
  qos1Window: 100,
  latencyRate: 5000,
  idleConnections: 5000,
  connectConcurrency: 100,
  connectWorkers: 2,
  retainedTopics: 10_000,
};

export const smokeSizes: ScenarioSizes = {
  ...fullSizes,
  fanOutSubscribers: 10,
  idleConnections: 500,
  retainedTopics: 1000,
};

export interface ScenarioContext {
  target: Target;
  /** For memory readings from /proc; the broker must run on this machine. */
  brokerPid: number;
  /** Prefix of every client id, unique per run. */
  runId: string;
  warmupMs: number;
  durationMs: number;
  sizes: ScenarioSizes;
  probe: WindowProbe;
}

export type MetricFormat = 'rate' | 'micros' | 'ms' | 'kib';

export interface MetricSpec {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  format: MetricFormat;
  /** Also report it per core of broker CPU: a figure that a busy machine disturbs far less. */
  perBrokerCore?: boolean;
}

export interface ScenarioResult {
  /** Values keyed by `MetricSpec.key`. */
  metrics: Record<string, number>;
  /** Messages (or connections) that reached the generator: zero means the scenario measured nothing. */
  delivered: number;
  /** Extra figures for the JSON output and for judging the run (sent rates, losses, disconnects). */
  detail: Record<string, number>;
}

export interface Scenario {
  name: string;
  /** For the table; it states the sizes actually used. */
  title(sizes: ScenarioSizes): string;
  metrics: readonly MetricSpec[];
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

export function payloadOf(size: number): Buffer {
  return Buffer.alloc(size, 0x61);
}

export function countLost(clients: readonly { lost: boolean }[]): number {
  return clients.filter((client) => client.lost).length;
}
