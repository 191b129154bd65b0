import type { PublishAction, QosLevel } from '../../../shared/admin/broker-link.ts';
import { isValidTopicName } from '../../../shared/topic/topic-validate.ts';

export type PayloadFormat = 'text' | 'json' | 'base64';

export interface PublishForm {
  topic: string;
  payload: string;
  format: PayloadFormat;
  qos: QosLevel;
  retain: boolean;
  withProperties: boolean;
  contentType: string;
  responseTopic: string;
  messageExpiryInterval: string;
  userProperties: { key: string; value: string }[];
}

export const emptyForm: PublishForm = {
  topic: '',
  payload: '',
  format: 'text',
  qos: 0,
  retain: false,
  withProperties: false,
  contentType: '',
  responseTopic: '',
  messageExpiryInterval: '',
  userProperties: [],
};

export type FormErrors = Partial<
  Record<'topic' | 'payload' | 'responseTopic' | 'messageExpiryInterval', string>
>;

export function validateForm(form: PublishForm): FormErrors {
  const errors: FormErrors = {};
  if (!form.topic) errors.topic = 'A topic is required';
  else if (!isValidTopicName(form.topic)) errors.topic = 'A topic name cannot contain + or #';
  if (form.format === 'json') {
    try {
      JSON.parse(form.payload);
    } catch {
      errors.payload = 'Not valid JSON';
    }
  }
  if (form.format === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(form.payload.replace(/\s/g, ''))) {
    errors.payload = 'Not valid base64';
  }
  if (form.withProperties) {
    if (form.responseTopic && !isValidTopicName(form.responseTopic)) {
      errors.responseTopic = 'A response topic cannot contain + or #';
    }
    const expiry = form.messageExpiryInterval.trim();
    if (expiry && !/^\d+$/.test(expiry)) errors.messageExpiryInterval = 'Whole seconds';
  }
  return errors;
}

/** The form as the BrokerLink action; MQTT 5 properties only when the user asked for them. */
export function toPublishAction(form: PublishForm): PublishAction {
  const action: PublishAction = {
    topic: form.topic,
    payload: form.format === 'base64' ? form.payload.replace(/\s/g, '') : form.payload,
    encoding: form.format === 'base64' ? 'base64' : 'utf8',
    qos: form.qos,
    retain: form.retain,
  };
  if (!form.withProperties) return action;
  const properties: NonNullable<PublishAction['properties']> = {};
  const contentType = form.contentType.trim() || (form.format === 'json' ? 'application/json' : '');
  if (contentType) properties.contentType = contentType;
  if (form.responseTopic) properties.responseTopic = form.responseTopic;
  if (form.messageExpiryInterval.trim())
    properties.messageExpiryInterval = Number(form.messageExpiryInterval);
  if (form.format !== 'base64') properties.payloadFormatIndicator = true;
  const pairs = form.userProperties.filter((pair) => pair.key);
  if (pairs.length > 0)
    properties.userProperties = Object.fromEntries(pairs.map((pair) => [pair.key, pair.value]));
  return { ...action, properties };
}
