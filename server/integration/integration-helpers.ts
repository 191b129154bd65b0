import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import { expect, vi } from 'vitest';
import type { Logger } from '../../shared/index.ts';
import { cloneConfig, defaultConfig, type LimitsConfig } from '../config/config-schema.ts';
import { parseListenUrl } from '../config/listen-url.ts';
import { createLogger } from '../logging/create-logger.ts';
import { type RunningServer, startServer } from '../start-server.ts';

/** Setup shared by the tests that run the server and talk to it with real clients. */

export interface TestServerOptions {
  limits?: Partial<LimitsConfig>;
  /** Where the log goes; silent by default. */
  logger?: Logger;
}

/** The server on the given listeners, all on port 0; the dashboard off, so that no fixed port is
 * bound. */
export function startTestServer(listen: string[], options: TestServerOptions = {}): Promise<RunningServer> {
  const config = cloneConfig(defaultConfig);
  config.listen = listen.map(parseListenUrl);
  config.limits = { ...config.limits, ...options.limits };
  config.log.level = 'silent';
  config.dashboard.enabled = false;
  return startServer(config, options.logger ?? createLogger(config.log));
}

/** Records every message a client receives from the moment it is created, so that messages arriving
 * in the same chunk as CONNACK (a resumed session's queue) are not missed; `record` says what of
 * each message a test compares. */
export class Inbox<M> {
  readonly messages: M[] = [];

  constructor(client: MqttClient, record: (topic: string, payload: string, packet: IPublishPacket) => M) {
    client.on('message', (topic, payload, packet: IPublishPacket) => {
      this.messages.push(record(topic, payload.toString(), packet));
    });
  }

  /** The next `count` messages, oldest first. */
  async take(count = 1): Promise<M[]> {
    await vi.waitFor(() => expect(this.messages.length).toBeGreaterThanOrEqual(count), {
      timeout: 5000,
      interval: 5,
    });
    return this.messages.splice(0, count);
  }
}

export interface Peer<M> {
  client: MqttClient;
  inbox: Inbox<M>;
  connack: IConnackPacket;
}

/** The CONNACK that accepts the client, or the error that refuses it. */
export function connackOf(client: MqttClient): Promise<IConnackPacket> {
  return new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
}

/** The mqtt clients a test opens, to end together after it. */
export class MqttClients {
  private readonly open: MqttClient[] = [];

  /** A client that never reconnects: a test that closes a connection wants it to stay closed. */
  connect(url: string, options: IClientOptions = {}): MqttClient {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    this.open.push(client);
    return client;
  }

  /** A client with an Inbox, once connected. */
  async connectPeer<M>(
    url: string,
    options: IClientOptions,
    record: (topic: string, payload: string, packet: IPublishPacket) => M,
  ): Promise<Peer<M>> {
    const client = this.connect(url, options);
    const inbox = new Inbox(client, record);
    const connack = await connackOf(client);
    return { client, inbox, connack };
  }

  async endAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((client) => client.endAsync(true)));
  }
}
