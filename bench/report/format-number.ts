import type { MetricFormat } from '../scenarios/scenario.ts';

export function formatMetric(value: number, format: MetricFormat): string {
  if (!Number.isFinite(value)) return '–';
  switch (format) {
    case 'rate':
      if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
      if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
      return value.toFixed(0);
    case 'micros':
      return value.toFixed(0);
    case 'ms':
      return value < 100 ? value.toFixed(1) : value.toFixed(0);
    case 'kib':
      return value.toFixed(1);
  }
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(0)} %` : '–';
}
