// The web UI end to end in a real browser (Debian chromium through playwright-core): create the
// organisation on an empty database, sign out and in, create a lead, find it, edit it inline, and
// check through the API that the change and its audit entry landed. Runs in the PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep desktop and phone screenshots of the main screens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/http/app.ts';
import { openTestDatabase, PASSWORD, testConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('..', import.meta.url).pathname;
const screenshots = process.env.LEADFLOW_UI_SCREENSHOTS;

// buildApp serves web/dist only if it exists when the app is built, so build the UI first.
const built = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit', timeout: 120_000 });
assert.equal(built.status, 0, 'building the web UI failed');
assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);

const database = await openTestDatabase();
const app = await buildApp({ database, config: testConfig(), logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: 20_000,
});

after(async () => {
  await browser.close();
  await app.close();
  await database.close();
});

const XSS = '<img src=x onerror=alert(1)>';

async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Writes through the API with the browser's own session, as the UI does. */
async function apiPost(page: Page, path: string, data: unknown) {
  const me = (await (await page.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
  const response = await page.request.post(`${base}${path}`, { headers: { 'x-csrf-token': me.csrfToken }, data: data as Record<string, unknown> });
  assert.equal(response.status(), 201, await response.text());
  return (await response.json()) as { id: string };
}

test('a new team creates its organisation, then creates, finds and edits a lead', { timeout: 55_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  page.setDefaultNavigationTimeout(10_000);
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  // An empty installation offers "create your organisation"; the first user becomes its admin.
  await page.goto(`${base}/leads`);
  await page.waitForURL(`${base}/setup`);
  await shoot(page, 'setup-desktop');
  await page.getByLabel('Organisation name').fill('Analytical Engines Ltd');
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Work email').fill('ada@engines.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await page.waitForURL(`${base}/`);
  await page.getByRole('heading', { name: /, Ada$/ }).waitFor();

  // Sign out from the user menu, then back in.
  await page.getByRole('button', { name: /Ada Lovelace/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
  await page.getByLabel('Email').fill('ada@engines.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  await page.getByText('Analytical Engines Ltd').first().waitFor();

  // Other leads, so the search has something to leave out; one named with markup.
  for (const lead of [
    { firstName: 'Charles', lastName: 'Babbage', company: 'Difference Co' },
    { firstName: 'Eve', lastName: XSS, company: 'Script Kiddies' },
    { firstName: 'Alan', lastName: 'Turing', company: 'Bletchley', status: 'working' },
  ]) {
    await apiPost(page, '/api/v1/leads', lead);
  }

  // "g l" goes to the leads, "n" opens the new lead dialog.
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await page.waitForURL(`${base}/leads`);
  await page.getByRole('row', { name: /Babbage/ }).waitFor();
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'New lead' });
  await dialog.getByLabel('First name').fill('Grace');
  await dialog.getByLabel('Last name').fill('Hopper');
  await dialog.getByLabel('Company').fill('Navy Computing');
  await dialog.getByLabel('Email').fill('grace@navy.test');
  await dialog.getByRole('button', { name: 'Create lead' }).click();
  await page.getByText('Lead “Grace Hopper” created').waitFor();
  await page.getByRole('row', { name: /Grace Hopper/ }).waitFor();
  await shoot(page, 'leads-desktop');

  // A name with markup shows as text: no <img> made it into the page, no script ran.
  await page.getByRole('link', { name: `Eve ${XSS}` }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0);

  // "/" focuses the search; the search is kept in the URL; j + Enter opens the row.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-search')), true);
  await page.keyboard.type('hopper');
  await page.waitForURL(/[?&]q=hopper/);
  const rows = page.locator('tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  assert.match((await rows.first().textContent()) ?? '', /Grace Hopper/);
  await page.locator('#main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/leads\/[0-9a-f-]{36}$/);
  const leadId = page.url().split('/').at(-1)!;
  await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();

  // Esc cancels an edit without saving; Enter saves it.
  await page.getByRole('button', { name: /^Industry:/ }).click();
  await page.keyboard.type('Shipping');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /^Industry: empty/ }).waitFor();
  await page.getByRole('button', { name: /^Job title:/ }).focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Job title').fill('Rear Admiral');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /^Job title: Rear Admiral/ }).waitFor();
  const history = page.getByTestId('audit-history');
  await history.getByText(/changed job title: empty → Rear Admiral/).waitFor();
  await history.getByText(/Ada Lovelace created this lead/).waitFor();
  await shoot(page, 'lead-desktop');

  // The API agrees: the change persisted once, and the audit log holds it.
  const lead = (await (await page.request.get(`${base}/api/v1/leads/${leadId}`)).json()) as { title: string; industry: string | null; version: number };
  assert.equal(lead.title, 'Rear Admiral');
  assert.equal(lead.industry, null);
  assert.equal(lead.version, 2);
  const audit = (await (await page.request.get(`${base}/api/v1/audit-log?entityType=lead&entityId=${leadId}`)).json()) as {
    data: { action: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
  };
  assert.deepEqual(
    audit.data.map((entry) => entry.action),
    ['update', 'create'],
  );
  assert.deepEqual(audit.data[0]!.before, { title: null });
  assert.deepEqual(audit.data[0]!.after, { title: 'Rear Admiral' });

  // The marked-up lead's own page shows its name as text too.
  await page.goto(`${base}/leads?q=Kiddies`);
  await page.getByRole('link', { name: `Eve ${XSS}` }).click();
  await page.getByRole('heading', { name: `Eve ${XSS}` }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0);

  if (screenshots) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/leads`);
    await page.getByRole('row', { name: /Grace Hopper/ }).waitFor();
    await shoot(page, 'leads-phone');
    await page.goto(`${base}/leads/${leadId}`);
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    await shoot(page, 'lead-phone');
  }

  assert.deepEqual(dialogs, [], 'no script from lead data may run');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
