import { useQueryClient } from '@tanstack/react-query';
import { Rss, X } from 'lucide-react';
import { type FormEvent, memo, useState } from 'react';
import type { QosLevel } from '../../../shared/admin/broker-link.ts';
import { isValidTopicFilter } from '../../../shared/topic/topic-validate.ts';
import { formatCount } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Field, Segmented, TextInput } from '../../ui/inputs.tsx';
import { Section } from '../../ui/panel.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import { sessionKeys, useSessionDetail } from '../sessions/session-queries.ts';
import styles from './client-panel.module.css';
import { shortQosOptions } from './qos-options.ts';
import type { SandboxSession } from './sandbox-session.ts';
import type { ClientStatus } from './virtual-client.ts';

export interface FormProps {
  session: SandboxSession;
  clientId: string;
  status: ClientStatus;
}

/** Subscribe form, and the subscriptions as the broker holds them in the client's session. Takes
 * plain values, not the client's state, so that messages arriving do not re-render it. */
export const SubscribeSection = memo(function SubscribeSection({ session, clientId: id, status }: FormProps) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const { data: detail } = useSessionDetail(id);
  const brokerSession = detail?.clientId === id ? detail : undefined;
  const [filter, setFilter] = useState('');
  const [qos, setQos] = useState<QosLevel>(1);
  const [touched, setTouched] = useState(false);
  const connected = status === 'connected';
  const error =
    touched && !isValidTopicFilter(filter)
      ? filter
        ? 'Not a valid topic filter'
        : 'A filter is required'
      : undefined;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: sessionKeys.detail(id) });
  const virtual = session.clients.get(id);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTouched(true);
    if (!virtual || !isValidTopicFilter(filter)) return;
    virtual.subscribe(filter, qos).then(
      () => {
        setFilter('');
        setTouched(false);
        refresh();
      },
      (failure: unknown) => toast({ tone: 'error', title: 'Subscribe failed', message: errorText(failure) }),
    );
  };
  const unsubscribe = (topicFilter: string): void => {
    virtual
      ?.unsubscribe(topicFilter)
      .then(refresh, (failure: unknown) =>
        toast({ tone: 'error', title: 'Unsubscribe failed', message: errorText(failure) }),
      );
  };

  const subscriptions = brokerSession?.subscriptionList ?? [];
  return (
    <Section title="Subscriptions" count={subscriptions.length}>
      <form className={styles.compactForm} onSubmit={submit} noValidate aria-label="Subscribe">
        <Field label="Topic filter" error={error}>
          <TextInput
            value={filter}
            placeholder="e.g. sensors/+/temperature or #"
            spellCheck={false}
            invalid={error !== undefined}
            onChange={(event) => setFilter(event.target.value)}
          />
        </Field>
        <div className={styles.row}>
          <span className={styles.labelled}>
            QoS
            <Segmented label="Subscription QoS" value={qos} options={shortQosOptions} onChange={setQos} />
          </span>
          <span className={styles.spacer} />
          <Button type="submit" icon={<Rss size={14} />} disabled={!connected}>
            Subscribe
          </Button>
        </div>
      </form>
      {!brokerSession ? (
        <div className={styles.none}>
          {status === 'offline' ? 'No session in the broker while offline' : 'No subscriptions'}
        </div>
      ) : subscriptions.length === 0 ? (
        <div className={styles.none}>No subscriptions</div>
      ) : (
        <ul className={styles.list} aria-label="Client subscriptions">
          {subscriptions.map((subscription) => (
            <li key={subscription.filter} className={styles.item}>
              <span className={styles.itemMain}>{subscription.filter}</span>
              <Badge tone="accent">QoS {subscription.qos}</Badge>
              <Button
                size="small"
                variant="ghost"
                icon={<X size={14} />}
                aria-label={`Unsubscribe from ${subscription.filter}`}
                title={connected ? 'Unsubscribe' : 'Connect to unsubscribe'}
                disabled={!connected}
                onClick={() => unsubscribe(subscription.filter)}
              />
            </li>
          ))}
        </ul>
      )}
      {brokerSession && !brokerSession.connected && brokerSession.queued > 0 && (
        <div className={styles.hint}>
          {formatCount(brokerSession.queued)} {brokerSession.queued === 1 ? 'message waits' : 'messages wait'}{' '}
          in the broker for the next connection.
        </div>
      )}
    </Section>
  );
});
