import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** A virtual client as the "New virtual client" form creates it. */
export interface ClientSpec {
  id: string;
  protocol?: 'MQTT 3.1.1' | 'MQTT 5.0';
  persistent?: boolean;
  will?: { topic: string; payload: string; qos: 0 | 1 | 2; retain?: boolean };
}

export const clientPanel = (page: Page): Locator =>
  page.getByRole('region', { name: 'Virtual client', exact: true });
export const clientList = (page: Page): Locator => page.getByRole('list', { name: 'Virtual clients' });
export const receivedTable = (page: Page): Locator =>
  clientPanel(page).getByRole('table', { name: 'Received messages' });
export const receivedRow = (page: Page, topic: string): Locator =>
  receivedTable(page).getByRole('row').filter({ hasText: topic });

/** Scrolls the main area so `target` (or the page's top) is in view, for screenshots. */
export async function scrollMain(
  page: Page,
  target?: Locator,
  block: 'start' | 'end' = 'start',
): Promise<void> {
  if (target) await target.evaluate((element, where) => element.scrollIntoView({ block: where }), block);
  else await page.locator('main').evaluate((element) => element.scrollTo(0, 0));
}

/** The page's own copy of the dashboard's sandbox mode. */
export async function openSandbox(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}?mode=sandbox`);
  await expect(page.getByRole('heading', { name: 'Sandbox', exact: true })).toBeVisible();
}

export async function createClient(page: Page, spec: ClientSpec): Promise<void> {
  const form = page.getByRole('region', { name: 'New virtual client' });
  if (!(await form.isVisible())) await page.getByRole('button', { name: 'New client' }).click();
  await form.getByLabel('Client id').fill(spec.id);
  await form.getByRole('radio', { name: spec.protocol ?? 'MQTT 5.0' }).click();
  await form.getByRole('radio', { name: spec.persistent ? 'Persistent' : 'Clean' }).click();
  if (spec.will) {
    await form.getByText('Include').click();
    await form.getByLabel('Will topic').fill(spec.will.topic);
    await form.getByLabel('Will payload').fill(spec.will.payload);
    await form
      .getByRole('radiogroup', { name: 'Will QoS' })
      .getByRole('radio', { name: `QoS ${spec.will.qos}` })
      .click();
    if (spec.will.retain) await form.getByText('Retain').click();
  }
  await form.getByRole('button', { name: 'Create client' }).click();
  await expect(clientPanel(page)).toContainText(spec.id);
  await expect(clientPanel(page)).toContainText('Connected');
}

export async function selectClient(page: Page, id: string): Promise<void> {
  await clientList(page)
    .getByRole('button', { name: new RegExp(`^${id} `) })
    .click();
  await expect(clientPanel(page)).toContainText(id);
}

export async function subscribe(page: Page, filter: string, qos: 0 | 1 | 2): Promise<void> {
  const form = clientPanel(page).getByRole('form', { name: 'Subscribe' });
  await form.getByLabel('Topic filter').fill(filter);
  await form
    .getByRole('radiogroup', { name: 'Subscription QoS' })
    .getByRole('radio', { name: String(qos) })
    .click();
  await form.getByRole('button', { name: 'Subscribe' }).click();
  await expect(clientPanel(page).getByRole('list', { name: 'Client subscriptions' })).toContainText(filter);
}

export async function publish(
  page: Page,
  message: { topic: string; payload: string; qos: 0 | 1 | 2; retain?: boolean },
): Promise<void> {
  const form = clientPanel(page).getByRole('form', { name: 'Publish' });
  await form.getByLabel('Topic', { exact: true }).fill(message.topic);
  await form.getByLabel('Payload').fill(message.payload);
  await form
    .getByRole('radiogroup', { name: 'Publish QoS' })
    .getByRole('radio', { name: String(message.qos) })
    .click();
  const retain = form.getByRole('checkbox', { name: 'Retain' });
  if ((await retain.isChecked()) !== Boolean(message.retain)) await form.getByText('Retain').click();
  await form.getByRole('button', { name: 'Publish' }).click();
  await expect(form).toContainText(`Published on ${message.topic}`);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Serves the built dashboard (dist/web) at `origin` from inside the browser's network stack: no
 * server process, no admin API, no WebSocket; what a static host would give. */
export async function serveStaticBuild(page: Page, origin: string): Promise<void> {
  const root = join(process.cwd(), 'dist/web');
  await page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = normalize(join(root, path === '/' || extname(path) === '' ? 'index.html' : path));
    if (!file.startsWith(root)) return route.fulfill({ status: 403 });
    try {
      const body = await readFile(file);
      return route.fulfill({ body, contentType: contentTypes[extname(file)] ?? 'application/octet-stream' });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}
