import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import type { Outbox } from '../notifications/service.ts';
import { createOpportunity } from './opportunities.service.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Deals');

type Stage = { id: string; name: string; outcome: string; gates: string[]; probability: number; forecastCategory: string };
type Pipeline = { id: string; name: string; kind: string; version: number; stages: Stage[] };

async function pipelinesOf(caller: Caller): Promise<Pipeline[]> {
  return (await caller.get('/api/v1/pipelines')).json().data;
}
const stageNamed = (pipeline: Pipeline, name: string) => pipeline.stages.find((s) => s.name === name)!;

const [newBusiness] = await pipelinesOf(admin);
const product = (await admin.post('/api/v1/products', { sku: 'plat', name: 'Platform', billing: 'recurring', prices: [{ currency: 'EUR', unitPrice: 5_000 }, { currency: 'USD', unitPrice: 5_500 }] })).json();
const onboarding = (await admin.post('/api/v1/products', { sku: 'onb', name: 'Onboarding', billing: 'one_time', prices: [{ currency: 'EUR', unitPrice: 250_000 }] })).json();

async function newDeal(caller: Caller, fields: Record<string, unknown> = {}) {
  const res = await caller.post('/api/v1/opportunities', { name: 'Globex platform', currency: 'EUR', ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

describe('pipelines', () => {
  test('a new organisation has the four default pipelines with ordered, gated stages', async () => {
    const pipelines = await pipelinesOf(admin);
    assert.deepEqual(pipelines.map((p) => p.kind), ['new_business', 'expansion', 'renewal', 'partner']);
    assert.deepEqual(newBusiness!.stages.map((s) => s.name), ['Qualification', 'Discovery', 'Proposal', 'Negotiation', 'Closed won', 'Closed lost']);
    assert.deepEqual(stageNamed(newBusiness!, 'Proposal').gates, ['decision_maker', 'amount']);
  });

  test('an organisation from before pipelines existed gets the defaults on first use, once', async () => {
    const org = await newOrg(t, 'Older');
    await t.database.db.execute(sql`delete from pipeline_stages where org_id = ${org.orgId}`);
    await t.database.db.execute(sql`delete from pipelines where org_id = ${org.orgId}`);
    const [first, second] = await Promise.all([org.get('/api/v1/pipelines'), org.get('/api/v1/pipelines')]);
    assert.equal(first.json().data.length, 4);
    assert.equal(second.json().data.length, 4);
    assert.equal((await pipelinesOf(org)).length, 4);
  });

  test('admins set stage gates; reps cannot; a stage with deals in it cannot be removed', async () => {
    const org = await newOrg(t, 'Gates');
    const rep = await addUser(t, org, 'rep');
    const [pipeline] = await pipelinesOf(org);
    const stages = pipeline!.stages.map(({ id, name, probability, outcome, gates, forecastCategory }) => ({ id, name, probability, outcome, gates, forecastCategory }));
    stages[1]!.gates = ['next_step', 'champion'];
    assert.equal((await rep.patch(`/api/v1/pipelines/${pipeline!.id}`, { stages })).statusCode, 403);
    const changed = await org.patch(`/api/v1/pipelines/${pipeline!.id}`, { stages }, { 'if-match': `"${pipeline!.version}"` });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json().stages[1].gates, ['next_step', 'champion']);
    assert.equal((await org.patch(`/api/v1/pipelines/${pipeline!.id}`, { name: 'Stale' }, { 'if-match': `"${pipeline!.version}"` })).statusCode, 412);

    await newDeal(org);
    const withoutFirst = stages.slice(1);
    const refused = await org.patch(`/api/v1/pipelines/${pipeline!.id}`, { stages: withoutFirst });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.json().detail, /1 deal\(s\) are in "Qualification"/);
    const bad = await org.patch(`/api/v1/pipelines/${pipeline!.id}`, { stages: stages.filter((s) => s.outcome !== 'won') });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].message, 'A pipeline needs exactly one won stage (has 0)');
  });
});

describe('archiving a pipeline', () => {
  test('refused while open deals sit in it or as the only one of its kind; archived, it takes no new deals; restored, it does', async () => {
    const org = await newOrg(t, 'Archive');
    const rep = await addUser(t, org, 'rep');
    const [main] = await pipelinesOf(org);
    const onlyOne = await org.post(`/api/v1/pipelines/${main!.id}/archive`, {});
    assert.equal(onlyOne.statusCode, 409);
    assert.equal(onlyOne.json().code, 'last_pipeline_of_kind');

    const stages = main!.stages.map(({ name, probability, outcome, gates, forecastCategory }) => ({ name, probability, outcome, gates, forecastCategory }));
    const spring = (await org.post('/api/v1/pipelines', { name: 'Spring campaign', kind: 'new_business', stages })).json() as Pipeline;
    const deal = await newDeal(org, { pipelineId: spring.id });
    const busy = await org.post(`/api/v1/pipelines/${spring.id}/archive`, {});
    assert.equal(busy.statusCode, 409);
    assert.equal(busy.json().code, 'pipeline_has_open_deals');
    assert.equal((await rep.post(`/api/v1/pipelines/${spring.id}/archive`, {})).statusCode, 403);

    const lost = stageNamed(spring, 'Closed lost');
    const closed = await org.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: lost.id, lossReason: 'No budget this spring' });
    assert.equal(closed.statusCode, 200, closed.body);
    const archived = await org.post(`/api/v1/pipelines/${spring.id}/archive`, {});
    assert.equal(archived.statusCode, 200, archived.body);
    assert.equal(archived.json().archived, true);
    assert.equal((await pipelinesOf(org)).find((p) => p.id === spring.id)!.name, 'Spring campaign', 'still listed, for its closed deals');
    const refused = await org.post('/api/v1/opportunities', { name: 'Late', currency: 'EUR', pipelineId: spring.id });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().errors[0].field, 'pipelineId');
    assert.equal((await org.get(`/api/v1/opportunities/${deal.id}`)).json().stageId, lost.id, 'its closed deal keeps its history');
    const audit = (await org.get(`/api/v1/audit-log/pipeline/${spring.id}`)).json().data as { action: string }[];
    assert.ok(audit.some((e) => e.action === 'archive'));

    assert.equal((await org.post(`/api/v1/pipelines/${spring.id}/restore`, {})).json().archived, false);
    await newDeal(org, { pipelineId: spring.id });
  });
});

describe('deals and the board', () => {
  test('a deal starts in the first open stage of the pipeline its source implies, in the org currency by default', async () => {
    const deal = await newDeal(admin, { currency: undefined });
    assert.equal(deal.pipelineId, newBusiness!.id);
    assert.equal(deal.stageId, newBusiness!.stages[0]!.id);
    assert.equal(deal.currency, 'USD');
    assert.equal(deal.probability, 10);
    assert.equal(deal.forecastCategory, 'pipeline');
    assert.equal(deal.source, 'direct');
    const partner = await newDeal(admin, { source: 'partner' });
    assert.notEqual(partner.pipelineId, newBusiness!.id);
  });

  test('creating a deal straight into a gated stage must pass the gates', async () => {
    const res = await admin.post('/api/v1/opportunities', { name: 'Skipper', stageId: stageNamed(newBusiness!, 'Proposal').id, amount: 0 });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().errors.map((e: { field: string }) => e.field), ['decision_maker', 'amount']);
    const won = await admin.post('/api/v1/opportunities', { name: 'Already won', stageId: stageNamed(newBusiness!, 'Closed won').id });
    assert.equal(won.statusCode, 400);
  });

  test('moving a card: gates name what is missing, the fix lets it through, a stale version is refused', async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Globex' })).json();
    const contact = (await admin.post('/api/v1/contacts', { firstName: 'Hank', lastName: 'Scorpio', accountId: account.id })).json();
    const deal = await newDeal(admin, { accountId: account.id });
    const proposal = stageNamed(newBusiness!, 'Proposal');

    const blocked = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: proposal.id, version: deal.version });
    assert.equal(blocked.statusCode, 422);
    assert.equal(blocked.json().detail, 'Cannot move to Proposal: missing a decision maker among the contact roles and an amount (add line items or set the amount)');
    assert.deepEqual(blocked.json().errors, [
      { field: 'decision_maker', message: 'A decision maker among the contact roles (required by Proposal)' },
      { field: 'amount', message: 'An amount (add line items or set the amount) (required by Proposal)' },
    ]);
    assert.equal((await admin.get(`/api/v1/opportunities/${deal.id}`)).json().stageId, deal.stageId, 'a refused move changes nothing');

    assert.equal((await admin.request({ method: 'PUT', url: `/api/v1/opportunities/${deal.id}/contacts/${contact.id}`, payload: { roles: ['decision_maker', 'champion'], isPrimary: true } })).statusCode, 200);
    const line = await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: product.id, quantity: 10, discountPercent: 5, termMonths: 12 });
    assert.equal(line.statusCode, 201, line.body);

    const stale = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: proposal.id, version: deal.version });
    assert.equal(stale.statusCode, 409);
    const current = (await admin.get(`/api/v1/opportunities/${deal.id}`)).json();
    assert.equal(current.amount, 570_000, '10 × €50 × 12 months less 5 %');
    const moved = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: proposal.id }, { 'if-match': `"${current.version}"` });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().stageId, proposal.id);
    assert.equal(moved.json().probability, 50);
    assert.equal(moved.json().forecastCategory, 'best_case');
    assert.equal(moved.json().version, current.version + 1);
    assert.equal(moved.headers.etag, `"${current.version + 1}"`);
  });

  test('lost needs a loss reason; winning makes the account a customer and starts the recurring terms', async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Initech' })).json();
    const deal = await newDeal(admin, { accountId: account.id, amount: 10_000 });
    const lost = stageNamed(newBusiness!, 'Closed lost');
    const noReason = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: lost.id });
    assert.equal(noReason.statusCode, 422);
    assert.deepEqual(noReason.json().errors.map((e: { field: string }) => e.field), ['loss_reason']);
    const closedLost = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: lost.id, lossReason: 'Went with Hooli' });
    assert.equal(closedLost.json().status, 'lost');
    assert.equal(closedLost.json().lossReason, 'Went with Hooli');
    assert.equal(closedLost.json().forecastCategory, 'omitted');

    const won = stageNamed(newBusiness!, 'Closed won');
    const reopened = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: newBusiness!.stages[0]!.id });
    assert.equal(reopened.json().status, 'open');
    assert.equal(reopened.json().lossReason, null);
    const noProducts = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: won.id });
    assert.deepEqual(noProducts.json().errors.map((e: { field: string }) => e.field), ['decision_maker', 'products']);

    const contact = (await admin.post('/api/v1/contacts', { lastName: 'Lumbergh', accountId: account.id })).json();
    await admin.request({ method: 'PUT', url: `/api/v1/opportunities/${deal.id}/contacts/${contact.id}`, payload: { roles: ['decision_maker'] } });
    await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: product.id, quantity: 2, termMonths: 24, startDate: '2026-01-01' });
    await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: onboarding.id, quantity: 1 });
    const closedWon = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: won.id, winReason: 'Best fit' });
    assert.equal(closedWon.statusCode, 200, closedWon.body);
    assert.equal(closedWon.json().status, 'won');
    assert.equal(closedWon.json().closeDate, new Date().toISOString().slice(0, 10), 'a closed deal is dated the day it closed');
    assert.equal((await admin.get(`/api/v1/accounts/${account.id}`)).json().lifecycleStage, 'customer');
    const detail = (await admin.get(`/api/v1/opportunities/${deal.id}`)).json();
    assert.deepEqual(detail.lineItems.map((l: { startDate: string | null; endDate: string | null }) => [l.startDate, l.endDate]), [['2026-01-01', '2028-01-01'], [null, null]]);
    const edit = await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: onboarding.id, quantity: 1 });
    assert.equal(edit.statusCode, 409, 'a closed deal keeps the products it closed with');
  });

  test('the amount rolls up from line items and cannot be typed over them', async () => {
    const deal = await newDeal(admin, { amount: 99 });
    const a = (await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: product.id, quantity: 3, termMonths: 6 })).json();
    await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: onboarding.id, quantity: 1, discountPercent: 12.5 });
    assert.equal((await admin.get(`/api/v1/opportunities/${deal.id}`)).json().amount, 90_000 + 218_750);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}/line-items/${a.id}`, { quantity: 4 })).json().total, 120_000);
    assert.equal((await admin.get(`/api/v1/opportunities/${deal.id}`)).json().amount, 120_000 + 218_750);
    const typed = await admin.patch(`/api/v1/opportunities/${deal.id}`, { amount: 1 });
    assert.equal(typed.statusCode, 400);
    assert.equal(typed.json().errors[0].field, 'amount');
    assert.equal((await admin.del(`/api/v1/opportunities/${deal.id}/line-items/${a.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/opportunities/${deal.id}`)).json().amount, 218_750);
    const noPrice = await admin.post(`/api/v1/opportunities/${(await newDeal(admin, { currency: 'JPY' })).id}/line-items`, { productId: product.id, quantity: 1 });
    assert.equal(noPrice.statusCode, 400);
    assert.equal(noPrice.json().errors[0].message, 'Platform has no list price in JPY');
    const oneTimeTerm = await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: onboarding.id, quantity: 1, termMonths: 12 });
    assert.equal(oneTimeTerm.json().errors[0].message, 'A one-time product has no term');
  });

  test('the stage history keeps time in stage, pushed close dates and amount changes', async () => {
    const deal = await newDeal(admin, { amount: 1000, closeDate: '2027-03-31' });
    await admin.patch(`/api/v1/opportunities/${deal.id}`, { closeDate: '2027-04-30', amount: 1500 });
    await admin.patch(`/api/v1/opportunities/${deal.id}`, { closeDate: '2027-04-15', nextStep: 'Call' });
    await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: stageNamed(newBusiness!, 'Discovery').id });
    const history = (await admin.get(`/api/v1/opportunities/${deal.id}/history`)).json();
    assert.deepEqual(history.data.map((h: { changes: string[] }) => h.changes), [['created'], ['amount', 'close_date'], ['close_date'], ['stage', 'forecast']]);
    assert.deepEqual(history.stages.map((s: { stageName: string }) => s.stageName), ['Qualification', 'Discovery']);
    assert.deepEqual(history.slippage, { closeDatePushes: 1, daysPushed: 30, amountChanges: 1, amountChange: 500 });
    assert.equal(history.data[3].previousStageId, newBusiness!.stages[0]!.id);
  });

  test('the board shows each stage\'s first cards, the summary its counts and totals; more cards page through the list', async () => {
    const org = await newOrg(t, 'Board');
    const [pipeline] = await pipelinesOf(org);
    const account = (await org.post('/api/v1/accounts', { name: 'Umbrella' })).json();
    for (let i = 0; i < 7; i++) await newDeal(org, { name: `Deal ${i}`, amount: 1000 * (i + 1), closeDate: `2027-01-${String(10 + i).padStart(2, '0')}`, accountId: account.id });
    await newDeal(org, { name: 'In dollars', amount: 500, currency: 'USD', closeDate: '2027-01-01' });
    const board = (await org.get(`/api/v1/pipelines/${pipeline!.id}/board?perStage=3`)).json();
    const first = board.columns[0];
    assert.deepEqual(first.cards.map((c: { name: string }) => c.name), ['In dollars', 'Deal 0', 'Deal 1']);
    assert.equal(first.cards[1].accountName, 'Umbrella');
    assert.deepEqual(board.columns[1].cards, []);
    const summary = (await org.get(`/api/v1/pipelines/${pipeline!.id}/summary`)).json().data;
    assert.deepEqual(summary[0], { stageId: first.stage.id, count: 8, totals: [{ currency: 'EUR', amount: 28_000, weighted: 2_800 }, { currency: 'USD', amount: 500, weighted: 50 }] });
    assert.deepEqual(summary[1], { stageId: board.columns[1].stage.id, count: 0, totals: [] });
    const names: string[] = first.cards.map((c: { name: string }) => c.name);
    for (let cursor = first.nextCursor; cursor; ) {
      const page = (await org.get(`/api/v1/opportunities?stageId=${first.stage.id}&sort=${first.sort}&limit=3&cursor=${cursor}`)).json();
      names.push(...page.data.map((d: { name: string }) => d.name));
      cursor = page.nextCursor;
    }
    assert.deepEqual(names, ['In dollars', ...Array.from({ length: 7 }, (_, i) => `Deal ${i}`)]);
  });

  test('the summary stays equal to a count over the deals through moves, edits, new owners and deletes', async () => {
    const org = await newOrg(t, 'Totals');
    const rep = await addUser(t, org, 'rep');
    const [pipeline] = await pipelinesOf(org);
    const deals = [];
    for (let i = 0; i < 6; i++) deals.push(await newDeal(org, { name: `T${i}`, amount: 1000 * (i + 1), currency: i % 3 === 0 ? 'USD' : 'EUR' }));
    const move = async (deal: { id: string }, stageId: string) => {
      const res = await org.post(`/api/v1/opportunities/${deal.id}/move`, { stageId, lossReason: 'Price' });
      assert.equal(res.statusCode, 200, res.body);
    };
    await move(deals[0], pipeline!.stages[1]!.id);
    await move(deals[1], pipeline!.stages[1]!.id);
    await move(deals[1], pipeline!.stages[0]!.id);
    await move(deals[2], pipeline!.stages.find((s) => s.outcome === 'lost')!.id);
    assert.equal((await org.patch(`/api/v1/opportunities/${deals[3].id}`, { amount: 7_777, probability: 35 })).statusCode, 200);
    assert.equal((await org.patch(`/api/v1/opportunities/${deals[4].id}`, { ownerId: rep.userId })).statusCode, 200);
    assert.equal((await org.del(`/api/v1/opportunities/${deals[5].id}`)).statusCode, 204);
    const expected = await t.database.db.execute(sql`
      select stage_id, currency, count(*)::int as count, sum(amount)::float8 as amount, round(sum(amount * probability) / 100.0)::float8 as weighted
      from opportunities where org_id = ${org.orgId} and deleted_at is null group by 1, 2`);
    const rows = (expected as unknown as { rows: { stage_id: string; currency: string; count: number; amount: number; weighted: number }[] }).rows;
    const summary = (await org.get(`/api/v1/pipelines/${pipeline!.id}/summary`)).json().data as { stageId: string; count: number; totals: { currency: string; amount: number; weighted: number }[] }[];
    const flat = summary.flatMap((s) => s.totals.map((c) => `${s.stageId} ${c.currency} ${c.amount} ${c.weighted}`)).sort();
    assert.deepEqual(flat, rows.map((r) => `${r.stage_id} ${r.currency} ${r.amount} ${r.weighted}`).sort());
    assert.equal(summary.reduce((n, s) => n + s.count, 0), 5);
    const mine = (await org.get(`/api/v1/pipelines/${pipeline!.id}/summary?ownerId=${rep.userId}`)).json().data as { count: number }[];
    assert.equal(mine.reduce((n, s) => n + s.count, 0), 1);
  });

  test('the table view filters and sorts with keyset pages', async () => {
    const org = await newOrg(t, 'Table');
    const rep = await addUser(t, org, 'rep');
    for (const [name, amount] of [['A', 300], ['B', 100], ['C', 200]] as const) await newDeal(org, { name, amount });
    await newDeal(rep, { name: 'Rep deal', amount: 50 });
    const byAmount = (await org.get('/api/v1/opportunities?sort=-amount&limit=2')).json();
    const next = (await org.get(`/api/v1/opportunities?sort=-amount&limit=2&cursor=${byAmount.nextCursor}`)).json();
    assert.deepEqual([...byAmount.data, ...next.data].map((d: { name: string }) => d.name), ['A', 'C', 'B', 'Rep deal']);
    assert.deepEqual((await org.get(`/api/v1/opportunities?ownerId=${rep.userId}`)).json().data.map((d: { name: string }) => d.name), ['Rep deal']);
    assert.deepEqual((await org.get('/api/v1/opportunities?q=rep')).json().data.length, 1);
    assert.equal((await org.get('/api/v1/opportunities?status=won')).json().data.length, 0);
  });

  test('every change is in the audit log and on the deal\'s timeline', async () => {
    const deal = await newDeal(admin, { amount: 10 });
    await admin.patch(`/api/v1/opportunities/${deal.id}`, { nextStep: 'Demo on Friday' });
    await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: stageNamed(newBusiness!, 'Discovery').id });
    await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: onboarding.id, quantity: 1 });
    const audit = (await admin.get(`/api/v1/audit-log/opportunity/${deal.id}`)).json().data.map((a: { action: string }) => a.action);
    assert.deepEqual(audit, ['line_item_added', 'stage_change', 'update', 'create']);
    const timeline = (await admin.get(`/api/v1/opportunities/${deal.id}/timeline`)).json().data.map((i: { summary: string }) => i.summary);
    assert.deepEqual(timeline, ['Line item added', 'Stage change', 'Changed nextStep', 'Created']);
  });

  test('bad input changes nothing', async () => {
    const deal = await newDeal(admin);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}`, { currency: 'ABC' })).statusCode, 400);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}`, { ownerId: '01900000-0000-7000-8000-000000000000' })).statusCode, 400);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}`, { forecastCategory: 'closed' })).statusCode, 400);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}`, { surprise: 1 })).statusCode, 400);
    assert.equal((await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: (await pipelinesOf(admin))[1]!.stages[0]!.id })).statusCode, 400, 'a stage of another pipeline');
    assert.equal((await admin.get(`/api/v1/opportunities/${deal.id}`)).json().version, deal.version);
  });
});

describe('creating a deal from a lead conversion', () => {
  test('runs inside the caller\'s transaction: credits the SDR, holds its mail for the caller, and rolls back with it', async () => {
    const org = await newOrg(t, 'Conversion');
    const sdr = await addUser(t, org, 'rep', 'Sam SDR');
    const closer = await addUser(t, org, 'executive', 'Cleo Closer');
    const actor = { orgId: org.orgId, userId: sdr.userId, role: 'rep' as const, via: 'session' as const };
    const lead = (await org.post('/api/v1/leads', { firstName: 'Lou', lastName: 'Lead', company: 'Initrode' })).json();
    const input = { name: 'Initrode platform', ownerId: closer.userId, sourceLeadId: lead.id, sourcedBy: sdr.userId, amount: 50_000, currency: 'EUR' };

    const outbox: Outbox = [];
    await assert.rejects(
      t.database.db.transaction(async (tx) => {
        await createOpportunity(tx, actor, input, { outbox });
        throw new Error('the conversion failed later on');
      }),
      /failed later on/,
    );
    assert.equal((await org.get(`/api/v1/opportunities?ownerId=${closer.userId}`)).json().data.length, 0, 'nothing stays of a rolled-back conversion');

    const kept: Outbox = [];
    const deal = await t.database.db.transaction((tx) => createOpportunity(tx, actor, input, { outbox: kept }));
    assert.deepEqual([deal.source, deal.sourceLeadId, deal.sourcedBy, deal.ownerId], ['lead', lead.id, sdr.userId, closer.userId]);
    assert.deepEqual(kept.map((m) => m.subject), ['You own a new deal: Initrode platform'], 'the new owner\'s mail waits in the caller\'s outbox');
    assert.equal((await closer.get('/api/v1/notifications')).json().data[0].title, 'You own a new deal: Initrode platform');
  });
});
