import type { IDisconnectPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  MessageView,
  OverviewSnapshot,
  Page,
  SessionDetail,
  SessionSummary,
  SubscriptionView,
  TopicView,
} from '../../shared/admin/broker-link.ts';
import { AdminHarness, eventually, inbox } from './admin-test-harness.ts';

const text = (view: { payload: { base64: string } }) => Buffer.from(view.payload.base64, 'base64').toString();

describe('admin API', () => {
  let h: AdminHarness;

  beforeEach(async () => {
    h = await AdminHarness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it('serves the dashboard on the same HTTP server as ws://…/mqtt', () => {
    expect(h.server.dashboard!.port).toBe(h.server.listeners[0]!.port);
    expect(h.server.dashboard!.url).toBe(`http://127.0.0.1:${h.server.dashboard!.port}/`);
  });

  it('GET /api/overview reports the broker figures', async () => {
    const before = await h.get('/api/overview');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(before.json<OverviewSnapshot>()).toMatchObject({ mode: 'server', connections: 0, sessions: 0 });
    expect(before.json<OverviewSnapshot>().version).toMatch(/^\d+\.\d+\.\d+/);
    const client = await h.connect();
    await client.subscribeAsync('x/#');
    await client.publishAsync('x/1', 'hello', { qos: 1 });
    const after = (await h.get('/api/overview')).json<OverviewSnapshot>();
    expect(after).toMatchObject({ connections: 1, maxConnections: 1, sessions: 1, subscriptions: 1 });
    expect(after.totals.messagesIn).toBe(1);
    expect(after.totals.bytesIn).toBeGreaterThan(0);
  });

  it('GET /api/sessions lists clients as they come and go, searchable and paged', async () => {
    const a = await h.connect({ clientId: 'sensor-a' });
    await h.connect({ clientId: 'sensor-b', username: 'bob' });
    await h.connect({
      clientId: 'gateway',
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 3600 },
    });
    const page = (await h.get('/api/sessions')).json<Page<SessionSummary>>();
    expect(page.total).toBe(3);
    expect(page.items.find((s) => s.clientId === 'sensor-a')).toMatchObject({
      connected: true,
      transport: 'ws',
      protocolVersion: 4,
      cleanSession: true,
    });
    expect(page.items.find((s) => s.clientId === 'gateway')).toMatchObject({
      protocolVersion: 5,
      cleanSession: false,
    });
    expect((await h.get('/api/sessions?search=SENSOR')).json<Page<SessionSummary>>().total).toBe(2);
    expect((await h.get('/api/sessions?search=bob')).json<Page<SessionSummary>>().items[0]?.clientId).toBe(
      'sensor-b',
    );
    expect((await h.get('/api/sessions?offset=1&limit=1')).json<Page<SessionSummary>>()).toMatchObject({
      total: 3,
      offset: 1,
      items: [{ clientId: 'sensor-b' }],
    });

    await a.endAsync();
    await eventually(async () =>
      expect(
        (await h.get('/api/sessions')).json<Page<SessionSummary>>().items.map((s) => s.clientId),
      ).toEqual(['sensor-b', 'gateway']),
    );
    const gateway = h.clients[2]!;
    await gateway.endAsync();
    await eventually(async () =>
      expect((await h.get('/api/sessions?state=offline')).json<Page<SessionSummary>>().items).toMatchObject([
        { clientId: 'gateway', connected: false },
      ]),
    );
    expect((await h.get('/api/sessions?state=connected')).json<Page<SessionSummary>>().total).toBe(1);
  });

  it('GET /api/sessions/:clientId details one session, any client id percent-encoded', async () => {
    const client = await h.connect({ clientId: 'plant/line 1#4' });
    await client.subscribeAsync({ 'cmd/#': { qos: 1 }, 'cfg/+': { qos: 0 } });
    const reply = await h.get(`/api/sessions/${encodeURIComponent('plant/line 1#4')}`);
    expect(reply.status).toBe(200);
    const detail = reply.json<SessionDetail>();
    expect(detail).toMatchObject({ clientId: 'plant/line 1#4', connected: true, subscriptions: 2 });
    expect(detail.subscriptionList).toEqual([
      { clientId: 'plant/line 1#4', filter: 'cmd/#', qos: 1 },
      { clientId: 'plant/line 1#4', filter: 'cfg/+', qos: 0 },
    ]);
    expect(detail.inflightMessages).toEqual([]);
    const missing = await h.get('/api/sessions/nobody');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'no session for client id "nobody"' });
  });

  it('GET /api/subscriptions lists every subscription, searchable', async () => {
    const a = await h.connect({ clientId: 'a' });
    await a.subscribeAsync(['room/1/temp', 'room/+/hum']);
    const b = await h.connect({ clientId: 'b' });
    await b.subscribeAsync('hall/#');
    const all = (await h.get('/api/subscriptions')).json<Page<SubscriptionView>>();
    expect(all.total).toBe(3);
    const rooms = (await h.get('/api/subscriptions?search=room')).json<Page<SubscriptionView>>();
    expect(rooms.items.map((s) => s.filter)).toEqual(['room/1/temp', 'room/+/hum']);
    expect((await h.get('/api/subscriptions?limit=1&offset=2')).json<Page<SubscriptionView>>().items).toEqual(
      [{ clientId: 'b', filter: 'hall/#', qos: 0 }],
    );
  });

  it('GET /api/topics and /api/topics/messages fill as clients publish', async () => {
    const client = await h.connect({ clientId: 'pub' });
    await client.publishAsync('home/temp', '21.5', { qos: 1, retain: true });
    await client.publishAsync('home/temp', '{"c":21.7}', { qos: 1 });
    await client.publishAsync('home/door', 'open', { qos: 1 });
    const topics = (await h.get('/api/topics')).json<TopicView[]>();
    expect(topics.map((t) => [t.topic, t.messages, t.retained])).toEqual([
      ['home/door', 1, false],
      ['home/temp', 2, true],
    ]);
    expect(text({ payload: topics[1]!.lastPayload! })).toBe('{"c":21.7}');
    expect(topics[1]!.rate).toBeGreaterThan(0);
    const messages = (await h.get(`/api/topics/messages?topic=${encodeURIComponent('home/temp')}`)).json<
      MessageView[]
    >();
    expect(messages.map((m) => [text(m), m.clientId, m.qos, m.retain])).toEqual([
      ['21.5', 'pub', 1, true],
      ['{"c":21.7}', 'pub', 1, false],
    ]);
    expect((await h.get('/api/topics/messages?topic=nothing/here')).json()).toEqual([]);
  });

  it('GET /api/retained lists retained messages; DELETE removes them by topic and by filter', async () => {
    const client = await h.connect();
    for (const topic of ['lamp/1', 'lamp/2', 'lamp/2/color', 'door/1']) {
      await client.publishAsync(topic, `state of ${topic}`, { qos: 1, retain: true });
    }
    const all = (await h.get('/api/retained')).json<Page<MessageView>>();
    expect(all.items.map((m) => m.topic)).toEqual(['door/1', 'lamp/1', 'lamp/2', 'lamp/2/color']);
    expect(text(all.items[0]!)).toBe('state of door/1');
    expect((await h.get('/api/retained?filter=lamp/%2B')).json<Page<MessageView>>().total).toBe(2);
    expect(
      (await h.get('/api/retained?filter=lamp/%23&offset=2')).json<Page<MessageView>>().items,
    ).toHaveLength(1);

    const byTopic = await h.request('DELETE', '/api/retained?topic=door/1');
    expect(byTopic.status).toBe(200);
    expect(byTopic.json()).toEqual({ deleted: 1 });
    const byFilter = await h.request('DELETE', `/api/retained?filter=${encodeURIComponent('lamp/+')}`);
    expect(byFilter.json()).toEqual({ deleted: 2 });
    expect((await h.get('/api/retained')).json<Page<MessageView>>().items.map((m) => m.topic)).toEqual([
      'lamp/2/color',
    ]);

    // New subscribers no longer receive them.
    const late = await h.connect();
    const received = inbox(late);
    await late.subscribeAsync(['door/#', 'lamp/#']);
    await client.publishAsync('lamp/marker', 'm', { qos: 1 });
    await eventually(() => expect(received.map((m) => m.topic)).toContain('lamp/marker'));
    expect(received.map((m) => m.topic)).toEqual(['lamp/2/color', 'lamp/marker']);
  });

  it('POST /api/publish reaches a subscribed client, with QoS, retain and v5 properties', async () => {
    const subscriber = await h.connect({ protocolVersion: 5 });
    const received = inbox(subscriber);
    await subscriber.subscribeAsync('cmd/#', { qos: 1 });
    const reply = await h.request('POST', '/api/publish', {
      body: {
        topic: 'cmd/reboot',
        payload: '{"delay":5}',
        encoding: 'utf8',
        qos: 1,
        retain: true,
        properties: { contentType: 'application/json', userProperties: { from: 'dashboard' } },
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ deliveries: 1 });
    const [message] = await eventually(() => {
      expect(received).toHaveLength(1);
      return received;
    });
    expect(message).toMatchObject({ topic: 'cmd/reboot', payload: '{"delay":5}' });
    expect(message!.packet.qos).toBe(1);
    expect(message!.packet.properties).toMatchObject({
      contentType: 'application/json',
      userProperties: { from: 'dashboard' },
    });
    expect((await h.get('/api/retained')).json<Page<MessageView>>().items[0]).toMatchObject({
      topic: 'cmd/reboot',
    });

    const binary = await h.request('POST', '/api/publish', {
      body: { topic: 'bin', payload: 'AAEC', encoding: 'base64' },
    });
    expect(binary.json()).toEqual({ deliveries: 0 });
  });

  it('POST /api/sessions/:clientId/disconnect kicks a v5 client with 0x98, keeping its session', async () => {
    const client = await h.connect({
      clientId: 'kick-me',
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 60 },
    });
    const disconnect = new Promise<IDisconnectPacket>((resolve) => client.once('disconnect', resolve));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const reply = await h.request('POST', '/api/sessions/kick-me/disconnect');
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ disconnected: true });
    expect((await disconnect).reasonCode).toBe(0x98);
    await closed;
    await eventually(async () =>
      expect((await h.get('/api/sessions/kick-me')).json<SessionDetail>()).toMatchObject({
        connected: false,
      }),
    );
    const again = await h.request('POST', '/api/sessions/kick-me/disconnect');
    expect(again.status).toBe(404);
    expect(again.json()).toEqual({ error: 'client "kick-me" is not connected' });
  });

  it('DELETE /api/sessions/:clientId closes the connection and discards the session', async () => {
    const client = await h.connect({ clientId: 'old', clean: false });
    await client.subscribeAsync('x/#', { qos: 1 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const reply = await h.request('DELETE', '/api/sessions/old');
    expect(reply.json()).toEqual({ deleted: true });
    await closed;
    expect((await h.get('/api/sessions/old')).status).toBe(404);
    expect((await h.get('/api/overview')).json<OverviewSnapshot>()).toMatchObject({
      sessions: 0,
      subscriptions: 0,
    });
    expect((await h.request('DELETE', '/api/sessions/old')).status).toBe(404);
  });
});

describe('admin API bad input', () => {
  let h: AdminHarness;

  beforeEach(async () => {
    h = await AdminHarness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it.each([
    ['POST', '/api/publish', { raw: '{"topic": "a",' }, 400, /^invalid JSON/],
    ['POST', '/api/publish', { raw: '' }, 400, /^expected a JSON body$/],
    ['POST', '/api/publish', { body: [1, 2] }, 400, /^expected a JSON object$/],
    ['POST', '/api/publish', { body: { payload: 'x' } }, 400, /^topic is required$/],
    ['POST', '/api/publish', { body: { topic: 'a/+/b' } }, 400, /^topic: invalid topic name "a\/\+\/b"$/],
    ['POST', '/api/publish', { body: { topic: 'a', qos: 3 } }, 400, /^qos must be 0, 1 or 2, got 3$/],
    ['POST', '/api/publish', { body: { topic: 'a', qos: '1' } }, 400, /^qos must be 0, 1 or 2, got "1"$/],
    ['POST', '/api/publish', { body: { topic: 'a', payload: 42 } }, 400, /^payload must be a string$/],
    ['POST', '/api/publish', { body: { topic: 'a', payload: '%%%', encoding: 'base64' } }, 400, /base64/],
    ['GET', '/api/nothing', {}, 404, /^no such API route: \/api\/nothing$/],
    ['GET', '/api', {}, 404, /^no such API route/],
    ['GET', '/api/sessions/a/b', {}, 404, /^no such API route/],
    ['GET', '/api/publish', {}, 405, /^GET not allowed here; use POST$/],
    ['PUT', '/api/sessions/x', {}, 405, /^PUT not allowed here; use GET, DELETE$/],
    ['GET', '/api/sessions?state=sleeping', {}, 400, /^state must be/],
    ['GET', '/api/sessions?offset=-1', {}, 400, /^offset must be a non-negative integer/],
    ['GET', '/api/retained?limit=ten', {}, 400, /^limit must be a non-negative integer/],
    ['GET', '/api/retained?filter=a/%23/b', {}, 400, /invalid topic filter/],
    ['GET', '/api/topics/messages', {}, 400, /^topic is required$/],
    ['GET', '/api/topics/messages?topic=a/%23', {}, 400, /invalid topic name/],
    ['DELETE', '/api/retained', {}, 400, /^give either \?topic= or \?filter=$/],
    ['DELETE', '/api/retained?topic=a&filter=b', {}, 400, /^give either/],
    ['DELETE', '/api/retained?topic=a/%2B', {}, 400, /invalid topic name/],
    ['GET', '/api/sessions/%E0%A4%A', {}, 400, /malformed percent-encoding/],
    ['GET', '/api/events', {}, 426, /WebSocket/],
  ] as const)('%s %s %j → %i', async (method, path, options, status, error) => {
    const reply = await h.request(method, path, options);
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.json<{ error: string }>().error).toMatch(error);
    if (status === 405) expect(reply.headers.get('allow')).toBeTruthy();
  });

  it('refuses a body over 1 MiB with 413, whether declared or streamed', async () => {
    const big = JSON.stringify({ topic: 'a', payload: 'x'.repeat(1024 * 1024) });
    const declared = await h.request('POST', '/api/publish', {
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(declared.json()).toEqual({ error: 'request body larger than 1048576 bytes' });
    const chunked = await fetch(`${h.base}/api/publish`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(100 * 1024).fill(32));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => error);
    // The server answers 413 and closes; depending on timing the client sees the answer or the close.
    if (chunked instanceof Response) expect(chunked.status).toBe(413);
    const fine = await h.request('POST', '/api/publish', {
      body: { topic: 'a', payload: 'x'.repeat(700 * 1024) },
    });
    expect(fine.status).toBe(200);
  });

  it('keeps the broker working after a barrage of bad requests', async () => {
    const bad: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      bad.push(h.request('POST', '/api/publish', { raw: `{"topic":${i}` }));
      bad.push(h.request('POST', '/api/publish', { body: { topic: '#', qos: i } }));
      bad.push(h.request('DELETE', `/api/retained?filter=${'+#'.repeat(i)}`));
    }
    await Promise.all(bad);
    const subscriber = await h.connect();
    const received = inbox(subscriber);
    await subscriber.subscribeAsync('still/alive');
    const publisher = await h.connect();
    await publisher.publishAsync('still/alive', 'yes');
    await eventually(() => expect(received.map((m) => m.payload)).toEqual(['yes']));
    expect((await h.get('/api/overview')).status).toBe(200);
  });
});
