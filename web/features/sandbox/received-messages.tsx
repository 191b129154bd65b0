import { Eraser, Inbox } from 'lucide-react';
import { useMemo, useState } from 'react';
import { formatBytes, formatClock, formatCount } from '../../lib/format.ts';
import { previewPayload } from '../../lib/payload-format.ts';
import { Button } from '../../ui/button.tsx';
import { messageColumns } from '../../ui/message-columns.tsx';
import { Facts } from '../../ui/panel.tsx';
import { PayloadViewer } from '../../ui/payload-viewer.tsx';
import { EmptyState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import styles from './client-panel.module.css';
import type { ReceivedMessage } from './received-message.ts';
import { type ClientState, RECEIVED_CAP } from './virtual-client.ts';

/** What the client received, newest first, in a virtualised list capped at RECEIVED_CAP; a
 * selected message opens below with its payload and MQTT 5 properties. */
export function ReceivedMessages({ client, onClear }: { client: ClientState; onClear: () => void }) {
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>();
  const columns = useMemo(() => receivedColumns(), []);
  const { messages } = client;
  const selected = messages.find((message) => message.seq === selectedSeq);
  return (
    <section className={styles.receivedSection} aria-label="Received">
      <header className={styles.sectionHeader}>
        <h3 className={styles.sectionTitle}>
          Received <span className={styles.count}>{formatCount(client.received)}</span>
        </h3>
        <span className={styles.hint}>
          {client.received > RECEIVED_CAP
            ? `showing the last ${formatCount(RECEIVED_CAP)}`
            : messages.length > 0
              ? 'newest first'
              : ''}
        </span>
        <span className={styles.spacer} />
        <Button
          size="small"
          variant="ghost"
          icon={<Eraser size={13} />}
          disabled={messages.length === 0}
          onClick={onClear}
        >
          Clear
        </Button>
      </header>
      <div className={styles.received}>
        {messages.length === 0 ? (
          <EmptyState icon={<Inbox size={20} />} title="Nothing received yet" fill>
            Messages on this client's subscriptions appear here, retained ones first.
          </EmptyState>
        ) : (
          <VirtualTable
            label="Received messages"
            columns={columns}
            rowCount={messages.length}
            getRow={(index) => messages[index]}
            getRowKey={(message) => String(message.seq)}
            selectedKey={selectedSeq === undefined ? undefined : String(selectedSeq)}
            onSelect={(message) => setSelectedSeq(message.seq === selectedSeq ? undefined : message.seq)}
            rowHeight={32}
          />
        )}
      </div>
      {selected && <MessageDetail message={selected} />}
    </section>
  );
}

function receivedColumns(): Column<ReceivedMessage>[] {
  return [
    messageColumns.time(),
    messageColumns.topic(),
    messageColumns.payload(),
    messageColumns.qos('52px'),
  ];
}

function MessageDetail({ message }: { message: ReceivedMessage }) {
  const facts: [string, React.ReactNode][] = [
    [
      'Topic',
      <span key="topic" className={text.mono}>
        {message.topic}
      </span>,
    ],
    ['Received', formatClock(message.at)],
    ['QoS', String(message.qos)],
    ['Retained', message.retain ? 'Yes (stored message, sent on subscribe)' : 'No'],
    ['Size', formatBytes(message.payload.size)],
  ];
  if (message.responseTopic) facts.push(['Response topic', message.responseTopic]);
  if (message.correlationData) facts.push(['Correlation data', previewPayload(message.correlationData, 60)]);
  if (message.contentType) facts.push(['Content type', message.contentType]);
  if (message.userProperties) {
    facts.push([
      'User properties',
      Object.entries(message.userProperties)
        .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : value}`)
        .join(' · '),
    ]);
  }
  return (
    <section className={styles.messageDetail} aria-label="Received message">
      <Facts items={facts} />
      <PayloadViewer payload={message.payload} maxHeight={200} />
    </section>
  );
}
