import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { periodContaining, toDay } from '../quotas/model.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Forecasts');
const vp = await addUser(t, admin, 'manager', 'Vera VP');
const manager = await addUser(t, admin, 'manager', 'Mia Manager');
const rex = await addUser(t, admin, 'rep', 'Rex Rep');
const ria = await addUser(t, admin, 'rep', 'Ria Rep');
const ron = await addUser(t, admin, 'rep', 'Ron Rep');
const sales = (await admin.post('/api/v1/teams', { name: 'Sales', managerId: vp.userId })).json();
const east = (await admin.post('/api/v1/teams', { name: 'East', managerId: manager.userId, parentTeamId: sales.id })).json();
const west = (await admin.post('/api/v1/teams', { name: 'West', parentTeamId: sales.id })).json();
for (const [who, team] of [
  [rex, east],
  [ria, east],
  [ron, west],
] as const) {
  await admin.patch(`/api/v1/users/${who.userId}`, { teamId: team.id });
}
const today = toDay(new Date());
const quarter = periodContaining(today, 'quarter', 1);
const closeDate = quarter.end > today ? today : quarter.start;

async function deal(owner: Caller, amount: number, fields: Record<string, unknown> = {}) {
  const res = await owner.post('/api/v1/opportunities', { name: `Deal ${amount}`, currency: 'EUR', amount, closeDate, ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

await deal(rex, 30_000); // the first stage: pipeline at 10 %
const committed = await deal(rex, 50_000);
const override = await rex.patch(`/api/v1/opportunities/${committed.id}`, { forecastCategory: 'commit' }, { 'if-match': `"${committed.version}"` });
assert.equal(override.statusCode, 200, override.body);
await deal(ria, 20_000);
await deal(ron, 7_000, { currency: 'USD' });

type Node = { kind: string; id: string; name: string; totals: Record<string, { commit: number; pipeline: number; weighted: number; deals: number }>; children: Node[] };

test('the roll-up: each rep, their team, and the team above, per currency, with the owner override', async () => {
  const res = await vp.get(`/api/v1/forecasts?period=${quarter.key}`);
  assert.equal(res.statusCode, 200, res.body);
  const { tree, currencies } = res.json() as { tree: Node[]; currencies: string[] };
  assert.deepEqual(currencies, ['EUR', 'USD']);
  assert.deepEqual(tree.map((n) => n.name), ['Sales', 'Vera VP'], 'the VP is in no team: her own deals stand beside the tree');
  const salesNode = tree[0]!;
  assert.deepEqual(salesNode.totals.EUR!.commit, 50_000);
  assert.deepEqual(salesNode.totals.EUR!.pipeline, 50_000);
  assert.equal(salesNode.totals.EUR!.deals, 3);
  assert.equal(salesNode.totals.USD!.pipeline, 7_000);
  const eastNode = salesNode.children.find((c) => c.name === 'East')!;
  assert.deepEqual(eastNode.children.map((c) => [c.name, c.totals.EUR?.commit ?? 0, c.totals.EUR?.pipeline ?? 0]), [
    ['Rex Rep', 50_000, 30_000],
    ['Ria Rep', 0, 20_000],
  ]);
  // The East manager sees East only; a rep their team (by default); with the setting off, themselves.
  assert.deepEqual(((await manager.get(`/api/v1/forecasts?period=${quarter.key}`)).json().tree as Node[]).map((n) => n.name), ['East', 'Mia Manager']);
  assert.deepEqual(((await ria.get(`/api/v1/forecasts?period=${quarter.key}`)).json().tree as Node[]).map((n) => n.name), ['East']);
  await admin.patch('/api/v1/org-settings', { repsSeeTeamNumbers: false });
  assert.deepEqual(((await ria.get(`/api/v1/forecasts?period=${quarter.key}`)).json().tree as Node[]).map((n) => n.name), ['Ria Rep']);
  await admin.patch('/api/v1/org-settings', { repsSeeTeamNumbers: true });
});

test('calls: a rep submits, the manager adjusts with a note and submits the team up; week over week', async () => {
  const call = (caller: Caller, body: Record<string, unknown>) => caller.post('/api/v1/forecasts/submissions', { period: quarter.key, currency: 'EUR', ...body });
  const first = await call(rex, { scope: 'user', scopeId: rex.userId, commit: 40_000, bestCase: 60_000 });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().kind, 'call');
  assert.equal(first.json().system.commit, 50_000, 'the system numbers are kept beside the call');
  // The first call was last week: this week's is compared with it.
  await t.database.db.execute(sql`update forecast_submissions set submitted_at = now() - interval '8 days' where org_id = ${admin.orgId} and id = ${first.json().id}`);
  assert.equal((await call(rex, { scope: 'user', scopeId: rex.userId, commit: 55_000, bestCase: 70_000 })).statusCode, 201);
  assert.equal((await call(ria, { scope: 'user', scopeId: rex.userId, commit: 1, bestCase: 1 })).statusCode, 403, "a rep cannot call another rep's number");
  assert.equal((await call(rex, { scope: 'user', scopeId: rex.userId, commit: 9, bestCase: 5 })).statusCode, 400, 'best case below commit');
  assert.equal((await call(manager, { scope: 'user', scopeId: rex.userId, commit: 45_000, bestCase: 70_000 })).statusCode, 400, 'an adjustment needs a note');
  const adjusted = await call(manager, { scope: 'user', scopeId: rex.userId, commit: 45_000, bestCase: 70_000, note: 'Globex slips to next quarter' });
  assert.equal(adjusted.statusCode, 201, adjusted.body);
  assert.equal(adjusted.json().kind, 'adjustment');
  assert.equal((await call(manager, { scope: 'team', scopeId: west.id, commit: 1, bestCase: 1 })).statusCode, 403, 'not her team');
  const teamCall = await call(manager, { scope: 'team', scopeId: east.id, commit: 60_000, bestCase: 90_000, note: 'Rex adjusted down' });
  assert.equal(teamCall.statusCode, 201, teamCall.body);
  assert.equal(teamCall.json().system.pipeline, 50_000);

  const list = (await vp.get(`/api/v1/forecasts/submissions?period=${quarter.key}&currency=EUR`)).json();
  const rexRow = list.data.find((d: { scopeId: string }) => d.scopeId === rex.userId);
  assert.deepEqual([rexRow.latest.commit, rexRow.previous.commit, rexRow.commitChange, rexRow.bestCaseChange], [55_000, 40_000, 15_000, 10_000]);
  assert.equal(rexRow.adjustment.note, 'Globex slips to next quarter');
  assert.equal(rexRow.accuracy, null, 'the period has not ended');
  assert.equal(rexRow.history.length, 3);
  const riaSees = (await ria.get(`/api/v1/forecasts/submissions?period=${quarter.key}&currency=EUR`)).json().data.map((d: { name: string }) => d.name).sort();
  assert.deepEqual(riaSees, ['East', 'Rex Rep']);
  assert.deepEqual((await ron.get(`/api/v1/forecasts/submissions?period=${quarter.key}&currency=EUR`)).json().data, []);
});

test('statistical forecast: same seed, same numbers; P10 ≤ P50 ≤ P90; movers are open deals', async () => {
  const url = `/api/v1/forecasts/statistical?period=${quarter.key}&currency=EUR&seed=7&trials=500`;
  const a = await vp.get(url);
  assert.equal(a.statusCode, 200, a.body);
  const b = (await vp.get(url)).json();
  const body = a.json();
  assert.deepEqual(body.simulation, b.simulation);
  assert.equal(body.deals.length, 3);
  // No closed history yet: every deal takes the org prior of one win in two.
  assert.deepEqual(body.deals.map((d: { probability: number; basis: string }) => [d.probability, d.basis]), [
    [0.5, 'org'],
    [0.5, 'org'],
    [0.5, 'org'],
  ]);
  assert.equal(body.simulation.expected, 50_000);
  assert.ok(body.simulation.p10 <= body.simulation.p50 && body.simulation.p50 <= body.simulation.p90);
  assert.deepEqual(body.simulation.movers.map((m: { amount: number }) => m.amount), [50_000, 30_000, 20_000]);
  const east = await manager.get(`/api/v1/forecasts/statistical?period=${quarter.key}&scope=team&scopeId=${west.id}`);
  assert.equal(east.statusCode, 404, 'not her team');
});

test('after the period: each call against what closed', async () => {
  const previous = periodContaining(toDay(new Date(Date.parse(`${quarter.start}T00:00:00Z`) - 86_400_000)), 'quarter', 1);
  const won = await deal(ria, 80_000, { closeDate: previous.start });
  await t.database.db.execute(sql`
    update opportunities set status = 'won', forecast_category = 'closed', closed_at = ${`${previous.start}T12:00:00Z`}::timestamptz,
      stage_id = (select s.id from pipeline_stages s where s.org_id = ${ria.orgId} and s.pipeline_id = opportunities.pipeline_id and s.outcome = 'won')
    where org_id = ${ria.orgId} and id = ${won.id}`);
  const res = await ria.post('/api/v1/forecasts/submissions', { scope: 'user', scopeId: ria.userId, period: previous.key, currency: 'EUR', commit: 100_000, bestCase: 120_000 });
  assert.equal(res.statusCode, 201, res.body);
  const teamCall = await manager.post('/api/v1/forecasts/submissions', { scope: 'team', scopeId: east.id, period: previous.key, currency: 'EUR', commit: 60_000, bestCase: 90_000 });
  assert.equal(teamCall.statusCode, 201, teamCall.body);
  const list = (await manager.get(`/api/v1/forecasts/submissions?period=${previous.key}&currency=EUR`)).json();
  const accuracy = (scopeId: string) => list.data.find((d: { scopeId: string }) => d.scopeId === scopeId).accuracy;
  assert.deepEqual(accuracy(ria.userId), { closedWon: 80_000, commitError: 0.25, bestCaseError: 0.5 });
  assert.deepEqual(accuracy(east.id), { closedWon: 80_000, commitError: -0.25, bestCaseError: 0.125 });
});

test('the monthly totals the roll-up reads follow every change to a deal: moves, re-owning, amounts, deletes, bulk writes', async () => {
  const org = admin.orgId;
  const db = t.database.db;
  const a = await deal(rex, 11_000, { closeDate: quarter.start });
  const b = await deal(ria, 12_000);
  const moved = await rex.patch(`/api/v1/opportunities/${a.id}`, { closeDate: toDay(new Date(Date.parse(`${quarter.end}T00:00:00Z`) + 40 * 86_400_000)), amount: 15_000 }, { 'if-match': `"${a.version}"` });
  assert.equal(moved.statusCode, 200, moved.body);
  const reowned = await admin.patch(`/api/v1/opportunities/${b.id}`, { ownerId: ron.userId, forecastCategory: 'best_case' }, { 'if-match': `"${b.version}"` });
  assert.equal(reowned.statusCode, 200, reowned.body);
  assert.equal((await admin.del(`/api/v1/opportunities/${committed.id}`)).statusCode, 204);
  await db.execute(sql`update opportunities set probability = probability + 5, currency = case when currency = 'USD' then 'GBP' else currency end where org_id = ${org}`);
  const totals = await db.execute(sql`
    select owner_key::text || close_month::text || currency || status || forecast_category as k, deals, amount::float8 as amount, weighted::float8 as weighted
    from opportunity_month_totals where org_id = ${org} and deals <> 0 order by 1`);
  const direct = await db.execute(sql`
    select coalesce(owner_id, '00000000-0000-0000-0000-000000000000')::text || date_trunc('month', close_date)::date::text || currency || status || forecast_category as k,
      count(*)::int as deals, sum(amount)::float8 as amount, sum(amount::numeric * probability)::float8 as weighted
    from opportunities where org_id = ${org} and deleted_at is null group by 1 order by 1`);
  const rowsOf = (r: unknown) => (r as { rows: { k: string; deals: number; amount: number; weighted: number }[] }).rows.map((x) => [x.k, Number(x.deals), Number(x.amount), Number(x.weighted)]);
  assert.ok(rowsOf(direct).length >= 5);
  assert.deepEqual(rowsOf(totals), rowsOf(direct));
  // And the roll-up reads them: Ron now has the re-owned deal as best case.
  const tree = (await admin.get(`/api/v1/forecasts?period=${quarter.key}`)).json().tree as Node[];
  const ronNode = tree[0]!.children.find((c) => c.name === 'West')!.children.find((c) => c.name === 'Ron Rep')!;
  assert.equal((ronNode.totals.EUR as unknown as { bestCase: number }).bestCase, 12_000);
});
