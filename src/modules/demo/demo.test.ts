import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn, startTestApp } from '../../../test/helpers.ts';
import { DEMO_ADMIN_EMAIL, DEMO_ORG_NAME, DEMO_PASSWORD, seedDemo } from './service.ts';

const t = await startTestApp();

const counts = async () =>
  (
    await t.database.executeSql(
      'select (select count(*) from organizations) as orgs, (select count(*) from users) as users, (select count(*) from leads) as leads, (select count(*) from accounts) as accounts, (select count(*) from contacts) as contacts',
    )
  ).rows[0]!;

test('the demo organisation loads once, with its staff, teams, accounts and leads, and its admin signs in', async () => {
  const lines: string[] = [];
  const started = Date.now();
  const first = await seedDemo(t.database, (line) => lines.push(line));
  assert.equal(first.created, true);
  assert.ok(Date.now() - started < 30_000, 'a few seconds, not minutes');
  assert.match(lines.join('\n'), /Sign in as admin@northwind\.demo \/ northwind-demo/);

  const admin = await signIn(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  const users = (await admin.get('/api/v1/users')).json().data as { role: string }[];
  const roles = users.map((u) => u.role).sort();
  assert.deepEqual(roles, ['admin', 'executive', 'manager', 'partner', 'rep', 'rep', 'rep', 'rep', 'rep']);
  const teams = (await admin.get('/api/v1/teams')).json().data as { name: string; memberIds: string[] }[];
  assert.deepEqual(teams.map((team) => team.name), ['Inside Sales EMEA', 'Inside Sales NA']);
  assert.deepEqual(teams.map((team) => team.memberIds.length), [3, 2]);

  const leads = (await admin.get('/api/v1/leads?limit=500')).json();
  assert.equal(leads.data.length, 500);
  assert.ok(leads.nextCursor, 'more than one page of leads');
  const oldest = (await admin.get('/api/v1/leads?sort=createdAt&limit=1')).json().data[0];
  assert.ok(Date.now() - Date.parse(oldest.createdAt) > 150 * 24 * 3600 * 1000, 'history goes back months');
  const accounts = (await admin.get('/api/v1/accounts?limit=5')).json();
  assert.equal(accounts.data.length, 5);

  const row = await counts();
  assert.ok(Number(row.leads) >= 2900 && Number(row.leads) <= 3100);
  assert.equal(Number(row.accounts), 300);
  assert.ok(Number(row.contacts) >= 300 && Number(row.contacts) <= 1500);

  // A rep signs in with the same documented password and sees the leads of the team's territory.
  const rep = await signIn(t.app, 'sophie.laurent@northwind.demo', DEMO_PASSWORD);
  assert.equal((await rep.get('/api/v1/leads?limit=1')).statusCode, 200);
});

test('the demo has deals in every stage of the main pipeline, won and lost, with their history, and months of activity by the reps', async () => {
  const admin = await signIn(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  const pipelines = (await admin.get('/api/v1/pipelines')).json().data as { id: string; kind: string; stages: { id: string; name: string; outcome: string }[] }[];
  const main = pipelines.find((p) => p.kind === 'new_business')!;
  for (const stage of main.stages) {
    const deals = (await admin.get(`/api/v1/opportunities?stageId=${stage.id}&limit=5`)).json().data as { amount: number; currency: string; ownerId: string; lossReason: string | null; winReason: string | null }[];
    assert.ok(deals.length > 0, `deals in ${stage.name}`);
    for (const deal of deals) {
      assert.ok(deal.amount > 0 && ['USD', 'EUR', 'GBP'].includes(deal.currency));
      if (stage.outcome === 'lost') assert.ok(deal.lossReason, 'a lost deal says why');
      if (stage.outcome === 'won') assert.ok(deal.winReason, 'a won deal says why');
    }
  }

  const day = 24 * 3600 * 1000;
  const won = (await admin.get(`/api/v1/opportunities?pipelineId=${main.id}&status=won&sort=-closeDate&limit=500`)).json().data as { id: string; accountId: string; closeDate: string }[];
  const lost = (await admin.get('/api/v1/opportunities?status=lost&limit=1')).json().data;
  const open = (await admin.get('/api/v1/opportunities?status=open&sort=-closeDate&limit=1')).json().data as { closeDate: string }[];
  assert.ok(won.length >= 20 && lost.length === 1 && open.length === 1);
  assert.ok(Date.now() - Date.parse(won.at(-1)!.closeDate) > 120 * day, 'deals closed months ago');
  assert.ok(Date.parse(open[0]!.closeDate) - Date.now() > 30 * day, 'open deals close in the coming months');

  // A won deal walked through every open stage, in order, before it was won; its account is a customer.
  const history = (await admin.get(`/api/v1/opportunities/${won[0]!.id}/history`)).json().data as { stageId: string; changedAt: string }[];
  assert.deepEqual(history.map((h) => h.stageId), main.stages.filter((s) => s.outcome !== 'lost').map((s) => s.id));
  const times = history.map((h) => Date.parse(h.changedAt));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'stage changes in time order');
  assert.equal((await admin.get(`/api/v1/accounts/${won[0]!.accountId}`)).json().lifecycleStage, 'customer');
  const wonWithoutProducts = (await t.database.executeSql("select count(*) as n from opportunities o where status = 'won' and not exists (select 1 from line_items l where l.org_id = o.org_id and l.opportunity_id = o.id)")).rows[0]!;
  assert.equal(Number(wonWithoutProducts.n), 0, 'won deals passed the products gate');

  const span = (await t.database.executeSql(
    "select count(*) as n, extract(epoch from max(occurred_at) - min(occurred_at)) / 86400 as days, count(distinct actor_id) as actors, count(distinct subject_type) as subjects, sum(case when extract(isodow from occurred_at) > 5 then 1 else 0 end) as weekend from activities where kind in ('call', 'call_connected', 'email', 'email_replied', 'meeting_held', 'note')",
  )).rows[0]!;
  assert.ok(Number(span.n) >= 3000, 'a few thousand activities');
  assert.ok(Number(span.days) >= 90, 'activity spans at least three months');
  assert.equal(Number(span.subjects), 4, 'on leads, contacts, accounts and deals');
  assert.ok(Number(span.actors) >= 6, 'by the reps and the executive');
  assert.equal(Number(span.weekend), 0, 'on weekdays');

  // A worked lead shows its calls and emails on its timeline, and the scores count that engagement.
  const rep = await signIn(t.app, 'sophie.laurent@northwind.demo', DEMO_PASSWORD);
  // A qualified lead the reps worked (not every qualified lead has calls, and list order varies by database).
  const worked = (await t.database.executeSql(
    "select l.id from leads l where l.status = 'qualified' and exists (select 1 from activities a where a.org_id = l.org_id and a.subject_type = 'lead' and a.subject_id = l.id and a.kind in ('call', 'call_connected', 'email', 'email_replied')) order by l.id limit 1",
  )).rows[0]!;
  const lead = { id: String(worked.id) };
  const timeline = (await rep.get(`/api/v1/leads/${lead.id}/timeline?limit=50`)).json().data as { kind: string }[];
  assert.ok(timeline.some((item) => ['call', 'call_connected', 'email', 'email_replied', 'meeting_held', 'note', 'email_opened'].includes(item.kind)));
  const engaged = (await t.database.executeSql("select count(*) as n from leads where score_explanation::text like '%\"engagement\"%'")).rows[0]!;
  assert.ok(Number(engaged.n) > 100, 'engagement counts in lead scores');
});

test('a second run adds nothing', async () => {
  const before = await counts();
  const lines: string[] = [];
  const again = await seedDemo(t.database, (line) => lines.push(line));
  assert.equal(again.created, false);
  assert.match(lines.join('\n'), new RegExp(`"${DEMO_ORG_NAME}" is already there; nothing added`));
  assert.deepEqual(await counts(), before);
});
