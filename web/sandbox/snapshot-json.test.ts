import { describe, expect, it } from 'vitest';
import type { BrokerSnapshot, StoredMessage } from '../../shared/index.ts';
import { SNAPSHOT_FORMAT, snapshotFromJson, snapshotToJson } from './snapshot-json.ts';

function message(topic: string, bytes: number[]): StoredMessage {
  return {
    topic,
    payload: Uint8Array.from(bytes),
    qos: 1,
    retain: true,
    properties: {
      contentType: 'application/octet-stream',
      correlationData: Uint8Array.from([0xff, 0]) as never,
    },
    publishedAt: 1000,
    origin: 'sensor-1',
    userPropertyOrder: [
      ['b', '2'],
      ['a', '1'],
    ],
  };
}

const snapshot: BrokerSnapshot = {
  version: 1,
  savedAt: 2000,
  retained: [message('a/b', [0, 1, 254, 255]), { ...message('empty', []), properties: undefined }],
  sessions: [
    {
      clientId: 'c1',
      createdAt: 500,
      expiryInterval: 0xffffffff,
      disconnectedAt: 1500,
      subscriptions: [{ filter: 'a/#', options: { qos: 1, noLocal: true } }],
      inflight: [
        {
          packetId: 3,
          qos: 2,
          retain: false,
          subscriptionIds: [7],
          state: 'pubrel',
          message: message('a/c', [1]),
        },
      ],
      queue: [{ qos: 1, retain: false, subscriptionIds: undefined, message: message('a/d', [2]) }],
      inboundQos2: [9],
    },
  ],
};

describe('snapshot JSON', () => {
  it('round-trips a snapshot, bytes and all', () => {
    const json = snapshotToJson(snapshot);
    const parsed = JSON.parse(json);
    expect(parsed.format).toBe(SNAPSHOT_FORMAT);
    expect(parsed.retained[0].payload).toEqual({ $base64: 'AAH+/w==' });
    const back = snapshotFromJson(json);
    // JSON has no undefined: absent fields come back absent, which the core reads the same way.
    expect(back).toEqual(snapshot);
    expect(back.retained[0]!.payload).toBeInstanceOf(Uint8Array);
    expect([...(back.retained[0]!.properties!.correlationData as Uint8Array)]).toEqual([0xff, 0]);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /Not an exported broker state/],
    ['{"format":"iothub-sandbox","version":1}', /Not an exported broker state/],
    [`{"format":"${SNAPSHOT_FORMAT}","version":2,"retained":[],"sessions":[]}`, /version 2/],
    [`{"format":"${SNAPSHOT_FORMAT}","version":1,"sessions":[]}`, /state\.retained is missing/],
    [
      `{"format":"${SNAPSHOT_FORMAT}","version":1,"sessions":[],"retained":[{"topic":"a/+","payload":{"$base64":""},"qos":0,"retain":true,"publishedAt":1}]}`,
      /retained\[0\]\.topic/,
    ],
    [
      `{"format":"${SNAPSHOT_FORMAT}","version":1,"sessions":[],"retained":[{"topic":"a","payload":{"$base64":"!!"},"qos":0,"retain":true,"publishedAt":1}]}`,
      /not valid base64/,
    ],
    [
      `{"format":"${SNAPSHOT_FORMAT}","version":1,"retained":[],"sessions":[{"clientId":"c","createdAt":1,"expiryInterval":5,"subscriptions":[{"filter":"a/#/b","options":{"qos":0}}],"inflight":[],"queue":[],"inboundQos2":[]}]}`,
      /sessions\[0\]\.subscriptions\[0\]\.filter/,
    ],
  ])('names what is wrong with %s', (json, error) => {
    expect(() => snapshotFromJson(json)).toThrow(error);
  });
});
