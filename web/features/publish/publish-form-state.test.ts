import { describe, expect, it } from 'vitest';
import { emptyForm, toPublishAction, validateForm } from './publish-form-state.ts';

describe('publish form', () => {
  it('rejects wildcard topics and payloads that do not match their format', () => {
    expect(validateForm({ ...emptyForm, topic: 'a/#' }).topic).toMatch(/cannot contain/);
    expect(validateForm({ ...emptyForm, topic: 'a', format: 'json', payload: '{' }).payload).toBe(
      'Not valid JSON',
    );
    expect(validateForm({ ...emptyForm, topic: 'a', format: 'base64', payload: '***' }).payload).toBe(
      'Not valid base64',
    );
    expect(validateForm({ ...emptyForm, topic: 'a', payload: 'anything' })).toEqual({});
  });

  it('sends MQTT 5 properties only when asked, defaulting the JSON content type', () => {
    const form = {
      ...emptyForm,
      topic: 'cmd',
      payload: '{"on":true}',
      format: 'json' as const,
      qos: 1 as const,
    };
    expect(toPublishAction(form).properties).toBeUndefined();
    expect(
      toPublishAction({
        ...form,
        withProperties: true,
        responseTopic: 'replies/1',
        messageExpiryInterval: '60',
        userProperties: [
          { key: 'source', value: 'dashboard' },
          { key: '', value: 'ignored' },
        ],
      }),
    ).toEqual({
      topic: 'cmd',
      payload: '{"on":true}',
      encoding: 'utf8',
      qos: 1,
      retain: false,
      properties: {
        contentType: 'application/json',
        responseTopic: 'replies/1',
        messageExpiryInterval: 60,
        payloadFormatIndicator: true,
        userProperties: { source: 'dashboard' },
      },
    });
  });

  it('sends base64 payloads without whitespace', () => {
    const action = toPublishAction({ ...emptyForm, topic: 'bin', format: 'base64', payload: 'AAEC\nAw==' });
    expect(action).toMatchObject({ payload: 'AAECAw==', encoding: 'base64' });
  });
});
