import { Database, HardDrive } from 'lucide-react';
import { memo } from 'react';
import { formatCount, formatRate } from '../../lib/format.ts';
import { Facts, Panel } from '../../ui/panel.tsx';
import { Skeleton } from '../../ui/states.tsx';
import { useOverview } from '../overview/overview-queries.ts';
import styles from './sandbox-view.module.css';

/** The in-tab broker's main figures beside its clients, and where its state is kept. */
export const BrokerSummary = memo(function BrokerSummary({ persistent }: { persistent: boolean }) {
  const { data } = useOverview();
  const value = (shown: string | undefined) => shown ?? <Skeleton width={48} />;
  return (
    <Panel title="In-tab broker" label="In-tab broker">
      <div className={styles.summary}>
        <Facts
          items={[
            ['Connections', value(data && formatCount(data.connections))],
            [
              'Sessions',
              value(
                data &&
                  `${formatCount(data.sessions)} (${formatCount(data.sessions - data.connections)} offline)`,
              ),
            ],
            ['Retained', value(data && formatCount(data.retained))],
            [
              'Messages',
              value(
                data &&
                  `${formatRate(data.rates.messagesIn)}/s in · ${formatRate(data.rates.messagesOut)}/s out`,
              ),
            ],
          ]}
        />
        <div className={styles.storage}>
          {persistent ? <Database size={14} /> : <HardDrive size={14} />}
          {persistent
            ? 'Saved in this browser (IndexedDB): sessions and retained messages survive a reload.'
            : 'Kept in memory only: this browser does not let the page use IndexedDB.'}
        </div>
      </div>
    </Panel>
  );
});
