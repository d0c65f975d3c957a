// The lead import wizard in a real browser (Debian chromium through playwright-core): choose a
// file, check the suggested columns, change one, pick the duplicate policy, follow the import to
// the end, fetch the rejected rows; and the leads list's Export CSV. Runs in the PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots of the wizard.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { startJobs } from '../src/core/jobs.ts';
import { createMailer } from '../src/core/mailer.ts';
import { buildApp } from '../src/http/app.ts';
import { startImportWorkers } from '../src/modules/imports/workers.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { openTestDatabase, PASSWORD, testConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('..', import.meta.url).pathname;
const screenshots = process.env.LEADFLOW_UI_SCREENSHOTS;

const built = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit', timeout: 180_000 });
assert.equal(built.status, 0, 'building the web UI failed');
assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);

const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-import-ui-'));
const [database, browser] = await Promise.all([
  openTestDatabase(),
  chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'], timeout: 20_000 }),
]);
const config = testConfig({ LEADFLOW_DATA_DIR: dataDir });
const jobs = await startJobs(database, { pollingIntervalSeconds: 0.5 });
await startImportWorkers({ db: database.db, jobs, config, mailer: createMailer(config, () => {}), log: () => {} });
const app = await buildApp({ database, config, jobs, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

after(async () => {
  await browser.close();
  await app.close();
  await jobs.stop();
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const CSV = [
  'Vorname;Nachname;E-Mail;Firma;Land;Bemerkung',
  'Anna;Berg;anna@acme.test;Acme;DE;"met at the fair,',
  'wants a demo"',
  'Bob;Stone;not-an-email;Acme;DE;',
  'Carl;Meyer;carl@acme.test;Acme;Germany;',
  'Dora;Lind;dora@acme.test;Lind AB;SE;',
].join('\n');

test('import leads through the wizard, download the rejected rows, export the list', { timeout: 120_000 }, async () => {
  const email = `import-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Northwind Traders', admin: { email, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  assert.equal((await page.request.post(`${base}/api/v1/auth/login`, { data: { email, password: PASSWORD } })).status(), 200);

  await page.goto(`${base}/leads`);
  await page.getByRole('link', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Import leads' }).waitFor();
  await page.locator('input[type=file]').setInputFiles({ name: 'messe.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });

  const fieldFor = (column: string) => page.getByRole('combobox', { name: `Lead field for ${column}` });
  await fieldFor('E-Mail').waitFor();
  assert.equal(await fieldFor('Vorname').inputValue(), 'firstName');
  assert.equal(await fieldFor('E-Mail').inputValue(), 'email');
  assert.equal(await fieldFor('Firma').inputValue(), 'company');
  assert.equal(await fieldFor('Bemerkung').inputValue(), 'notes');
  await page.getByText('line 4: Email "not-an-email" is not an email address').waitFor();
  // The country column is left out: "Germany" would be rejected otherwise.
  await fieldFor('Land').selectOption('');
  await page.getByText('line 5: Country').waitFor({ state: 'detached' });
  await shoot(page, 'import-mapping');

  await page.getByRole('radio', { name: /Update duplicates/ }).check();
  await page.getByRole('button', { name: 'Import messe.csv' }).click();
  await page.getByText('completed', { exact: true }).first().waitFor();
  await page.getByText('4 rows read: 3 new, 0 updated, 0 duplicates skipped, 1 rejected.').waitFor();
  await shoot(page, 'import-done');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download rejected rows' }).click();
  const rejected = await (await download).path();
  const text = (await import('node:fs')).readFileSync(rejected!, 'utf8');
  assert.match(text, /^Line,Reason,Vorname,Nachname,E-Mail,Firma,Land,Bemerkung\r\n4,"Email ""not-an-email"" is not an email address",Bob,Stone,not-an-email,Acme,DE,\r\n$/);

  await page.getByRole('link', { name: 'See the leads' }).click();
  await page.getByRole('link', { name: 'Anna Berg' }).waitFor();
  const exportLink = page.getByRole('link', { name: 'Export CSV' });
  assert.equal(await exportLink.getAttribute('href'), '/api/v1/leads/export.csv?sort=-createdAt');
  const exported = page.waitForEvent('download');
  await exportLink.click();
  const csv = (await import('node:fs')).readFileSync((await (await exported).path())!, 'utf8');
  assert.equal(csv.split('\r\n').filter(Boolean).length, 4, 'a header and three leads');
  await page.goto(`${base}/accounts?stage=customer`);
  assert.equal(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'), '/api/v1/accounts/export.csv?lifecycleStage=customer');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
