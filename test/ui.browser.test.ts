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
import { newOrg, openTestDatabase, PASSWORD, testConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('..', import.meta.url).pathname;
const screenshots = process.env.LEADFLOW_UI_SCREENSHOTS;

// buildApp serves web/dist only if it exists when the app is built, so build the UI first.
const built = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit', timeout: 120_000 });
assert.equal(built.status, 0, 'building the web UI failed');
assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);

// The database and the browser take seconds each to start; start them together.
const [database, browser] = await Promise.all([
  openTestDatabase(),
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 20_000,
  }),
]);
const config = testConfig();
const app = await buildApp({ database, config, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

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
  const cspViolations: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
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
  await dialog.getByLabel('First name').waitFor();
  await page.keyboard.type('Grace'); // the first field has the focus: type straight away
  assert.equal(await dialog.getByLabel('First name').inputValue(), 'Grace');
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
  assert.deepEqual(cspViolations, [], 'the UI runs under the strict CSP');
  await context.close();
});

test('an admin invites a rep who joins, pages through leads, and works them in bulk and from the trash', { timeout: 55_000 }, async () => {
  const admin = await newOrg({ app, database, config }, 'Bulk');
  for (let i = 1; i <= 51; i += 1) {
    const created = await admin.post('/api/v1/leads', { firstName: 'Lead', lastName: String(i).padStart(2, '0'), company: `Company ${i}` });
    assert.equal(created.statusCode, 201);
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);

  // Invite a rep; the link shown to the admin lets them choose a password and sign in.
  await page.goto(`${base}/settings/users`);
  await page.getByRole('button', { name: 'Invite user' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite a user' });
  await invite.getByLabel('Name').fill('Rita Rep');
  await invite.getByLabel('Email').fill(`rita-${Date.now()}@bulk.test`);
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  const link = new URL(await page.getByLabel('Invitation link').inputValue());
  const rita = await browser.newContext();
  const ritaPage = await rita.newPage();
  ritaPage.setDefaultTimeout(8_000);
  await ritaPage.goto(`${base}${link.pathname}${link.search}`);
  await ritaPage.getByLabel('Password').fill(PASSWORD);
  await ritaPage.getByRole('button', { name: 'Accept invitation' }).click();
  await ritaPage.getByRole('heading', { name: /, Rita$/ }).waitFor();
  await rita.close();
  await page.getByRole('button', { name: 'Done' }).click();

  // 50 leads a page; "Load more" fetches the rest.
  await page.goto(`${base}/leads`);
  const rows = page.locator('tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 50);
  await page.getByRole('button', { name: 'Load more' }).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 51);

  // x selects the highlighted row and j moves down; bulk status change.
  await rows.first().hover();
  for (const key of ['x', 'j', 'x']) await page.keyboard.press(key);
  await page.getByText('2 selected').waitFor();
  await page.getByRole('button', { name: 'Change status' }).click();
  await page.getByRole('button', { name: 'Working', exact: true }).click();
  await page.getByText('Set 2 leads to Working').waitFor();
  const working = (await admin.get('/api/v1/leads?status=working')).json() as { data: { lastName: string }[] };
  assert.deepEqual(working.data.map((lead) => lead.lastName).sort(), ['50', '51']);

  // Bulk assign (an admin may) to the rep who just joined.
  await rows.filter({ hasText: 'Lead 49' }).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Assign to' }).click();
  await page.getByRole('button', { name: 'Rita Rep' }).click();
  await page.getByText('Assigned 1 lead to Rita Rep').waitFor();
  const users = (await admin.get('/api/v1/users')).json() as { data: { id: string; name: string }[] };
  const ritaId = users.data.find((user) => user.name === 'Rita Rep')!.id;
  const assigned = (await admin.get(`/api/v1/leads?ownerId=${ritaId}`)).json() as { data: { lastName: string }[] };
  assert.deepEqual(assigned.data.map((lead) => lead.lastName), ['49']);

  // Bulk delete moves to the trash; the trash restores.
  await rows.filter({ hasText: 'Lead 48' }).getByRole('checkbox').check();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete 1 lead?' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByText('Moved 1 lead to the trash').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 50);
  assert.equal(((await admin.get('/api/v1/leads?deleted=true')).json() as { data: unknown[] }).data.length, 1);
  await page.getByRole('link', { name: 'Trash' }).click();
  await page.getByRole('row', { name: /Lead 48/ }).getByRole('button', { name: 'Restore' }).click();
  await page.getByText('Restored “Lead 48”').waitFor();
  assert.equal(((await admin.get('/api/v1/leads?deleted=true')).json() as { data: unknown[] }).data.length, 0);

  assert.deepEqual(pageErrors, []);
  await context.close();
});
