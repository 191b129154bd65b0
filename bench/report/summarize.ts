import type { BrokerName } from '../brokers/launch-broker.ts';
import type { MetricSpec, Scenario, ScenarioSizes } from '../scenarios/scenario.ts';
import type { RunRecord } from './run-record.ts';
import { median } from './stats.ts';

export interface BrokerMedians {
  /** Successful runs the medians are taken over. */
  runs: number;
  metrics: Record<string, number>;
  brokerCpu: number;
  generatorCpu: number;
}

export interface ScenarioSummary {
  name: string;
  title: string;
  metrics: readonly MetricSpec[];
  brokers: Partial<Record<BrokerName, BrokerMedians>>;
}

/** Medians per scenario and broker over the rounds that succeeded; a failed run counts for nothing. */
export function summarize(
  records: readonly RunRecord[],
  scenarios: readonly Scenario[],
  brokers: readonly BrokerName[],
  sizes: ScenarioSizes,
): ScenarioSummary[] {
  return scenarios.map((scenario) => {
    const specs = scenario.metrics.flatMap((metric) =>
      metric.perBrokerCore ? [metric, perCore(metric)] : [metric],
    );
    const summary: ScenarioSummary = {
      name: scenario.name,
      title: scenario.title(sizes),
      metrics: specs,
      brokers: {},
    };
    for (const broker of brokers) {
      const runs = records.filter((r) => r.scenario === scenario.name && r.broker === broker && r.ok);
      const metrics: Record<string, number> = {};
      for (const metric of scenario.metrics) {
        metrics[metric.key] = median(runs.map((run) => run.metrics[metric.key] ?? Number.NaN));
        if (metric.perBrokerCore) {
          // Per run, then the median: the CPU share and the rate of one run belong together.
          metrics[perCore(metric).key] = median(
            runs.map(
              (run) => (run.metrics[metric.key] ?? Number.NaN) / ((run.cpu?.broker ?? Number.NaN) / 100),
            ),
          );
        }
      }
      summary.brokers[broker] = {
        runs: runs.length,
        metrics,
        brokerCpu: median(runs.flatMap((run) => (run.cpu ? [run.cpu.broker] : []))),
        generatorCpu: median(runs.flatMap((run) => (run.cpu ? [run.cpu.generator] : []))),
      };
    }
    return summary;
  });
}

/** The rate divided by the broker's CPU share over the same window: how much one core's worth of the
 * broker's time delivers, whether or not the broker got a whole core from a busy machine. */
function perCore(metric: MetricSpec): MetricSpec {
  return {
    key: `${metric.key}PerCore`,
    label: `${metric.label} per broker core`,
    better: 'higher',
    format: metric.format,
  };
}
