// Webhooks settings in a real browser: an admin adds an endpoint (the secret is shown once), sends
// a test event to a real local receiver, opens it in the delivery log and redelivers it.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { shoot, shootDesktopAndPhone, startBrowserApp } from './browser.ts';

const { database, browser, base } = await startBrowserApp();

const received: { type: string; id: string }[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    received.push(JSON.parse(body) as { type: string; id: string });
    response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/n8n/leadflow`;

test('an admin adds an endpoint, sends a test event and redelivers it from the log', { timeout: 180_000 }, async () => {
  const email = `webhooks-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Webhooks UI', admin: { email, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
  assert.equal(login.status(), 200);

  await page.goto(`${base}/settings/profile`);
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
  await dialog.getByLabel('URL').fill('ftp://nowhere.example');
  await dialog.getByRole('checkbox', { name: 'lead.created' }).check();
  await dialog.getByRole('checkbox', { name: 'opportunity.stage_changed' }).check();
  await dialog.getByLabel('URL').evaluate((input: HTMLInputElement) => (input.type = 'text'));
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  await dialog.getByText('Must start with http:// or https://').waitFor();
  await dialog.getByLabel('URL').fill(hookUrl);
  await dialog.getByLabel('Description').fill('n8n workflow');
  await shoot(page, 'webhooks-add');
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();

  const secret = page.getByRole('dialog', { name: 'Copy the signing secret' });
  assert.match(await secret.getByLabel('Signing secret').inputValue(), /^whsec_/);
  await secret.getByRole('button', { name: 'I have stored it' }).click();

  const endpoints = page.getByRole('list', { name: 'Webhook endpoints' });
  await endpoints.getByText(hookUrl).waitFor();
  await endpoints.getByRole('button', { name: 'Send test event' }).click();
  await page.getByText('Test event delivered (200)').waitFor();
  assert.deepEqual(received.map((e) => e.type), ['webhook.test']);

  const log = page.getByRole('table', { name: 'Webhook deliveries' });
  await log.getByRole('button', { name: 'webhook.test' }).click();
  const detail = page.getByRole('dialog', { name: 'webhook.test' });
  await detail.getByText('"type": "webhook.test"').waitFor();
  await detail.getByText('thanks').waitFor();
  await shoot(page, 'webhooks-delivery');
  await detail.getByRole('button', { name: 'Redeliver' }).click();
  await page.getByText('Redelivered (200)').waitFor();
  assert.equal(received.length, 2);
  assert.equal(received[1]!.id, received[0]!.id, 'the same event again');
  await log.getByRole('row').nth(2).waitFor();
  await shootDesktopAndPhone(page, 'webhooks-settings');
  await context.close();
});
