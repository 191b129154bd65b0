import type { BrokerName } from '../brokers/launch-broker.ts';
import type { CpuShares } from '../load/cpu-probe.ts';

/** One scenario against one broker in one round. */
export interface RunRecord {
  round: number;
  scenario: string;
  broker: BrokerName;
  ok: boolean;
  error?: string;
  metrics: Record<string, number>;
  delivered: number;
  detail: Record<string, number>;
  cpu?: CpuShares;
}
