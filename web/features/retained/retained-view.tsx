import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Archive, MousePointerClick, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { MessageView, RetainedSelector } from '../../../shared/admin/broker-link.ts';
import { isValidTopicFilter } from '../../../shared/topic/topic-validate.ts';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { formatAgo, formatBytes, formatCount, formatDateTime, formatExact } from '../../lib/format.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useNow } from '../../lib/use-now.ts';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { SearchInput } from '../../ui/inputs.tsx';
import { messageColumns } from '../../ui/message-columns.tsx';
import layout from '../../ui/page-layout.module.css';
import { Facts, Page, Panel, Section } from '../../ui/panel.tsx';
import { PayloadViewer } from '../../ui/payload-viewer.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { errorText, useToast } from '../../ui/toast.tsx';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import { overviewKeys } from '../overview/overview-queries.ts';
import { topicKeys } from '../topics/topic-queries.ts';
import { retainedKeys, useRetainedRows } from './retained-queries.ts';
import styles from './retained-view.module.css';

export function RetainedView() {
  const [filterText, setFilterText] = useState('');
  const typed = filterText.trim() || '#';
  const valid = isValidTopicFilter(typed);
  const settled = useDebounced(typed, 250);
  const [filter, setFilter] = useState('#');
  if (valid && settled === typed && filter !== settled) setFilter(settled);
  const rows = useRetainedRows(filter);
  const [selectedTopic, setSelectedTopic] = useState<string | undefined>(undefined);
  const remove = useDeleteRetained();
  const now = useNow(5000);
  const columns = useMemo(
    () => retainedColumns(now, (topic) => remove.mutate({ topic })),
    [now, remove.mutate],
  );
  const selected = findLoaded(rows, selectedTopic);

  return (
    <Page
      fill
      title="Retained messages"
      description="The last retained message of each topic, sent to every new subscriber."
    >
      <div className={layout.toolbar}>
        <SearchInput
          label="Retained topic filter"
          placeholder="Topic filter, e.g. devices/#"
          value={filterText}
          onChange={setFilterText}
          invalid={!valid}
          width={320}
        />
        {!valid && <span className={layout.filterError}>Not a valid topic filter</span>}
        <span className={layout.spacer} />
        {rows.total !== undefined && (
          <span className={text.muted}>
            {formatExact(rows.total)} retained {rows.total === 1 ? 'message' : 'messages'}
          </span>
        )}
        <ConfirmButton
          icon={<Trash2 size={14} />}
          disabled={!rows.total || remove.isPending}
          confirmLabel={`Delete ${formatCount(rows.total ?? 0)} matching ${filter}?`}
          onConfirm={() => remove.mutate({ filter })}
        >
          Delete all matching
        </ConfirmButton>
      </div>
      <div className={layout.split}>
        <Panel flush label="Retained messages">
          {rows.error && rows.total === undefined ? (
            <ErrorState error={rows.error} onRetry={() => void rows.refetch()} fill />
          ) : rows.isPending ? (
            <LoadingState label="Loading retained messages…" fill />
          ) : rows.rowCount === 0 ? (
            <EmptyState icon={<Archive size={20} />} title="No retained messages" fill>
              {filter === '#'
                ? 'A message published with the retain flag is kept here for new subscribers.'
                : `Nothing retained matches ${filter}.`}
            </EmptyState>
          ) : (
            <VirtualTable
              label="Retained messages"
              columns={columns}
              rowCount={rows.rowCount}
              getRow={rows.getRow}
              getRowKey={(message) => message.topic}
              selectedKey={selectedTopic}
              onSelect={(message) => setSelectedTopic(message.topic)}
              onRangeChange={rows.onRangeChange}
            />
          )}
        </Panel>
        {selected ? (
          <Panel
            label="Retained message"
            title={<span className={text.mono}>{selected.topic}</span>}
            actions={
              <ConfirmButton
                size="small"
                icon={<Trash2 size={14} />}
                confirmLabel="Confirm delete"
                onConfirm={() => remove.mutate({ topic: selected.topic })}
              >
                Delete
              </ConfirmButton>
            }
          >
            <div className={layout.detail}>
              <Facts
                items={[
                  ['Stored', formatDateTime(selected.at)],
                  ['QoS', String(selected.qos)],
                  ['Size', formatBytes(selected.payload.size)],
                  ['Publisher', selected.clientId ?? 'broker or dashboard'],
                ]}
              />
              <Section title="Payload">
                <PayloadViewer payload={selected.payload} />
              </Section>
            </div>
          </Panel>
        ) : (
          <Panel label="Retained message">
            <EmptyState icon={<MousePointerClick size={20} />} title="Select a message" fill>
              Pick a retained message to see its payload.
            </EmptyState>
          </Panel>
        )}
      </div>
    </Page>
  );
}

function useDeleteRetained() {
  const link = useBrokerLink();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (selector: RetainedSelector) => link.deleteRetained(selector),
    onSuccess: ({ deleted }, selector) =>
      toast({
        tone: 'success',
        title: `Deleted ${formatCount(deleted)} retained ${deleted === 1 ? 'message' : 'messages'}`,
        message: 'topic' in selector ? selector.topic : `matching ${selector.filter}`,
      }),
    onError: (error) => toast({ tone: 'error', title: 'Could not delete', message: errorText(error) }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: retainedKeys.all }),
        queryClient.invalidateQueries({ queryKey: topicKeys.all }),
        queryClient.invalidateQueries({ queryKey: overviewKeys.snapshot() }),
      ]),
  });
}

function findLoaded(
  rows: { rowCount: number; getRow: (index: number) => MessageView | undefined },
  topic: string | undefined,
): MessageView | undefined {
  if (topic === undefined) return undefined;
  for (let index = 0; index < rows.rowCount; index++) {
    const row = rows.getRow(index);
    if (row?.topic === topic) return row;
  }
  return undefined;
}

function retainedColumns(now: number, onDelete: (topic: string) => void): Column<MessageView>[] {
  return [
    messageColumns.topic('minmax(160px, 1.4fr)'),
    messageColumns.payload('minmax(140px, 1.6fr)'),
    messageColumns.qos('40px', { retainBadge: false }),
    {
      id: 'stored',
      header: 'Stored',
      width: '80px',
      render: (m) => (
        <span className={text.muted} title={formatDateTime(m.at)}>
          {formatAgo(m.at, now)}
        </span>
      ),
    },
    {
      id: 'actions',
      header: '',
      width: '36px',
      render: (m) => (
        <span className={styles.rowAction}>
          <ConfirmButton
            size="small"
            variant="ghost"
            icon={<Trash2 size={13} />}
            aria-label={`Delete retained message on ${m.topic}`}
            confirmLabel=""
            onConfirm={() => onDelete(m.topic)}
          />
        </span>
      ),
    },
  ];
}
