// Stored XSS in a real browser (Debian chromium through playwright-core): script-bearing text is
// saved through the API in every kind of record people type into (lead, account, contact, deal,
// notes, logged emails, tasks, feedback, ideas), then the pages that show it are opened. No script
// may run: no dialog, no flag set by a payload, no element a payload would have created, and not
// even an attempt stopped by the Content-Security-Policy (which would mean the text reached the
// DOM as markup); the text must show literally. Signing in goes through the sign-in page, so the
// UI's own writes are checked against the CSRF and Origin rules and the CSP too.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { startBrowserApp, shoot } from './browser.ts';

const { database, browser, base } = await startBrowserApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const IMG = '<img src=x onerror="window.__xss=(window.__xss||[]).concat(\'img\')">';
const SCRIPT = '<script>window.__xss=(window.__xss||[]).concat(\'script\')</script>';
const SVG = '"><svg onload="window.__xss=(window.__xss||[]).concat(\'svg\')">';
const ALERT = "'><iframe srcdoc=\"<script>parent.alert(1)</script>\"></iframe>";

test('text with HTML and script in it shows literally on every page and never runs', { timeout: 240_000 }, async () => {
  const email = `xss-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'XSS Org', admin: { email, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // A CSP report means markup from a record reached the DOM and tried to run: escaping failed, even
  // though the policy stopped it.
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => w.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
  });

  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

  const me = (await (await page.request.get(`${base}/api/v1/auth/me`)).json()) as Json;
  const write = async (method: 'POST' | 'PATCH' | 'PUT', path: string, data: unknown): Promise<Json> => {
    const res = await page.request.fetch(`${base}/api/v1${path}`, { method, data, headers: { 'x-csrf-token': me.csrfToken as string } });
    assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
    return res.json() as Promise<Json>;
  };

  const lead = await write('POST', '/leads', { firstName: IMG, lastName: SCRIPT, company: `Acme ${SVG}`, title: ALERT, notes: `${SCRIPT} notes` });
  await write('POST', `/leads/${lead.id}/notes`, { text: `Note ${IMG}` });
  await write('POST', '/emails/logged', { subjectType: 'lead', subjectId: lead.id, direction: 'inbound', subject: `Re: ${SCRIPT}`, body: `Body ${IMG}` });
  const account = await write('POST', '/accounts', { name: `Account ${IMG}`, industry: SCRIPT });
  const contact = await write('POST', '/contacts', { firstName: SVG, lastName: `Contact ${SCRIPT}`, accountId: account.id, title: IMG });
  const deal = await write('POST', '/opportunities', { name: `Deal ${IMG}`, accountId: account.id, currency: 'EUR', amount: 100_00 });
  await write('POST', `/opportunities/${deal.id}/notes`, { text: `Deal note ${SVG}` });
  await write('POST', '/tasks', { title: `Task ${IMG}`, subjectType: 'lead', subjectId: lead.id });
  await write('POST', '/feedback', { quote: `Feedback ${SCRIPT}`, kind: 'feature_request', contactId: contact.id });
  const idea = await write('POST', '/ideas', { title: `Idea ${IMG}`, description: SVG });

  const pages: [string, string][] = [
    [`/leads/${lead.id}`, 'Note <img src=x'],
    ['/leads', 'Acme "><svg'],
    [`/accounts/${account.id}`, 'Account <img src=x'],
    [`/contacts/${contact.id}`, 'Contact <script>'],
    [`/opportunities/${deal.id}`, 'Deal note "><svg'],
    ['/opportunities', 'Deal <img src=x'],
    ['/tasks', 'Task <img src=x'],
    ['/ideas', 'Feedback <script>'],
    [`/ideas/${idea.id}`, 'Idea <img src=x'],
  ];
  for (const [path, literal] of pages) {
    await page.goto(`${base}${path}`);
    await page.getByText(literal).filter({ visible: true }).first().waitFor({ timeout: 15_000 });
    const found = await page.evaluate(() => {
      const w = window as unknown as { __xss?: string[]; __cspViolations: string[] };
      return {
        ran: w.__xss ?? [],
        csp: w.__cspViolations,
        injected: document.querySelectorAll('img[src="x"], svg[onload], iframe[srcdoc], body script:not([src])').length,
      };
    });
    assert.deepEqual(found.ran, [], `${path}: a payload ran`);
    assert.deepEqual(found.csp, [], `${path}: markup from a record reached the DOM`);
    assert.equal(found.injected, 0, `${path}: a payload became an element`);
  }
  // Pages with charts (inline styles) and the API docs run under the CSP without a single report.
  for (const path of ['/', '/reports', '/forecasts', '/quotas', '/api/docs']) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState('networkidle');
    const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    assert.deepEqual(violations, [], `${path} breaks the Content-Security-Policy`);
    if (path === '/reports') assert.ok(await page.locator('.recharts-surface').count(), 'charts draw under the CSP');
  }

  await page.goto(`${base}/leads/${lead.id}`);
  await page.getByText(`Re: ${SCRIPT}`).first().waitFor();
  await shoot(page, 'xss-lead');
  assert.deepEqual(dialogs, [], 'no dialog opened');

  // The UI's own writes still pass the CSRF and Origin checks under the CSP: a name with markup.
  await page.goto(`${base}/settings/profile`);
  await page.getByLabel('Name').fill(`Ada ${IMG}`);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByText('Profile saved').waitFor();
  const saved = (await (await page.request.get(`${base}/api/v1/auth/me`)).json()) as Json;
  assert.equal(saved.user.name, `Ada ${IMG}`);
  await page.reload();
  await page.getByText(`Ada ${IMG}`).first().waitFor();
  assert.equal(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length), 0);
  assert.deepEqual(dialogs, []);

  // Sign out everywhere from the profile page, API keys included.
  const key = await write('POST', '/api-keys', { name: 'laptop script' });
  await page.getByLabel('Also revoke my API keys').check();
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/sign-in'));
  assert.equal((await page.request.get(`${base}/api/v1/auth/me`)).status(), 401);
  assert.equal((await page.request.get(`${base}/api/v1/leads`, { headers: { authorization: `Bearer ${key.key as string}` } })).status(), 401, 'the key is revoked');
  await context.close();
});
