import {
  Activity,
  Archive,
  ArrowDownToLine,
  ArrowUpFromLine,
  CircleSlash,
  Gauge,
  Plug,
  Rss,
  Users,
} from 'lucide-react';
import type { ReactNode } from 'react';
import type { OverviewSnapshot } from '../../../shared/admin/broker-link.ts';
import type { DropCause } from '../../../shared/observe/broker-metrics.ts';
import { formatBytes, formatCount, formatDateTime, formatDuration, formatRate } from '../../lib/format.ts';
import { Facts, Page, Panel } from '../../ui/panel.tsx';
import { ErrorState, LoadingState } from '../../ui/states.tsx';
import { LiveChart } from './live-chart.tsx';
import { useMetricHistory, useOverview } from './overview-queries.ts';
import styles from './overview-view.module.css';

export function OverviewView() {
  const { data, error, refetch } = useOverview();
  const history = useMetricHistory();
  return (
    <Page title="Overview" description="Live figures for the whole broker, updated every second.">
      {data ? (
        <>
          <StatGrid overview={data} />
          <Panel title="Throughput" subtitle="Per second, over the last few minutes" label="Throughput chart">
            <LiveChart history={history} />
          </Panel>
          <div className={styles.lower}>
            <Panel title="Dropped messages" subtitle={`${formatCount(data.droppedTotal)} since start`}>
              <DropBreakdown overview={data} />
            </Panel>
            <Panel title="Broker">
              <Facts
                items={[
                  ['Version', data.version],
                  ['Mode', data.mode === 'server' ? 'Server' : 'In-tab sandbox'],
                  ['Started', formatDateTime(data.startedAt)],
                  ['Uptime', formatDuration(data.uptimeSeconds)],
                  ['Peak connections', formatCount(data.maxConnections)],
                  ['Inflight / queued', `${formatCount(data.inflight)} / ${formatCount(data.queued)}`],
                  [
                    'Received',
                    `${formatCount(data.totals.messagesIn)} msgs · ${formatBytes(data.totals.bytesIn)}`,
                  ],
                  [
                    'Sent',
                    `${formatCount(data.totals.messagesOut)} msgs · ${formatBytes(data.totals.bytesOut)}`,
                  ],
                ]}
              />
            </Panel>
          </div>
        </>
      ) : error ? (
        <ErrorState error={error} onRetry={() => void refetch()} fill />
      ) : (
        <LoadingState fill />
      )}
    </Page>
  );
}

function StatGrid({ overview: o }: { overview: OverviewSnapshot }) {
  return (
    <ul className={styles.stats} aria-label="Counters">
      <Stat icon={<Plug size={14} />} label="Connections" value={formatCount(o.connections)}>
        peak {formatCount(o.maxConnections)}
      </Stat>
      <Stat icon={<Users size={14} />} label="Sessions" value={formatCount(o.sessions)}>
        {formatCount(Math.max(0, o.sessions - o.connections))} offline
      </Stat>
      <Stat icon={<Rss size={14} />} label="Subscriptions" value={formatCount(o.subscriptions)}>
        {formatCount(o.inflight)} inflight · {formatCount(o.queued)} queued
      </Stat>
      <Stat icon={<Archive size={14} />} label="Retained messages" value={formatCount(o.retained)}>
        stored for new subscribers
      </Stat>
      <Stat
        icon={<ArrowDownToLine size={14} />}
        label="Messages in"
        value={formatRate(o.rates.messagesIn)}
        unit="/s"
      >
        {formatCount(o.totals.messagesIn)} total
      </Stat>
      <Stat
        icon={<ArrowUpFromLine size={14} />}
        label="Messages out"
        value={formatRate(o.rates.messagesOut)}
        unit="/s"
      >
        {formatCount(o.totals.messagesOut)} total
      </Stat>
      <Stat
        icon={<Gauge size={14} />}
        label="Bandwidth in / out"
        value={`${formatBytes(o.rates.bytesIn)}`}
        unit="/s"
      >
        out {formatBytes(o.rates.bytesOut)}/s
      </Stat>
      <Stat
        icon={<CircleSlash size={14} />}
        label="Dropped"
        value={formatCount(o.droppedTotal)}
        tone={o.droppedTotal > 0 ? 'danger' : undefined}
      >
        {o.droppedTotal > 0 ? topCause(o) : 'nothing dropped'}
      </Stat>
    </ul>
  );
}

function Stat({
  icon,
  label,
  value,
  unit,
  tone,
  children,
}: {
  icon: ReactNode;
  label: string;
  value: string;
  unit?: string;
  tone?: 'danger' | undefined;
  children: ReactNode;
}) {
  return (
    <li className={styles.stat} aria-label={label}>
      <div className={styles.statLabel}>
        {icon}
        {label}
      </div>
      <div className={`${styles.statValue} ${tone ? styles[tone] : ''}`} data-testid="stat-value">
        {value}
        {unit && <span className={styles.statUnit}>{unit}</span>}
      </div>
      <div className={styles.statHint}>{children}</div>
    </li>
  );
}

/** Labels for the causes known today; a cause added to the broker later shows under its own name. */
const causeLabels: Partial<Record<DropCause, string>> = {
  'no-subscribers': 'No subscribers',
  'queue-full': 'Queue full',
  'output-buffer-full': 'Slow consumer',
  'offline-qos0': 'QoS 0 to offline',
  'not-authorized': 'Not authorised',
  expired: 'Expired',
  'packet-too-large': 'Too large for client',
};

const causeLabel = (cause: string): string => causeLabels[cause as DropCause] ?? cause.replaceAll('-', ' ');

function topCause(overview: OverviewSnapshot): string {
  const [cause] = Object.entries(overview.dropped).sort((a, b) => b[1] - a[1])[0] ?? [];
  return cause ? `mostly ${causeLabel(cause).toLowerCase()}` : '';
}

function DropBreakdown({ overview }: { overview: OverviewSnapshot }) {
  const entries = Object.entries(overview.dropped) as [DropCause, number][];
  const max = Math.max(1, ...entries.map(([, value]) => value));
  return (
    <div className={styles.drops}>
      {entries.map(([cause, value]) => {
        return (
          <div key={cause} className={styles.dropRow}>
            <span className={styles.dropLabel}>{causeLabel(cause)}</span>
            <div className={styles.bar}>
              <div className={styles.barFill} style={{ width: `${(value / max) * 100}%` }} />
            </div>
            <span className={styles.dropValue}>{formatCount(value)}</span>
          </div>
        );
      })}
      <div className={styles.statHint}>
        <Activity size={12} /> Messages the broker accepted but could not deliver to every subscriber.
      </div>
    </div>
  );
}
