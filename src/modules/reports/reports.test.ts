import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';

// One org with hand-counted numbers for March 2026 (see each assertion for the arithmetic).
const t = await startTestApp();
const db = t.database.db;
const admin = await newOrg(t, 'Reports');
const manager = await addUser(t, admin, 'manager', 'Mia Manager');
const rep1 = await addUser(t, admin, 'rep', 'Rita Rep');
const rep2 = await addUser(t, admin, 'rep', 'Rob Rep');
const rep3 = await addUser(t, admin, 'rep', 'Ria Rep');
const partner = await addUser(t, admin, 'partner', 'Pat Partner');
const other = await newOrg(t, 'Other');
const org = admin.orgId;
const teamA = newId();
const teamB = newId();
await db.execute(sql`insert into teams (org_id, id, name) values (${org}, ${teamA}, 'Team A'), (${org}, ${teamB}, 'Team B')`);
await db.execute(sql`update users set team_id = ${teamA} where org_id = ${org} and id in (${rep1.userId}, ${rep2.userId})`);
await db.execute(sql`update users set team_id = ${teamB} where org_id = ${org} and id = ${rep3.userId}`);

const at = (day: string) => `${day}T10:00:00Z`;
const lead = async (owner: string, created: string, status: string, source: string, qualified: string | null = null) => {
  const id = newId();
  await db.execute(sql`insert into leads (org_id, id, first_name, last_name, company, status, source, owner_id, created_at, qualified_at)
    values (${org}, ${id}, 'L', ${id.slice(-4)}, 'Co', ${status}, ${source}, ${owner}, ${at(created)}::timestamptz, ${qualified ? at(qualified) : null}::timestamptz)`);
  return id;
};
// rep1: six leads in March (two converted, one qualified), one in February; rep2: two; rep3: two.
// Lead → qualified: 1, 2, 2, 1 and 4 days (median 2).
const L1 = await lead(rep1.userId, '2026-03-01', 'converted', 'web', '2026-03-02');
const L2 = await lead(rep1.userId, '2026-03-02', 'converted', 'web', '2026-03-04');
await lead(rep1.userId, '2026-03-03', 'qualified', 'web', '2026-03-05');
await lead(rep1.userId, '2026-03-04', 'working', 'event');
await lead(rep1.userId, '2026-03-05', 'new', 'event');
await lead(rep1.userId, '2026-03-06', 'disqualified', 'event');
await lead(rep1.userId, '2026-02-10', 'qualified', 'web', '2026-02-11');
const L7 = await lead(rep2.userId, '2026-03-05', 'converted', 'web', '2026-03-06');
await lead(rep2.userId, '2026-03-07', 'new', 'web');
await lead(rep3.userId, '2026-03-08', 'qualified', 'event', '2026-03-12');
await lead(rep3.userId, '2026-03-09', 'new', 'event');

const pipeline = newId();
const [discovery, demo, won, lost] = [newId(), newId(), newId(), newId()];
await db.execute(sql`insert into pipelines (org_id, id, name, kind, position) values (${org}, ${pipeline}, 'Report pipeline', 'new_business', 9)`);
await db.execute(sql`insert into pipeline_stages (org_id, id, pipeline_id, name, position, probability, forecast_category, outcome) values
  (${org}, ${discovery}, ${pipeline}, 'Discovery', 1, 10, 'pipeline', 'open'), (${org}, ${demo}, ${pipeline}, 'Demo', 2, 40, 'pipeline', 'open'),
  (${org}, ${won}, ${pipeline}, 'Won', 3, 100, 'closed', 'won'), (${org}, ${lost}, ${pipeline}, 'Lost', 4, 0, 'omitted', 'lost')`);
const A1 = newId();
const A2 = newId();
await db.execute(sql`insert into accounts (org_id, id, name) values (${org}, ${A1}, 'Alpha GmbH'), (${org}, ${A2}, 'Beta AG')`);
const deal = async (o: { owner: string; account: string; stage: string; status: string; amount: number; created: string; closed: string | null; closeDate: string; lossReason?: string; currency?: string }) => {
  const id = newId();
  await db.execute(sql`insert into opportunities (org_id, id, pipeline_id, stage_id, name, account_id, owner_id, amount, currency, close_date, probability, forecast_category, status, source, loss_reason, created_at, closed_at)
    values (${org}, ${id}, ${pipeline}, ${o.stage}, ${`Deal ${id.slice(-4)}`}, ${o.account}, ${o.owner}, ${o.amount}, ${o.currency ?? 'EUR'}, ${o.closeDate}, 50, 'pipeline', ${o.status}, 'web', ${o.lossReason ?? null},
      ${at(o.created)}::timestamptz, ${o.closed ? at(o.closed) : null}::timestamptz)`);
  return id;
};
const history = async (opportunity: string, stage: string, changedAt: string, closeDate = '2026-03-30', previousCloseDate: string | null = null) =>
  db.execute(sql`insert into opportunity_history (org_id, id, opportunity_id, changed_at, changes, stage_id, amount, currency, close_date, previous_close_date, probability, forecast_category, status)
    values (${org}, ${newId()}, ${opportunity}, ${at(changedAt)}::timestamptz, '{stage}', ${stage}, 0, 'EUR', ${closeDate}, ${previousCloseDate}, 10, 'pipeline', 'open')`);
// Qualified → deal: 1, 2 and 5 days (median 2); deal → won: 10 and 20 days (median 15).
const O1 = await deal({ owner: rep1.userId, account: A1, stage: won, status: 'won', amount: 1000, created: '2026-03-03', closed: '2026-03-13', closeDate: '2026-03-13' });
const O2 = await deal({ owner: rep1.userId, account: A1, stage: won, status: 'won', amount: 3000, created: '2026-03-06', closed: '2026-03-26', closeDate: '2026-03-26' });
const O3 = await deal({ owner: rep2.userId, account: A2, stage: lost, status: 'lost', amount: 2000, created: '2026-03-11', closed: '2026-03-20', closeDate: '2026-03-20', lossReason: 'Price' });
const O4 = await deal({ owner: rep1.userId, account: A2, stage: demo, status: 'open', amount: 5000, created: '2026-02-10', closed: null, closeDate: '2026-03-30' });
// A dollar deal: never added to the euros.
const O5 = await deal({ owner: rep1.userId, account: A2, stage: demo, status: 'open', amount: 7000, created: '2026-02-11', closed: null, closeDate: '2026-03-20', currency: 'USD' });
await history(O1, discovery, '2026-03-03');
await history(O1, demo, '2026-03-05');
await history(O2, discovery, '2026-03-06');
await history(O3, discovery, '2026-03-11');
await history(O3, demo, '2026-03-12');
await history(O4, demo, '2026-03-02', '2026-03-30', '2026-03-01');
const conversion = (leadId: string, opp: string, account: string, day: string) =>
  db.execute(sql`insert into lead_conversions (org_id, id, lead_id, account_id, account_name, account_reused, opportunity_id, converted_at) values (${org}, ${newId()}, ${leadId}, ${account}, 'x', false, ${opp}, ${at(day)}::timestamptz)`);
await conversion(L1, O1, A1, '2026-03-03');
await conversion(L2, O2, A1, '2026-03-06');
await conversion(L7, O3, A2, '2026-03-11');

// Activity in the week of Monday 2 March: rep1 made 10 calls (3 connected), sent 5 emails, got 1 reply.
const activity = (kind: string, n: number, actor: string, day: string) =>
  db.execute(sql`insert into activities (org_id, id, subject_type, subject_id, kind, occurred_at, actor_id)
    select ${org}, gen_random_uuid(), 'lead', ${L1}, ${kind}, ${at(day)}::timestamptz, ${actor} from generate_series(1, ${n})`);
await activity('call', 7, rep1.userId, '2026-03-02');
await activity('call_connected', 3, rep1.userId, '2026-03-03');
await activity('email', 5, rep1.userId, '2026-03-03');
await activity('email_replied', 1, rep1.userId, '2026-03-04');
await activity('call', 4, rep3.userId, '2026-03-02');
await db.execute(sql`insert into activity_goals (org_id, id, scope, scope_id, calls) values (${org}, ${newId()}, 'org', ${org}, 4)`);
await db.execute(sql`insert into meetings (org_id, id, kind, title, starts_at, ends_at, time_zone, organizer_id, status, created_at)
  values (${org}, ${newId()}, 'demo', 'Demo', ${at('2026-03-04')}::timestamptz, ${at('2026-03-04')}::timestamptz + interval '1 hour', 'UTC', ${rep1.userId}, 'held', ${at('2026-03-03')}::timestamptz)`);
// Speed-to-lead: met after 5 minutes, breached after 45, one still running: 50% compliance, median 25 min.
const clock = (status: string, minutes: number | null) =>
  db.execute(sql`insert into sla_timers (org_id, id, kind, subject_type, subject_id, owner_id, minutes, started_at, due_at, status, stopped_at)
    values (${org}, ${newId()}, 'first_touch', 'lead', ${L1}, ${rep1.userId}, 30, ${at('2026-03-03')}::timestamptz, ${at('2026-03-03')}::timestamptz + interval '30 minutes', ${status},
      ${minutes === null ? null : sql`${at('2026-03-03')}::timestamptz + make_interval(mins => ${minutes})`})`);
await clock('met', 5);
await clock('breached', 45);
await clock('running', null);

const MARCH = 'period=month&at=2026-03-15T00:00:00Z';
const steps = (body: { steps: { step: string; count: number }[] }) => Object.fromEntries(body.steps.map((s) => [s.step, s.count]));

describe('funnel', () => {
  test('counts, conversions and median days match the hand count', async () => {
    const res = await manager.get(`/api/v1/reports/funnel?${MARCH}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    // Ten March leads; qualified or converted: L1, L2, L3, L7, L9; three deals; two won, both Alpha GmbH.
    assert.deepEqual(steps(body), { leads: 10, qualified: 5, opportunities: 3, won: 2, customers: 1 });
    assert.deepEqual(body.steps.map((s: { conversion: number | null }) => s.conversion), [null, 0.5, 0.6, 2 / 3, 0.5]);
    assert.deepEqual(body.steps.map((s: { medianDays: number | null }) => s.medianDays), [null, 2, 2, 15, null]);
    assert.equal(body.leak, 'The funnel leaks most between leads and qualified: only 50% move on');
  });
  test('by source and by team', async () => {
    const bySource = (await manager.get(`/api/v1/reports/funnel?${MARCH}&groupBy=source`)).json();
    const web = bySource.groups.find((g: { key: string }) => g.key === 'web');
    assert.deepEqual(steps(web), { leads: 5, qualified: 4, opportunities: 3, won: 2, customers: 1 });
    const byTeam = (await manager.get(`/api/v1/reports/funnel?${MARCH}&teamId=${teamB}`)).json();
    assert.deepEqual(steps(byTeam), { leads: 2, qualified: 1, opportunities: 0, won: 0, customers: 0 });
  });
  test('drill-down returns the records behind a number, paged', async () => {
    const won = (await manager.get(`/api/v1/reports/funnel/records?${MARCH}&step=won`)).json();
    assert.equal(won.total, 2);
    assert.deepEqual(won.data.map((r: { id: string }) => r.id).sort(), [O1, O2].sort());
    const customers = (await manager.get(`/api/v1/reports/funnel/records?${MARCH}&step=customers`)).json();
    assert.deepEqual(customers.data.map((r: { name: string }) => r.name), ['Alpha GmbH']);
    const page = (await manager.get(`/api/v1/reports/funnel/records?${MARCH}&step=leads&limit=4&offset=8`)).json();
    assert.equal(page.total, 10);
    assert.equal(page.data.length, 2);
  });
});

const quota = (scope: 'user' | 'team', scopeId: string, target: number) =>
  manager.request({ method: 'PUT', url: '/api/v1/quotas', payload: { scope, scopeId, period: 'FY2026-M03', metric: 'closed_won', currency: 'EUR', target } });

describe('pipeline', () => {
  test('coverage of the quota, created vs closed, win rate, deal size, cycle, slippage, losses, stage conversion', async () => {
    const before = (await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=EUR`)).json();
    assert.deepEqual([before.target, before.coverage], [null, null]);
    await db.execute(sql`update teams set manager_id = ${manager.userId} where org_id = ${org}`);
    assert.equal((await quota('team', teamA, 10000)).statusCode, 200);
    const res = await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=EUR`);
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json();
    assert.equal(p.currency, 'EUR');
    assert.deepEqual(p.currencies, ['EUR', 'USD']);
    assert.equal(p.openAmount, 5000);
    assert.deepEqual(p.created, { deals: 3, amount: 6000 });
    assert.deepEqual(p.closed, { won: 2, lost: 1, wonAmount: 4000 });
    assert.equal(p.winRate, 2 / 3);
    assert.equal(p.averageDealSize, 2000);
    assert.equal(p.medianCycleDays, 15);
    // Four deals due in March; O4's close date was pushed from 1 to 30 March.
    assert.equal(p.slippageRate, 0.25);
    // The org's target: team A's own quota (10,000) plus team B's members' (none); 4,000 won.
    assert.deepEqual([p.target, p.targetFrom, p.quotaPeriod], [10000, 'quota', 'FY2026-M03']);
    assert.equal(p.remainingTarget, 6000);
    assert.equal(p.coverage, 5000 / 6000);
    assert.deepEqual(p.lossReasons, [{ reason: 'Price', deals: 1, amount: 2000 }]);
    const mine = p.stages.filter((s: { stageId: string }) => [discovery, demo, won].includes(s.stageId));
    assert.deepEqual(mine.map((s: { reached: number; toNext: number | null }) => [s.reached, s.toNext]), [[3, 2 / 3], [2, 1], [2, null]]);
    const slipped = (await manager.get(`/api/v1/reports/pipeline/records?${MARCH}&set=slipped&currency=EUR`)).json();
    assert.deepEqual(slipped.data.map((r: { id: string }) => r.id), [O4]);
  });
  test('one currency at a time: dollars are their own report, never added to euros', async () => {
    const usd = (await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=USD`)).json();
    assert.deepEqual([usd.currency, usd.openAmount, usd.openDeals, usd.closed.wonAmount, usd.target], ['USD', 7000, 1, 0, null]);
    const open = (await manager.get(`/api/v1/reports/pipeline/records?${MARCH}&set=open&currency=USD`)).json();
    assert.deepEqual(open.data.map((r: { id: string }) => r.id), [O5]);
    assert.equal((await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=euro`)).statusCode, 400);
  });
  test('a rep\'s and a team\'s coverage use their own quotas; a given target overrides', async () => {
    assert.equal((await quota('user', rep1.userId, 8000)).statusCode, 200);
    // Rita: 5,000 open against 8,000 − 4,000 won.
    const rita = (await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=EUR&repId=${rep1.userId}`)).json();
    assert.deepEqual([rita.target, rita.remainingTarget, rita.coverage], [8000, 4000, 1.25]);
    const team = (await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=EUR&teamId=${teamA}`)).json();
    assert.deepEqual([team.target, team.coverage], [10000, 5000 / 6000]);
    // Rita sees her team's numbers, so her own view is team A's quota.
    assert.equal((await rep1.get(`/api/v1/reports/pipeline?${MARCH}&currency=EUR`)).json().target, 10000);
    const given = (await manager.get(`/api/v1/reports/pipeline?${MARCH}&currency=EUR&target=9000`)).json();
    assert.deepEqual([given.target, given.targetFrom, given.coverage], [9000, 'parameter', 1]);
    // A range that is no fiscal period has no quota to cover.
    const week = (await manager.get('/api/v1/reports/pipeline?period=week&at=2026-03-04T00:00:00Z&currency=EUR')).json();
    assert.equal(week.target, null);
  });
});

describe('activity', () => {
  test('per rep per week against the daily goal, meetings, speed-to-lead', async () => {
    const res = await manager.get('/api/v1/reports/activity?period=week&at=2026-03-04T00:00:00Z');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const rita = body.rows.find((r: { repId: string }) => r.repId === rep1.userId);
    assert.equal(rita.bucket, '2026-03-02');
    assert.deepEqual([rita.calls, rita.connects, rita.emails, rita.replies, rita.meetingsBooked, rita.meetingsHeld], [10, 3, 5, 1, 1, 1]);
    assert.equal(rita.connectRate, 0.3);
    assert.equal(rita.goals.calls, 20);
    assert.equal(rita.attainment.calls, 0.5);
    assert.equal(body.totals.calls, 14);
    assert.deepEqual(body.speedToLead, { clocks: 3, met: 1, breached: 1, running: 1, compliance: 0.5, medianMinutes: 25 });
    const daily = (await manager.get('/api/v1/reports/activity?period=week&at=2026-03-04T00:00:00Z&bucket=day&repId=' + rep1.userId)).json();
    assert.deepEqual(daily.rows.map((r: { bucket: string; calls: number }) => [r.bucket, r.calls]), [['2026-03-02', 7], ['2026-03-03', 3], ['2026-03-04', 0]]);
    const connects = (await manager.get(`/api/v1/reports/activity/records?period=week&at=2026-03-04T00:00:00Z&metric=connects&repId=${rep1.userId}`)).json();
    assert.equal(connects.total, 3);
  });
});

describe('who sees what', () => {
  test('a rep sees their team\'s numbers, not another team\'s or rep\'s; partners see nothing', async () => {
    assert.deepEqual(steps((await rep1.get(`/api/v1/reports/funnel?${MARCH}`)).json()), { leads: 8, qualified: 4, opportunities: 3, won: 2, customers: 1 });
    assert.equal((await rep1.get(`/api/v1/reports/funnel?${MARCH}&repId=${rep3.userId}`)).statusCode, 403);
    assert.equal((await rep1.get(`/api/v1/reports/funnel?${MARCH}&teamId=${teamB}`)).statusCode, 403);
    assert.equal((await rep1.get(`/api/v1/reports/funnel/records?${MARCH}&step=leads&repId=${rep3.userId}`)).statusCode, 403);
    assert.equal((await partner.get(`/api/v1/reports/funnel?${MARCH}`)).statusCode, 403);
    assert.equal((await partner.get('/api/v1/dashboards')).statusCode, 403);
  });
  test('when the org keeps team numbers from reps, a rep sees only their own', async () => {
    const off = await admin.patch('/api/v1/org-settings', { repsSeeTeamNumbers: false });
    assert.equal(off.statusCode, 200, off.body);
    try {
      assert.deepEqual(steps((await rep1.get(`/api/v1/reports/funnel?${MARCH}`)).json()), { leads: 6, qualified: 3, opportunities: 2, won: 2, customers: 1 });
      assert.equal((await rep1.get(`/api/v1/reports/funnel?${MARCH}&repId=${rep2.userId}`)).statusCode, 403);
      assert.equal((await rep1.get(`/api/v1/reports/funnel?${MARCH}&teamId=${teamA}`)).statusCode, 403);
    } finally {
      await admin.patch('/api/v1/org-settings', { repsSeeTeamNumbers: true });
    }
  });
  test('another org sees none of these numbers', async () => {
    assert.deepEqual(steps((await other.get(`/api/v1/reports/funnel?${MARCH}`)).json()), { leads: 0, qualified: 0, opportunities: 0, won: 0, customers: 0 });
  });
});

describe('hints and export', () => {
  test('hints name the leak; a chart exports as CSV', async () => {
    const hints = (await manager.get(`/api/v1/reports/hints?${MARCH}`)).json();
    assert.equal(hints.previousFrom, '2026-02-01T00:00:00.000Z');
    assert.match(hints.leak, /leads and qualified/);
    const csv = await manager.get(`/api/v1/reports/export.csv?${MARCH}&chart=funnel`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.equal(csv.body.split('\r\n')[0], 'step,count,conversion,fromStart,medianDays');
    assert.equal(csv.body.split('\r\n')[1], 'leads,10,,,');
  });
  test('hints compare territories and sources with the month before', async () => {
    const boss = await newOrg(t, 'Hints');
    const territory = newId();
    await db.execute(sql`insert into territories (org_id, id, name, priority, criteria) values (${boss.orgId}, ${territory}, 'DACH', 1, '{}'::jsonb)`);
    // 40 "ads" leads in DACH each month: 20 qualified in February, 4 in March.
    const leads = (day: string, qualified: number) =>
      db.execute(sql`insert into leads (org_id, id, last_name, company, status, source, owner_id, territory_id, created_at)
        select ${boss.orgId}, gen_random_uuid(), 'H' || i, 'Co', case when i <= ${qualified} then 'qualified' else 'working' end, 'ads', ${boss.userId}, ${territory}, ${at(day)}::timestamptz
        from generate_series(1, 40) i`);
    await leads('2026-02-10', 20);
    await leads('2026-03-10', 4);
    const texts = ((await boss.get(`/api/v1/reports/hints?${MARCH}`)).json().hints as { text: string }[]).map((h) => h.text);
    assert.deepEqual(texts.sort(), ['Lead qualification rate for DACH fell from 50% to 10% this month', 'Lead qualification rate for ads fell from 50% to 10% this month']);
  });
  test('a bad range is refused', async () => {
    const res = await manager.get('/api/v1/reports/funnel?from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z');
    assert.equal(res.statusCode, 400);
  });
});

describe('dashboards', () => {
  const widgets = [{ id: 'f', title: 'Funnel', report: 'funnel', chart: 'funnel', filters: { period: 'quarter' } }];
  test('role defaults first; private and shared dashboards; only the owner edits', async () => {
    const repList = (await rep1.get('/api/v1/dashboards')).json();
    assert.equal(repList.data[0].id, 'default-rep');
    assert.equal((await manager.get('/api/v1/dashboards')).json().data[0].id, 'default-manager');
    assert.equal((await rep1.post('/api/v1/dashboards', { name: 'Mine', shared: true, widgets })).statusCode, 403);
    const mine = await rep1.post('/api/v1/dashboards', { name: 'Mine', widgets });
    assert.equal(mine.statusCode, 201, mine.body);
    const shared = await manager.post('/api/v1/dashboards', { name: 'Team weekly', shared: true, widgets });
    assert.equal(shared.statusCode, 201, shared.body);
    const seenByRep2 = (await rep2.get('/api/v1/dashboards')).json().data.map((d: { name: string }) => d.name);
    assert.ok(seenByRep2.includes('Team weekly'));
    assert.ok(!seenByRep2.includes('Mine'));
    assert.equal((await rep2.patch(`/api/v1/dashboards/${shared.json().id}`, { name: 'Hijacked' })).statusCode, 403);
    assert.equal((await rep2.patch(`/api/v1/dashboards/${mine.json().id}`, { name: 'Hijacked' })).statusCode, 404);
    const renamed = await rep1.patch(`/api/v1/dashboards/${mine.json().id}`, { name: 'Mine, renamed', version: 1 });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal((await rep1.patch(`/api/v1/dashboards/${mine.json().id}`, { name: 'Stale', version: 1 })).statusCode, 409);
    assert.equal((await rep1.post('/api/v1/dashboards', { name: 'Twice', widgets: [...widgets, ...widgets] })).statusCode, 400);
    assert.equal((await rep1.del(`/api/v1/dashboards/${mine.json().id}`)).statusCode, 204);
  });
});
