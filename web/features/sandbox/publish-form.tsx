import { Buffer } from 'buffer';
import { Send } from 'lucide-react';
import { type FormEvent, memo, useState } from 'react';
import type { QosLevel } from '../../../shared/admin/broker-link.ts';
import { isValidTopicName } from '../../../shared/topic/topic-validate.ts';
import { formatClock } from '../../lib/format.ts';
import { Button } from '../../ui/button.tsx';
import { Field, inputClass, Segmented, Switch, TextInput } from '../../ui/inputs.tsx';
import { Section } from '../../ui/panel.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import styles from './client-panel.module.css';
import { shortQosOptions } from './qos-options.ts';
import type { FormProps } from './subscribe-section.tsx';
import type { OutgoingMessage } from './virtual-client.ts';

interface PublishDraft {
  topic: string;
  payload: string;
  qos: QosLevel;
  retain: boolean;
  responseTopic: string;
  correlationData: string;
}

const emptyDraft: PublishDraft = {
  topic: '',
  payload: '',
  qos: 0,
  retain: false,
  responseTopic: '',
  correlationData: '',
};

export const PublishForm = memo(function PublishForm({
  session,
  clientId: id,
  status,
  v5,
}: FormProps & { v5: boolean }) {
  const toast = useToast();
  const [draft, setDraft] = useState<PublishDraft>(emptyDraft);
  const [touched, setTouched] = useState(false);
  const [last, setLast] = useState<{ topic: string; at: number } | undefined>();
  const update = (patch: Partial<PublishDraft>): void => setDraft((current) => ({ ...current, ...patch }));
  const errors = touched ? validateDraft(draft) : {};

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTouched(true);
    const virtual = session.clients.get(id);
    if (!virtual || Object.keys(validateDraft(draft)).length > 0) return;
    const sending = draft;
    virtual.publish(toOutgoing(sending, v5)).then(
      () => setLast({ topic: sending.topic, at: Date.now() }),
      (failure: unknown) => toast({ tone: 'error', title: 'Publish failed', message: errorText(failure) }),
    );
  };

  return (
    <Section title="Publish">
      <form className={styles.compactForm} onSubmit={submit} noValidate aria-label="Publish">
        <Field label="Topic" error={errors.topic}>
          <TextInput
            value={draft.topic}
            placeholder="e.g. home/kitchen/light"
            spellCheck={false}
            invalid={errors.topic !== undefined}
            onChange={(event) => update({ topic: event.target.value })}
          />
        </Field>
        <Field label="Payload">
          <textarea
            className={`${inputClass} ${styles.payload}`}
            value={draft.payload}
            rows={3}
            spellCheck={false}
            placeholder='on, 21.5 or { "on": true }'
            onChange={(event) => update({ payload: event.target.value })}
          />
        </Field>
        {v5 && (
          <div className={styles.grid}>
            <Field label="Response topic" error={errors.responseTopic}>
              <TextInput
                value={draft.responseTopic}
                placeholder="optional"
                spellCheck={false}
                invalid={errors.responseTopic !== undefined}
                onChange={(event) => update({ responseTopic: event.target.value })}
              />
            </Field>
            <Field label="Correlation data">
              <TextInput
                value={draft.correlationData}
                placeholder="optional"
                spellCheck={false}
                onChange={(event) => update({ correlationData: event.target.value })}
              />
            </Field>
          </div>
        )}
        <div className={styles.row}>
          <span className={styles.labelled}>
            QoS
            <Segmented
              label="Publish QoS"
              value={draft.qos}
              options={shortQosOptions}
              onChange={(qos) => update({ qos })}
            />
          </span>
          <Switch label="Retain" checked={draft.retain} onChange={(retain) => update({ retain })} />
        </div>
        <div className={styles.row}>
          <span className={`${styles.hint} ${styles.grow}`} aria-live="polite">
            {status !== 'connected'
              ? 'Connect the client to publish.'
              : last
                ? `Published on ${last.topic} at ${formatClock(last.at, false)}`
                : ''}
          </span>
          <Button type="submit" variant="primary" icon={<Send size={14} />} disabled={status !== 'connected'}>
            Publish
          </Button>
        </div>
      </form>
    </Section>
  );
});

function validateDraft(draft: PublishDraft): Partial<Record<'topic' | 'responseTopic', string>> {
  const errors: Partial<Record<'topic' | 'responseTopic', string>> = {};
  if (!draft.topic) errors.topic = 'A topic is required';
  else if (!isValidTopicName(draft.topic)) errors.topic = 'A topic name cannot contain + or #';
  if (draft.responseTopic && !isValidTopicName(draft.responseTopic)) {
    errors.responseTopic = 'A response topic cannot contain + or #';
  }
  return errors;
}

function toOutgoing(draft: PublishDraft, v5: boolean): OutgoingMessage {
  const message: OutgoingMessage = {
    topic: draft.topic,
    payload: draft.payload,
    qos: draft.qos,
    retain: draft.retain,
  };
  if (v5 && (draft.responseTopic || draft.correlationData)) {
    message.properties = {
      ...(draft.responseTopic ? { responseTopic: draft.responseTopic } : {}),
      ...(draft.correlationData ? { correlationData: Buffer.from(draft.correlationData) } : {}),
    };
  }
  return message;
}
