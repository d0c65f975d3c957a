// What every browser test starts with: the web UI built, Debian chromium launched through
// playwright-core, and the app listening on a free loopback port over a fresh test database.
// Browser tests run in the PGlite pass only (scripts/test.mjs). Set LEADFLOW_UI_SCREENSHOTS=<dir>
// to keep the screenshots `shoot` takes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Database } from '../src/core/db.ts';
import { buildApp } from '../src/http/app.ts';
import { openTestDatabase, testConfig } from './helpers.ts';

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
