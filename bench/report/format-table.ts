import { type BrokerName, brokerLabels } from '../brokers/launch-broker.ts';
import { formatMetric, formatPercent, formatRatio } from './format-number.ts';
import type { BrokerMedians, ScenarioSummary } from './summarize.ts';

// IoTHub first, then the brokers it is compared with, in the order.
const columnOrder: readonly BrokerName[] = ['iothub', 'mosquitto', 'aedes'];
const comparedWith: readonly BrokerName[] = ['mosquitto', 'aedes'];

/**
 * A Markdown table: one row per metric (↑ higher is better, ↓ lower is better) and two CPU rows per
 * scenario (percent of one core over the measured window). Ratios are IoTHub's value divided by the
 * other broker's, whichever direction is better.
 */
export function formatTable(
  summaries: readonly ScenarioSummary[],
  brokers: readonly BrokerName[],
  rounds: number,
): string {
  const columns = columnOrder.filter((broker) => brokers.includes(broker));
  const ratios = brokers.includes('iothub') ? comparedWith.filter((broker) => brokers.includes(broker)) : [];
  const header = [
    'scenario',
    'metric',
    ...columns.map((broker) => brokerLabels[broker]),
    ...ratios.map((broker) => `IoTHub/${brokerLabels[broker]}`),
  ];
  const lines = [row(header), row(header.map((_, i) => (i < 2 ? '---' : '---:')))];
  for (const summary of summaries) {
    let first = true;
    const scenarioCell = (): string => {
      const cell = first ? summary.title : '';
      first = false;
      return cell;
    };
    const medians = (broker: BrokerName): BrokerMedians | undefined => summary.brokers[broker];
    for (const metric of summary.metrics) {
      const value = (broker: BrokerName): number => medians(broker)?.metrics[metric.key] ?? Number.NaN;
      const cells = columns.map((broker) => {
        const runs = medians(broker)?.runs ?? 0;
        if (runs === 0) return 'failed';
        const text = formatMetric(value(broker), metric.format);
        return runs < rounds ? `${text} (${runs}/${rounds} ok)` : text;
      });
      const ratioCells = ratios.map((broker) => formatRatio(value('iothub') / value(broker)));
      lines.push(
        row([
          scenarioCell(),
          `${metric.label} ${metric.better === 'higher' ? '↑' : '↓'}`,
          ...cells,
          ...ratioCells,
        ]),
      );
    }
    const cpuRow = (label: string, pick: (m: BrokerMedians) => number): string =>
      row([
        '',
        label,
        ...columns.map((broker) => formatPercent(medians(broker) ? pick(medians(broker)!) : Number.NaN)),
        ...ratios.map(() => ''),
      ]);
    lines.push(
      cpuRow('broker CPU', (m) => m.brokerCpu),
      cpuRow('load generator CPU', (m) => m.generatorCpu),
    );
  }
  return lines.join('\n');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}
