// The bench driver: `npm run bench` (see bench/README.md).
import { writeFileSync } from 'node:fs';
import { type BrokerName, brokerLabels } from './brokers/launch-broker.ts';
import { findMosquitto } from './brokers/mosquitto-config.ts';
import { type BenchOptions, parseBenchOptions, usage } from './options.ts';
import { formatMetric, formatPercent } from './report/format-number.ts';
import { formatTable } from './report/format-table.ts';
import { describeMachine } from './report/machine.ts';
import type { RunRecord } from './report/run-record.ts';
import { summarize } from './report/summarize.ts';
import { runOne } from './run-one.ts';
import type { Scenario } from './scenarios/scenario.ts';

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const mosquittoPath = findMosquitto();
  let brokers = options.brokers;
  if (brokers.includes('mosquitto') && !mosquittoPath) {
    process.stderr.write(
      'mosquitto not found (PATH, /usr/sbin): install it with `apt-get install -y mosquitto`. Skipping Mosquitto.\n',
    );
    brokers = brokers.filter((broker) => broker !== 'mosquitto');
  }
  if (brokers.length === 0) return 2;

  const machine = describeMachine(mosquittoPath);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  process.stderr.write(
    `${options.rounds} round(s) × ${options.scenarios.length} scenario(s) × ${brokers.map((b) => brokerLabels[b]).join(', ')}\n`,
  );

  const records: RunRecord[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const scenario of options.scenarios) {
      // Rotating the order each round spreads drift in the machine's load over all brokers alike.
      for (const broker of rotate(brokers, round - 1)) {
        const record = await runOne(scenario, broker, { ...options, round, mosquittoPath });
        records.push(record);
        process.stderr.write(`${describeRun(record, scenario, options.rounds)}\n`);
      }
    }
  }

  const summaries = summarize(records, options.scenarios, brokers, options.sizes);
  process.stdout.write(
    [
      '',
      `${machine.date.slice(0, 10)} · ${machine.cores} cores, ${machine.cpuModel} · Node ${machine.node}, ` +
        `Mosquitto ${machine.mosquitto}, Aedes ${machine.aedes}`,
      `\`${command}\`: medians of ${options.rounds} round(s), ${options.durationMs / 1000} s measured after ` +
        `${options.warmupMs / 1000} s warm-up; CPU in % of one core`,
      '',
      formatTable(summaries, brokers, options.rounds),
      '',
    ].join('\n'),
  );
  if (options.json) {
    writeFileSync(
      options.json,
      `${JSON.stringify({ machine, command, options: jsonOptions(options, brokers), records, summaries }, null, 2)}\n`,
    );
  }
  const failed = records.filter((record) => !record.ok);
  for (const record of failed) {
    process.stderr.write(
      `FAILED: ${record.scenario} against ${record.broker} (round ${record.round}): ${record.error}\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function describeRun(record: RunRecord, scenario: Scenario, rounds: number): string {
  const head = `round ${record.round}/${rounds}  ${record.scenario.padEnd(11)} ${record.broker.padEnd(9)}`;
  if (!record.ok) return `${head} FAILED: ${record.error}`;
  const metrics = scenario.metrics
    .map(
      (metric) => `${metric.label} ${formatMetric(record.metrics[metric.key] ?? Number.NaN, metric.format)}`,
    )
    .join(', ');
  const cpu = record.cpu
    ? ` · broker CPU ${formatPercent(record.cpu.broker)}, generator CPU ${formatPercent(record.cpu.generator)}`
    : '';
  const disconnected = record.detail.disconnected
    ? ` · ${record.detail.disconnected} client(s) disconnected`
    : '';
  return `${head} ${metrics}${cpu}${disconnected}`;
}

function jsonOptions(options: BenchOptions, brokers: readonly BrokerName[]): Record<string, unknown> {
  return {
    rounds: options.rounds,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    scenarios: options.scenarios.map((scenario) => scenario.name),
    brokers,
    sizes: options.sizes,
    smoke: options.smoke,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
