import { expect, saveScreenshot, test } from './fixtures.ts';
import {
  clientList,
  clientPanel,
  createClient,
  openSandbox,
  publish,
  receivedRow,
  scrollMain,
  selectClient,
  serveStaticBuild,
  subscribe,
} from './sandbox-helpers.ts';

// Each test is a journey through several views with a broker in the page; two workers share two cores.
test.describe.configure({ timeout: 60_000 });

test('the sensor demo fills the topics view and moves the chart; a client on # receives the readings', async ({
  page,
  broker,
}) => {
  await openSandbox(page, broker.dashboardUrl);
  await expect(
    page.getByRole('navigation', { name: 'Mode' }).getByRole('link', { name: 'Sandbox' }),
  ).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('No virtual clients')).toBeVisible();
  await saveScreenshot(page, 'sandbox-empty');

  await createClient(page, { id: 'observer' });
  await subscribe(page, '#', 0);
  const fleet = page.getByRole('article', { name: 'Sensor fleet' });
  await fleet.getByRole('radio', { name: '3' }).click();
  await fleet.getByRole('button', { name: 'Start' }).click();
  await expect(fleet).toContainText('Running');
  await expect(clientList(page).getByRole('button', { name: /^sensor-03 / })).toBeVisible();

  await expect(receivedRow(page, 'sensors/sensor-01/temperature').first()).toBeVisible();
  await expect(receivedRow(page, 'sensors/sensor-03/temperature').first()).toBeVisible();
  await receivedRow(page, 'sensors/sensor-02/temperature').first().click();
  const message = clientPanel(page).getByRole('region', { name: 'Received message' });
  await expect(message.getByTestId('payload')).toContainText('"sensor": "sensor-02"');
  await expect(message.getByTestId('payload')).toContainText('"temperature"');
  await expect(fleet).toContainText('received by dashboard');
  await scrollMain(page);
  await saveScreenshot(page, 'sandbox-sensor-demo');
  await scrollMain(page, message, 'end');
  await saveScreenshot(page, 'sandbox-received');

  await page.getByRole('link', { name: 'Topics' }).click();
  const tree = page.getByRole('table', { name: 'Topics' });
  await expect(tree.getByRole('row').filter({ hasText: 'sensors' }).first()).toBeVisible();
  await page.getByLabel('Filter topics').fill('sensor-01/temperature');
  await tree.getByRole('row').filter({ hasText: 'temperature' }).click();
  await expect(page.getByRole('region', { name: 'Topic detail' }).getByTestId('payload')).toContainText(
    '"humidity"',
  );
  await page.getByLabel('Filter topics').fill('');
  await saveScreenshot(page, 'sandbox-topics');

  await page.getByRole('link', { name: 'Overview' }).click();
  const chart = page.getByRole('region', { name: 'Throughput chart' });
  const points = async () => Number(await chart.locator('[data-points]').getAttribute('data-points'));
  await expect
    .poll(async () => Number(await chart.getByTestId('chart-messagesIn').textContent()), { timeout: 8000 })
    .toBeGreaterThan(3);
  const before = await points();
  await expect.poll(points, { timeout: 5000 }).toBeGreaterThan(before);
  // Three sensors and the dashboard from the demo, and the observer.
  await expect(chart.getByTestId('chart-connections')).toHaveText('5');
  await page.waitForTimeout(2500);
  await saveScreenshot(page, 'sandbox-overview');

  await page.getByRole('link', { name: 'Sandbox' }).first().click();
  await fleet.getByRole('button', { name: 'Stop' }).click();
  await expect(fleet.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(clientList(page).getByRole('button', { name: /^sensor-01 / })).toHaveCount(0);
  // Leaving properly, the sensors said so themselves on their retained status topics.
  await page.getByRole('link', { name: 'Retained' }).click();
  await page.getByLabel('Retained topic filter').fill('sensors/#');
  const retained = page.getByRole('table', { name: 'Retained messages' });
  await expect(retained.getByRole('row').filter({ hasText: 'sensors/sensor-01/status' })).toContainText(
    'offline',
  );
});

test('request/response with MQTT 5 correlation data, and a shared-subscription worker pool', async ({
  page,
  broker,
}) => {
  await openSandbox(page, broker.dashboardUrl);
  const rpc = page.getByRole('article', { name: 'Request / response' });
  const workers = page.getByRole('article', { name: 'Worker pool' });
  await rpc.getByRole('button', { name: 'Start' }).click();
  await workers.getByRole('button', { name: 'Start' }).click();
  await expect(rpc).toContainText('Running');
  await expect(workers).toContainText('Running');

  await selectClient(page, 'requester');
  await receivedRow(page, 'replies/requester').first().click();
  const message = clientPanel(page).getByRole('region', { name: 'Received message' });
  await expect(message).toContainText(/Correlation data\s*req-000\d/);
  await expect(message.getByTestId('payload')).toContainText(/"(result|fahrenheit)"/);
  await scrollMain(page, message, 'end');
  await saveScreenshot(page, 'sandbox-request-response');

  // Each job goes to exactly one worker of the shared group.
  const received = async (id: string) =>
    Number(
      (await clientList(page)
        .getByRole('button', { name: new RegExp(`^${id} `) })
        .getByTitle('Messages received')
        .textContent()) ?? 0,
    );
  await expect
    .poll(
      async () =>
        Math.min(await received('worker-1'), await received('worker-2'), await received('worker-3')),
      {
        timeout: 10_000,
      },
    )
    .toBeGreaterThan(0);
  await scrollMain(page);
  await page.getByRole('button', { name: 'Light theme' }).click();
  await saveScreenshot(page, 'sandbox-demos-light');
  await rpc.getByRole('button', { name: 'Stop' }).click();
  await workers.getByRole('button', { name: 'Stop' }).click();
  await expect(workers.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(page.getByText('No virtual clients')).toBeVisible();
});

test('the mode switch moves between the server and the sandbox', async ({ page, broker }) => {
  await page.goto(broker.dashboardUrl);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const modes = page.getByRole('navigation', { name: 'Mode' });
  await expect(modes.getByRole('link', { name: 'Server' })).toHaveAttribute('aria-current', 'page');
  // The sandbox page itself needs sandbox mode, and says so.
  await page.goto(`${broker.dashboardUrl}#/sandbox`);
  await expect(page.getByText('The sandbox runs in its own mode')).toBeVisible();
  await page.getByRole('button', { name: 'Open the sandbox' }).click();
  await expect(page.getByText('In-tab sandbox')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sandbox', exact: true })).toBeVisible();
  await expect(modes.getByRole('link', { name: 'Sandbox' })).toHaveAttribute('aria-current', 'page');
  await modes.getByRole('link', { name: 'Server' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('MQTT broker', { exact: true })).toBeVisible();
  // A path of its own works too, served as any app route.
  await page.goto(`${broker.dashboardUrl}sandbox`);
  await expect(page.getByRole('heading', { name: 'Sandbox', exact: true })).toBeVisible();
});

test('the sandbox works from the static build alone, with no server behind it', async ({ page }) => {
  const origin = 'http://static-sandbox.test';
  await serveStaticBuild(page, origin);
  await openSandbox(page, `${origin}/`);
  await createClient(page, { id: 'standalone' });
  await subscribe(page, 'standalone/#', 1);
  await publish(page, { topic: 'standalone/ping', payload: 'pong', qos: 1 });
  await expect(receivedRow(page, 'standalone/ping')).toContainText('pong');
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
});
