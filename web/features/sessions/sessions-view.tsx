import { Users } from 'lucide-react';
import { useDeferredValue, useMemo, useState } from 'react';
import type { SessionSummary } from '../../../shared/admin/broker-link.ts';
import { useRoute } from '../../app/hash-route.ts';
import { formatAgo, formatCount, formatDateTime, formatExact, formatProtocol } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { ConnectionBadge } from '../../ui/badge.tsx';
import { SearchInput, Segmented } from '../../ui/inputs.tsx';
import layout from '../../ui/page-layout.module.css';
import { Page, Panel } from '../../ui/panel.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import { SessionDetailPanel } from './session-detail.tsx';
import { type SessionListFilter, useSessionRows } from './session-queries.ts';
import styles from './sessions-view.module.css';

const stateOptions = [
  { value: 'all', label: 'All' },
  { value: 'connected', label: 'Connected' },
  { value: 'offline', label: 'Offline' },
] as const;

export function SessionsView() {
  const [route, navigate] = useRoute();
  const selected = route.param;
  const [search, setSearch] = useState('');
  const [state, setState] = useState<SessionListFilter['state']>('all');
  const filter = { search: useDeferredValue(search.trim()), state };
  const rows = useSessionRows(filter);
  const now = useNow(5000);
  const columns = useMemo(() => sessionColumns(now), [now]);
  const filtered = filter.search !== '' || state !== 'all';
  return (
    <Page
      fill
      title="Sessions"
      description="Every client the broker knows: connected now, or offline with a persistent session."
    >
      <div className={layout.toolbar}>
        <SearchInput
          label="Filter sessions"
          placeholder="Filter by client id, user or address"
          value={search}
          onChange={setSearch}
          width={320}
        />
        <Segmented label="Connection state" value={state} options={stateOptions} onChange={setState} />
        <span className={layout.spacer} />
        {rows.total !== undefined && (
          <span className={text.muted}>
            {formatExact(rows.total)} {rows.total === 1 ? 'session' : 'sessions'}
            {filtered ? ' match' : ''}
          </span>
        )}
      </div>
      <div className={styles.body}>
        <Panel flush className={styles.tablePanel} label="Sessions">
          {rows.error && rows.total === undefined ? (
            <ErrorState error={rows.error} onRetry={() => void rows.refetch()} fill />
          ) : rows.isPending ? (
            <LoadingState label="Loading sessions…" fill />
          ) : rows.rowCount === 0 ? (
            <EmptyState
              icon={<Users size={20} />}
              title={filtered ? 'No matching sessions' : 'No sessions yet'}
              fill
            >
              {filtered
                ? 'Try a different filter, or show all sessions.'
                : 'Sessions appear here as soon as an MQTT client connects.'}
            </EmptyState>
          ) : (
            <VirtualTable
              label="Sessions"
              columns={columns}
              rowCount={rows.rowCount}
              getRow={rows.getRow}
              getRowKey={(session) => session.clientId}
              selectedKey={selected}
              onSelect={(session) => navigate({ view: 'sessions', param: session.clientId }, true)}
              onRangeChange={rows.onRangeChange}
            />
          )}
        </Panel>
        {selected !== undefined && (
          <div className={styles.drawer}>
            <SessionDetailPanel clientId={selected} onClose={() => navigate({ view: 'sessions' }, true)} />
          </div>
        )}
      </div>
    </Page>
  );
}

function sessionColumns(now: number): Column<SessionSummary>[] {
  const dash = <span className={text.faint}>—</span>;
  return [
    {
      id: 'client',
      header: 'Client ID',
      width: 'minmax(132px, 1.6fr)',
      render: (s) => (
        <span className={text.mono} title={s.clientId}>
          {s.clientId}
        </span>
      ),
    },
    {
      id: 'state',
      header: 'State',
      width: '96px',
      render: (s) => <ConnectionBadge connected={s.connected} />,
    },
    {
      id: 'protocol',
      header: 'Protocol',
      width: '80px',
      render: (s) => (s.protocolVersion ? formatProtocol(s.protocolVersion) : dash),
    },
    {
      id: 'transport',
      header: 'Transport',
      width: '76px',
      render: (s) => s.transport?.toUpperCase() ?? dash,
    },
    {
      id: 'address',
      header: 'Address',
      width: 'minmax(100px, 1fr)',
      render: (s) =>
        s.remoteAddress ? (
          <span className={text.muted} title={s.remoteAddress}>
            {s.remoteAddress}
          </span>
        ) : (
          dash
        ),
    },
    {
      id: 'keepalive',
      header: 'Keepalive',
      width: '68px',
      align: 'right',
      render: (s) => (s.keepalive === undefined ? dash : `${s.keepalive}s`),
    },
    {
      id: 'subs',
      header: 'Subs',
      width: '44px',
      align: 'right',
      render: (s) => formatCount(s.subscriptions),
    },
    {
      id: 'inflight',
      header: 'Inflight',
      width: '56px',
      align: 'right',
      render: (s) => formatCount(s.inflight),
    },
    { id: 'queued', header: 'Queued', width: '56px', align: 'right', render: (s) => formatCount(s.queued) },
    {
      id: 'since',
      header: 'Connected since',
      width: '116px',
      render: (s) =>
        s.connected && s.connectedAt ? (
          <span title={formatDateTime(s.connectedAt)}>{formatAgo(s.connectedAt, now)}</span>
        ) : s.disconnectedAt ? (
          <span className={text.faint} title={formatDateTime(s.disconnectedAt)}>
            left {formatAgo(s.disconnectedAt, now)}
          </span>
        ) : (
          dash
        ),
    },
  ];
}
