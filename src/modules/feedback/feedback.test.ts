import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';

const t = await startTestApp();
const db = t.database.db;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

const count = async (table: string, orgId: string) =>
  Number(((await db.execute(sql`select count(*)::int as n from ${sql.raw(table)} where org_id = ${orgId}`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);

async function deal(caller: Caller, accountId: string, amount: number, status: 'open' | 'won' | 'lost', currency = 'EUR'): Promise<string> {
  const d = await ok(caller.post('/api/v1/opportunities', { name: `Deal ${amount}`, accountId, amount, currency }), 201);
  if (status !== 'open') await db.execute(sql`update opportunities set status = ${status} where id = ${d.id}`);
  return d.id as string;
}

describe('customer feedback', () => {
  test('capture from a contact fills the account; bad input is problem+json and stores nothing', async () => {
    const admin = await newOrg(t, 'Feedback capture');
    const rep = await addUser(t, admin, 'rep');
    const area = await ok(admin.post('/api/v1/feedback-areas', { name: 'Reporting' }), 201);
    const sub = await ok(admin.post('/api/v1/feedback-areas', { name: 'Dashboards', parentId: area.id }), 201);
    assert.equal(sub.path, 'Reporting › Dashboards');
    const account = await ok(rep.post('/api/v1/accounts', { name: 'Acme' }), 201);
    const other = await ok(rep.post('/api/v1/accounts', { name: 'Other' }), 201);
    const contact = await ok(rep.post('/api/v1/contacts', { firstName: 'Wile', lastName: 'Coyote', accountId: account.id }), 201);

    const item = await ok(rep.post('/api/v1/feedback', { quote: 'We need dashboards per team', kind: 'feature_request', areaId: sub.id, contactId: contact.id, sourceType: 'contact', sourceId: contact.id }), 201);
    assert.equal(item.accountId, account.id);
    assert.equal(item.accountName, 'Acme');
    assert.equal(item.capturedBy, rep.userId);
    assert.equal(item.area, 'Reporting › Dashboards');
    const listed = await ok(rep.get(`/api/v1/feedback?accountId=${account.id}`));
    assert.deepEqual(listed.data.map((f: Json) => f.id), [item.id]);

    const before = await count('feedback_items', admin.orgId);
    const bad = [
      { quote: '', kind: 'feature_request', saidBy: 'x' },
      { quote: 'x', kind: 'wish', saidBy: 'x' },
      { quote: 'x', kind: 'bug' }, // nobody said it
      { quote: 'x', kind: 'bug', contactId: contact.id, accountId: other.id }, // contact at another account
      { quote: 'x', kind: 'bug', saidBy: 'x', areaId: '019a0000-0000-7000-8000-000000000000' },
      { quote: 'x', kind: 'bug', saidBy: 'x', unknown: 1 },
    ];
    for (const body of bad) {
      const res = await rep.post('/api/v1/feedback', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
    assert.equal(await count('feedback_items', admin.orgId), before);
  });

  test('capture from a call: the activity must be in the org (400 on sourceId, nothing stored)', async () => {
    const admin = await newOrg(t, 'Feedback from a call');
    const rep = await addUser(t, admin, 'rep');
    const stranger = await newOrg(t, 'Feedback from a call, elsewhere');
    const account = await ok(rep.post('/api/v1/accounts', { name: 'Call Co' }), 201);
    const contact = await ok(rep.post('/api/v1/contacts', { firstName: 'Road', lastName: 'Runner', accountId: account.id }), 201);
    const call = await ok(rep.post('/api/v1/calls', { subjectType: 'contact', subjectId: contact.id, outcome: 'connected', durationSeconds: 60 }), 201);
    const theirAccount = await ok(stranger.post('/api/v1/accounts', { name: 'Theirs' }), 201);
    const theirContact = await ok(stranger.post('/api/v1/contacts', { firstName: 'Not', lastName: 'Yours', accountId: theirAccount.id }), 201);
    const theirCall = await ok(stranger.post('/api/v1/calls', { subjectType: 'contact', subjectId: theirContact.id, outcome: 'connected', durationSeconds: 60 }), 201);

    const before = await count('feedback_items', admin.orgId);
    for (const source of [
      { sourceType: 'activity', sourceId: theirCall.call.id }, // another org's call
      { sourceType: 'activity', sourceId: '019a0000-0000-7000-8000-000000000000' }, // no such call
      { sourceType: 'contact', sourceId: call.call.id }, // an activity id is no contact
      { sourceType: 'account', sourceId: theirAccount.id },
    ]) {
      const res = await rep.post('/api/v1/feedback', { quote: 'Too slow', kind: 'objection', contactId: contact.id, ...source });
      assert.equal(res.statusCode, 400, `${JSON.stringify(source)} → ${res.body}`);
      assert.deepEqual((res.json() as Json).errors.map((e: Json) => e.field), ['sourceId'], res.body);
    }
    assert.equal(await count('feedback_items', admin.orgId), before);

    const item = await ok(rep.post('/api/v1/feedback', { quote: 'Too slow', kind: 'objection', contactId: contact.id, sourceType: 'activity', sourceId: call.call.id }), 201);
    assert.equal(item.sourceType, 'activity');
    assert.equal(item.sourceId, call.call.id);
    assert.equal(item.accountId, account.id);
  });

  test('roles: reps and executives capture; managers and admins curate ideas and areas; partners nothing', async () => {
    const admin = await newOrg(t, 'Feedback roles');
    const rep = await addUser(t, admin, 'rep');
    const exec = await addUser(t, admin, 'executive');
    const manager = await addUser(t, admin, 'manager');
    await ok(exec.post('/api/v1/feedback', { quote: 'Love it', kind: 'praise', saidBy: 'A customer' }), 201);
    await ok(rep.post('/api/v1/ideas', { title: 'x' }), 403);
    await ok(rep.post('/api/v1/feedback-areas', { name: 'x' }), 403);
    await ok(rep.get('/api/v1/ideas/export.csv'), 403);
    await ok(manager.post('/api/v1/ideas', { title: 'Better exports' }), 201);
    await ok(manager.post('/api/v1/feedback-areas', { name: 'Exports' }), 201);
    assert.equal(await count('ideas', admin.orgId), 1);
  });

  test('tenancy: another org can neither read nor file into this org’s ideas and feedback', async () => {
    const a = await newOrg(t, 'Feedback A');
    const b = await newOrg(t, 'Feedback B');
    const item = await ok(a.post('/api/v1/feedback', { quote: 'Secret wish', kind: 'feature_request', saidBy: 'Someone' }), 201);
    const idea = await ok(a.post('/api/v1/ideas', { title: 'Secret idea' }), 201);
    await ok(b.get(`/api/v1/feedback/${item.id}`), 404);
    await ok(b.get(`/api/v1/ideas/${idea.id}`), 404);
    const mine = await ok(b.post('/api/v1/ideas', { title: 'Mine' }), 201);
    await ok(b.post(`/api/v1/ideas/${mine.id}/feedback`, { feedbackIds: [item.id] }), 400);
    await ok(b.post(`/api/v1/ideas/${mine.id}/merge`, { ideaIds: [idea.id] }), 400);
    assert.equal((await ok(b.get('/api/v1/feedback'))).data.length, 0);
    assert.equal((await ok(b.get('/api/v1/feedback/suggestions?text=Secret%20wish'))).data.length, 0);
    assert.equal((await ok(a.get(`/api/v1/ideas/${idea.id}`))).title, 'Secret idea');
  });

  test('similar feedback and ideas are suggested (pg_trgm); merging moves the quotes', async () => {
    const admin = await newOrg(t, 'Feedback similar');
    const f1 = await ok(admin.post('/api/v1/feedback', { quote: 'Export the pipeline to Excel', kind: 'feature_request', saidBy: 'A' }), 201);
    const f2 = await ok(admin.post('/api/v1/feedback', { quote: 'Please export pipeline to excel', kind: 'feature_request', saidBy: 'B' }), 201);
    const f3 = await ok(admin.post('/api/v1/feedback', { quote: 'The mobile app crashes on login', kind: 'bug', saidBy: 'C' }), 201);
    const s = await ok(admin.get(`/api/v1/feedback/${f1.id}/suggestions`));
    assert.deepEqual(s.data.map((x: Json) => x.id), [f2.id]);
    assert.ok(s.data[0].similarity >= 0.3 && s.data[0].similarity < 1);

    const excel = await ok(admin.post('/api/v1/ideas', { title: 'Excel export of the pipeline', feedbackIds: [f1.id] }), 201);
    const dup = await ok(admin.post('/api/v1/ideas', { title: 'Pipeline export to Excel' }), 201);
    const crash = await ok(admin.post('/api/v1/ideas', { title: 'Fix mobile login crash', feedbackIds: [f3.id] }), 201);
    const forIdea = await ok(admin.get(`/api/v1/ideas/${excel.id}/suggestions`));
    const ids = forIdea.data.map((x: Json) => x.id);
    assert.ok(ids.includes(dup.id), 'the similar idea is a merge candidate');
    assert.ok(ids.includes(f2.id), 'the similar unfiled quote is offered');
    assert.ok(!ids.includes(crash.id) && !ids.includes(f3.id) && !ids.includes(f1.id));

    await ok(admin.post(`/api/v1/ideas/${dup.id}/feedback`, { feedbackIds: [f2.id] }));
    const merged = await ok(admin.post(`/api/v1/ideas/${excel.id}/merge`, { ideaIds: [dup.id] }));
    assert.deepEqual(merged.feedback.map((f: Json) => f.id).sort(), [f1.id, f2.id].sort());
    await ok(admin.get(`/api/v1/ideas/${dup.id}`), 404);
  });

  test('revenue at stake and the ranking match a hand-computed fixture', async () => {
    const admin = await newOrg(t, 'Feedback money');
    const acme = await ok(admin.post('/api/v1/accounts', { name: 'Acme' }), 201);
    const globex = await ok(admin.post('/api/v1/accounts', { name: 'Globex' }), 201);
    const initech = await ok(admin.post('/api/v1/accounts', { name: 'Initech' }), 201);
    // Acme: open 10,000 EUR (cited twice), open 5,000 USD (cited), won 30,000 EUR, lost 99 EUR.
    const acmeOpen = await deal(admin, acme.id, 10_000_00, 'open');
    const acmeUsd = await deal(admin, acme.id, 5_000_00, 'open', 'USD');
    await deal(admin, acme.id, 30_000_00, 'won');
    await deal(admin, acme.id, 99_00, 'lost');
    // Globex: won 7,000 EUR, open 2,000 EUR not cited. Initech: won 1,000,000 EUR but never asked.
    await deal(admin, globex.id, 7_000_00, 'won');
    await deal(admin, globex.id, 2_000_00, 'open');
    await deal(admin, initech.id, 1_000_000_00, 'won');

    const q = (body: Json) => ok(admin.post('/api/v1/feedback', { kind: 'feature_request', saidBy: 'x', ...body }), 201);
    const a1 = await q({ quote: 'SSO please', opportunityId: acmeOpen });
    const a2 = await q({ quote: 'SSO is a must', opportunityId: acmeOpen });
    const a3 = await q({ quote: 'We need SAML', opportunityId: acmeUsd });
    const g1 = await q({ quote: 'SSO', accountId: globex.id });
    // Many small voices with no money: three quotes with no account.
    const n = [await q({ quote: 'dark mode 1' }), await q({ quote: 'dark mode 2' }), await q({ quote: 'dark mode 3' })];
    assert.equal(a1.accountId, acme.id, 'the deal gives the account');

    const sso = await ok(admin.post('/api/v1/ideas', { title: 'Single sign-on', feedbackIds: [a1.id, a2.id, a3.id, g1.id] }), 201);
    const dark = await ok(admin.post('/api/v1/ideas', { title: 'Dark mode', feedbackIds: n.map((x) => x.id) }), 201);
    assert.deepEqual(sso.openPipeline, { EUR: 10_000_00, USD: 5_000_00 });
    assert.deepEqual(sso.wonRevenue, { EUR: 37_000_00 });
    assert.deepEqual(sso.totalAtStake, { EUR: 47_000_00, USD: 5_000_00 });
    assert.equal(sso.openDealCount, 2);
    assert.deepEqual(sso.accounts.map((a: Json) => [a.name, a.feedbackCount]).sort(), [['Acme', 3], ['Globex', 1]]);
    assert.equal(dark.feedbackCount, 3);

    const board = await ok(admin.get('/api/v1/ideas'));
    assert.equal(board.currency, 'EUR');
    assert.deepEqual(board.data.map((i: Json) => i.title), ['Single sign-on', 'Dark mode'], 'money ranks above the count of voices');

    const csv = await admin.get('/api/v1/ideas/export.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'rank,id,title,status,area,feedback_count,accounts,open_pipeline,won_revenue,total_at_stake');
    assert.equal(lines[1], `1,${sso.id},Single sign-on,new,,4,Acme; Globex,EUR 10000.00; USD 5000.00,EUR 37000.00,EUR 47000.00; USD 5000.00`);
    assert.equal(lines.length, 3);
    const fcsv = await admin.get('/api/v1/feedback/export.csv');
    assert.equal(fcsv.statusCode, 200);
    assert.equal(fcsv.body.trim().split('\r\n').length, 1 + 7);
    assert.match(fcsv.body, /SSO is a must/);
  });

  test('a status change notifies the reps whose customers asked, not others', async () => {
    const admin = await newOrg(t, 'Feedback notify');
    const manager = await addUser(t, admin, 'manager');
    const owner = await addUser(t, admin, 'rep', 'Owner Rep');
    const capturer = await addUser(t, admin, 'executive', 'Capturing Exec');
    const bystander = await addUser(t, admin, 'rep', 'Bystander');
    const account = await ok(admin.post('/api/v1/accounts', { name: 'Umbrella', ownerId: owner.userId }), 201);
    const f = await ok(capturer.post('/api/v1/feedback', { quote: 'Audit log export', kind: 'feature_request', accountId: account.id, saidBy: 'CISO' }), 201);
    const idea = await ok(manager.post('/api/v1/ideas', { title: 'Audit export', feedbackIds: [f.id] }), 201);
    await ok(manager.patch(`/api/v1/ideas/${idea.id}`, { description: 'no status change' }));
    const unread = async (c: Caller) => (await ok(c.get('/api/v1/notifications'))).data.filter((n: Json) => n.kind === 'idea_status');
    assert.equal((await unread(owner)).length, 0);
    const updated = await ok(manager.patch(`/api/v1/ideas/${idea.id}`, { status: 'planned', version: 2 }));
    assert.equal(updated.status, 'planned');
    for (const who of [owner, capturer]) {
      const notes = await unread(who);
      assert.equal(notes.length, 1);
      assert.equal(notes[0].link, `/ideas/${idea.id}`);
      assert.match(notes[0].title, /Audit export.*planned/);
    }
    assert.equal((await unread(bystander)).length, 0);
    assert.equal((await unread(manager)).length, 0, 'not the one who changed it');
    await ok(manager.patch(`/api/v1/ideas/${idea.id}`, { status: 'shipped', version: 1 }), 409);
  });
});
