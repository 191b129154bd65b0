import { Dices, UserPlus } from 'lucide-react';
import { type FormEvent, memo, useState } from 'react';
import type { QosLevel } from '../../../shared/admin/broker-link.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Segmented, Switch, TextInput } from '../../ui/inputs.tsx';
import { Panel } from '../../ui/panel.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import {
  type ClientDefinition,
  type ProtocolVersion,
  suggestClientId,
  validateDefinition,
  type WillDefinition,
} from './client-definition.ts';
import styles from './client-panel.module.css';
import { qosOptions } from './qos-options.ts';
import type { SandboxSession } from './sandbox-session.ts';

const protocols = [
  { value: 4, label: 'MQTT 3.1.1' },
  { value: 5, label: 'MQTT 5.0' },
] as const;

const sessionKinds = [
  { value: 'clean', label: 'Clean' },
  { value: 'persistent', label: 'Persistent' },
] as const;

const noWill: WillDefinition = { topic: '', payload: '', qos: 0, retain: false };

export const NewClientPanel = memo(function NewClientPanel({
  session,
  onCreated,
}: {
  session: SandboxSession;
  onCreated: (clientId: string) => void;
}) {
  const toast = useToast();
  const [clientId, setClientId] = useState(() => suggestClientId(session.clients.ids()));
  const [protocolVersion, setProtocol] = useState<ProtocolVersion>(5);
  const [clean, setClean] = useState(true);
  const [withWill, setWithWill] = useState(false);
  const [will, setWill] = useState<WillDefinition>(noWill);
  const [connectNow, setConnectNow] = useState(true);
  const [touched, setTouched] = useState(false);
  const definition: ClientDefinition = {
    clientId: clientId.trim(),
    protocolVersion,
    clean,
    ...(withWill ? { will } : {}),
  };
  const errors = touched ? validateDefinition(definition, session.clients.ids()) : {};
  const updateWill = (patch: Partial<WillDefinition>): void =>
    setWill((current) => ({ ...current, ...patch }));

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(validateDefinition(definition, session.clients.ids())).length > 0) return;
    const client = session.clients.create(definition);
    onCreated(client.id);
    if (connectNow) {
      client
        .connect()
        .catch((error: unknown) =>
          toast({ tone: 'error', title: `${client.id} could not connect`, message: errorText(error) }),
        );
    }
  };

  return (
    <Panel
      label="New virtual client"
      title="New virtual client"
      subtitle="A real mqtt client, connected to the in-tab broker over a simulated WebSocket"
    >
      <form className={styles.form} onSubmit={submit} noValidate>
        <div className={styles.grid}>
          <Field label="Client id" error={errors.clientId}>
            <div className={styles.inline}>
              <TextInput
                value={clientId}
                spellCheck={false}
                invalid={errors.clientId !== undefined}
                onChange={(event) => setClientId(event.target.value)}
              />
              <Button
                icon={<Dices size={14} />}
                aria-label="Suggest another id"
                title="Suggest another id"
                onClick={() => setClientId(suggestClientId(session.clients.ids()))}
              />
            </div>
          </Field>
          <Field group label="Protocol">
            <Segmented label="Protocol" value={protocolVersion} options={protocols} onChange={setProtocol} />
          </Field>
        </div>
        <Field group label="Session">
          <div className={styles.row}>
            <Segmented
              label="Session"
              value={clean ? 'clean' : 'persistent'}
              options={sessionKinds}
              onChange={(kind) => setClean(kind === 'clean')}
            />
            <span className={styles.hint}>
              {clean
                ? 'The broker forgets the client when it leaves.'
                : 'The broker keeps its subscriptions and queues QoS 1 and 2 messages while it is away, even across a reload.'}
            </span>
          </div>
        </Field>
        <div className={styles.box}>
          <div className={styles.boxHeader}>
            <div>
              <div className={styles.boxTitle}>Last will</div>
              <div className={styles.hint}>
                Published by the broker if the connection drops without DISCONNECT.
              </div>
            </div>
            <Switch label="Include" checked={withWill} onChange={setWithWill} />
          </div>
          {withWill && (
            <>
              <div className={styles.grid}>
                <Field label="Will topic" error={errors.willTopic}>
                  <TextInput
                    value={will.topic}
                    placeholder={`e.g. devices/${clientId || 'client'}/status`}
                    spellCheck={false}
                    invalid={errors.willTopic !== undefined}
                    onChange={(event) => updateWill({ topic: event.target.value })}
                  />
                </Field>
                <Field label="Will payload">
                  <TextInput
                    value={will.payload}
                    placeholder="offline"
                    spellCheck={false}
                    onChange={(event) => updateWill({ payload: event.target.value })}
                  />
                </Field>
              </div>
              <div className={styles.row}>
                <Segmented
                  label="Will QoS"
                  value={will.qos}
                  options={qosOptions}
                  onChange={(qos: QosLevel) => updateWill({ qos })}
                />
                <Switch label="Retain" checked={will.retain} onChange={(retain) => updateWill({ retain })} />
              </div>
            </>
          )}
        </div>
        <div className={styles.footer}>
          <Switch label="Connect now" checked={connectNow} onChange={setConnectNow} />
          <Button type="submit" variant="primary" icon={<UserPlus size={14} />}>
            Create client
          </Button>
        </div>
      </form>
    </Panel>
  );
});
