import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatCount, formatRate } from '../../lib/format.ts';
import styles from './live-chart.module.css';
import type { MetricHistory } from './overview-queries.ts';

/** Seconds of history in view; the window slides so new ticks enter on the right. */
const MIN_WINDOW_SECONDS = 60;
const MAX_WINDOW_SECONDS = 300;
const HEIGHT = 260;

const series = [
  { key: 'messagesIn', label: 'Messages in/s', color: '--chart-in', format: formatRate },
  { key: 'messagesOut', label: 'Messages out/s', color: '--chart-out', format: formatRate },
  { key: 'connections', label: 'Connections', color: '--chart-connections', format: formatCount },
] as const;

/** Messages in/out per second (left axis) and connections (right axis), redrawn on each tick
 * without re-creating the chart. */
export function LiveChart({ history }: { history: MetricHistory }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const theme = useThemeVersion();
  const data = toAligned(history);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    void theme;
    const chart = new uPlot(chartOptions(element, element.clientWidth), latest.current, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [theme]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const last = history.at.length - 1;
  return (
    <div>
      <div className={styles.legend} data-testid="chart-legend">
        {series.map((item) => (
          <div key={item.key} className={styles.legendItem}>
            <span
              className={`${styles.swatch} ${item.key === 'connections' ? styles.dashed : ''}`}
              style={item.key === 'connections' ? undefined : { background: `var(${item.color})` }}
            />
            {item.label}
            <span className={styles.legendValue} data-testid={`chart-${item.key}`}>
              {last >= 0 ? item.format(history[item.key][last]!) : '—'}
            </span>
          </div>
        ))}
      </div>
      <div
        className={styles.chart}
        ref={container}
        style={{ height: HEIGHT }}
        data-points={history.at.length}
      >
        {history.at.length < 2 && <div className={styles.waiting}>Collecting live figures…</div>}
      </div>
    </div>
  );
}

function toAligned(history: MetricHistory): uPlot.AlignedData {
  return [history.at, history.messagesIn, history.messagesOut, history.connections];
}

function chartOptions(element: HTMLElement, width: number): uPlot.Options {
  const css = getComputedStyle(element);
  const color = (name: string): string => css.getPropertyValue(name).trim();
  const grid = { stroke: color('--border'), width: 1 };
  const axis = {
    stroke: color('--text-faint'),
    grid,
    ticks: { show: false },
    font: `11px ${css.fontFamily}`,
  };
  const line = (name: string, fill: boolean): uPlot.Series => ({
    stroke: color(name),
    width: 2,
    points: { show: false },
    fill: fill ? `${color(name)}1f` : undefined,
  });
  return {
    width,
    height: HEIGHT,
    padding: [12, 8, 0, 0],
    legend: { show: false },
    cursor: { y: false, points: { size: 7 } },
    scales: {
      x: {
        time: true,
        // Grows from one minute to five as history builds up, so a fresh broker's chart is not a sliver.
        range: (_plot, min, max) => [
          max - Math.min(MAX_WINDOW_SECONDS, Math.max(MIN_WINDOW_SECONDS, max - min)),
          max,
        ],
      },
      rate: { range: (_plot, _min, max) => [0, Math.max(5, max * 1.15)] },
      connections: { range: (_plot, _min, max) => [0, Math.max(5, Math.ceil(max * 1.2))] },
    },
    series: [
      {},
      { ...line(series[0].color, true), scale: 'rate', label: series[0].label },
      { ...line(series[1].color, true), scale: 'rate', label: series[1].label },
      { ...line(series[2].color, false), scale: 'connections', label: series[2].label, dash: [4, 4] },
    ],
    axes: [
      {
        ...axis,
        space: 90,
        size: 32,
        values: (_plot, ticks) => ticks.map((tick) => formatClock(tick * 1000, false)),
      },
      { ...axis, scale: 'rate', size: 48, values: (_plot, ticks) => ticks.map(formatRate) },
      {
        ...axis,
        scale: 'connections',
        side: 1,
        size: 48,
        grid: { show: false },
        values: (_plot, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? formatCount(tick) : '')),
      },
    ],
  };
}

/** Changes whenever the theme attribute flips, so the chart re-reads its colours. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const observer = new MutationObserver(() => setVersion((value) => value + 1));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return version;
}
