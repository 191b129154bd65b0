import { Plus, X } from 'lucide-react';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Field, Switch, TextInput } from '../../ui/inputs.tsx';
import type { FormErrors, PublishForm } from './publish-form-state.ts';
import styles from './publish-view.module.css';

/** The MQTT 5 part of the publish form: content type, response topic, expiry, user properties. */
export function PropertiesEditor({
  form,
  errors,
  update,
}: {
  form: PublishForm;
  errors: FormErrors;
  update: (patch: Partial<PublishForm>) => void;
}) {
  const setPair = (index: number, patch: Partial<{ key: string; value: string }>): void =>
    update({
      userProperties: form.userProperties.map((pair, at) => (at === index ? { ...pair, ...patch } : pair)),
    });
  return (
    <div className={styles.properties}>
      <div className={styles.propertiesHeader}>
        <div>
          <div className={styles.propertiesTitle}>
            MQTT 5 properties <Badge>v5</Badge>
          </div>
          <div className={styles.hint}>
            Delivered to MQTT 5 subscribers; older clients get the payload only.
          </div>
        </div>
        <Switch
          label="Include"
          checked={form.withProperties}
          onChange={(withProperties) => update({ withProperties })}
        />
      </div>
      {form.withProperties && (
        <>
          <div className={styles.grid}>
            <Field
              label="Content type"
              hint={form.format === 'json' ? 'application/json when empty' : undefined}
            >
              <TextInput
                value={form.contentType}
                placeholder="e.g. text/plain"
                onChange={(event) => update({ contentType: event.target.value })}
              />
            </Field>
            <Field label="Response topic" error={errors.responseTopic}>
              <TextInput
                value={form.responseTopic}
                placeholder="e.g. replies/dashboard"
                invalid={errors.responseTopic !== undefined}
                onChange={(event) => update({ responseTopic: event.target.value })}
              />
            </Field>
            <Field label="Message expiry (seconds)" error={errors.messageExpiryInterval}>
              <TextInput
                value={form.messageExpiryInterval}
                inputMode="numeric"
                placeholder="never"
                invalid={errors.messageExpiryInterval !== undefined}
                onChange={(event) => update({ messageExpiryInterval: event.target.value })}
              />
            </Field>
          </div>
          <Field label="User properties" group>
            {form.userProperties.map((pair, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place.
              <div key={index} className={styles.pair}>
                <TextInput
                  aria-label="Property name"
                  placeholder="name"
                  value={pair.key}
                  onChange={(event) => setPair(index, { key: event.target.value })}
                />
                <TextInput
                  aria-label="Property value"
                  placeholder="value"
                  value={pair.value}
                  onChange={(event) => setPair(index, { value: event.target.value })}
                />
                <Button
                  variant="ghost"
                  icon={<X size={14} />}
                  aria-label="Remove property"
                  onClick={() =>
                    update({ userProperties: form.userProperties.filter((_, at) => at !== index) })
                  }
                />
              </div>
            ))}
            <div>
              <Button
                size="small"
                icon={<Plus size={14} />}
                onClick={() => update({ userProperties: [...form.userProperties, { key: '', value: '' }] })}
              >
                Add property
              </Button>
            </div>
          </Field>
        </>
      )}
    </div>
  );
}
