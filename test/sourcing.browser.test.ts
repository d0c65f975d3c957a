// Sourcing and qualification in a real browser (Debian chromium through playwright-core): define a
// web form and send its public endpoint a submission, see the lead it made; answer the lead's
// qualification questions and watch the progress; read its score explanation; review a duplicate
// pair, merge it keeping a chosen value, and undo the merge. PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep desktop and phone screenshots of each screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newOrgAdminPage, startBrowserApp, shootDesktopAndPhone } from './browser.ts';

const app = await startBrowserApp();
const { base } = app;

test('a web form brings a lead in; it is qualified and scored; a duplicate pair is merged and the merge undone', { timeout: 90_000 }, async () => {
  const stamp = Date.now();
  const { page, pageErrors, call } = await newOrgAdminPage(app, 'Sourcing Works');

  // A web form with a job-title field and a consent box, made in the editor.
  await page.goto(`${base}/sourcing`);
  await page.getByRole('link', { name: 'New form' }).click();
  await page.getByLabel('Form name').fill('Contact sales');
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.getByLabel('Field 5 label').fill('Job title');
  assert.equal(await page.getByLabel('Field 5 key').inputValue(), 'job_title');
  await page.getByLabel('Field 5 fills').selectOption('title');
  await page.getByLabel('Consent checkbox text').fill('I agree that Sourcing Works may contact me.');
  // A form that names nobody is refused, and says why next to the fields.
  const emailRequired = page.getByRole('checkbox', { name: 'Required' }).nth(2);
  await emailRequired.uncheck();
  await page.getByRole('button', { name: 'Create form' }).click();
  await page.getByRole('region', { name: 'Fields' }).getByText(/Make at least one of email, first name, last name or company a required field/).waitFor();
  await emailRequired.check();
  await page.getByRole('button', { name: 'Create form' }).click();
  const embed = page.getByLabel('Embed HTML');
  await embed.filter({ hasText: 'name="job_title"' }).waitFor();
  const html = await embed.inputValue();
  const key = /name="_key" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(key, 'the snippet carries the form key');
  assert.match(html, /I agree that Sourcing Works may contact me\./);
  const formId = page.url().split('/').at(-1)!;
  await shootDesktopAndPhone(page, 'sourcing-form');

  // A visitor submits it (no session: the public endpoint), and the lead shows in recent submissions.
  const submitted = await fetch(`${base}/api/v1/forms/${formId}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _key: key, first_name: 'Grace', last_name: 'Hopper', email: `grace-${stamp}@navy.test`, company: 'Navy', job_title: 'VP Engineering', consent: 'yes', utm_source: 'newsletter' }),
  });
  assert.equal(submitted.status, 200, await submitted.text());
  await page.reload();
  const submissions = page.getByRole('table', { name: 'Recent submissions' });
  await submissions.getByText('New lead').waitFor();
  await submissions.getByText('newsletter').waitFor();
  await submissions.getByRole('link', { name: /Grace/ }).click();
  await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();

  // Qualification: three of BANT's four answers, then the progress says so.
  const answers = page.getByRole('form', { name: 'BANT answers' });
  await answers.getByText('0/4 answered').waitFor();
  await answers.getByLabel('Budget: how much can they spend? *').fill('50000');
  await answers.getByLabel('Authority: who decides? *').selectOption('Decision maker');
  await answers.getByLabel('Need: what problem do they need solved? *').fill('Leads fall through the cracks');
  await answers.getByRole('button', { name: 'Save answers' }).click();
  await answers.getByText('3/4 answered').waitFor();
  await answers.getByText('1 required left').waitFor();
  assert.equal(await answers.getByRole('progressbar').getAttribute('aria-valuenow'), '75');

  // The score, with a reason for every point.
  const score = page.getByRole('region', { name: 'Score' });
  const reasons = score.getByRole('list', { name: 'Why this score' });
  await reasons.getByText('title is VP').waitFor();
  await reasons.getByText('submitted a form today').waitFor();
  await score.getByText('Score 40').or(score.getByLabel('Score 40')).waitFor();
  await shootDesktopAndPhone(page, 'sourcing-lead');

  // Two leads for one person (same email in other case): review, keep B's company, merge, undo.
  const first = await call('POST', '/leads', { firstName: 'Ada', lastName: 'Lovelace', email: `ada-${stamp}@analytical.test`, company: 'Analytical Engines' });
  const second = await call('POST', '/leads', { firstName: 'Ada', lastName: 'Lovelace', email: `ADA-${stamp}@analytical.test`, company: 'Analytical Engines Ltd', title: 'CTO' });
  await page.goto(`${base}/sourcing/duplicates`);
  const group = page.getByRole('list', { name: 'Likely duplicates' }).getByRole('listitem').filter({ hasText: 'Same email' });
  await group.getByText('Analytical Engines Ltd').waitFor();
  await shootDesktopAndPhone(page, 'sourcing-duplicates');
  await group.getByRole('button', { name: /Compare and merge/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Compare and merge' });
  await dialog.getByRole('radio', { name: 'Company: Analytical Engines Ltd (B)' }).check();
  await shootDesktopAndPhone(page, 'sourcing-merge');
  await dialog.getByRole('button', { name: 'Merge 2 records' }).click();
  await page.getByText(/Merged 2 records into/).waitFor();
  const merged = await call('GET', `/leads/${first.id}`);
  assert.equal(merged.company, 'Analytical Engines Ltd');
  assert.equal(merged.title, 'CTO');

  await page.getByRole('link', { name: 'Merge history' }).click();
  await page.getByRole('table', { name: 'Merges' }).getByText('Ada Lovelace').first().waitFor();
  await shootDesktopAndPhone(page, 'sourcing-merges');
  await page.getByRole('button', { name: 'Undo merge into Ada Lovelace' }).click();
  await page.getByText('Merge undone: the records are back as they were').waitFor();
  await page.getByRole('table', { name: 'Merges' }).getByText(/Undone/).waitFor();
  const [restoredFirst, restoredSecond] = await Promise.all([call('GET', `/leads/${first.id}`), call('GET', `/leads/${second.id}`)]);
  assert.equal(restoredFirst.company, 'Analytical Engines');
  assert.equal(restoredSecond.deletedAt, null);

  // The admin screens open and show the defaults.
  await page.getByRole('link', { name: 'Qualification', exact: true }).click();
  await page.getByLabel('Framework name').and(page.locator('[value="BANT"]')).waitFor();
  await page.getByLabel('Reasons reps choose from').filter({ hasText: 'No budget' }).waitFor();
  await shootDesktopAndPhone(page, 'sourcing-qualification');
  await page.getByRole('link', { name: 'Scoring', exact: true }).click();
  await page.getByLabel('Fit rule 1 field').waitFor();
  await page.getByRole('button', { name: 'Rescore all leads' }).click();
  await page.getByRole('region', { name: 'Rescoring' }).getByText(/All 3 leads rescored/).waitFor();
  await shootDesktopAndPhone(page, 'sourcing-scoring');
  assert.deepEqual(pageErrors, []);
});
