import { expect, saveScreenshot, test } from './fixtures.ts';

test('kicking a client from its session panel disconnects it', async ({ page, broker }) => {
  const client = await broker.connect({
    clientId: 'rogue-sensor-3',
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
  });
  await client.subscribeAsync({ 'alerts/#': { qos: 1 } });
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await page.goto(`${broker.dashboardUrl}#/sessions/rogue-sensor-3`);
  const detail = page.getByRole('region', { name: 'Session detail' });
  await expect(detail).toContainText('Connected');
  await detail.getByRole('button', { name: 'Kick' }).click();
  await closed;
  await expect(page.getByRole('status').filter({ hasText: 'Client disconnected' })).toBeVisible();
  // A persistent session outlives its connection: it stays, offline.
  await expect(detail).toContainText('Offline');
  await expect(detail.getByRole('button', { name: 'Kick' })).toBeDisabled();
  const row = page
    .getByRole('table', { name: 'Sessions' })
    .getByRole('row')
    .filter({ hasText: 'rogue-sensor-3' });
  await expect(row).toContainText('Offline');
  // While it is away, QoS 1 messages for it wait in its queue.
  const alarm = await broker.connect({ clientId: 'fire-panel' });
  await alarm.publishAsync('alerts/boiler-room/smoke', JSON.stringify({ level: 'high', zone: 7 }), {
    qos: 1,
  });
  await alarm.publishAsync('alerts/boiler-room/temperature', '88.5', { qos: 1 });
  await expect(detail.getByRole('list', { name: 'Queued messages' })).toContainText(
    'alerts/boiler-room/smoke',
  );
  await expect(detail.getByRole('list', { name: 'Queued messages' }).getByRole('listitem')).toHaveCount(2);
  await saveScreenshot(page, 'kick');

  await detail.getByRole('button', { name: 'Delete' }).click();
  await detail.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(row).toHaveCount(0);
});
