import type { OverviewSnapshot } from '../../shared/admin/broker-link.ts';
import type { BrokerCounters } from '../../shared/index.ts';

export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

export interface ProcessFigures {
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  residentMemoryBytes: number;
  heapUsedBytes: number;
  startTimeSeconds: number;
}

type Sample = [labels: Record<string, string>, value: number];

/**
 * The Prometheus text exposition format (0.0.4), written by hand: every figure is a counter or gauge
 * the broker already keeps, so a client library would add a dependency and a second registry of the
 * same numbers. The names follow Prometheus conventions (`_total` counters, base units).
 */
export function renderPrometheus(
  overview: OverviewSnapshot,
  counters: Pick<
    BrokerCounters,
    'connectionsOpened' | 'connectionsClosed' | 'connectionsRejected' | 'packetsIn' | 'packetsOut'
  >,
  processFigures?: ProcessFigures,
): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: number | Sample[],
  ): void => {
    lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of typeof samples === 'number' ? [[{}, samples] as Sample] : samples) {
      lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    }
  };
  metric('iothub_info', 'gauge', 'IoTHub version, as a label.', [[{ version: overview.version }, 1]]);
  metric(
    'iothub_start_time_seconds',
    'gauge',
    'When the broker started, seconds since the epoch.',
    overview.startedAt / 1000,
  );
  metric('iothub_uptime_seconds', 'gauge', 'Seconds since the broker started.', overview.uptimeSeconds);
  metric('iothub_clients_connected', 'gauge', 'Clients connected now.', overview.connections);
  metric(
    'iothub_clients_maximum',
    'gauge',
    'Most clients connected at once since start.',
    overview.maxConnections,
  );
  metric(
    'iothub_clients_disconnected',
    'gauge',
    'Persistent sessions whose client is offline.',
    overview.sessions - overview.connections,
  );
  metric('iothub_sessions', 'gauge', 'Sessions, connected or not.', overview.sessions);
  metric(
    'iothub_connections_opened_total',
    'counter',
    'Network connections accepted.',
    counters.connectionsOpened,
  );
  metric(
    'iothub_connections_closed_total',
    'counter',
    'Network connections ended.',
    counters.connectionsClosed,
  );
  metric(
    'iothub_connections_rejected_total',
    'counter',
    'CONNECTs refused with a CONNACK error.',
    counters.connectionsRejected,
  );
  metric('iothub_subscriptions', 'gauge', 'Subscriptions over all sessions.', overview.subscriptions);
  metric('iothub_retained_messages', 'gauge', 'Retained messages held.', overview.retained);
  metric(
    'iothub_inflight_messages',
    'gauge',
    'Outbound QoS 1/2 messages awaiting acknowledgement.',
    overview.inflight,
  );
  metric('iothub_queued_messages', 'gauge', 'Messages queued for sessions.', overview.queued);
  metric(
    'iothub_messages_received_total',
    'counter',
    'PUBLISH packets received from clients.',
    overview.totals.messagesIn,
  );
  metric(
    'iothub_messages_sent_total',
    'counter',
    'PUBLISH packets sent to clients.',
    overview.totals.messagesOut,
  );
  metric('iothub_bytes_received_total', 'counter', 'Bytes received from clients.', overview.totals.bytesIn);
  metric('iothub_bytes_sent_total', 'counter', 'Bytes sent to clients.', overview.totals.bytesOut);
  metric('iothub_packets_received_total', 'counter', 'MQTT packets received.', counters.packetsIn);
  metric('iothub_packets_sent_total', 'counter', 'MQTT packets sent.', counters.packetsOut);
  metric(
    'iothub_messages_dropped_total',
    'counter',
    'Messages not delivered, by cause.',
    Object.entries(overview.dropped).map(([cause, value]): Sample => [{ cause }, value]),
  );
  if (processFigures) {
    metric(
      'process_cpu_user_seconds_total',
      'counter',
      'User CPU time spent in seconds.',
      processFigures.cpuUserSeconds,
    );
    metric(
      'process_cpu_system_seconds_total',
      'counter',
      'System CPU time spent in seconds.',
      processFigures.cpuSystemSeconds,
    );
    metric(
      'process_resident_memory_bytes',
      'gauge',
      'Resident memory size in bytes.',
      processFigures.residentMemoryBytes,
    );
    metric(
      'nodejs_heap_size_used_bytes',
      'gauge',
      'Process heap size used from Node.js in bytes.',
      processFigures.heapUsedBytes,
    );
    metric(
      'process_start_time_seconds',
      'gauge',
      'Start time of the process since unix epoch in seconds.',
      processFigures.startTimeSeconds,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Figures for the `process_*` metrics, read from Node now. */
export function readProcessFigures(): ProcessFigures {
  const cpu = globalThis.process.cpuUsage();
  const memory = globalThis.process.memoryUsage();
  return {
    cpuUserSeconds: cpu.user / 1e6,
    cpuSystemSeconds: cpu.system / 1e6,
    residentMemoryBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    startTimeSeconds: Math.round(Date.now() / 1000 - globalThis.process.uptime()),
  };
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
