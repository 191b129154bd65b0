import { describe, expect, it } from 'vitest';
import { buildStateFile, parseStateFile, stateFileName } from './state-file.ts';

const broker = JSON.stringify({ format: 'engine', retained: [{ topic: 'a', payload: 'AQI=' }] });

describe('sandbox state files', () => {
  it('round-trip the broker state and the user clients, leaving demo clients out', () => {
    const text = buildStateFile(
      broker,
      [
        { clientId: 'lamp', protocolVersion: 5, clean: false },
        { clientId: 'sensor-01', protocolVersion: 4, clean: true, demo: 'sensors' },
      ],
      new Date('2026-03-04T09:15:00Z'),
    );
    expect(JSON.parse(text)).toMatchObject({
      format: 'iothub-sandbox',
      version: 1,
      exportedAt: '2026-03-04T09:15:00.000Z',
    });
    const parsed = parseStateFile(text);
    expect(JSON.parse(parsed.brokerJson)).toEqual(JSON.parse(broker));
    expect(parsed.clients.map((client) => client.clientId)).toEqual(['lamp']);
  });

  it('take a bare engine export as the broker state', () => {
    expect(parseStateFile(broker)).toEqual({ brokerJson: broker, clients: [] });
  });

  it('reject what is not a sandbox state, before anything is touched', () => {
    expect(() => parseStateFile('not json')).toThrow('not JSON');
    expect(() => parseStateFile('[1]')).toThrow('does not hold');
    expect(() => parseStateFile(JSON.stringify({ format: 'iothub-sandbox', version: 2 }))).toThrow(
      'version 2',
    );
    expect(() => parseStateFile(JSON.stringify({ format: 'iothub-sandbox', version: 1 }))).toThrow(
      'no broker',
    );
  });

  it('are named after the local time they were taken', () => {
    expect(stateFileName(new Date(2026, 2, 4, 9, 5))).toBe('iothub-sandbox-2026-03-04-0905.json');
  });
});
