import { expect, saveScreenshot, test } from './fixtures.ts';
import {
  clientList,
  clientPanel,
  createClient,
  openSandbox,
  publish,
  receivedRow,
  receivedTable,
  scrollMain,
  selectClient,
  subscribe,
} from './sandbox-helpers.ts';

// Each test is a journey through several views with a broker in the page; two workers share two cores.
test.describe.configure({ timeout: 60_000 });

test('QoS 1 and 2, retained messages and wills between virtual clients', async ({ page, broker }) => {
  await openSandbox(page, broker.dashboardUrl);
  await createClient(page, { id: 'living-room-display' });
  await subscribe(page, 'home/#', 2);
  await createClient(page, {
    id: 'thermostat',
    protocol: 'MQTT 3.1.1',
    will: { topic: 'home/thermostat/status', payload: 'lost', qos: 1, retain: true },
  });
  await publish(page, { topic: 'home/living-room/temperature', payload: '21.5', qos: 1 });
  await publish(page, { topic: 'home/living-room/setpoint', payload: '{"target":22}', qos: 2 });
  await publish(page, { topic: 'home/living-room/mode', payload: 'eco', qos: 1, retain: true });

  await selectClient(page, 'living-room-display');
  const qosOf = (topic: string) => receivedRow(page, topic).getByRole('cell').nth(3);
  await expect(qosOf('home/living-room/temperature')).toHaveText('1');
  await expect(qosOf('home/living-room/setpoint')).toHaveText('2');
  // A live message is not flagged retained; a new subscriber gets the stored copy, flagged.
  await expect(qosOf('home/living-room/mode')).toHaveText('1');

  await createClient(page, { id: 'late-joiner', protocol: 'MQTT 3.1.1' });
  await subscribe(page, 'home/living-room/#', 2);
  await expect(receivedTable(page).getByRole('row')).toHaveCount(2);
  await expect(qosOf('home/living-room/mode')).toHaveText('1R');

  // The thermostat loses power: no DISCONNECT, so the broker publishes its will.
  await selectClient(page, 'thermostat');
  await clientPanel(page).getByRole('button', { name: 'Drop connection' }).click();
  await expect(clientPanel(page)).toContainText('Connection dropped without DISCONNECT');
  await expect(clientPanel(page)).toContainText('published its will on home/thermostat/status');
  await selectClient(page, 'living-room-display');
  await expect(receivedRow(page, 'home/thermostat/status')).toContainText('lost');
  await receivedRow(page, 'home/living-room/setpoint').click();
  await scrollMain(page, clientPanel(page));
  await saveScreenshot(page, 'sandbox-clients');

  // A proper disconnect says nothing: the will goes with it.
  await selectClient(page, 'late-joiner');
  await clientPanel(page).getByRole('button', { name: 'Disconnect' }).click();
  await expect(clientPanel(page)).toContainText('Offline');
  await selectClient(page, 'living-room-display');
  await expect(
    receivedTable(page).getByRole('row').filter({ hasText: 'home/thermostat/status' }),
  ).toHaveCount(1);

  await page.getByRole('link', { name: 'Retained' }).click();
  await page.getByLabel('Retained topic filter').fill('home/#');
  const retained = page.getByRole('table', { name: 'Retained messages' });
  await expect(retained.getByRole('row').filter({ hasText: 'home/living-room/mode' })).toBeVisible();
  await expect(retained.getByRole('row').filter({ hasText: 'home/thermostat/status' })).toContainText('lost');
});

test('retained messages and persistent sessions survive a reload', async ({ page, broker }) => {
  await openSandbox(page, broker.dashboardUrl);
  await createClient(page, { id: 'night-light', persistent: true });
  await subscribe(page, 'home/#', 1);
  await createClient(page, { id: 'hall-switch', protocol: 'MQTT 3.1.1' });
  await publish(page, { topic: 'home/hall/light', payload: 'on', qos: 1, retain: true });
  await selectClient(page, 'night-light');
  await expect(receivedRow(page, 'home/hall/light')).toBeVisible();
  await clientPanel(page).getByRole('button', { name: 'Disconnect' }).click();
  await expect(clientPanel(page)).toContainText('Offline');
  // While it is away, QoS 1 messages for it wait in its session.
  await selectClient(page, 'hall-switch');
  await publish(page, { topic: 'home/hall/motion', payload: 'detected', qos: 1 });
  await selectClient(page, 'night-light');
  await expect(clientPanel(page)).toContainText('1 message waits in the broker');

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sandbox', exact: true })).toBeVisible();
  await expect(clientList(page).getByRole('button', { name: /^night-light / })).toBeVisible();
  await expect(clientList(page).getByRole('button', { name: /^hall-switch / })).toBeVisible();

  await page.getByRole('link', { name: 'Sessions' }).click();
  const sessions = page.getByRole('table', { name: 'Sessions' });
  const row = sessions.getByRole('row').filter({ hasText: 'night-light' });
  await expect(row).toContainText('Offline');
  await row.click();
  const detail = page.getByRole('region', { name: 'Session detail' });
  await expect(detail.getByRole('list', { name: 'Subscriptions' })).toContainText('home/#');
  await expect(detail.getByRole('list', { name: 'Queued messages' })).toContainText('home/hall/motion');
  await saveScreenshot(page, 'sandbox-sessions-after-reload');

  await page.getByRole('link', { name: 'Retained' }).click();
  await page.getByLabel('Retained topic filter').fill('home/#');
  await expect(
    page
      .getByRole('table', { name: 'Retained messages' })
      .getByRole('row')
      .filter({ hasText: 'home/hall/light' }),
  ).toBeVisible();

  await page.getByRole('link', { name: 'Sandbox' }).first().click();
  await selectClient(page, 'night-light');
  await clientPanel(page).getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(clientPanel(page)).toContainText('Session resumed');
  await expect(receivedRow(page, 'home/hall/motion')).toContainText('detected');
  await expect(clientPanel(page).getByRole('list', { name: 'Client subscriptions' })).toContainText('home/#');
  await scrollMain(page);
  await saveScreenshot(page, 'sandbox-after-reload');
});

test('the state exports to a file, resets and imports again', async ({ page, broker }) => {
  await openSandbox(page, broker.dashboardUrl);
  await createClient(page, { id: 'archivist', persistent: true });
  await subscribe(page, 'archive/#', 2);
  await publish(page, { topic: 'archive/2026/report', payload: 'quarterly', qos: 1, retain: true });

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^iothub-sandbox-.*\.json$/);
  const file = test.info().outputPath('sandbox-state.json');
  await download.saveAs(file);

  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Confirm reset' }).click();
  await expect(page.getByText('No virtual clients')).toBeVisible();
  await page.getByRole('link', { name: 'Sessions' }).click();
  await expect(page.getByText('No sessions yet')).toBeVisible();

  await page.getByRole('link', { name: 'Sandbox' }).first().click();
  await page.getByLabel('Import state file').setInputFiles(file);
  await expect(page.getByRole('status').filter({ hasText: 'State imported' })).toContainText(
    '1 virtual client',
  );
  await selectClient(page, 'archivist');
  await clientPanel(page).getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(clientPanel(page)).toContainText('Session resumed');
  await expect(clientPanel(page).getByRole('list', { name: 'Client subscriptions' })).toContainText(
    'archive/#',
  );
  await page.getByRole('link', { name: 'Retained' }).click();
  await page.getByLabel('Retained topic filter').fill('archive/#');
  await expect(
    page
      .getByRole('table', { name: 'Retained messages' })
      .getByRole('row')
      .filter({ hasText: 'archive/2026/report' }),
  ).toBeVisible();
});
