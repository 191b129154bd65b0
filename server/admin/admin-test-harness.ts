import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import { expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { LiveEvent, LiveFilter } from '../../shared/admin/broker-link.ts';
import { cloneConfig, defaultConfig, type ServerConfig } from '../config/config-schema.ts';
import { parseDashboardUrl, parseListenUrl } from '../config/listen-url.ts';
import { createLogger } from '../logging/create-logger.ts';
import { type RunningServer, type StartServerOptions, startServer } from '../start-server.ts';

/** A server on port 0 with MQTT over WebSocket and the dashboard on the same HTTP server. */
export function testConfig(change: (config: ServerConfig) => void = () => {}): ServerConfig {
  const config = cloneConfig(defaultConfig);
  config.listen = [parseListenUrl('ws://127.0.0.1:0/mqtt')];
  config.dashboard.listen = parseDashboardUrl('http://127.0.0.1:0');
  config.dashboard.sysInterval = 0;
  config.log.level = 'silent';
  change(config);
  return config;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  /** The body as JSON, typed by the caller. */
  json<T = Record<string, unknown>>(): T;
}

/** Starts a server and tracks what a test opens, so `close()` ends it all. */
export class AdminHarness {
  readonly clients: MqttClient[] = [];
  readonly sockets: WebSocket[] = [];

  private constructor(readonly server: RunningServer) {}

  static async start(config = testConfig(), options: StartServerOptions = {}): Promise<AdminHarness> {
    return new AdminHarness(await startServer(config, createLogger(config.log), options));
  }

  get base(): string {
    return this.server.dashboard!.url.replace(/\/$/, '');
  }

  get mqttUrl(): string {
    return this.server.listeners[0]!.url;
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const hasJson = options.body !== undefined;
    const response = await fetch(this.base + path, {
      method,
      headers: { ...(hasJson ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.raw ?? (hasJson ? JSON.stringify(options.body) : undefined),
    });
    const text = await response.text();
    let body: unknown = text;
    if (response.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body, json: <T>() => body as T };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', path, headers ? { headers } : {});
  }

  async connect(options: IClientOptions = {}): Promise<MqttClient> {
    const client = await mqtt.connectAsync(this.mqttUrl, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  /** Opens `/api/events` and sends a watch; events collect in `events`. */
  async watch(
    filter: LiveFilter,
    path = '/api/events',
    headers: Record<string, string> = {},
  ): Promise<EventViewer> {
    const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}${path}`, { headers });
    this.sockets.push(ws);
    const viewer = new EventViewer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    viewer.send({ type: 'watch', filter });
    return viewer;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.endAsync(true)));
    for (const ws of this.sockets.splice(0)) ws.terminate();
    await this.server.stop(1000);
  }
}

export class EventViewer {
  readonly events: Array<LiveEvent | { type: 'error'; error: string }> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.events.push(JSON.parse(String(data))));
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits until `predicate` holds for some event, and returns it. */
  async next<T extends EventViewer['events'][number]>(
    predicate: (event: EventViewer['events'][number]) => event is T,
  ): Promise<T>;
  async next(
    predicate: (event: EventViewer['events'][number]) => boolean,
  ): Promise<EventViewer['events'][number]>;
  async next(predicate: (event: EventViewer['events'][number]) => boolean) {
    return vi.waitFor(
      () => {
        const found = this.events.find(predicate);
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 5000, interval: 10 },
    );
  }

  publishes(): Array<Extract<LiveEvent, { type: 'publish' }>> {
    return this.events.filter(
      (event): event is Extract<LiveEvent, { type: 'publish' }> => event.type === 'publish',
    );
  }
}

/** Collects the messages a client receives. */
export function inbox(client: MqttClient): Array<{ topic: string; payload: string; packet: IPublishPacket }> {
  const messages: Array<{ topic: string; payload: string; packet: IPublishPacket }> = [];
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString(), packet }),
  );
  return messages;
}

export async function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 5000, interval: 10 });
}
