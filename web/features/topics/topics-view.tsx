import { ChevronDown, ChevronRight, FolderTree, Pin } from 'lucide-react';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useRoute } from '../../app/hash-route.ts';
import { formatCount, formatExact, formatRate } from '../../lib/format.ts';
import { previewPayload } from '../../lib/payload-format.ts';
import {
  buildTopicTree,
  flattenTree,
  searchTree,
  type TopicNode,
  type TopicRow,
} from '../../lib/topic-tree.ts';
import { SearchInput } from '../../ui/inputs.tsx';
import layout from '../../ui/page-layout.module.css';
import { Page, Panel } from '../../ui/panel.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import { TopicDetail } from './topic-detail.tsx';
import { useTopics } from './topic-queries.ts';
import styles from './topics-view.module.css';

/** Below this many topics the whole tree starts expanded. */
const EXPAND_ALL_BELOW = 200;

export function TopicsView() {
  const [route, navigate] = useRoute();
  const selected = route.param;
  const { data, error, refetch, isPending } = useTopics();
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  // Nodes whose expansion the user flipped from the default.
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const tree = useMemo(() => buildTopicTree(data ?? []), [data]);
  const rows = useMemo(() => {
    if (deferredSearch) return searchTree(tree, deferredSearch);
    const expandAll = tree.topicCount < EXPAND_ALL_BELOW;
    return flattenTree(tree, (node) => isOpenByDefault(node, expandAll) !== toggled.has(node.path));
  }, [tree, toggled, deferredSearch]);
  const toggle = useCallback(
    (path: string): void =>
      setToggled((current) => {
        const next = new Set(current);
        if (!next.delete(path)) next.add(path);
        return next;
      }),
    [],
  );
  const columns = useMemo(() => topicColumns(toggle), [toggle]);
  const topic = selected === undefined ? undefined : data?.find((view) => view.topic === selected);

  return (
    <Page
      fill
      title="Topics"
      description="Every topic that carried a message, as a live tree with counts and rates."
    >
      <div className={layout.split}>
        <Panel
          flush
          label="Topic tree"
          title={
            <SearchInput
              label="Filter topics"
              placeholder="Filter topics"
              value={search}
              onChange={setSearch}
              width={260}
            />
          }
          actions={data && <span className={text.muted}>{formatExact(data.length)} topics</span>}
        >
          {error && !data ? (
            <ErrorState error={error} onRetry={() => void refetch()} fill />
          ) : isPending ? (
            <LoadingState label="Loading topics…" fill />
          ) : rows.length === 0 ? (
            <EmptyState
              icon={<FolderTree size={20} />}
              title={search ? 'No matching topics' : 'No topics yet'}
              fill
            >
              {search
                ? 'No topic contains that text.'
                : 'Topics appear here when a client publishes a message.'}
            </EmptyState>
          ) : (
            <VirtualTable
              label="Topics"
              columns={columns}
              rowCount={rows.length}
              getRow={(index) => rows[index]}
              getRowKey={(row) => row.node.path}
              selectedKey={selected}
              onSelect={(row) =>
                row.node.topic
                  ? navigate({ view: 'topics', param: row.node.path }, true)
                  : toggle(row.node.path)
              }
            />
          )}
        </Panel>
        <TopicDetail topic={selected} view={topic} />
      </div>
    </Page>
  );
}

/** Small trees open fully, large ones one level deep; the broker's own `$SYS` branch starts closed. */
function isOpenByDefault(node: TopicNode, expandAll: boolean): boolean {
  if (node.path.startsWith('$')) return false;
  return expandAll || node.depth === 0;
}

function topicColumns(toggle: (path: string) => void): Column<TopicRow>[] {
  return [
    {
      id: 'topic',
      header: 'Topic',
      width: 'minmax(200px, 2fr)',
      render: (row) => <TopicName row={row} toggle={toggle} />,
    },
    {
      id: 'messages',
      header: 'Messages',
      width: '76px',
      align: 'right',
      render: (row) => formatCount(row.node.messages),
    },
    {
      id: 'rate',
      header: 'Rate',
      width: '64px',
      align: 'right',
      render: (row) => <span className={text.muted}>{formatRate(row.node.rate)}/s</span>,
    },
    {
      id: 'payload',
      header: 'Last payload',
      width: 'minmax(120px, 1.4fr)',
      render: (row) =>
        row.node.topic?.lastPayload ? (
          <span className={text.monoMuted}>{previewPayload(row.node.topic.lastPayload, 80)}</span>
        ) : null,
    },
    {
      id: 'retained',
      header: <Pin size={12} aria-label="Retained" />,
      width: '20px',
      render: (row) =>
        row.node.topic?.retained ? (
          <Pin size={13} className={styles.retainedIcon} aria-label="Retained" />
        ) : null,
    },
  ];
}

function TopicName({ row, toggle }: { row: TopicRow; toggle: (path: string) => void }) {
  const { node } = row;
  const branch = node.children.length > 0;
  return (
    <span className={styles.name} style={{ paddingLeft: node.depth * 16 }} title={node.path}>
      {branch ? (
        <button
          type="button"
          className={styles.toggle}
          aria-label={row.expanded ? `Collapse ${node.path}` : `Expand ${node.path}`}
          aria-expanded={row.expanded}
          onClick={(event) => {
            event.stopPropagation();
            toggle(node.path);
          }}
        >
          {row.expanded ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
        </button>
      ) : (
        <span className={styles.leafSpacer} />
      )}
      <LevelName node={node} />
      {branch && <span className={styles.childCount}>{formatCount(node.topicCount)}</span>}
    </span>
  );
}

function LevelName({ node }: { node: TopicNode }) {
  const classes = [
    styles.level,
    node.children.length > 0 && styles.branch,
    node.name === '' && styles.emptyLevel,
  ];
  return (
    <span className={classes.filter(Boolean).join(' ')}>{node.name === '' ? '(empty)' : node.name}</span>
  );
}
