// The routing screens in a real browser (Debian chromium through playwright-core): build a
// territory in the tree editor, write and activate a rule set, dry-run it, see a new lead routed
// with its reason in the decisions log, and a rep's territory with its coverage. PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep desktop and phone screenshots of each screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD } from './helpers.ts';
import { newOrgAdminPage, startBrowserApp, shootDesktopAndPhone } from './browser.ts';

const app = await startBrowserApp();
const { base } = app;

test('territories, a rule set with a dry run, a routed lead with its reason, and my territory', { timeout: 120_000 }, async () => {
  const stamp = Date.now();
  const { page, pageErrors, call } = await newOrgAdminPage(app, 'Routing Works');
  const rep = async (name: string) => call('POST', '/users', { email: `${name.toLowerCase()}-${stamp}@leadflow.test`, name, role: 'rep', password: PASSWORD });
  const anna = await rep('Anna');
  const ben = await rep('Ben');
  await call('POST', '/territories', { name: 'EMEA', criteria: { countries: ['DE', 'AT', 'CH', 'FR', 'GB'] } });
  for (const [name, country, touched] of [['Bayern Motoren', 'DE', false], ['Wiener Bank', 'AT', true], ['Zürich Re', 'CH', true]] as const) {
    const account = await call('POST', '/accounts', { name, country });
    if (touched) await call('POST', `/accounts/${account.id}/notes`, { text: 'Intro call, wants a demo' });
  }
  for (let i = 0; i < 6; i += 1) await call('POST', '/leads', { company: `Prospect ${i}`, country: ['DE', 'FR', 'AT'][i % 3], employeeCount: 50 + i * 100, ownerId: null });

  // The tree editor: a territory under EMEA with both reps.
  await page.goto(`${base}/routing/territories`);
  await page.getByRole('list', { name: 'Territory tree' }).getByText('EMEA').waitFor();
  await page.getByRole('button', { name: 'New territory' }).click();
  const dialog = page.getByRole('dialog', { name: 'New territory' });
  await dialog.getByLabel('Name').fill('DACH');
  await dialog.getByLabel('Inside').selectOption({ label: 'EMEA' });
  await dialog.getByLabel('Countries').fill('de, at, ch');
  for (const person of ['Anna', 'Ben']) {
    await dialog.getByLabel('Person to add').selectOption({ label: person });
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  }
  await dialog.getByRole('button', { name: 'Create territory' }).click();
  await page.getByRole('list', { name: 'Territory tree' }).getByText('country DE, AT or CH').waitFor();
  await page.getByRole('button', { name: 'Apply to existing records' }).click();
  await page.getByText(/Re-aligned: \d+ leads and \d+ accounts moved territory/).waitFor();
  const tester = page.getByRole('form', { name: 'Where would a record land' });
  await tester.getByLabel('Country').fill('AT');
  await tester.getByRole('button', { name: 'Find territory' }).click();
  await tester.getByRole('status').getByText('EMEA → DACH (also fits EMEA)').waitFor();
  await shootDesktopAndPhone(page, 'routing-territories');

  // A rule set: DACH leads round-robin in their territory, the rest to Ada.
  await page.getByRole('link', { name: 'Rule sets' }).click();
  await page.getByRole('button', { name: 'Create a draft' }).click();
  await page.getByRole('button', { name: 'Add rule' }).waitFor();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 1 name').fill('DACH by territory');
  await page.getByRole('button', { name: 'Add condition' }).click();
  await page.getByLabel('Rule 1 condition 1 field').selectOption('country');
  await page.getByLabel('Rule 1 condition 1 test').selectOption('in');
  await page.getByLabel('Rule 1 condition 1 value').fill('DE, AT, CH');
  await page.getByLabel('Fallback owner').selectOption({ label: 'Ada Admin' });
  await page.getByLabel('First touch within (minutes)').fill('30');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByText('Draft saved').waitFor();
  const dryRun = page.getByRole('region', { name: 'Dry run' });
  await dryRun.getByLabel('How many records').fill('6');
  await dryRun.getByRole('button', { name: 'Run' }).click();
  await dryRun.getByText('6 records: 6 would change owner, 0 would stay unassigned.').waitFor();
  assert.equal(await dryRun.getByText(/save your changes first/).count(), 0, 'the saved draft is what ran');
  const rows = dryRun.getByRole('table', { name: 'Dry run results' }).getByRole('row');
  assert.equal(await rows.count(), 7);
  await dryRun.getByText(/rule 1 "DACH by territory" matched: country=DE; round-robin → (Anna|Ben), next is (Anna|Ben)/).first().waitFor();
  await shootDesktopAndPhone(page, 'routing-rule-set');
  await page.getByRole('button', { name: 'Activate' }).click();
  await page.getByText('Version 1 now routes new leads').waitFor();

  // A new lead is routed; the decision log says why.
  const lead = await call('POST', '/leads', { firstName: 'Jana', lastName: 'Novak', company: 'Graz GmbH', country: 'AT' });
  assert.ok([anna.id, ben.id].includes(lead.ownerId));
  await page.getByRole('link', { name: 'Decisions and SLA' }).click();
  await page.getByRole('table', { name: 'Routing decisions' }).getByText(/rule 1 "DACH by territory" matched: country=AT/).waitFor();
  await page.getByText('Clocks running').waitFor();
  await shootDesktopAndPhone(page, 'routing-decisions');

  // The lead itself says why it went where it went, and when its first touch is due.
  await page.goto(`${base}/leads/${lead.id}`);
  const routing = page.getByRole('region', { name: 'Routing' });
  await routing.getByText(/rule 1 "DACH by territory" matched: country=AT; round-robin → (Anna|Ben)/).waitFor();
  await routing.getByText('First touch due').waitFor();
  await shootDesktopAndPhone(page, 'routing-lead');

  // Anna's territory as her admin sees it: three accounts, one never touched, the never-touched first.
  await page.goto(`${base}/my-territory?userId=${anna.id}`);
  await page.getByRole('heading', { name: 'Anna’s territory' }).waitFor();
  const coverage = page.getByRole('region', { name: 'Coverage' });
  await coverage.getByRole('img', { name: '1 never touched, 0 not touched in 90 days, 2 touched recently' }).waitFor();
  const firstAccount = page.getByRole('table', { name: 'Territory accounts' }).getByRole('row').nth(1);
  await firstAccount.getByText('Bayern Motoren').waitFor();
  await firstAccount.getByText('Never touched').waitFor();
  await shootDesktopAndPhone(page, 'routing-my-territory');
  assert.deepEqual(pageErrors, []);
});
