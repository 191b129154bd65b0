import { AlertTriangle, Plug, Trash2, Unplug, Zap } from 'lucide-react';
import { memo, useState } from 'react';
import { formatCount, formatProtocol } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { Panel } from '../../ui/panel.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import { statusLabel } from './client-list.tsx';
import styles from './client-panel.module.css';
import { PublishForm } from './publish-form.tsx';
import { ReceivedMessages } from './received-messages.tsx';
import type { SandboxSession } from './sandbox-session.ts';
import { SubscribeSection } from './subscribe-section.tsx';
import type { ClientState } from './virtual-client.ts';

/** One virtual client: its connection, subscriptions, a publish form and what it received. */
export const ClientPanel = memo(function ClientPanel({
  session,
  client,
  onRemoved,
}: {
  session: SandboxSession;
  client: ClientState;
  onRemoved: () => void;
}) {
  const toast = useToast();
  const [removing, setRemoving] = useState(false);
  const { definition, status } = client;
  const id = definition.clientId;
  const virtual = session.clients.get(id);
  const fail = (title: string) => (error: unknown) =>
    toast({ tone: 'error', title, message: errorText(error) });
  const connect = () => void virtual?.connect().catch(fail(`${id} could not connect`));
  const disconnect = () => void virtual?.disconnect().catch(fail(`${id} could not disconnect`));
  const remove = () => {
    setRemoving(true);
    onRemoved();
    session.removeClient(id).catch(fail(`Could not remove ${id}`));
  };

  return (
    <Panel
      label="Virtual client"
      title={<span className={styles.clientId}>{id}</span>}
      subtitle={<ClientFacts client={client} />}
      actions={
        <>
          {status === 'offline' ? (
            <Button size="small" variant="primary" icon={<Plug size={14} />} onClick={connect}>
              Connect
            </Button>
          ) : (
            <Button
              size="small"
              icon={<Unplug size={14} />}
              disabled={status !== 'connected'}
              onClick={disconnect}
            >
              Disconnect
            </Button>
          )}
          <Button
            size="small"
            icon={<Zap size={14} />}
            disabled={status !== 'connected'}
            title="Destroy the socket without DISCONNECT, as a device losing power would: the broker publishes the will"
            onClick={() => virtual?.drop()}
          >
            Drop connection
          </Button>
          <ConfirmButton
            size="small"
            icon={<Trash2 size={14} />}
            confirmLabel="Confirm remove"
            disabled={removing || Boolean(definition.demo)}
            title={definition.demo ? 'Stop its demo to remove it' : undefined}
            onConfirm={remove}
          >
            Remove
          </ConfirmButton>
        </>
      }
    >
      <div className={styles.body}>
        <ConnectionNote client={client} />
        <div className={styles.columns}>
          <SubscribeSection session={session} clientId={id} status={status} />
          <PublishForm
            session={session}
            clientId={id}
            status={status}
            v5={definition.protocolVersion === 5}
          />
        </div>
        <ReceivedMessages
          client={client}
          onClear={() => virtual?.clearMessages()}
          key={definition.clientId}
        />
      </div>
    </Panel>
  );
});

function ClientFacts({ client }: { client: ClientState }) {
  const { definition } = client;
  return (
    <span className={styles.facts}>
      <Badge
        tone={
          client.status === 'connected' ? 'success' : client.status === 'connecting' ? 'warning' : 'neutral'
        }
        dot
      >
        {statusLabel(client)}
      </Badge>
      <span>{formatProtocol(definition.protocolVersion)}</span>
      <span>{definition.clean ? 'Clean session' : 'Persistent session'}</span>
      {definition.will && (
        <span title={`Will: ${definition.will.payload} on ${definition.will.topic}`}>
          Will on <code>{definition.will.topic}</code>
        </span>
      )}
      <span>
        {formatCount(client.sent)} sent · {formatCount(client.received)} received
      </span>
    </span>
  );
}

/** Why the client is offline, or that its persistent session was picked up again. */
function ConnectionNote({ client }: { client: ClientState }) {
  const { definition, status } = client;
  if (status === 'offline' && client.problem) {
    return (
      <div className={`${styles.note} ${styles.warning}`} role="status">
        <AlertTriangle size={14} />
        {client.problem}
      </div>
    );
  }
  if (status === 'offline' && client.ended === 'dropped') {
    return (
      <div className={`${styles.note} ${styles.warning}`} role="status">
        <Zap size={14} />
        Connection dropped without DISCONNECT
        {definition.will ? ` — the broker published its will on ${definition.will.topic}` : ''}.
      </div>
    );
  }
  if (status === 'connected' && !definition.clean) {
    return (
      <div className={styles.note} role="status">
        <Plug size={14} />
        {client.sessionPresent
          ? 'Session resumed: the broker kept its subscriptions and queued messages.'
          : 'New persistent session: the broker keeps it while the client is away.'}
      </div>
    );
  }
  return null;
}
