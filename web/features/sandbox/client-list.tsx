import { Plus, UserPlus } from 'lucide-react';
import { memo } from 'react';
import { formatCount } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Panel } from '../../ui/panel.tsx';
import { EmptyState } from '../../ui/states.tsx';
import styles from './client-list.module.css';
import type { ClientState } from './virtual-client.ts';

export function ClientList({
  clients,
  selectedId,
  onSelect,
  creating,
}: {
  clients: readonly ClientState[];
  selectedId: string | undefined;
  onSelect: (clientId?: string) => void;
  creating: boolean;
}) {
  const online = clients.filter((client) => client.status === 'connected').length;
  return (
    <Panel
      flush
      className={styles.panel}
      label="Virtual clients"
      title="Virtual clients"
      subtitle={
        clients.length > 0 ? `${formatCount(online)} of ${formatCount(clients.length)} connected` : undefined
      }
      actions={
        <Button
          size="small"
          variant={creating ? 'default' : 'primary'}
          icon={<Plus size={14} />}
          disabled={creating}
          onClick={() => onSelect()}
        >
          New client
        </Button>
      }
    >
      {clients.length === 0 ? (
        <EmptyState icon={<UserPlus size={20} />} title="No virtual clients">
          Create one on the right, or start a demo scenario above.
        </EmptyState>
      ) : (
        <ul className={styles.list} aria-label="Virtual clients">
          {clients.map((client) => (
            <li key={client.definition.clientId}>
              <ClientRow
                client={client}
                selected={client.definition.clientId === selectedId}
                onSelect={onSelect}
              />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

const ClientRow = memo(function ClientRow({
  client,
  selected,
  onSelect,
}: {
  client: ClientState;
  selected: boolean;
  onSelect: (clientId: string) => void;
}) {
  const { definition } = client;
  return (
    <button
      type="button"
      className={styles.row}
      aria-current={selected ? 'true' : undefined}
      aria-label={`${definition.clientId} (${statusLabel(client).toLowerCase()})`}
      title={statusLabel(client)}
      onClick={() => onSelect(definition.clientId)}
    >
      <span className={`${styles.dot} ${styles[client.status]}`} />
      <span className={styles.main}>
        <span className={styles.id}>{definition.clientId}</span>
        <span className={styles.meta}>
          {definition.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1'} ·{' '}
          {definition.clean ? 'clean' : 'persistent'}
          {definition.will && ' · will'}
        </span>
      </span>
      {definition.demo && <Badge>demo</Badge>}
      <span className={styles.count} title="Messages received">
        {formatCount(client.received)}
      </span>
    </button>
  );
});

export function statusLabel(client: ClientState): string {
  switch (client.status) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting';
    case 'offline':
      return client.ended === 'dropped' ? 'Dropped' : 'Offline';
  }
}
