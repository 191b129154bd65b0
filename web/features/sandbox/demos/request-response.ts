import { Buffer } from 'buffer';
import type { DemoStart } from './demo-runner.ts';

export interface RequestResponseOptions {
  /** Between two requests. */
  intervalMs?: number;
  random?: () => number;
}

export const REPLY_TOPIC = 'replies/requester';

/** MQTT 5 request/response: a `service` answers requests on `rpc/+/request` on the Response Topic
 * they name, echoing their Correlation Data; a `requester` sends one every ~1.5 s and hears back. */
export const startRequestResponse: DemoStart<RequestResponseOptions> = async (context, options) => {
  const random = options.random ?? Math.random;
  const service = await context.open({ clientId: 'service', protocolVersion: 5, clean: true });
  service.onMessage((packet) => {
    const responseTopic = packet.properties?.responseTopic;
    if (!responseTopic) return;
    const method = packet.topic.split('/')[1] ?? '';
    void service
      .publish({
        topic: responseTopic,
        payload: JSON.stringify(answer(method, packet.payload.toString())),
        qos: 1,
        retain: false,
        properties: {
          contentType: 'application/json',
          ...(packet.properties?.correlationData
            ? { correlationData: packet.properties.correlationData }
            : {}),
        },
      })
      .catch(() => {});
  });
  await service.subscribe('rpc/+/request', 1);

  const requester = await context.open({ clientId: 'requester', protocolVersion: 5, clean: true });
  await requester.subscribe(REPLY_TOPIC, 1);
  let sequence = 0;
  context.every(options.intervalMs ?? 1500, () => {
    if (requester.state.status !== 'connected') return;
    const id = `req-${String(++sequence).padStart(4, '0')}`;
    const sum = sequence % 2 === 1;
    const params = sum
      ? { values: [1, 2, 3].map(() => Math.round(random() * 100)) }
      : { celsius: Math.round(random() * 400) / 10 };
    void requester
      .publish({
        topic: `rpc/${sum ? 'sum' : 'convert'}/request`,
        payload: JSON.stringify(params),
        qos: 1,
        retain: false,
        properties: {
          responseTopic: REPLY_TOPIC,
          correlationData: Buffer.from(id),
          contentType: 'application/json',
        },
      })
      .catch(() => {});
  });
  return async () => {};
};

/** What the service computes for each method. */
export function answer(method: string, body: string): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') params = parsed as Record<string, unknown>;
  } catch {
    return { error: 'the request is not JSON' };
  }
  switch (method) {
    case 'sum': {
      const values = Array.isArray(params.values) ? params.values.filter((v) => typeof v === 'number') : [];
      return { result: values.reduce((total: number, value: number) => total + value, 0) };
    }
    case 'convert':
      return typeof params.celsius === 'number'
        ? { fahrenheit: Math.round(((params.celsius * 9) / 5) * 10 + 320) / 10 }
        : { error: 'celsius must be a number' };
    default:
      return { error: `unknown method ${method}` };
  }
}
