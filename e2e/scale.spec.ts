import { Buffer } from 'node:buffer';
import mqttPacket from 'mqtt-packet';
import { connectInMemory, type MemoryClientEnd } from '../shared/index.ts';
import { expect, saveScreenshot, type TestBroker, test } from './fixtures.ts';

const FLEET = 10_000;

/** Connects `count` clients over the in-memory transport: real MQTT sessions in the broker, without
 * 10,000 sockets. Each sends CONNECT and, if `topic` is given, one PUBLISH. */
function connectFleet(
  broker: TestBroker,
  count: number,
  topic?: (index: number) => string,
): MemoryClientEnd[] {
  const ends: MemoryClientEnd[] = [];
  for (let index = 0; index < count; index++) {
    const end = connectInMemory(broker.server.broker, {
      remoteAddress: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}:51883`,
    });
    const clientId = `meter-${String(index).padStart(5, '0')}`;
    end.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId,
        keepalive: 60,
      }),
    );
    if (topic) {
      const payload = Buffer.from(JSON.stringify({ kwh: index / 10, ok: true }));
      end.write(
        mqttPacket.generate({
          cmd: 'publish',
          topic: topic(index),
          payload,
          qos: 0,
          retain: false,
          dup: false,
        }),
      );
    }
    ends.push(end);
  }
  return ends;
}

test('sessions and topics stay usable with 10,000 of each', async ({ page, broker }) => {
  test.setTimeout(60_000);
  await page.goto(`${broker.dashboardUrl}#/sessions`);
  await expect(page.getByText('No sessions yet')).toBeVisible();

  // All connect while the page watches: the connect events must not flood the view.
  const ends = connectFleet(broker, FLEET, (index) => `fleet/site-${index % 40}/meter-${index}/energy`);
  await expect.poll(() => broker.server.broker.sessions.size, { timeout: 20_000 }).toBe(FLEET);

  const table = page.getByRole('table', { name: 'Sessions' });
  await expect(page.getByText('10,000 sessions')).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'meter-' }).first()).toBeVisible();
  // Only the rows in view are in the DOM.
  expect(await table.getByRole('row').count()).toBeLessThan(80);

  // Scrolling to the end loads that page of rows on demand.
  const started = Date.now();
  await table.locator('[role="rowgroup"]').evaluate((group) => {
    const scroller = group.parentElement!;
    scroller.scrollTop = scroller.scrollHeight;
  });
  await expect(table.locator(`[aria-rowindex="${FLEET + 1}"]`)).toContainText('meter-');
  test.info().annotations.push({ type: 'scroll to row 10,000', description: `${Date.now() - started} ms` });

  await page.getByLabel('Filter sessions').fill('meter-09999');
  await expect(page.getByText('1 session match')).toBeVisible();
  await page.getByLabel('Filter sessions').fill('');
  await saveScreenshot(page, 'sessions-10k');

  await page.getByRole('link', { name: 'Topics' }).click();
  const tree = page.getByRole('table', { name: 'Topics' });
  await expect(tree.getByRole('row').filter({ hasText: 'fleet' })).toBeVisible();
  await expect(tree.getByRole('row').filter({ hasText: 'site-0' }).first()).toBeVisible();
  expect(await tree.getByRole('row').count()).toBeLessThan(80);
  await page.getByLabel('Filter topics').fill('meter-9999/');
  await tree.getByRole('row').filter({ hasText: 'energy' }).click();
  await expect(page.getByRole('region', { name: 'Topic detail' }).getByTestId('payload')).toContainText(
    '"kwh": 999.9',
  );
  await page.getByLabel('Filter topics').fill('');
  await saveScreenshot(page, 'topics-10k');

  for (const end of ends) end.close();
  await expect(page.getByRole('link', { name: 'Sessions' })).not.toContainText('10');
});
