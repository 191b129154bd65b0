import type { MessageView } from '../../shared/admin/broker-link.ts';
import { formatBytes, formatClock } from '../lib/format.ts';
import { previewPayload } from '../lib/payload-format.ts';
import { Badge } from './badge.tsx';
import styles from './message-columns.module.css';
import text from './text.module.css';
import type { Column } from './virtual-table.tsx';

/** What a message row needs to fill the shared columns. */
export type MessageRow = Pick<MessageView, 'at' | 'topic' | 'payload' | 'qos' | 'retain'>;

/** The cells every message table shows, each a `Column` the views pick and order themselves;
 * widths are parameters where the views' layouts differ. */
export const messageColumns = {
  time<T extends MessageRow>(): Column<T> {
    return {
      id: 'time',
      header: 'Time',
      width: '92px',
      render: (m) => <span className={text.monoMuted}>{formatClock(m.at)}</span>,
    };
  },
  topic<T extends MessageRow>(width = 'minmax(160px, 1.6fr)'): Column<T> {
    return {
      id: 'topic',
      header: 'Topic',
      width,
      render: (m) => (
        <span className={text.mono} title={m.topic}>
          {m.topic}
        </span>
      ),
    };
  },
  payload<T extends MessageRow>(width = 'minmax(120px, 1.2fr)'): Column<T> {
    return {
      id: 'payload',
      header: 'Payload',
      width,
      render: (m) => <span className={text.monoMuted}>{previewPayload(m.payload, 100)}</span>,
    };
  },
  /** The QoS, with an "R" badge on retained messages unless every row is retained anyway. */
  qos<T extends MessageRow>(width: string, { retainBadge = true } = {}): Column<T> {
    return {
      id: 'qos',
      header: 'QoS',
      width,
      render: (m) =>
        retainBadge && m.retain ? (
          <span className={styles.flags}>
            {m.qos}
            <Badge tone="warning" title="Retained">
              R
            </Badge>
          </span>
        ) : (
          m.qos
        ),
    };
  },
  size<T extends MessageRow>(): Column<T> {
    return {
      id: 'size',
      header: 'Size',
      width: '60px',
      align: 'right',
      render: (m) => <span className={text.muted}>{formatBytes(m.payload.size)}</span>,
    };
  },
};
