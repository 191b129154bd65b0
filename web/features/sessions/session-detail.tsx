import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plug, Trash2, UserX, X } from 'lucide-react';
import type { ReactNode } from 'react';
import type { MessageView, SessionDetail, SubscriptionView } from '../../../shared/admin/broker-link.ts';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { formatBytes, formatDateTime, formatProtocol } from '../../lib/format.ts';
import { previewPayload } from '../../lib/payload-format.ts';
import { Badge, ConnectionBadge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import layout from '../../ui/page-layout.module.css';
import { Facts, Panel, Section } from '../../ui/panel.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/states.tsx';
import text from '../../ui/text.module.css';
import { errorText, useToast } from '../../ui/toast.tsx';
import { sessionKeys, useSessionDetail } from './session-queries.ts';
import styles from './sessions-view.module.css';

export function SessionDetailPanel({ clientId, onClose }: { clientId: string; onClose: () => void }) {
  const { data, error, isPending, refetch } = useSessionDetail(clientId);
  const session = data?.clientId === clientId ? data : undefined;
  const actions = useSessionActions(clientId, onClose);
  return (
    <Panel
      label="Session detail"
      title={<span className={text.mono}>{clientId}</span>}
      subtitle={session ? <ConnectionBadge connected={session.connected} /> : undefined}
      actions={
        <>
          {session && (
            <>
              <Button
                size="small"
                icon={<UserX size={14} />}
                disabled={!session.connected || actions.kick.isPending}
                onClick={() => actions.kick.mutate()}
              >
                Kick
              </Button>
              <ConfirmButton
                size="small"
                icon={<Trash2 size={14} />}
                confirmLabel="Confirm delete"
                disabled={actions.remove.isPending}
                onConfirm={() => actions.remove.mutate()}
              >
                Delete
              </ConfirmButton>
            </>
          )}
          <Button size="small" variant="ghost" icon={<X size={16} />} aria-label="Close" onClick={onClose} />
        </>
      }
    >
      {session ? (
        <SessionBody session={session} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : isPending || (data && data.clientId !== clientId) ? (
        <LoadingState />
      ) : (
        <EmptyState icon={<Plug size={20} />} title="Session ended">
          The broker no longer holds a session for this client.
        </EmptyState>
      )}
    </Panel>
  );
}

function useSessionActions(clientId: string, onClose: () => void) {
  const link = useBrokerLink();
  const queryClient = useQueryClient();
  const toast = useToast();
  const refresh = () => queryClient.invalidateQueries({ queryKey: sessionKeys.all });
  const kick = useMutation({
    mutationFn: () => link.disconnectClient(clientId),
    onSuccess: (done) =>
      toast(
        done
          ? { tone: 'success', title: 'Client disconnected', message: clientId }
          : { tone: 'error', title: 'Client was not connected', message: clientId },
      ),
    onError: (error) => toast({ tone: 'error', title: 'Could not disconnect', message: errorText(error) }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: () => link.deleteSession(clientId),
    onSuccess: (done) => {
      toast(
        done
          ? { tone: 'success', title: 'Session deleted', message: clientId }
          : { tone: 'error', title: 'No such session', message: clientId },
      );
      onClose();
    },
    onError: (error) =>
      toast({ tone: 'error', title: 'Could not delete the session', message: errorText(error) }),
    onSettled: refresh,
  });
  return { kick, remove };
}

function SessionBody({ session: s }: { session: SessionDetail }) {
  // The connection's own figures exist only while it is up.
  const connection: [string, ReactNode][] = s.connected
    ? [
        ['Protocol', formatProtocol(s.protocolVersion)],
        ['Transport', s.transport?.toUpperCase() ?? '—'],
        ['Address', s.remoteAddress ?? '—'],
        ['Username', s.username ?? '—'],
        ['Keepalive', s.keepalive === undefined ? '—' : `${s.keepalive} s`],
      ]
    : [];
  return (
    <div className={layout.detail}>
      <Section title={s.connected ? 'Connection' : 'Session'}>
        <Facts
          items={[
            ...connection,
            ['Clean session', s.cleanSession ? 'Yes' : 'No (persistent)'],
            [
              s.connected ? 'Connected at' : 'Left at',
              formatOptionalTime(s.connected ? s.connectedAt : s.disconnectedAt),
            ],
            ['Session created', formatDateTime(s.createdAt)],
            [
              'Session id',
              <span key="id" className={text.muted}>
                {s.sessionId}
              </span>,
            ],
          ]}
        />
      </Section>
      <Section title="Subscriptions" count={s.subscriptionList.length}>
        {s.subscriptionList.length === 0 ? (
          <div className={styles.none}>No subscriptions</div>
        ) : (
          <ul className={styles.list} aria-label="Subscriptions">
            {s.subscriptionList.map((subscription) => (
              <SubscriptionItem key={subscription.filter} subscription={subscription} />
            ))}
          </ul>
        )}
      </Section>
      <MessageSection
        title="Inflight"
        messages={s.inflightMessages}
        empty="Nothing awaiting acknowledgement"
      />
      <MessageSection title="Queued" messages={s.queuedMessages} empty="No queued messages" />
    </div>
  );
}

function SubscriptionItem({ subscription: sub }: { subscription: SubscriptionView }) {
  return (
    <li className={styles.item}>
      <span className={`${styles.itemMain} ${text.mono}`} title={sub.filter}>
        {sub.filter}
      </span>
      {sub.noLocal && <Badge title="No Local: not sent its own messages">NL</Badge>}
      {sub.retainAsPublished && <Badge title="Retain As Published">RAP</Badge>}
      {sub.retainHandling !== undefined && sub.retainHandling > 0 && (
        <Badge title="Retain Handling">RH {sub.retainHandling}</Badge>
      )}
      {sub.subscriptionIdentifier !== undefined && (
        <Badge title="Subscription identifier">#{sub.subscriptionIdentifier}</Badge>
      )}
      <Badge tone="accent">QoS {sub.qos}</Badge>
    </li>
  );
}

function MessageSection({
  title,
  messages,
  empty,
}: {
  title: string;
  messages: MessageView[];
  empty: string;
}) {
  return (
    <Section title={title} count={messages.length}>
      {messages.length === 0 ? (
        <div className={styles.none}>{empty}</div>
      ) : (
        <ul className={styles.list} aria-label={`${title} messages`}>
          {messages.slice(0, 100).map((message, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: queued messages have no id; the order is stable.
            <li key={`${message.packetId ?? 'q'}-${index}`} className={styles.item}>
              <div className={styles.itemStack}>
                <span className={text.mono}>{message.topic}</span>
                <span className={`${styles.ellipsis} ${text.monoMuted}`}>
                  {previewPayload(message.payload, 80)}
                </span>
              </div>
              <span className={text.faint}>{formatBytes(message.payload.size)}</span>
              {message.packetId !== undefined && <Badge>id {message.packetId}</Badge>}
              <Badge tone="accent">QoS {message.qos}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function formatOptionalTime(at: number | undefined): string {
  return at === undefined ? '—' : formatDateTime(at);
}
