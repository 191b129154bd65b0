import { expect, saveScreenshot, test } from './fixtures.ts';

test('a Node mqtt client appears in Sessions and disappears when it leaves', async ({ page, broker }) => {
  const fleet = await Promise.all(
    ['boiler-room-7', 'weather-station-2', 'gateway-eu-1'].map((clientId, index) =>
      broker.connect({ clientId, protocolVersion: index === 0 ? 4 : 5, keepalive: 30 + index * 15 }),
    ),
  );
  await fleet[1]!.subscribeAsync({ 'weather/+/wind': { qos: 1 }, 'weather/alerts/#': { qos: 2, nl: true } });
  await page.goto(`${broker.dashboardUrl}#/sessions`);
  const table = page.getByRole('table', { name: 'Sessions' });
  await expect(table.getByRole('row')).toHaveCount(4);

  const client = await broker.connect({ clientId: 'e2e-sensor-1', protocolVersion: 5 });
  const row = table.getByRole('row').filter({ hasText: 'e2e-sensor-1' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Connected');
  await expect(row).toContainText('MQTT 5.0');

  await table.getByRole('row').filter({ hasText: 'weather-station-2' }).click();
  const detail = page.getByRole('region', { name: 'Session detail' });
  await expect(detail.getByRole('list', { name: 'Subscriptions' })).toContainText('weather/alerts/#');
  await saveScreenshot(page, 'sessions');

  await client.endAsync();
  await expect(row).toHaveCount(0);
});
