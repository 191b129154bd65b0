import { mkdirSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { cloneConfig, defaultConfig } from '../server/config/config-schema.ts';
import { parseDashboardUrl, parseListenUrl } from '../server/config/listen-url.ts';
import { createLogger } from '../server/logging/create-logger.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';

export interface TestBroker {
  server: RunningServer;
  /** The dashboard's origin, e.g. http://127.0.0.1:43121/ */
  dashboardUrl: string;
  /** mqtt://127.0.0.1:port for Node clients. */
  mqttUrl: string;
  /** A real `mqtt` client over TCP, ended after the test. */
  connect(options?: IClientOptions): Promise<MqttClient>;
}

/** A broker on port 0 per test: MQTT over TCP, and MQTT over WebSocket whose HTTP server also
 * serves the dashboard and its admin API, as `npm start` does. */
export const test = base.extend<{ broker: TestBroker; adminToken: string | undefined }>({
  /** Set with `test.use({ adminToken })` to make the admin API require it. */
  adminToken: [undefined, { option: true }],
  broker: async ({ adminToken }, use) => {
    const config = cloneConfig(defaultConfig);
    config.listen = [parseListenUrl('tcp://127.0.0.1:0'), parseListenUrl('ws://127.0.0.1:0/mqtt')];
    config.dashboard.listen = parseDashboardUrl('http://127.0.0.1:0');
    config.dashboard.adminToken = adminToken;
    config.log.level = 'warn';
    const server = await startServer(config, createLogger(config.log));
    const tcp = server.listeners.find((listener) => listener.url.startsWith('mqtt:'));
    if (!server.dashboard || !tcp)
      throw new Error('the test broker started without a dashboard or TCP listener');
    const clients: MqttClient[] = [];
    const mqttUrl = `mqtt://127.0.0.1:${tcp.port}`;
    await use({
      server,
      dashboardUrl: server.dashboard.url,
      mqttUrl,
      async connect(options) {
        const client = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0, ...options });
        clients.push(client);
        return client;
      },
    });
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => {})));
    await server.stop(1000);
  },
});

export { expect };

const screenshotDir = 'test-results/screenshots';

/** Saves what the view looks like, for people reviewing the dashboard's design. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  // Let the last frame of any animation settle.
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${screenshotDir}/${name}.png` });
}

/** Waits for a message on `topic` at `client`, which must already be subscribed. */
export function nextMessage(client: MqttClient, topic: string, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (received: string, payload: Buffer): void => {
      if (received !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}
