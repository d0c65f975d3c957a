// Converting a lead in a real browser (Debian chromium through playwright-core): the Convert button
// on a qualified lead, the dialog's matches and proposed deal, on to the new deal with its
// qualification answers, and the converted lead's links — at desktop width and at 390 px.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type APIRequestContext } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { signInAs, startBrowserApp, shoot } from './browser.ts';

const { database, browser, base } = await startBrowserApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Signs the page's browser context in and returns a writer for setting records up through the API. */
const signIn = (request: APIRequestContext, email: string) => signInAs(request, base, email);

async function qualifiedLead(write: Awaited<ReturnType<typeof signIn>>, company: string, email: string): Promise<Json> {
  const lead = await write('POST', '/leads', { firstName: 'Jo', lastName: 'Kunde', email, company, country: 'DE', notes: 'Wants a pilot in Q3' });
  await write('PUT', `/leads/${lead.id}/qualification`, { answers: { budget: { amount: 2_400_000, currency: 'EUR' }, authority: 'Decision maker', need: 'A CRM for 40 reps', timeline: '2099-09-30' } });
  await write('PATCH', `/leads/${lead.id}`, { status: 'working' });
  return write('PATCH', `/leads/${lead.id}`, { status: 'qualified' });
}

for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
  test(`convert a qualified lead from its page (${viewport.width} px)`, { timeout: 120_000 }, async () => {
    const email = `convert-ui-${viewport.width}-${Date.now()}@leadflow.test`;
    await createOrganization(database.db, { name: `Lead conversion ${viewport.width}`, admin: { email, name: 'Ada Admin', password: PASSWORD } });
    const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const write = await signIn(page.request, email);
    const existing = await write('POST', '/accounts', { name: 'Kunde Holding', domain: 'kunde.de' });
    const lead = await qualifiedLead(write, 'Kunde GmbH', 'jo@kunde.de');

    await page.goto(`${base}/leads/${lead.id}`);
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert lead' });
    const useExisting = dialog.getByRole('radio', { name: /Use Kunde Holding · same company domain · kunde\.de/ });
    await useExisting.waitFor();
    assert.equal(await useExisting.isChecked(), true, 'the account with the lead’s domain is proposed');
    assert.equal(await dialog.getByRole('radio', { name: /New contact Jo Kunde/ }).isChecked(), true);
    assert.equal(await dialog.getByLabel('Name').inputValue(), 'Kunde Holding – new business');
    assert.equal(await dialog.getByLabel('Amount').inputValue(), '24000');
    assert.equal(await dialog.getByLabel('Currency').inputValue(), 'EUR');
    assert.equal(await dialog.getByLabel('Close date').inputValue(), '2099-09-30');
    await dialog.getByText('No hand-off rules are active: you keep the deal.').waitFor();
    if (viewport.width === 390) {
      // Everything in the dialog stays inside the screen (the dialog scrolls, the page behind is inert).
      const outside = await dialog.evaluate((element) =>
        [element, ...element.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 || e.getBoundingClientRect().left < -0.5).map((e) => e.tagName),
      );
      assert.deepEqual(outside, [], 'the dialog fits 390 px');
    }
    await shoot(page, `convert-dialog-${viewport.width}`);

    await dialog.getByLabel('Name').fill('Kunde pilot');
    await dialog.getByRole('button', { name: 'Convert', exact: true }).click();
    await page.waitForURL(/\/opportunities\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Kunde pilot' }).waitFor();
    const origin = page.locator('section', { has: page.getByRole('heading', { name: 'Qualified lead' }) });
    await origin.getByText('BANT, 100% answered').waitFor();
    await origin.getByText('A CRM for 40 reps').waitFor();
    await origin.getByText('Decision maker').waitFor();
    await shoot(page, `convert-deal-${viewport.width}`);

    await page.goto(`${base}/leads/${lead.id}`);
    const converted = page.locator('section', { has: page.getByRole('heading', { name: 'Converted' }) });
    await converted.getByRole('link', { name: 'Kunde Holding' }).waitFor();
    assert.equal(await converted.getByRole('link', { name: 'Kunde Holding' }).getAttribute('href'), `/accounts/${existing.id}`);
    await converted.getByRole('link', { name: 'Jo Kunde' }).waitFor();
    await converted.getByRole('link', { name: 'Kunde pilot' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Convert', exact: true }).count(), 0, 'a converted lead offers no second conversion');
    await shoot(page, `converted-lead-${viewport.width}`);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}
