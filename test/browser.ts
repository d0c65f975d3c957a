// What every browser test starts with: the web UI built, Debian chromium launched through
// playwright-core, and the app listening on a free loopback port over a fresh test database.
// Browser tests run in the PGlite pass only (scripts/test.mjs). Set LEADFLOW_UI_SCREENSHOTS=<dir>
// to keep the screenshots `shoot` takes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Database } from '../src/core/db.ts';
import { buildApp } from '../src/http/app.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { openTestDatabase, PASSWORD, testConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags chromium keeps dialling out, and this machine refuses it.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];

export const screenshots = process.env.LEADFLOW_UI_SCREENSHOTS;

export type BrowserApp = { database: Database; browser: Browser; base: string };

/** Builds the UI if it is stale, then serves it from a real app on a fresh database; closed after the file's tests. */
export async function startBrowserApp(options: { config?: Record<string, string> } = {}): Promise<BrowserApp> {
  const root = new URL('..', import.meta.url).pathname;
  const built = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit', timeout: 180_000 });
  assert.equal(built.status, 0, 'building the web UI failed');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);

  const [database, browser] = await Promise.all([openTestDatabase(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 })]);
  const app = await buildApp({ database, config: testConfig(options.config), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  after(async () => {
    await browser.close();
    await app.close();
    await database.close();
  });
  return { database, browser, base };
}

/** A full-page screenshot under LEADFLOW_UI_SCREENSHOTS, when it is set. */
export async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** The page at its own size and at a 390 px phone, under LEADFLOW_UI_SCREENSHOTS, when it is set. */
export async function shootDesktopAndPhone(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  await shoot(page, `${name}-desktop`);
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, `${name}-phone`);
  await page.setViewportSize(size);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type AdminPage = {
  email: string;
  context: BrowserContext;
  page: Page;
  /** What the page threw: a test ends by asserting it is empty. */
  pageErrors: string[];
  /** The API as the signed-in admin (see `signInAs`). */
  call: ApiCall;
};

/** A call to the API under /api/v1 (`path` after it), CSRF token included; an error answer fails the test. */
export type ApiCall = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, data?: unknown) => Promise<Json>;

/** Signs `email` in on a page's (or context's) request context; its cookie then serves the page too. */
export async function signInAs(request: APIRequestContext, base: string, email: string): Promise<ApiCall> {
  const login = await request.post(`${base}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
  assert.equal(login.status(), 200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (method, path, data) => {
    const res = await request.fetch(`${base}/api/v1${path}`, { method, headers: { 'x-csrf-token': csrfToken }, ...(data === undefined ? {} : { data: data as Json }) });
    assert.ok(res.status() < 300, `${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as Json;
  };
}

/**
 * A new organisation with its admin signed in on a fresh page (en-GB, Berlin time): what most
 * browser tests start from. Dialogs are accepted, as a person clicking OK would.
 */
export async function newOrgAdminPage(app: BrowserApp, orgName: string, options: { viewport?: { width: number; height: number }; timeout?: number } = {}): Promise<AdminPage> {
  const email = `${orgName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Date.now()}@leadflow.test`;
  await createOrganization(app.database.db, { name: orgName, admin: { email, name: 'Ada Admin', password: PASSWORD } });
  const context = await app.browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeout ?? 10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());

  return { email, context, page, pageErrors, call: await signInAs(page.request, app.base, email) };
}
