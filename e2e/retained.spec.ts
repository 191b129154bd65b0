import { expect, saveScreenshot, test } from './fixtures.ts';

test('deleting a retained message removes it for new subscribers', async ({ page, broker }) => {
  const publisher = await broker.connect({ clientId: 'config-service' });
  await Promise.all([
    publisher.publishAsync('site/config/lighting', JSON.stringify({ schedule: 'dusk-dawn', level: 80 }), {
      retain: true,
      qos: 1,
    }),
    publisher.publishAsync('site/config/hvac', JSON.stringify({ setpoint: 21 }), { retain: true, qos: 1 }),
    publisher.publishAsync('site/status/door-1', 'closed', { retain: true, qos: 1 }),
  ]);
  await page.goto(`${broker.dashboardUrl}#/retained`);
  await page.getByLabel('Retained topic filter').fill('site/#');
  const table = page.getByRole('table', { name: 'Retained messages' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await table.getByRole('row').filter({ hasText: 'site/config/lighting' }).click();
  await expect(page.getByRole('region', { name: 'Retained message' }).getByTestId('payload')).toContainText(
    '"schedule": "dusk-dawn"',
  );
  await saveScreenshot(page, 'retained');

  const remove = page.getByRole('button', { name: 'Delete retained message on site/config/lighting' });
  await remove.click();
  await remove.click();
  await expect(table.getByRole('row').filter({ hasText: 'site/config/lighting' })).toHaveCount(0);

  const subscriber = await broker.connect({ clientId: 'new-subscriber' });
  const topics: string[] = [];
  subscriber.on('message', (topic) => topics.push(topic));
  await subscriber.subscribeAsync('site/#', { qos: 1 });
  await expect.poll(() => topics.length).toBe(2);
  await page.waitForTimeout(300);
  expect(topics.sort()).toEqual(['site/config/hvac', 'site/status/door-1']);

  // Bulk delete by filter.
  await page.getByLabel('Retained topic filter').fill('site/config/#');
  await expect(table.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete all matching' }).click();
  await page.getByRole('button', { name: /Delete 1 matching site\/config\/#/ }).click();
  await expect(page.getByText('No retained messages')).toBeVisible();
});
