import { parseArgs } from 'node:util';
import { type BrokerName, brokerNames } from './brokers/launch-broker.ts';
import { allScenarios } from './scenarios/all-scenarios.ts';
import { fullSizes, type Scenario, type ScenarioSizes, smokeSizes } from './scenarios/scenario.ts';

export const usage = `Usage: npm run bench -- [options]      (tsx bench/run.ts)

  --rounds N           rounds; each runs every scenario against every broker in turn (default 3)
  --duration S         measured seconds per throughput/latency scenario (default 5)
  --warmup S           seconds of load before the measured window (default 1)
  --scenario NAME,...  only these: ${allScenarios.map((s) => s.name).join(', ')}
  --brokers NAME,...   default iothub,mosquitto,aedes
  --json FILE          also write every run and the medians as JSON
  --profile DIR        write V8 CPU profiles of the Node brokers into DIR (node --cpu-prof)
  --smoke              quick check: IoTHub only, 1 round, short, small; fails if anything delivered nothing
  -h, --help           this text`;

export interface BenchOptions {
  rounds: number;
  durationMs: number;
  warmupMs: number;
  scenarios: readonly Scenario[];
  brokers: readonly BrokerName[];
  sizes: ScenarioSizes;
  smoke: boolean;
  json: string | undefined;
  profileDir: string | undefined;
  help: boolean;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      brokers: { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  const smoke = values.smoke;
  return {
    rounds: positive('--rounds', values.rounds, smoke ? 1 : 3, true),
    durationMs: positive('--duration', values.duration, smoke ? 1 : 5) * 1000,
    warmupMs: positive('--warmup', values.warmup, smoke ? 0.5 : 1, false, true) * 1000,
    scenarios: pickScenarios(values.scenario),
    brokers: pickBrokers(values.brokers ?? (smoke ? 'iothub' : 'iothub,mosquitto,aedes')),
    sizes: smoke ? smokeSizes : fullSizes,
    smoke,
    json: values.json,
    profileDir: values.profile,
    help: values.help,
  };
}

function positive(
  flag: string,
  text: string | undefined,
  fallback: number,
  integer = false,
  zeroOk = false,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const valid =
    Number.isFinite(value) && (zeroOk ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!valid) throw new Error(`${flag}: expected a ${integer ? 'whole ' : ''}number above 0, got "${text}"`);
  return value;
}

function pickScenarios(names: readonly string[] | undefined): readonly Scenario[] {
  if (!names) return allScenarios;
  const wanted = names.flatMap((name) => name.split(',')).filter((name) => name !== '');
  return wanted.map((name) => {
    const scenario = allScenarios.find((candidate) => candidate.name === name);
    if (!scenario) {
      throw new Error(`--scenario: unknown "${name}" (known: ${allScenarios.map((s) => s.name).join(', ')})`);
    }
    return scenario;
  });
}

function pickBrokers(list: string): readonly BrokerName[] {
  const names = list.split(',').filter((name) => name !== '');
  return names.map((name) => {
    const broker = brokerNames.find((candidate) => candidate === name);
    if (!broker) throw new Error(`--brokers: unknown "${name}" (known: ${brokerNames.join(', ')})`);
    return broker;
  });
}
