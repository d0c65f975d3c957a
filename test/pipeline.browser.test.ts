// The opportunities screens in a real browser (Debian chromium through playwright-core): drag a
// card between stages, see a stage gate refuse a move with what is missing, open the deal, and
// the account page's health, team, key players and deals. Runs in the PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots of the board, the deal and the account.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/http/app.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { openTestDatabase, PASSWORD, testConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('..', import.meta.url).pathname;
const screenshots = process.env.LEADFLOW_UI_SCREENSHOTS;

const built = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit', timeout: 180_000 });
assert.equal(built.status, 0, 'building the web UI failed');
assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);

const [database, browser] = await Promise.all([
  openTestDatabase(),
  chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'], timeout: 20_000 }),
]);
const app = await buildApp({ database, config: testConfig(), logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

after(async () => {
  await browser.close();
  await app.close();
  await database.close();
});

async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

test('drag a deal across the board, meet a stage gate, open the deal and its account', { timeout: 90_000 }, async () => {
  const email = `pipeline-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Northwind Traders', admin: { email, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
  assert.equal(login.status(), 200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call = async (method: 'POST' | 'PUT', path: string, data: unknown) => {
    const res = await page.request.fetch(`${base}${path}`, { method, headers: { 'x-csrf-token': csrfToken }, data: data as Record<string, unknown> });
    assert.ok(res.status() < 300, `${path}: ${await res.text()}`);
    return (await res.json()) as { id: string };
  };

  const account = await call('POST', '/api/v1/accounts', { name: 'Globex Corporation', industry: 'Manufacturing', employeeCount: 800 });
  const hank = await call('POST', '/api/v1/contacts', { firstName: 'Hank', lastName: 'Scorpio', title: 'CEO', email: 'hank@globex.test', accountId: account.id });
  const frank = await call('POST', '/api/v1/contacts', { firstName: 'Frank', lastName: 'Grimes', title: 'Head of IT', accountId: account.id });
  await call('PUT', `/api/v1/accounts/${account.id}/key-players/${hank.id}`, { roles: ['decision_maker', 'economic_buyer'] });
  await call('PUT', `/api/v1/accounts/${account.id}/key-players/${frank.id}`, { roles: ['champion'], reportsToContactId: hank.id });
  const manager = await call('POST', '/api/v1/users', { email: `amy-${Date.now()}@leadflow.test`, name: 'Amy Account', role: 'manager', password: PASSWORD });
  await call('PUT', `/api/v1/accounts/${account.id}/team/${manager.id}`, { role: 'account_manager' });
  const product = await call('POST', '/api/v1/products', { sku: 'PLAT', name: 'Platform', billing: 'recurring', prices: [{ currency: 'USD', unitPrice: 4_900 }] });
  const deal = await call('POST', '/api/v1/opportunities', { name: 'Globex platform rollout', accountId: account.id, currency: 'USD', nextStep: 'Demo for IT' });
  for (const [name, amount, closeDate] of [['Globex pilot', 1_200_000, '2027-01-15'], ['Globex analytics', 4_500_000, '2027-02-01'], ['Globex support', 800_000, '2027-03-10']] as const) {
    await call('POST', '/api/v1/opportunities', { name, accountId: account.id, currency: 'USD', amount, closeDate });
  }
  await call('POST', `/api/v1/opportunities/${deal.id}/line-items`, { productId: product.id, quantity: 25, discountPercent: 15, termMonths: 12 });

  await page.goto(`${base}/opportunities`);
  const qualification = page.getByRole('listitem', { name: 'Qualification', exact: true });
  const discovery = page.getByRole('listitem', { name: 'Discovery', exact: true });
  const proposal = page.getByRole('listitem', { name: 'Proposal', exact: true });
  const card = (column: typeof qualification) => column.locator('li[draggable=true]', { hasText: 'Globex platform rollout' });
  await card(qualification).waitFor();
  await shoot(page, 'board-desktop');

  // Drag to Discovery: no gate there, so the card moves and the server agrees.
  await card(qualification).dragTo(discovery);
  await card(discovery).waitFor();
  await page.getByText('Globex platform rollout moved to Discovery').waitFor();
  const moved = (await (await page.request.get(`${base}/api/v1/opportunities/${deal.id}`)).json()) as { stage: { name: string } };
  assert.equal(moved.stage.name, 'Discovery');

  // Proposal needs a decision maker among the deal's contact roles: the move is refused and says so.
  await card(discovery).dragTo(proposal);
  await page.getByText(/Cannot move to Proposal: missing a decision maker among the contact roles/).waitFor();
  await card(discovery).waitFor();
  await shoot(page, 'board-gate-refused');

  await page.getByRole('button', { name: 'Table' }).click();
  await page.getByRole('table', { name: 'Deals' }).getByText('Globex analytics').waitFor();
  await shoot(page, 'deals-table');

  await page.goto(`${base}/opportunities/${deal.id}`);
  await page.getByRole('heading', { name: 'Globex platform rollout' }).waitFor();
  await page.getByRole('table', { name: 'Line items' }).getByText('Platform').waitFor();
  await page.getByRole('combobox').filter({ hasText: 'Choose…' }).last().selectOption({ label: 'Hank Scorpio' });
  await page.getByRole('button', { name: 'Decision maker' }).first().click();
  await page.getByRole('button', { name: 'Decision maker', pressed: true }).waitFor();
  await page.getByRole('button', { name: 'Proposal' }).click();
  await page.getByRole('button', { name: 'Proposal' }).and(page.locator('[aria-current=step]')).waitFor();
  await page.getByText('Manager approval of a 15 % discount').waitFor();
  await shoot(page, 'deal-desktop');

  await page.goto(`${base}/accounts/${account.id}`);
  await page.getByRole('heading', { name: 'Key players' }).waitFor();
  await page.getByRole('list', { name: 'Org chart' }).getByText('Frank Grimes').waitFor();
  await page.getByRole('heading', { name: 'Health' }).waitFor();
  await page.getByRole('heading', { name: 'Opportunities' }).waitFor();
  await page.getByText('Amy Account').waitFor();
  await page.getByRole('textbox', { name: 'Escalation' }).fill('Shipping delays on the pilot');
  await page.getByRole('button', { name: 'Escalate' }).click();
  await page.getByText('Escalated to 1 person').waitFor();
  await shoot(page, 'account-desktop');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
