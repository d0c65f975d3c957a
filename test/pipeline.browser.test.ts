// The opportunities screens in a real browser (Debian chromium through playwright-core): drag a
// card between stages, see a stage gate refuse a move with what is missing, open the deal, and
// the account page's health, team, key players and deals; then sales setup (stage gates, price book,
// deal policy), the notification bell and the approval inbox at 390 px. Runs in the PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots of the board, the deal and the account.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { newOrgAdminPage, signInAs, startBrowserApp, shoot } from './browser.ts';

const app = await startBrowserApp();
const { database, browser, base } = app;

test('drag a deal across the board, meet a stage gate, open the deal and its account', { timeout: 90_000 }, async () => {
  const { context, page, pageErrors, call } = await newOrgAdminPage(app, 'Northwind Traders');

  const account = await call('POST', '/accounts', { name: 'Globex Corporation', industry: 'Manufacturing', employeeCount: 800 });
  const hank = await call('POST', '/contacts', { firstName: 'Hank', lastName: 'Scorpio', title: 'CEO', email: 'hank@globex.test', accountId: account.id });
  const frank = await call('POST', '/contacts', { firstName: 'Frank', lastName: 'Grimes', title: 'Head of IT', accountId: account.id });
  await call('PUT', `/accounts/${account.id}/key-players/${hank.id}`, { roles: ['decision_maker', 'economic_buyer'] });
  await call('PUT', `/accounts/${account.id}/key-players/${frank.id}`, { roles: ['champion'], reportsToContactId: hank.id });
  const manager = await call('POST', '/users', { email: `amy-${Date.now()}@leadflow.test`, name: 'Amy Account', role: 'manager', password: PASSWORD });
  await call('PUT', `/accounts/${account.id}/team/${manager.id}`, { role: 'account_manager' });
  const product = await call('POST', '/products', { sku: 'PLAT', name: 'Platform', billing: 'recurring', prices: [{ currency: 'USD', unitPrice: 4_900 }] });
  const deal = await call('POST', '/opportunities', { name: 'Globex platform rollout', accountId: account.id, currency: 'USD', nextStep: 'Demo for IT' });
  for (const [name, amount, closeDate] of [['Globex pilot', 1_200_000, '2027-01-15'], ['Globex analytics', 4_500_000, '2027-02-01'], ['Globex support', 800_000, '2027-03-10']] as const) {
    await call('POST', '/opportunities', { name, accountId: account.id, currency: 'USD', amount, closeDate });
  }
  await call('POST', `/opportunities/${deal.id}/line-items`, { productId: product.id, quantity: 25, discountPercent: 15, termMonths: 12 });

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

test('sales setup (stage gates, price book, deal policy) and a manager deciding from the approval inbox, at desktop and 390 px', { timeout: 60_000 }, async () => {
  const stamp = Date.now();
  const email = `setup-ui-${stamp}@leadflow.test`;
  await createOrganization(database.db, { name: 'Initech', admin: { email, name: 'Ada Admin', password: PASSWORD } });
  const signedIn = async (who: string, viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page, call: await signInAs(page.request, base, who) };
  };
  const pageErrors: string[] = [];
  const admin = await signedIn(email, { width: 1440, height: 900 });
  const managerEmail = `mia-${stamp}@leadflow.test`;
  const repEmail = `rex-${stamp}@leadflow.test`;
  await admin.call('POST', '/users', { email: managerEmail, name: 'Mia Manager', role: 'manager', password: PASSWORD });
  await admin.call('POST', '/users', { email: repEmail, name: 'Rex Rep', role: 'rep', password: PASSWORD });
  const platform = await admin.call('POST', '/products', { sku: 'PLAT', name: 'Platform', billing: 'recurring', prices: [{ currency: 'USD', unitPrice: 4_900 }] });

  // Admin, desktop: a stage gate, a product with two list prices, the discount threshold.
  const { page } = admin;
  await page.goto(`${base}/sales-setup`);
  await page.getByRole('group', { name: 'To enter “Negotiation” a deal needs' }).getByRole('checkbox', { name: 'Products (line items)' }).check();
  await page.getByRole('button', { name: 'Save pipeline' }).click();
  await page.getByText('Saved New business').waitFor();
  const pipelines = (await admin.call('GET', '/pipelines')) as unknown as { data: { stages: { name: string; gates: string[] }[] }[] };
  assert.ok(pipelines.data[0]!.stages.find((s) => s.name === 'Negotiation')!.gates.includes('products'));
  await shoot(page, 'setup-pipelines-desktop');

  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('button', { name: 'New product' }).click();
  const dialog = page.getByRole('dialog', { name: 'New product' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Onboarding');
  await dialog.getByRole('textbox', { name: 'SKU' }).fill('ONB');
  await dialog.getByRole('combobox', { name: 'Billing' }).selectOption('one_time');
  await dialog.getByRole('textbox', { name: 'Price 1', exact: true }).fill('2500');
  await dialog.getByRole('button', { name: 'Add a currency' }).click();
  await dialog.getByRole('textbox', { name: 'Currency of price 2' }).fill('eur');
  await dialog.getByRole('textbox', { name: 'Price 2', exact: true }).fill('2300.50');
  await dialog.getByRole('button', { name: 'Add product' }).click();
  const row = page.getByRole('table', { name: 'Price book' }).getByRole('row').filter({ hasText: 'Onboarding' });
  await row.getByText('€2,300.50').waitFor();
  await shoot(page, 'setup-products-desktop');

  await page.getByRole('link', { name: 'Deal policy' }).click();
  await page.getByRole('spinbutton', { name: 'Manager approval above (%)' }).fill('12');
  await page.getByRole('button', { name: 'Save deal policy' }).click();
  await page.getByText('Deal policy saved').waitFor();
  assert.equal(((await admin.call('GET', '/deal-policy')) as unknown as { managerDiscountPercent: number }).managerDiscountPercent, 12);
  await shoot(page, 'setup-policy-desktop');

  // The rep discounts 15 % (above 12 %) and submits: the manager is told.
  const rep = await signedIn(repEmail, { width: 1440, height: 900 });
  const deal = await rep.call('POST', '/opportunities', { name: 'Initech TPS rollout', currency: 'USD' });
  await rep.call('POST', `/opportunities/${deal.id}/line-items`, { productId: platform.id, quantity: 10, discountPercent: 15, termMonths: 12 });
  await rep.call('POST', `/opportunities/${deal.id}/approvals`, { comment: 'Multi-year next time' });
  await rep.context.close();

  // Manager, 390 px: the bell counts it, the inbox decides it with a note, by keyboard.
  const manager = await signedIn(managerEmail, { width: 390, height: 844 });
  const mobile = manager.page;
  await mobile.goto(`${base}/approvals`);
  const bell = mobile.getByRole('button', { name: 'Notifications, 1 unread' });
  await bell.click();
  await mobile.getByRole('list', { name: 'Latest notifications' }).getByText(/Approval needed: .* on Initech TPS rollout/).waitFor();
  await shoot(mobile, 'notifications-390');
  await mobile.keyboard.press('Escape');
  const request = mobile.getByRole('list', { name: 'Requests waiting for my decision' }).getByRole('listitem').filter({ hasText: 'Initech TPS rollout' });
  await request.getByRole('button', { name: 'Decide…' }).focus();
  await mobile.keyboard.press('Enter');
  const decision = mobile.getByRole('dialog', { name: 'Decide: Initech TPS rollout' });
  await decision.getByRole('textbox', { name: /Note/ }).fill('Fine for a 3-year term');
  await shoot(mobile, 'approval-decide-390');
  await decision.getByRole('button', { name: 'Approve' }).click();
  await mobile.getByText('Approved: Initech TPS rollout').waitFor();
  await mobile.getByText('Nothing waiting for you').waitFor();
  await mobile.getByRole('link', { name: 'History' }).click();
  await mobile.getByText('“Fine for a 3-year term”').waitFor();
  await shoot(mobile, 'approval-history-390');
  const decided = (await manager.call('GET', `/opportunities/${deal.id}/approvals`)) as unknown as { standing: { state: string }[] };
  assert.deepEqual(decided.standing.map((s) => s.state), ['approved']);

  await mobile.goto(`${base}/sales-setup/products`);
  await mobile.getByRole('table', { name: 'Price book' }).getByText('Onboarding').waitFor();
  await shoot(mobile, 'setup-products-390');
  await mobile.goto(`${base}/sales-setup/pipelines`);
  await mobile.getByText('Only admins change pipelines').waitFor();
  await shoot(mobile, 'setup-pipelines-390');
  const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
  await mobile.goto(`${base}/opportunities/${deal.id}`);
  await mobile.getByText('Approved', { exact: true }).first().waitFor();
  await shoot(mobile, 'deal-approved-390');

  assert.deepEqual(pageErrors, []);
  await manager.context.close();
  await admin.context.close();
});
