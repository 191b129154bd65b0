import { expect, saveScreenshot, test } from './fixtures.ts';

const reading = { temperature: 21.4, humidity: 48, unit: 'C' };

test('a message published by a client appears in Live messages and in Topics', async ({ page, broker }) => {
  const publisher = await broker.connect({ clientId: 'greenhouse-gateway' });
  await page.goto(`${broker.dashboardUrl}#/live`);
  const stream = page.getByRole('table', { name: 'Messages' });
  await expect(page.getByText('Waiting for messages')).toBeVisible();

  // The stream starts when the page's watch is in place; keep publishing until the first arrives.
  const publishAll = () =>
    Promise.all([
      publisher.publishAsync('greenhouse/zone-1/climate', JSON.stringify(reading), { qos: 1 }),
      publisher.publishAsync('greenhouse/zone-2/climate', JSON.stringify({ ...reading, temperature: 19.8 })),
      publisher.publishAsync('greenhouse/zone-1/valve', 'open', { retain: true }),
      publisher.publishAsync('greenhouse/firmware', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00])),
    ]);
  await expect(async () => {
    await publishAll();
    await expect(
      stream.getByRole('row').filter({ hasText: 'greenhouse/zone-1/climate' }).first(),
    ).toBeVisible({
      timeout: 500,
    });
  }).toPass();
  await stream.getByRole('row').filter({ hasText: 'greenhouse/zone-1/climate' }).first().click();
  const detail = page.getByRole('region', { name: 'Message detail' });
  await expect(detail.getByTestId('payload')).toContainText('"temperature": 21.4');
  await expect(detail).toContainText('greenhouse-gateway');
  await saveScreenshot(page, 'live-messages');

  // Pausing holds new messages back until resumed.
  await page.getByRole('button', { name: 'Pause' }).click();
  await publisher.publishAsync('greenhouse/zone-3/climate', JSON.stringify(reading));
  await expect(page.getByRole('status').filter({ hasText: 'Paused' })).toContainText('1 new message');
  await expect(stream.getByRole('row').filter({ hasText: 'zone-3' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Resume' }).first().click();
  await expect(stream.getByRole('row').filter({ hasText: 'zone-3' })).toBeVisible();

  await page.getByRole('link', { name: 'Topics' }).click();
  const tree = page.getByRole('table', { name: 'Topics' });
  await expect(tree.getByRole('row').filter({ hasText: 'greenhouse' }).first()).toBeVisible();
  await page.getByLabel('Filter topics').fill('zone-1/climate');
  await tree.getByRole('row').filter({ hasText: 'climate' }).click();
  const topic = page.getByRole('region', { name: 'Topic detail' });
  await expect(topic).toContainText('greenhouse/zone-1/climate');
  await expect(topic.getByTestId('payload')).toContainText('"humidity": 48');
  await expect(
    topic.getByRole('list', { name: 'Recent messages' }).getByRole('listitem').first(),
  ).toBeVisible();
  await saveScreenshot(page, 'topics');

  await page.getByLabel('Filter topics').fill('');
  await tree.getByRole('row').filter({ hasText: 'firmware' }).click();
  await expect(topic.getByTestId('payload')).toContainText('7f 45 4c 46');
});
