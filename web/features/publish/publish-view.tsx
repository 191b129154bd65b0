import { useMutation } from '@tanstack/react-query';
import { History, RotateCcw, Send } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { formatClock, formatCount } from '../../lib/format.ts';
import { Button } from '../../ui/button.tsx';
import { Field, inputClass, Segmented, Switch, TextInput } from '../../ui/inputs.tsx';
import { Page, Panel } from '../../ui/panel.tsx';
import { EmptyState } from '../../ui/states.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import { PropertiesEditor } from './properties-editor.tsx';
import {
  emptyForm,
  type FormErrors,
  type PayloadFormat,
  type PublishForm,
  toPublishAction,
  validateForm,
} from './publish-form-state.ts';
import styles from './publish-view.module.css';

interface Sent {
  at: number;
  form: PublishForm;
  deliveries: number;
}

const formats = [
  { value: 'text', label: 'Text' },
  { value: 'json', label: 'JSON' },
  { value: 'base64', label: 'Base64' },
] as const;
const qosLevels = [
  { value: 0, label: 'QoS 0' },
  { value: 1, label: 'QoS 1' },
  { value: 2, label: 'QoS 2' },
] as const;

export function PublishView() {
  const link = useBrokerLink();
  const toast = useToast();
  const [form, setForm] = useState<PublishForm>(emptyForm);
  const [touched, setTouched] = useState(false);
  const [sent, setSent] = useState<Sent[]>([]);
  const errors: FormErrors = touched ? validateForm(form) : {};
  const update = (patch: Partial<PublishForm>): void => setForm((current) => ({ ...current, ...patch }));
  const publish = useMutation({
    mutationFn: (sending: PublishForm) => link.publish(toPublishAction(sending)),
    onSuccess: ({ deliveries }, sending) => {
      setSent((current) => [{ at: Date.now(), form: sending, deliveries }, ...current].slice(0, 20));
      toast({
        tone: 'success',
        title: 'Message published',
        message: `${sending.topic} · delivered to ${formatCount(deliveries)} ${deliveries === 1 ? 'subscriber' : 'subscribers'}`,
      });
    },
    onError: (error) => toast({ tone: 'error', title: 'Publish failed', message: errorText(error) }),
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(validateForm(form)).length > 0) return;
    publish.mutate(form);
  };

  return (
    <Page title="Publish" description="Send a message into the broker as if a client had published it.">
      <div className={styles.layout}>
        <Panel title="Message" label="Publish form">
          <form className={styles.form} onSubmit={submit} noValidate>
            <Field label="Topic" error={errors.topic}>
              <TextInput
                value={form.topic}
                placeholder="e.g. devices/thermostat-1/set"
                invalid={errors.topic !== undefined}
                spellCheck={false}
                onChange={(event) => update({ topic: event.target.value })}
              />
            </Field>
            <Field label="Payload" error={errors.payload}>
              <textarea
                className={inputClass}
                value={form.payload}
                rows={7}
                spellCheck={false}
                placeholder={
                  form.format === 'json' ? '{ "on": true }' : form.format === 'base64' ? 'SGVsbG8=' : 'Hello'
                }
                aria-invalid={errors.payload !== undefined || undefined}
                onChange={(event) => update({ payload: event.target.value })}
              />
            </Field>
            <div className={styles.row}>
              <Segmented
                label="Payload format"
                value={form.format}
                options={formats}
                onChange={(format: PayloadFormat) => update({ format })}
              />
              <Segmented
                label="QoS"
                value={form.qos}
                options={qosLevels}
                onChange={(qos) => update({ qos })}
              />
              <Switch label="Retain" checked={form.retain} onChange={(retain) => update({ retain })} />
            </div>
            <PropertiesEditor form={form} errors={errors} update={update} />
            <div className={styles.footer}>
              <Button icon={<RotateCcw size={14} />} variant="ghost" onClick={() => setForm(emptyForm)}>
                Reset
              </Button>
              <Button type="submit" variant="primary" icon={<Send size={14} />} disabled={publish.isPending}>
                Publish
              </Button>
            </div>
          </form>
        </Panel>
        <Panel title="Sent from this dashboard" flush label="Publish history">
          {sent.length === 0 ? (
            <EmptyState icon={<History size={20} />} title="Nothing sent yet">
              Messages you publish are listed here, ready to send again.
            </EmptyState>
          ) : (
            <div className={styles.history}>
              {sent.map((entry) => (
                <div key={entry.at} className={styles.entry}>
                  <span className={styles.entryTopic}>{entry.form.topic}</span>
                  <span className={styles.entryActions}>
                    <Button size="small" onClick={() => setForm(entry.form)}>
                      Reuse
                    </Button>
                  </span>
                  <span className={styles.entryMeta}>
                    {formatClock(entry.at, false)} · QoS {entry.form.qos}
                    {entry.form.retain && ' · retained'} · {formatCount(entry.deliveries)} delivered
                  </span>
                  <span className={styles.entryPayload}>{entry.form.payload || '(empty)'}</span>
                </div>
              ))}
            </div>
          )}
        </Panel>
      </div>
    </Page>
  );
}
