import type { MqttClient } from 'mqtt';
import { expect, saveScreenshot, test } from './fixtures.ts';

test('the overview chart moves under load', async ({ page, broker }) => {
  await page.goto(broker.dashboardUrl);
  const chart = page.getByRole('region', { name: 'Throughput chart' });
  await expect(chart.getByTestId('chart-messagesIn')).toHaveText('0');
  const points = async () => Number(await chart.locator('[data-points]').getAttribute('data-points'));
  const before = await points();

  const subscribers = await Promise.all(
    [1, 2, 3].map(async (index) => {
      const client = await broker.connect({ clientId: `dashboard-viewer-${index}` });
      await client.subscribeAsync('load/#');
      return client;
    }),
  );
  const publishers: MqttClient[] = await Promise.all(
    [1, 2, 3, 4].map((index) => broker.connect({ clientId: `load-publisher-${index}` })),
  );
  // About 400 messages a second for a few seconds: bounded in count and time, loopback only.
  let sent = 0;
  const timer = setInterval(() => {
    for (const [index, publisher] of publishers.entries()) {
      for (let i = 0; i < 5; i++) publisher.publish(`load/meter-${index}/power`, String(1000 + sent++));
    }
  }, 50);
  try {
    await expect
      .poll(async () => Number(await chart.getByTestId('chart-messagesIn').textContent()), { timeout: 8000 })
      .toBeGreaterThan(50);
    await expect
      .poll(async () => Number(await chart.getByTestId('chart-messagesOut').textContent()))
      .toBeGreaterThan(50);
    await expect(chart.getByTestId('chart-connections')).toHaveText(
      String(subscribers.length + publishers.length),
    );
    expect(await points()).toBeGreaterThan(before);
    await page.waitForTimeout(3000);
  } finally {
    clearInterval(timer);
  }
  await expect(page.getByRole('listitem', { name: 'Connections' })).toContainText('7');
  await saveScreenshot(page, 'overview');
  await page.getByRole('button', { name: 'Light theme' }).click();
  await saveScreenshot(page, 'overview-light');
});
