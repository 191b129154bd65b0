import { MousePointerClick, Pin } from 'lucide-react';
import { useState } from 'react';
import type { MessageView, TopicView } from '../../../shared/admin/broker-link.ts';
import { formatAgo, formatClock, formatCount, formatRate } from '../../lib/format.ts';
import { previewPayload } from '../../lib/payload-format.ts';
import { useNow } from '../../lib/use-now.ts';
import { Badge } from '../../ui/badge.tsx';
import layout from '../../ui/page-layout.module.css';
import { Panel, Section } from '../../ui/panel.tsx';
import { PayloadViewer } from '../../ui/payload-viewer.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { useTopicMessages } from './topic-queries.ts';
import styles from './topics-view.module.css';

export function TopicDetail({ topic, view }: { topic: string | undefined; view: TopicView | undefined }) {
  if (topic === undefined) {
    return (
      <Panel label="Topic detail">
        <EmptyState icon={<MousePointerClick size={20} />} title="Select a topic" fill>
          Pick a topic in the tree to see its last payload and recent messages.
        </EmptyState>
      </Panel>
    );
  }
  return <SelectedTopic key={topic} topic={topic} view={view} />;
}

function SelectedTopic({ topic, view }: { topic: string; view: TopicView | undefined }) {
  const now = useNow(1000);
  const messages = useTopicMessages(topic);
  const [picked, setPicked] = useState<MessageView | undefined>(undefined);
  const recent = messages.data ? [...messages.data].reverse() : [];
  const shown = picked ?? recent[0];
  return (
    <Panel
      label="Topic detail"
      title={<span className={styles.level}>{topic}</span>}
      subtitle={view?.lastAt ? `Last message ${formatAgo(view.lastAt, now)}` : 'No message yet'}
      actions={
        view?.retained && (
          <Badge tone="warning">
            <Pin size={11} /> Retained
          </Badge>
        )
      }
    >
      <div className={layout.detail}>
        <div className={styles.figures}>
          <Figure label="Messages" value={view ? formatCount(view.messages) : '—'} />
          <Figure label="Rate" value={view ? `${formatRate(view.rate)}/s` : '—'} />
          <Figure label="Last at" value={view?.lastAt ? formatClock(view.lastAt, false) : '—'} />
        </div>
        <Section title={picked ? `Message at ${formatClock(picked.at)}` : 'Last payload'}>
          {shown ? (
            <PayloadViewer payload={shown.payload} maxHeight={240} />
          ) : view?.lastPayload ? (
            <PayloadViewer payload={view.lastPayload} maxHeight={240} />
          ) : (
            <div className={styles.none}>No payload yet</div>
          )}
        </Section>
        <Section title="Recent messages" count={recent.length}>
          {messages.error ? (
            <ErrorState error={messages.error} onRetry={() => void messages.refetch()} />
          ) : messages.isPending ? (
            <LoadingState />
          ) : recent.length === 0 ? (
            <div className={styles.none}>No recent messages kept for this topic</div>
          ) : (
            <ul className={styles.messages} aria-label="Recent messages">
              {recent.map((message, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: messages have no id; two may share a millisecond.
                <li key={`${message.at}-${index}`}>
                  <button
                    type="button"
                    className={styles.message}
                    aria-pressed={shown !== undefined && isSameMessage(message, shown)}
                    onClick={() => setPicked(message)}
                  >
                    <span className={text.monoMuted}>{formatClock(message.at)}</span>
                    <span className={styles.messagePreview}>{previewPayload(message.payload, 120)}</span>
                    <span>
                      {message.retain && <Badge tone="warning">R</Badge>} <Badge>QoS {message.qos}</Badge>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
    </Panel>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className={styles.figure}>
      <span className={styles.figureLabel}>{label}</span>
      <span className={styles.figureValue}>{value}</span>
    </div>
  );
}

const isSameMessage = (a: MessageView, b: MessageView): boolean =>
  a.at === b.at && a.payload.base64 === b.payload.base64 && a.qos === b.qos;
