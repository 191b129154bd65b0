import { expect, type Page, test } from '@playwright/test';
import { sandboxBuild } from './sandbox-build.ts';

/**
 * The in-tab broker as other people's pages use it: the library build (dist/sandbox) loaded into a
 * page, unmodified `mqtt` clients connecting through `createWebsocket`, state in IndexedDB. No server:
 * the page's origin is served by the test itself.
 */

declare global {
  interface Window {
    IoTHubSandbox: typeof import('../web/sandbox/index.ts');
    /** The `mqtt` package's own browser build (dist/mqtt.min.js). */
    mqtt: typeof import('mqtt');
  }
}

const origin = 'http://sandbox.test';

/** An app page that imports the ESM build, as an application would. */
const appPage = `<!doctype html>
<title>App on the in-tab broker</title>
<script type="module">
  import * as sandbox from '/iothub-sandbox.js';
  window.IoTHubSandbox = sandbox;
</script>`;

test.beforeEach(async ({ page }) => {
  // IndexedDB needs a real origin; this one never reaches the network.
  await page.route(`${origin}/**`, (route) => {
    const { pathname } = new URL(route.request().url());
    if (pathname === '/')
      return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' });
    if (pathname === '/app.html') return route.fulfill({ contentType: 'text/html', body: appPage });
    if (pathname === '/iothub-sandbox.js') {
      return route.fulfill({ contentType: 'text/javascript', path: sandboxBuild.esm });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
});

async function openApp(page: Page): Promise<void> {
  await page.goto(`${origin}/app.html`);
  await page.waitForFunction(() => window.IoTHubSandbox !== undefined);
}

test('unmodified mqtt clients in the page: QoS 1 and 2, retained and will', async ({ page }) => {
  await page.goto(`${origin}/`);
  await page.addScriptTag({ path: sandboxBuild.iife });
  await page.addScriptTag({ path: 'node_modules/mqtt/dist/mqtt.min.js' });
  const result = await page.evaluate(async () => {
    const sandbox = await window.IoTHubSandbox.startSandboxBroker();
    const received: Array<[string, string, number, boolean]> = [];
    const watcher = await sandbox.connectAsync({ clientId: 'watcher', protocolVersion: 5 });
    watcher.on('message', (topic, payload, packet) =>
      received.push([topic, new TextDecoder().decode(payload), packet.qos, packet.retain]),
    );
    // The page's own copy of `mqtt`, given nothing but the createWebsocket option.
    const device = await window.mqtt.connectAsync('ws://sandbox/mqtt', {
      clientId: 'device',
      createWebsocket: sandbox.createWebsocket,
      will: { topic: 'status/device', payload: 'offline', qos: 1, retain: false },
    });
    await device.publishAsync('config/device', 'v2', { qos: 2, retain: true });
    await watcher.subscribeAsync(['config/#', 'readings/#', 'status/#'], { qos: 2 });
    await device.publishAsync('readings/1', '20.5', { qos: 1 });
    await device.publishAsync('readings/2', '20.7', { qos: 2 });
    const sessions = (await sandbox.link.sessions()).items.map((session) => session.clientId).sort();
    device.end(true); // no DISCONNECT: the broker publishes the will
    for (let waited = 0; received.length < 4 && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { received, sessions };
  });
  expect(result.sessions).toEqual(['device', 'watcher']);
  expect(result.received).toEqual([
    ['config/device', 'v2', 2, true],
    ['readings/1', '20.5', 1, false],
    ['readings/2', '20.7', 2, false],
    ['status/device', 'offline', 1, false],
  ]);
});

/** In the page: starts the broker from IndexedDB and reads back what a reload must keep. */
async function readBack(page: Page) {
  return page.evaluate(async () => {
    const sandbox = await window.IoTHubSandbox.startSandboxBroker();
    const retained = (await sandbox.link.retained()).items.map((message) => message.topic);
    const messages: string[] = [];
    const durable = sandbox.connect({ clientId: 'durable', clean: false });
    durable.on('message', (topic, payload) => messages.push(`${topic} ${new TextDecoder().decode(payload)}`));
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve) =>
      durable.once('connect', resolve),
    );
    for (let waited = 0; messages.length < 1 && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await sandbox.dispose();
    return { retained, sessionPresent: connack.sessionPresent, messages };
  });
}

/** In the page: a persistent session that is offline with a message queued, and a retained message. */
async function makeState(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const sandbox = await window.IoTHubSandbox.startSandboxBroker();
    const durable = await sandbox.connectAsync({ clientId: 'durable', clean: false });
    await durable.subscribeAsync('alerts/#', { qos: 1 });
    await durable.endAsync();
    const publisher = await sandbox.connectAsync({ clientId: 'publisher' });
    await publisher.publishAsync('config/mode', 'eco', { qos: 1, retain: true });
    await publisher.publishAsync('alerts/door', 'open', { qos: 1 });
    // No dispose and no explicit save: the reload must find it all the same.
    (window as unknown as { keep: unknown }).keep = sandbox;
  });
}

test('retained messages and persistent sessions survive a reload (IndexedDB)', async ({ page }) => {
  await openApp(page);
  await makeState(page);
  await page.reload();
  await page.waitForFunction(() => window.IoTHubSandbox !== undefined);
  expect(await readBack(page)).toEqual({
    retained: ['config/mode'],
    sessionPresent: true,
    messages: ['alerts/door open'],
  });
});

test('export, reset and import restore the state, and the import is kept across a reload', async ({
  page,
}) => {
  await openApp(page);
  const steps = await page.evaluate(async () => {
    const sandbox = await window.IoTHubSandbox.startSandboxBroker();
    const durable = await sandbox.connectAsync({ clientId: 'durable', clean: false });
    await durable.subscribeAsync('alerts/#', { qos: 1 });
    await durable.endAsync();
    const publisher = await sandbox.connectAsync({ clientId: 'publisher', reconnectPeriod: 0 });
    await publisher.publishAsync('config/mode', 'eco', { qos: 1, retain: true });
    await publisher.publishAsync('alerts/door', 'open', { qos: 1 });
    const figures = async () => {
      const overview = await sandbox.link.overview();
      return { sessions: overview.sessions, retained: (await sandbox.link.retained()).total };
    };
    const exported = await sandbox.exportState();
    const before = await figures();
    await sandbox.reset();
    const afterReset = await figures();
    await sandbox.importState(exported);
    const afterImport = await figures();
    return { before, afterReset, afterImport, format: JSON.parse(exported).format as string };
  });
  expect(steps).toEqual({
    before: { sessions: 2, retained: 1 },
    afterReset: { sessions: 0, retained: 0 },
    afterImport: { sessions: 1, retained: 1 },
    format: 'iothub-broker-snapshot',
  });
  await page.reload();
  await page.waitForFunction(() => window.IoTHubSandbox !== undefined);
  expect(await readBack(page)).toEqual({
    retained: ['config/mode'],
    sessionPresent: true,
    messages: ['alerts/door open'],
  });
});
