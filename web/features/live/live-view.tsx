import { Eraser, MousePointerClick, Pause, Play, Radio } from 'lucide-react';
import { useMemo, useState } from 'react';
import { isValidTopicFilter } from '../../../shared/topic/topic-validate.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { Button } from '../../ui/button.tsx';
import { SearchInput } from '../../ui/inputs.tsx';
import { messageColumns } from '../../ui/message-columns.tsx';
import layout from '../../ui/page-layout.module.css';
import { Facts, Page, Panel, Section } from '../../ui/panel.tsx';
import { PayloadViewer } from '../../ui/payload-viewer.tsx';
import { EmptyState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import styles from './live-view.module.css';
import { SAMPLE_PER_SECOND, STREAM_CAP, type StreamMessage, useMessageStream } from './use-message-stream.ts';

export function LiveView() {
  const [filterText, setFilterText] = useState('');
  const typed = filterText.trim() || '#';
  const valid = isValidTopicFilter(typed);
  const settled = useDebounced(typed, 300);
  const [applied, setApplied] = useState('#');
  if (valid && settled === typed && applied !== settled) setApplied(settled);
  const [paused, setPaused] = useState(false);
  const stream = useMessageStream(applied, paused);
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>(undefined);
  const selected = stream.messages.find((message) => message.seq === selectedSeq);
  const columns = useMemo(() => liveColumns(), []);

  return (
    <Page
      fill
      title="Live messages"
      description={`A sample of the messages flowing through the broker, at most ${SAMPLE_PER_SECOND} a second.`}
    >
      <div className={layout.toolbar}>
        <SearchInput
          label="Topic filter"
          placeholder="Topic filter, e.g. sensors/+/temperature"
          value={filterText}
          onChange={setFilterText}
          invalid={!valid}
          width={340}
        />
        {!valid && <span className={layout.filterError}>Not a valid topic filter</span>}
        <span className={layout.spacer} />
        <span className={text.muted}>
          {formatCount(stream.received)} received · showing the last {STREAM_CAP}
        </span>
        <Button
          icon={paused ? <Play size={14} /> : <Pause size={14} />}
          variant={paused ? 'primary' : 'default'}
          onClick={() => setPaused(!paused)}
        >
          {paused ? 'Resume' : 'Pause'}
        </Button>
        <Button icon={<Eraser size={14} />} onClick={stream.clear} disabled={stream.messages.length === 0}>
          Clear
        </Button>
      </div>
      <div className={`${layout.split} ${layout.splitWide}`}>
        <Panel flush label="Message stream">
          <div className={styles.stack}>
            {paused && (
              <div className={styles.banner} role="status">
                <span>
                  Paused — {formatCount(stream.waiting)} new {stream.waiting === 1 ? 'message' : 'messages'}{' '}
                  waiting
                </span>
                <Button size="small" icon={<Play size={12} />} onClick={() => setPaused(false)}>
                  Resume
                </Button>
              </div>
            )}
            {stream.messages.length === 0 ? (
              <EmptyState icon={<Radio size={20} />} title="Waiting for messages" fill>
                Messages on <code>{applied}</code> appear here as clients publish them.
              </EmptyState>
            ) : (
              <VirtualTable
                label="Messages"
                columns={columns}
                rowCount={stream.messages.length}
                getRow={(index) => stream.messages[index]}
                getRowKey={(message) => String(message.seq)}
                selectedKey={selectedSeq === undefined ? undefined : String(selectedSeq)}
                onSelect={(message) => setSelectedSeq(message.seq)}
              />
            )}
          </div>
        </Panel>
        <MessageDetail message={selected} />
      </div>
    </Page>
  );
}

function liveColumns(): Column<StreamMessage>[] {
  return [
    messageColumns.time(),
    messageColumns.topic(),
    messageColumns.payload(),
    messageColumns.qos('48px'),
    messageColumns.size(),
  ];
}

function MessageDetail({ message }: { message: StreamMessage | undefined }) {
  if (!message) {
    return (
      <Panel label="Message detail">
        <EmptyState icon={<MousePointerClick size={20} />} title="Select a message" fill>
          Pick a message in the stream to see its full payload.
        </EmptyState>
      </Panel>
    );
  }
  return (
    <Panel label="Message detail" title={<span className={text.mono}>{message.topic}</span>}>
      <div className={layout.detail}>
        <Facts
          items={[
            ['Received', formatDateTime(message.at)],
            ['From', message.clientId ?? <span className={text.faint}>broker or dashboard</span>],
            ['QoS', String(message.qos)],
            ['Retain', message.retain ? 'Yes' : 'No'],
            ['Delivered to', `${formatCount(message.deliveries)} subscribers`],
          ]}
        />
        <Section title="Payload">
          <PayloadViewer payload={message.payload} />
        </Section>
      </div>
    </Panel>
  );
}
