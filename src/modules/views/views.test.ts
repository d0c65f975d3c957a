import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { filtersSchema, type ViewObject } from './model.ts';
import { countRecords, queryRecords } from './service.ts';

const t = await startTestApp();
const db = t.database.db;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

// Wednesday 18 March 2026, 15:00 UTC (New York: 11:00, daylight time since 8 March).
const NOW = new Date('2026-03-18T15:00:00Z');

async function lead(caller: Caller, firstName: string, createdAt: string, fields: Record<string, unknown> = {}): Promise<string> {
  const created = await ok(caller.post('/api/v1/leads', { firstName, lastName: 'Test', company: `${firstName} GmbH`, ...fields }), 201);
  await db.execute(sql`update leads set created_at = ${createdAt}::timestamptz where id = ${created.id}`);
  return created.id as string;
}

async function activity(orgId: string, subjectId: string, kind: string, occurredAt: string, subjectType = 'lead') {
  await db.execute(sql`insert into activities (org_id, id, subject_type, subject_id, kind, occurred_at, summary)
    values (${orgId}, gen_random_uuid(), ${subjectType}, ${subjectId}, ${kind}, ${occurredAt}::timestamptz, ${kind})`);
}

// One org with five leads whose dates and activities are chosen so each filter's answer is known:
//   ann   created 18 Mar 09:00 (today)          score 50  called 10 Mar        owner: admin
//   bob   created 17 Mar 23:30 (yesterday)      score 20  called  1 Mar
//   cleo  created 18 Mar 02:00 (today in UTC, 17 Mar 22:00 in New York)   status working
//   dan   created 12 Mar 12:00 (last week)      score 35  no activity         title empty
//   eve   created  1 Mar 00:00 (this month)     opened an email today (10:00), custom tier gold, arr 1200
//   fay   created 20 Feb (last month)           opened an email yesterday, custom tier silver, arr 900
const admin = await newOrg(t, 'Views');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');
const otherRep = await addUser(t, admin, 'rep', 'Otto Rep');
const manager = await addUser(t, admin, 'manager', 'Mia Manager');
const ids = {
  ann: await lead(admin, 'Ann', '2026-03-18T09:00:00Z', { title: 'CEO', phone: '+1 212 555 0101', timeZone: 'America/New_York' }),
  bob: await lead(admin, 'Bob', '2026-03-17T23:30:00Z', { title: 'CTO', ownerId: rep.userId, phone: '+1 212 555 0102', timeZone: 'America/New_York' }),
  cleo: await lead(admin, 'Cleo', '2026-03-18T02:00:00Z', { title: 'VP', status: 'working', ownerId: rep.userId }),
  dan: await lead(admin, 'Dan', '2026-03-12T12:00:00Z', { ownerId: rep.userId }),
  eve: await lead(admin, 'Eve', '2026-03-01T00:00:00Z', { title: 'Buyer', ownerId: otherRep.userId }),
  fay: await lead(admin, 'Fay', '2026-02-20T12:00:00Z', { title: 'Buyer', ownerId: otherRep.userId }),
};
const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
await db.execute(sql`update leads set score = case id when ${ids.ann}::uuid then 50 when ${ids.bob}::uuid then 20 when ${ids.dan}::uuid then 35 else 0 end where org_id = ${admin.orgId}`);
await db.execute(sql`update leads set custom = '{"tier":"gold","arr":"1200"}'::jsonb where id = ${ids.eve}`);
await db.execute(sql`update leads set custom = '{"tier":"silver","arr":"900"}'::jsonb where id = ${ids.fay}`);
await activity(admin.orgId, ids.ann, 'call', '2026-03-10T10:00:00Z');
await activity(admin.orgId, ids.bob, 'call_connected', '2026-03-01T10:00:00Z');
await activity(admin.orgId, ids.eve, 'email_opened', '2026-03-18T10:00:00Z');
await activity(admin.orgId, ids.fay, 'email_opened', '2026-03-17T10:00:00Z');

// Another org with a lead that would match everything: it must never show.
const stranger = await newOrg(t, 'Stranger');
const strangerLead = await lead(stranger, 'Zed', '2026-03-18T10:00:00Z');
await activity(stranger.orgId, strangerLead, 'email_opened', '2026-03-18T10:00:00Z');

const actorOf = (caller: Caller, role: Actor['role'] = 'admin'): Actor => ({ orgId: caller.orgId, userId: caller.userId, role, via: 'session' });

async function names(filters: unknown, options: { object?: ViewObject; caller?: Caller; role?: Actor['role']; sort?: { field: string; direction: 'asc' | 'desc' } } = {}): Promise<string[]> {
  const page = await queryRecords(db, actorOf(options.caller ?? admin, options.role), { object: options.object ?? 'lead', filters: filtersSchema.parse(filters), sort: options.sort }, { limit: 100, now: NOW });
  return page.data.map((r) => name[r.id] ?? String(r.id)).sort();
}
const where = (...conditions: unknown[]) => ({ conditions });

describe('view filters against hand-computed fixtures', () => {
  test('relative dates in UTC', async () => {
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'today' } })), ['ann', 'cleo']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'yesterday' } })), ['bob']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'last_n_days', n: 7 } })), ['ann', 'bob', 'cleo', 'dan']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'this_week' } })), ['ann', 'bob', 'cleo']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'last_week' } })), ['dan']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'this_month' } })), ['ann', 'bob', 'cleo', 'dan', 'eve']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'last_month' } })), ['fay']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'not_within', value: { kind: 'this_month' } })), ['fay']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'older_than_days', value: 10 })), ['eve', 'fay']);
  });

  test('"today" is the user\'s day: in New York, cleo was created yesterday', async () => {
    await db.execute(sql`update users set time_zone = 'America/New_York' where id = ${manager.userId}`);
    const asManager = { caller: manager, role: 'manager' as const };
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'today' } }), asManager), ['ann']);
    assert.deepEqual(await names(where({ field: 'createdAt', op: 'within', value: { kind: 'yesterday' } }), asManager), ['bob', 'cleo']);
  });

  test('activity conditions: no call in 14 days, opened an email today', async () => {
    // ann was called 8 days ago; bob's call (connected) was 17 days ago.
    assert.deepEqual(await names(where({ activity: 'call', has: false, range: { kind: 'last_n_days', n: 14 } })), ['bob', 'cleo', 'dan', 'eve', 'fay']);
    assert.deepEqual(await names(where({ activity: 'call', has: true, range: { kind: 'last_n_days', n: 30 } })), ['ann', 'bob']);
    assert.deepEqual(await names(where({ activity: 'call_connected', has: true, range: { kind: 'this_month' } })), ['bob']);
    assert.deepEqual(await names(where({ activity: 'email_opened', has: true, range: { kind: 'today' } })), ['eve']);
    assert.deepEqual(await names(where({ activity: 'any', has: false, range: { kind: 'between', from: '2026-01-01T00:00:00Z' } })), ['cleo', 'dan']);
  });

  test('fields: text, numbers, owners ("me"), empties, lists; all and any', async () => {
    assert.deepEqual(await names(where({ field: 'company', op: 'contains', value: 'N GMB' })), ['ann', 'dan']);
    assert.deepEqual(await names(where({ field: 'firstName', op: 'eq', value: 'ANN' })), ['ann']);
    assert.deepEqual(await names(where({ field: 'firstName', op: 'starts_with', value: 'd' })), ['dan']);
    assert.deepEqual(await names(where({ field: 'score', op: 'gte', value: 35 })), ['ann', 'dan']);
    assert.deepEqual(await names(where({ field: 'title', op: 'is_empty' })), ['dan']);
    assert.deepEqual(await names(where({ field: 'title', op: 'in', value: ['cto', 'VP'] })), ['bob', 'cleo']);
    assert.deepEqual(await names(where({ field: 'title', op: 'neq', value: 'Buyer' })), ['ann', 'bob', 'cleo', 'dan']);
    assert.deepEqual(await names(where({ field: 'status', op: 'eq', value: 'working' })), ['cleo']);
    assert.deepEqual(await names(where({ field: 'ownerId', op: 'eq', value: 'me' }), { caller: rep, role: 'rep' }), ['bob', 'cleo', 'dan']);
    assert.deepEqual(
      await names(where({ field: 'ownerId', op: 'eq', value: 'me' }, { field: 'createdAt', op: 'within', value: { kind: 'today' } }), { caller: rep, role: 'rep' }),
      ['cleo'],
    );
    assert.deepEqual(
      await names({ match: 'any', conditions: [{ field: 'status', op: 'eq', value: 'working' }, { activity: 'email_opened', has: true, range: { kind: 'today' } }] }),
      ['cleo', 'eve'],
    );
  });

  test('custom fields: text and numeric comparisons', async () => {
    assert.deepEqual(await names(where({ field: 'custom.tier', op: 'eq', value: 'GOLD' })), ['eve']);
    assert.deepEqual(await names(where({ field: 'custom.arr', op: 'gt', value: 1000 })), ['eve']);
    assert.deepEqual(await names(where({ field: 'custom.arr', op: 'lt', value: 1000 })), ['fay']);
    assert.deepEqual(await names(where({ field: 'custom.tier', op: 'is_empty' })), ['ann', 'bob', 'cleo', 'dan']);
  });

  test('sorting pages through every record once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryRecords(db, actorOf(admin), { object: 'lead', filters: filtersSchema.parse({}), sort: { field: 'score', direction: 'desc' } }, { cursor, limit: 2, now: NOW });
      seen.push(...page.data.map((r) => `${name[r.id]}:${r.score}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, 6);
    assert.deepEqual(seen.slice(0, 3), ['ann:50', 'dan:35', 'bob:20']);
    assert.equal(await countRecords(db, actorOf(admin), { object: 'lead', filters: filtersSchema.parse(where({ field: 'score', op: 'eq', value: 0 })) }, NOW), 3);
  });

  test('deals by close date (a date-only field) and accounts by stage', async () => {
    const account = await ok(admin.post('/api/v1/accounts', { name: 'Initech', lifecycleStage: 'customer' }), 201);
    await ok(admin.post('/api/v1/accounts', { name: 'Hooli' }), 201);
    const march = await ok(admin.post('/api/v1/opportunities', { name: 'March deal', accountId: account.id, amount: 100000, currency: 'EUR', closeDate: '2026-03-31' }), 201);
    await ok(admin.post('/api/v1/opportunities', { name: 'April deal', accountId: account.id, amount: 5000, currency: 'EUR', closeDate: '2026-04-01' }), 201);
    const deals = await queryRecords(db, actorOf(admin), { object: 'opportunity', filters: filtersSchema.parse(where({ field: 'closeDate', op: 'within', value: { kind: 'this_month' } })) }, { limit: 10, now: NOW });
    assert.deepEqual(deals.data.map((d) => d.id), [march.id]);
    const customers = await queryRecords(db, actorOf(admin), { object: 'account', filters: filtersSchema.parse(where({ field: 'lifecycleStage', op: 'eq', value: 'customer' })) }, { limit: 10, now: NOW });
    assert.deepEqual(customers.data.map((a) => a.name), ['Initech']);
  });
});

describe('saved views over the API', () => {
  const quiet = { object: 'lead', name: 'Gone quiet', filters: where({ activity: 'call', has: false, range: { kind: 'last_n_days', n: 14 } }, { field: 'ownerId', op: 'eq', value: 'me' }), columns: ['firstName', 'company', 'phone'] };

  test('personal views are private, shared ones are everyone\'s; only managers share and change them', async () => {
    const mine = await ok(rep.post('/api/v1/views', quiet), 201);
    assert.equal(mine.shared, false);
    assert.deepEqual(mine.sort, { field: 'createdAt', direction: 'desc' });
    assert.equal((await otherRep.get(`/api/v1/views/${mine.id}`)).statusCode, 404);
    assert.ok(!(await ok(otherRep.get('/api/v1/views?object=lead'))).data.some((v: Json) => v.id === mine.id));
    assert.equal((await otherRep.del(`/api/v1/views/${mine.id}`)).statusCode, 404);

    assert.equal((await rep.post('/api/v1/views', { ...quiet, name: 'Team', shared: true })).statusCode, 403);
    const team = await ok(manager.post('/api/v1/views', { ...quiet, name: 'Team quiet', shared: true }), 201);
    assert.ok((await ok(rep.get('/api/v1/views?object=lead'))).data.some((v: Json) => v.id === team.id));
    assert.equal((await rep.patch(`/api/v1/views/${team.id}`, { name: 'Mine now' })).statusCode, 403);
    const renamed = await ok(rep.patch(`/api/v1/views/${mine.id}`, { name: 'Quiet ones', version: 1 }));
    assert.equal(renamed.version, 2);
    assert.equal((await rep.patch(`/api/v1/views/${mine.id}`, { name: 'Stale', version: 1 })).statusCode, 409);

    // The same shared view answers for each person: "me" is whoever runs it.
    const forRep = await ok(rep.get(`/api/v1/views/${team.id}/records`));
    assert.deepEqual(forRep.data.map((r: Json) => name[r.id]).sort(), ['bob', 'cleo', 'dan']);
    const forOther = await ok(otherRep.get(`/api/v1/views/${team.id}/records`));
    assert.deepEqual(forOther.data.map((r: Json) => name[r.id]).sort(), ['eve', 'fay']);

    const audit = await ok(admin.get(`/api/v1/audit-log/saved_view/${mine.id}`));
    assert.ok(audit.data.length >= 2);
  });

  test('bad filters are 400 with the fields, and nothing is saved', async () => {
    const before = (await ok(rep.get('/api/v1/views'))).data.length;
    for (const body of [
      { ...quiet, filters: where({ field: 'salary', op: 'eq', value: 1 }) },
      { ...quiet, filters: where({ field: 'createdAt', op: 'within', value: { kind: 'fortnight' } }) },
      { ...quiet, sort: { field: 'email', direction: 'asc' } },
      { ...quiet, object: 'invoice' },
      { ...quiet, name: '' },
    ]) {
      const res = await rep.post('/api/v1/views', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.body}`);
      assert.ok((res.json() as Json).errors?.length, res.body);
    }
    assert.equal((await ok(rep.get('/api/v1/views'))).data.length, before);
  });

  test('counts on each view; preview of an unsaved filter', async () => {
    const admin2 = await newOrg(t, 'Counts');
    for (const [n, status] of [['A', 'new'], ['B', 'new'], ['C', 'working']] as const) await lead(admin2, n, new Date().toISOString(), { status });
    const fresh = await ok(admin2.post('/api/v1/views', { object: 'lead', name: 'New', filters: where({ field: 'status', op: 'eq', value: 'new' }) }), 201);
    const all = await ok(admin2.post('/api/v1/views', { object: 'lead', name: 'All', filters: where() }), 201);
    const counts = await ok(admin2.get('/api/v1/views/counts?object=lead'));
    assert.deepEqual(Object.fromEntries(counts.data.map((c: Json) => [c.viewId, c.count])), { [fresh.id]: 2, [all.id]: 3 });
    assert.ok(counts.data.every((c: Json) => c.capped === false));
    const preview = await ok(admin2.post('/api/v1/views/preview', { object: 'lead', filters: where({ field: 'status', op: 'eq', value: 'working' }) }));
    assert.equal(preview.count, 1);
    assert.equal(preview.data[0].firstName, 'C');
  });

  test('a view feeds the CSV export, in its order and with its columns', async () => {
    const view = await ok(admin.post('/api/v1/views', { object: 'lead', name: 'Buyers', filters: where({ field: 'title', op: 'eq', value: 'buyer' }), sort: { field: 'firstName', direction: 'desc' }, columns: ['firstName', 'ownerId', 'custom.tier'] }), 201);
    const res = await admin.get(`/api/v1/views/${view.id}/export.csv`);
    assert.equal(res.statusCode, 200, res.body);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.equal(lines[0], 'Id,First Name,Owner Email,Custom.tier');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(1).join(',')), [`Fay,${otherRep.email},silver`, `Eve,${otherRep.email},gold`]);
    assert.equal((await rep.get(`/api/v1/views/${view.id}/export.csv`)).statusCode, 403);
  });

  test('a view feeds the call queue, bulk changes and sequence enrollment', async () => {
    const view = await ok(admin.post('/api/v1/views', { object: 'lead', name: 'With phones', shared: true, filters: where({ field: 'phone', op: 'is_not_empty' }) }), 201);
    const queue = await ok(admin.get(`/api/v1/call-queue?source=view&viewId=${view.id}`));
    assert.equal(queue.considered, 2);
    const offered = [queue.current, ...queue.upNext].filter(Boolean).map((e: Json) => name[e.prospect.id]);
    assert.ok(offered.every((n) => n === 'ann' || n === 'bob'), offered.join());
    assert.equal((await admin.get('/api/v1/call-queue?source=view')).statusCode, 400);

    const sequence = await ok(admin.post('/api/v1/sequences', { name: 'Call them', steps: [{ channel: 'call', delayDays: 0 }] }), 201);
    const enrolled = await ok(admin.post(`/api/v1/views/${view.id}/enroll`, { sequenceId: sequence.id }), 201);
    assert.equal(enrolled.enrolled, 2);

    const bulk = await ok(admin.post(`/api/v1/views/${view.id}/bulk`, { action: 'assign', ownerId: manager.userId }));
    assert.deepEqual(bulk, { updated: 2, selected: 2 });
    assert.equal((await rep.post(`/api/v1/views/${view.id}/bulk`, { action: 'assign', ownerId: rep.userId })).statusCode, 403);
    const owners = await ok(admin.get(`/api/v1/views/${view.id}/records`));
    assert.ok(owners.data.every((r: Json) => r.ownerId === manager.userId));
  });

  test('tenancy: another org\'s views and records stay out of reach', async () => {
    const view = await ok(admin.post('/api/v1/views', { object: 'lead', name: 'Opened today', filters: where({ activity: 'email_opened', has: true, range: { kind: 'today' } }) }), 201);
    assert.equal((await stranger.get(`/api/v1/views/${view.id}`)).statusCode, 404);
    assert.equal((await stranger.get(`/api/v1/views/${view.id}/records`)).statusCode, 404);
    assert.equal((await stranger.get(`/api/v1/views/${view.id}/export.csv`)).statusCode, 404);
    assert.equal((await stranger.post(`/api/v1/views/${view.id}/bulk`, { action: 'delete' })).statusCode, 404);
    const all = await queryRecords(db, actorOf(admin), { object: 'lead', filters: filtersSchema.parse({}) }, { limit: 100, now: NOW });
    assert.ok(!all.data.some((r) => r.id === strangerLead));
    const partner = await addUser(t, admin, 'partner');
    assert.equal((await partner.get('/api/v1/views')).statusCode, 403);
  });
});
