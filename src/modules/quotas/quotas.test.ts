import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { daysBetween, periodContaining, toDay } from './model.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Quotas');
const manager = await addUser(t, admin, 'manager', 'Mia Manager');
const rex = await addUser(t, admin, 'rep', 'Rex Rep');
const ria = await addUser(t, admin, 'rep', 'Ria Rep');
const exec = await addUser(t, admin, 'executive', 'Eli Exec');
const east = (await admin.post('/api/v1/teams', { name: 'East', managerId: manager.userId })).json();
const west = (await admin.post('/api/v1/teams', { name: 'West' })).json();
for (const who of [rex, ria, manager]) {
  const res = await admin.patch(`/api/v1/users/${who.userId}`, { teamId: east.id });
  assert.equal(res.statusCode, 200, res.body);
}
const today = toDay(new Date());
const quarter = periodContaining(today, 'quarter', 1);

async function winDeal(owner: Caller, amount: number, currency = 'EUR') {
  const deal = (await owner.post('/api/v1/opportunities', { name: `Deal ${amount}`, currency, amount, closeDate: today })).json();
  await t.database.db.execute(sql`
    update opportunities set status = 'won', forecast_category = 'closed', closed_at = now(),
      stage_id = (select s.id from pipeline_stages s where s.org_id = ${owner.orgId} and s.pipeline_id = opportunities.pipeline_id and s.outcome = 'won')
    where org_id = ${owner.orgId} and id = ${deal.id}`);
  return deal;
}

test('managers set quotas for their team; reps and executives cannot; every change is audited', async () => {
  const body = { scope: 'user', scopeId: rex.userId, period: quarter.key, metric: 'closed_won', currency: 'EUR', target: 100_000 };
  assert.equal((await rex.request({ method: 'PUT', url: '/api/v1/quotas', payload: body })).statusCode, 403);
  assert.equal((await exec.request({ method: 'PUT', url: '/api/v1/quotas', payload: body })).statusCode, 403);
  const first = await manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: { ...body, target: 90_000 } });
  assert.equal(first.statusCode, 200, first.body);
  const second = await manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: body });
  assert.equal(second.json().id, first.json().id);
  assert.equal(second.json().target, 100_000);
  assert.equal(second.json().periodStart, quarter.start);
  const outside = await manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: { ...body, scope: 'team', scopeId: west.id } });
  assert.equal(outside.statusCode, 403, 'West is not her team');
  const bad = await manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: { ...body, period: 'FY2026-Q5' } });
  assert.equal(bad.statusCode, 400);
  const audit = await t.database.db.execute(sql`select action, before, after from audit_log where org_id = ${admin.orgId} and entity_type = 'quota' order by id`);
  const rows = (audit as unknown as { rows: { action: string; before: { target: number } | null; after: { target: number } }[] }).rows;
  assert.deepEqual(
    rows.map((r) => [r.action, r.before?.target ?? null, r.after.target]),
    [
      ['create', null, 90_000],
      ['update', 90_000, 100_000],
    ],
  );
});

test('attainment, pacing, gap, leaderboard and a team quota prorated by days in the team', async () => {
  await manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: { scope: 'user', scopeId: ria.userId, period: quarter.key, metric: 'closed_won', currency: 'EUR', target: 50_000 } });
  await winDeal(rex, 40_000);
  await winDeal(ria, 30_000);
  await winDeal(ria, 9_999, 'USD');
  const res = await manager.get(`/api/v1/quotas/attainment?period=${quarter.key}&metric=closed_won&currency=EUR`);
  assert.equal(res.statusCode, 200, res.body);
  const report = res.json();
  const rexRow = report.users.find((u: { userId: string }) => u.userId === rex.userId);
  assert.deepEqual([rexRow.target, rexRow.actual, rexRow.attainment, rexRow.gap], [100_000, 40_000, 0.4, 60_000]);
  assert.deepEqual(
    report.leaderboard.map((l: { name: string; rank: number; attainment: number }) => [l.name, l.rank, l.attainment]),
    [
      ['Ria Rep', 1, 0.6],
      ['Rex Rep', 2, 0.4],
    ],
  );
  // Everyone joined East today: each member quota counts for the days left in the quarter.
  const team = report.teams.find((x: { teamId: string }) => x.teamId === east.id);
  const share = (target: number) => Math.round((target * daysBetween(today, quarter.end)) / daysBetween(quarter.start, quarter.end));
  assert.equal(team.ownTarget, false);
  assert.equal(team.membersTarget, share(100_000) + share(50_000));
  assert.equal(team.target, team.membersTarget);
  assert.equal(team.actual, 70_000, 'both deals closed after they joined; the USD deal does not count');
  const own = await manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: { scope: 'team', scopeId: east.id, period: quarter.key, metric: 'closed_won', currency: 'EUR', target: 200_000 } });
  assert.equal(own.statusCode, 200, own.body);
  const withOwn = (await manager.get(`/api/v1/quotas/attainment?period=${quarter.key}&currency=EUR`)).json().teams.find((x: { teamId: string }) => x.teamId === east.id);
  assert.deepEqual([withOwn.ownTarget, withOwn.target, withOwn.membersTarget, withOwn.attainment], [true, 200_000, team.membersTarget, 0.35]);
  assert.ok(withOwn.businessDaysElapsed > 0 && withOwn.businessDaysElapsed <= withOwn.businessDaysTotal);
});

test('who sees whose numbers: reps their team as configured, executives their own', async () => {
  const names = async (caller: Caller) => ((await caller.get(`/api/v1/quotas/attainment?period=${quarter.key}`)).json().users as { name: string }[]).map((u) => u.name).sort();
  assert.deepEqual(await names(ria), ['Mia Manager', 'Rex Rep', 'Ria Rep']);
  assert.deepEqual(await names(exec), ['Eli Exec']);
  const off = await admin.patch('/api/v1/org-settings', { repsSeeTeamNumbers: false });
  assert.equal(off.statusCode, 200, off.body);
  assert.deepEqual(await names(ria), ['Ria Rep']);
  assert.deepEqual((await ria.get(`/api/v1/quotas?period=${quarter.key}`)).json().data.map((q: { scopeId: string }) => q.scopeId), [ria.userId]);
  assert.equal((await ria.get(`/api/v1/quotas/history?scope=user&scopeId=${rex.userId}`)).statusCode, 404);
  await admin.patch('/api/v1/org-settings', { repsSeeTeamNumbers: true });
  const history = (await ria.get(`/api/v1/quotas/history?scope=user&scopeId=${ria.userId}&count=2&currency=EUR`)).json().data;
  assert.deepEqual(
    history.map((h: { period: { key: string }; target: number; actual: number }) => [h.period.key, h.target, h.actual]),
    [
      [periodContaining(toDay(new Date(Date.parse(quarter.start) - 86_400_000)), 'quarter', 1).key, 0, 0],
      [quarter.key, 50_000, 30_000],
    ],
  );
});

test('a fiscal year starting in October names periods by the year they end in', async () => {
  const res = await admin.patch('/api/v1/org-settings', { fiscalYearStartMonth: 10 });
  assert.equal(res.statusCode, 200, res.body);
  const report = (await admin.get('/api/v1/quotas/attainment?kind=year')).json();
  assert.equal(report.period.key, periodContaining(today, 'year', 10).key);
  assert.equal(report.period.start.slice(5), '10-01');
  await admin.patch('/api/v1/org-settings', { fiscalYearStartMonth: 1 });
});

test('a rep who moves team mid-period counts for each team by the days spent in it', async () => {
  const north = (await admin.post('/api/v1/teams', { name: 'North', managerId: manager.userId })).json();
  assert.equal((await admin.patch(`/api/v1/users/${rex.userId}`, { teamId: north.id })).statusCode, 200);
  // Rex joined East before the quarter and moved to North half way to today.
  const total = daysBetween(quarter.start, quarter.end);
  const moveDay = toDay(new Date(Date.parse(`${quarter.start}T00:00:00Z`) + Math.max(1, Math.floor(daysBetween(quarter.start, today) / 2)) * 86_400_000));
  const audit = (day: string, teamId: string) => sql`
    update audit_log set created_at = ${`${day}T09:00:00Z`}::timestamptz
    where org_id = ${admin.orgId} and entity_type = 'user' and entity_id = ${rex.userId} and after->>'teamId' = ${teamId}`;
  await t.database.db.execute(audit(toDay(new Date(Date.parse(`${quarter.start}T00:00:00Z`) - 86_400_000)), east.id));
  await t.database.db.execute(audit(moveDay, north.id));
  const report = (await manager.get(`/api/v1/quotas/attainment?period=${quarter.key}&currency=EUR`)).json();
  const rexIn = (teamId: string) => report.teams.find((x: { teamId: string }) => x.teamId === teamId).members.find((m: { userId: string }) => m.userId === rex.userId);
  const inEast = daysBetween(quarter.start, moveDay);
  const wonAfterMove = today >= moveDay;
  assert.deepEqual(rexIn(east.id), { userId: rex.userId, name: 'Rex Rep', daysInTeam: inEast, proratedTarget: Math.round((100_000 * inEast) / total), actualInTeam: wonAfterMove ? 0 : 40_000 });
  assert.deepEqual(rexIn(north.id), { userId: rex.userId, name: 'Rex Rep', daysInTeam: total - inEast, proratedTarget: Math.round((100_000 * (total - inEast)) / total), actualInTeam: wonAfterMove ? 40_000 : 0 });
});
