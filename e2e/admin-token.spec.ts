import { expect, saveScreenshot, test } from './fixtures.ts';

const token = 'e2e-admin-token-0123456789';
test.use({ adminToken: token });

test('a broker with an admin token asks for it, then the dashboard works with it', async ({
  page,
  broker,
}) => {
  await page.goto(broker.dashboardUrl);
  const prompt = page.getByRole('form', { name: 'Admin token' });
  await expect(prompt).toBeVisible();
  await prompt.getByLabel('Admin token').fill('not-the-token-at-all');
  await prompt.getByRole('button', { name: 'Open dashboard' }).click();
  await expect(prompt).toContainText('That token was not accepted.');
  await saveScreenshot(page, 'admin-token');

  await prompt.getByLabel('Admin token').fill(token);
  await prompt.getByRole('button', { name: 'Open dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  // The event socket carries the token too: live figures arrive and a new client shows up.
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Sessions' }).click();
  await broker.connect({ clientId: 'behind-the-token' });
  await expect(page.getByRole('table', { name: 'Sessions' })).toContainText('behind-the-token');
});
