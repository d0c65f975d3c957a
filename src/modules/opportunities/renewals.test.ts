import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startJobs, type Jobs } from '../../core/jobs.ts';
import { addMonths, dateOf } from './line-items.model.ts';
import { createDueRenewals, RENEWALS_QUEUE, startRenewalWorker } from './renewals.service.ts';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Renewals');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');
const manager = await addUser(t, admin, 'manager', 'Max Manager');
await admin.patch('/api/v1/deal-policy', { renewalLeadDays: 120 });
const [newBusiness] = (await admin.get('/api/v1/pipelines')).json().data;
const won = newBusiness.stages.find((s: { outcome: string }) => s.outcome === 'won');
const subscription = (await admin.post('/api/v1/products', { sku: 'SUB', name: 'Subscription', billing: 'recurring', prices: [{ currency: 'USD', unitPrice: 1_000 }] })).json();
const setup = (await admin.post('/api/v1/products', { sku: 'SETUP', name: 'Setup', billing: 'one_time', prices: [{ currency: 'USD', unitPrice: 50_000 }] })).json();
const account = (await admin.post('/api/v1/accounts', { name: 'Soylent' })).json();
const contact = (await admin.post('/api/v1/contacts', { lastName: 'Buyer', accountId: account.id })).json();
await admin.request({ method: 'PUT', url: `/api/v1/accounts/${account.id}/team/${manager.userId}`, payload: { role: 'account_manager' } });

/** A won deal owned by the rep, with recurring lines of the given terms (and a one-time setup). */
async function wonDeal(name: string, terms: number[]) {
  const deal = (await rep.post('/api/v1/opportunities', { name, accountId: account.id, currency: 'USD' })).json();
  await rep.request({ method: 'PUT', url: `/api/v1/opportunities/${deal.id}/contacts/${contact.id}`, payload: { roles: ['decision_maker'] } });
  for (const termMonths of terms) await rep.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: subscription.id, quantity: 3, termMonths, discountPercent: 10 });
  await rep.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: setup.id, quantity: 1 });
  const closed = await rep.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: won.id });
  assert.equal(closed.statusCode, 200, closed.body);
  return deal;
}

const renewalsOf = async (dealId: string) =>
  (await admin.get(`/api/v1/opportunities?accountId=${account.id}&limit=500`)).json().data.filter((d: { renewsOpportunityId: string | null }) => d.renewsOpportunityId === dealId);

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const jobDone = async (id: string | null) => {
  const { rows } = await t.database.executeSql('select state from pgboss.job where id = $1', [id]);
  return rows[0]?.state === 'completed';
};

async function startRenewals(): Promise<Jobs> {
  const jobs = await startJobs(t.database, { pollingIntervalSeconds: 0.5 });
  await startRenewalWorker({ db: t.database.db, jobs, config: t.config, mailer: { configured: false, send: async () => {} }, log: () => {} });
  return jobs;
}

test('a renewal deal opens ahead of a won term\'s end, exactly once, even across a restart of the job runner', async () => {
  const due = await wonDeal('Soylent subscription', [3]);
  const notYet = await wonDeal('Soylent long term', [24]);
  const termEnd = addMonths(dateOf(new Date()), 3);

  const first = await startRenewals();
  try {
    const firstRun = await first.send(RENEWALS_QUEUE, {});
    await until('the first run', () => jobDone(firstRun));
  } finally {
    await first.stop();
  }
  assert.equal((await renewalsOf(due.id)).length, 1);

  // A new runner on the same database, as after a server restart: its run finds nothing left to do.
  const second = await startRenewals();
  try {
    const secondRun = await second.send(RENEWALS_QUEUE, {});
    await until('the run after the restart', () => jobDone(secondRun));
  } finally {
    await second.stop();
  }

  const renewals = await renewalsOf(due.id);
  assert.equal(renewals.length, 1, 'exactly one renewal');
  assert.deepEqual(await renewalsOf(notYet.id), [], 'a term ending in two years is not due yet');
  const renewal = (await admin.get(`/api/v1/opportunities/${renewals[0].id}`)).json();
  assert.equal(renewal.name, `Soylent subscription — renewal (term ends ${termEnd})`);
  assert.equal(renewal.pipelineName, 'Renewal');
  assert.equal(renewal.stage.name, 'Upcoming');
  assert.equal(renewal.source, 'renewal');
  assert.equal(renewal.ownerId, rep.userId);
  assert.equal(renewal.closeDate, termEnd);
  assert.equal(renewal.renewsTermEnd, termEnd);
  assert.deepEqual(
    renewal.lineItems.map((l: { sku: string; quantity: number; discountPercent: number; termMonths: number; startDate: string; total: number }) => [l.sku, l.quantity, l.discountPercent, l.termMonths, l.startDate, l.total]),
    [['SUB', 3, 10, 3, termEnd, 8_100]],
    'the recurring products renew on the same terms from the day the old term ends; one-time setup does not',
  );
  assert.equal(renewal.amount, 8_100);

  const notes = (await manager.get('/api/v1/notifications')).json().data;
  assert.ok(notes.some((n: { title: string }) => n.title === `New deal on your account: ${renewal.name}`), 'the account team hears of the renewal');
  const audit = (await admin.get(`/api/v1/audit-log/opportunity/${renewal.id}`)).json().data;
  assert.deepEqual([audit.at(-1).action, audit.at(-1).actorId, audit.at(-1).reason], ['create', null, `The recurring term of Soylent subscription ends ${termEnd}`]);
});

test('two sweeps at once still open one renewal per term', async () => {
  const deal = await wonDeal('Soylent add-on', [2]);
  const today = dateOf(new Date());
  const counts = await Promise.all([createDueRenewals(t.database.db, today), createDueRenewals(t.database.db, today)]);
  assert.ok(counts.reduce((a, b) => a + b, 0) >= 1);
  assert.equal((await renewalsOf(deal.id)).length, 1);
  assert.equal(await createDueRenewals(t.database.db, today), 0);
});

test('terms ending on different dates renew separately; the lead time is the org\'s', async () => {
  const deal = await wonDeal('Soylent mixed terms', [1, 5]);
  const today = dateOf(new Date());
  await createDueRenewals(t.database.db, today);
  assert.deepEqual((await renewalsOf(deal.id)).map((r: { renewsTermEnd: string }) => r.renewsTermEnd), [addMonths(today, 1)], '5 months out is beyond the 120-day lead time');
  await createDueRenewals(t.database.db, addMonths(today, 2));
  assert.deepEqual((await renewalsOf(deal.id)).map((r: { renewsTermEnd: string }) => r.renewsTermEnd).sort(), [addMonths(today, 1), addMonths(today, 5)]);
});
