import {
  type BrokerName,
  type LaunchOptions,
  launchBroker,
  type RunningBroker,
} from './brokers/launch-broker.ts';
import { CpuProbe } from './load/cpu-probe.ts';
import { withTimeout } from './load/timing.ts';
import type { RunRecord } from './report/run-record.ts';
import type { Scenario, ScenarioSizes } from './scenarios/scenario.ts';

export interface RunOneOptions extends LaunchOptions {
  round: number;
  warmupMs: number;
  durationMs: number;
  sizes: ScenarioSizes;
}

// Beyond warm-up and window: handshakes, 5,000 connections, 10,000 retained messages on a slow broker.
const slackMs = 90_000;

/** One scenario against a fresh broker process: no state, memory or JIT warmth carried between runs. */
export async function runOne(
  scenario: Scenario,
  brokerName: BrokerName,
  options: RunOneOptions,
): Promise<RunRecord> {
  const record: RunRecord = {
    round: options.round,
    scenario: scenario.name,
    broker: brokerName,
    ok: false,
    metrics: {},
    delivered: 0,
    detail: {},
  };
  let broker: RunningBroker | undefined;
  try {
    broker = await launchBroker(brokerName, options);
    const probe = new CpuProbe(broker.pid);
    const result = await withTimeout(
      scenario.run({
        target: broker.target,
        brokerPid: broker.pid,
        // Short: Aedes refuses client ids over 23 characters, as MQTT 3.1.1 allows it to.
        runId: `r${options.round}`,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        sizes: options.sizes,
        probe,
      }),
      options.warmupMs + options.durationMs + slackMs,
      () => `${scenario.name} against ${brokerName}`,
    );
    if (broker.exited()) throw new Error(`${brokerName} exited during the run`);
    Object.assign(record, result, { cpu: probe.result() });
    record.ok = result.delivered > 0 && Object.values(result.metrics).every(Number.isFinite);
    if (!record.ok) record.error = 'delivered nothing';
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    await broker?.stop();
  }
  return record;
}
