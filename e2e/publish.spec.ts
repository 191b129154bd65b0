import { expect, nextMessage, saveScreenshot, test } from './fixtures.ts';

test('a message published from the dashboard reaches a subscribed client', async ({ page, broker }) => {
  const device = await broker.connect({ clientId: 'thermostat-12', protocolVersion: 5 });
  await device.subscribeAsync('devices/thermostat-12/set', { qos: 1 });
  await page.goto(`${broker.dashboardUrl}#/publish`);
  const form = page.getByRole('region', { name: 'Publish form' });
  await form.getByRole('textbox', { name: 'Topic' }).fill('devices/thermostat-12/set');
  await form.getByRole('radio', { name: 'JSON' }).click();
  await form.getByRole('textbox', { name: 'Payload' }).fill('{ "target": 21.5, "mode": "eco" }');
  await form.getByRole('radio', { name: 'QoS 1' }).click();
  await form.getByText('Include').click();
  await form.getByLabel('Response topic').fill('devices/thermostat-12/ack');
  await form.getByRole('button', { name: 'Add property' }).click();
  await form.getByLabel('Property name').fill('source');
  await form.getByLabel('Property value').fill('dashboard');

  const received = new Promise<{ payload: string; properties: unknown }>((resolve) =>
    device.once('message', (_topic, payload, packet) =>
      resolve({ payload: payload.toString(), properties: packet.properties }),
    ),
  );
  await form.getByRole('button', { name: 'Publish' }).click();
  const message = await received;
  expect(JSON.parse(message.payload)).toEqual({ target: 21.5, mode: 'eco' });
  expect(message.properties).toMatchObject({
    contentType: 'application/json',
    responseTopic: 'devices/thermostat-12/ack',
    userProperties: { source: 'dashboard' },
  });
  await expect(page.getByRole('status').filter({ hasText: 'Message published' })).toContainText(
    '1 subscriber',
  );
  await expect(page.getByRole('region', { name: 'Publish history' })).toContainText(
    'devices/thermostat-12/set',
  );
  await saveScreenshot(page, 'publish');

  // A plain text message to a v3.1.1 client, without properties.
  const legacy = await broker.connect({ clientId: 'legacy-panel', protocolVersion: 4 });
  await legacy.subscribeAsync('panels/#');
  await form.getByText('Include').click();
  await form.getByRole('radio', { name: 'Text' }).click();
  await form.getByRole('textbox', { name: 'Topic' }).fill('panels/lobby/message');
  await form.getByRole('textbox', { name: 'Payload' }).fill('Welcome!');
  const text = nextMessage(legacy, 'panels/lobby/message');
  await form.getByRole('button', { name: 'Publish' }).click();
  expect((await text).toString()).toBe('Welcome!');
});
