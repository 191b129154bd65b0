import { describe, expect, it } from 'vitest';
import {
  type ClientDefinition,
  isClientDefinition,
  SESSION_EXPIRY_SECONDS,
  suggestClientId,
  toConnectOptions,
  validateDefinition,
} from './client-definition.ts';

const base: ClientDefinition = { clientId: 'lamp-1', protocolVersion: 5, clean: true };

describe('virtual client definitions', () => {
  it('need a unique id without spaces, and a will needs a valid topic', () => {
    expect(validateDefinition(base, new Set())).toEqual({});
    expect(validateDefinition({ ...base, clientId: '' }, new Set()).clientId).toMatch(/required/);
    expect(validateDefinition({ ...base, clientId: 'a b' }, new Set()).clientId).toMatch(/spaces/);
    expect(validateDefinition(base, new Set(['lamp-1'])).clientId).toMatch(/exists/);
    const will = { topic: 'lamps/+/status', payload: 'gone', qos: 1 as const, retain: true };
    expect(validateDefinition({ ...base, will }, new Set()).willTopic).toMatch(/cannot contain/);
    expect(validateDefinition({ ...base, will: { ...will, topic: '' } }, new Set()).willTopic).toMatch(
      /needs/,
    );
  });

  it('connect without reconnecting, with a session expiry only for a persistent MQTT 5 session', () => {
    expect(toConnectOptions(base)).toMatchObject({ clientId: 'lamp-1', clean: true, reconnectPeriod: 0 });
    expect(toConnectOptions(base).properties).toBeUndefined();
    expect(toConnectOptions({ ...base, clean: false }).properties).toEqual({
      sessionExpiryInterval: SESSION_EXPIRY_SECONDS,
    });
    // MQTT 3.1.1 has no expiry: clean session false is enough.
    expect(toConnectOptions({ ...base, protocolVersion: 4, clean: false }).properties).toBeUndefined();
    const will = { topic: 'lamps/1/status', payload: 'gone', qos: 2 as const, retain: true };
    expect(toConnectOptions({ ...base, will }).will).toEqual(will);
  });

  it('suggests an id not taken yet', () => {
    const values = [0.5, 0.5, 0.25];
    const random = () => values.shift() ?? 0;
    expect(suggestClientId(new Set(['client-8000']), random)).toBe('client-4000');
  });

  it('recognises stored definitions and rejects anything else', () => {
    expect(isClientDefinition(base)).toBe(true);
    expect(isClientDefinition({ ...base, demo: 'sensors' })).toBe(true);
    expect(isClientDefinition({ ...base, protocolVersion: 3 })).toBe(false);
    expect(isClientDefinition({ ...base, will: { topic: 't', payload: 'p', qos: 3, retain: false } })).toBe(
      false,
    );
    expect(isClientDefinition({ ...base, demo: 'other' })).toBe(false);
    expect(isClientDefinition('lamp-1')).toBe(false);
  });
});
