import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t);

describe('leads API', () => {
  test('create, read, update, soft delete and restore a lead, with its history', async () => {
    const created = await admin.post('/api/v1/leads', { firstName: ' Anna ', lastName: 'Berg', email: 'Anna@Acme.TEST', company: 'Acme', country: 'de' });
    assert.equal(created.statusCode, 201, created.body);
    const lead = created.json();
    assert.equal(lead.firstName, 'Anna');
    assert.equal(lead.email, 'anna@acme.test');
    assert.equal(lead.country, 'DE');
    assert.equal(lead.ownerId, admin.userId, 'the creator owns a new lead by default');
    assert.equal(lead.status, 'new');
    assert.equal(created.headers.etag, '"1"');

    const updated = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'working', title: 'VP Sales' }, { 'if-match': '"1"' });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().version, 2);

    assert.equal((await admin.del(`/api/v1/leads/${lead.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().deletedAt !== null, true);
    const live = await admin.get('/api/v1/leads?q=anna');
    assert.equal(live.json().data.length, 0, 'a deleted lead leaves the list');
    const trash = await admin.get('/api/v1/leads?deleted=true');
    assert.deepEqual(trash.json().data.map((l: { id: string }) => l.id), [lead.id]);
    const restored = await admin.post(`/api/v1/leads/${lead.id}/restore`);
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json().deletedAt, null);

    const history = await admin.get(`/api/v1/audit-log/lead/${lead.id}`);
    assert.equal(history.statusCode, 200);
    const entries = history.json().data;
    assert.deepEqual(entries.map((e: { action: string }) => e.action), ['restore', 'delete', 'update', 'create']);
    const update = entries[2];
    assert.deepEqual(update.before, { status: 'new', title: null });
    assert.deepEqual(update.after, { status: 'working', title: 'VP Sales' });
    assert.equal(update.actorId, admin.userId);
  });

  test('a stale write is refused and changes nothing', async () => {
    const lead = (await admin.post('/api/v1/leads', { company: 'Stale Co' })).json();
    assert.equal((await admin.patch(`/api/v1/leads/${lead.id}`, { notes: 'first' }, { 'if-match': '"1"' })).statusCode, 200);
    const stale = await admin.patch(`/api/v1/leads/${lead.id}`, { notes: 'second' }, { 'if-match': '"1"' });
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.headers['content-type'], 'application/problem+json; charset=utf-8');
    const staleBody = await admin.patch(`/api/v1/leads/${lead.id}`, { notes: 'third', version: 1 });
    assert.equal(staleBody.statusCode, 409);
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().notes, 'first');
  });

  test('bad input names each bad field and writes nothing', async () => {
    const before = (await admin.get('/api/v1/leads?limit=500')).json().data.length;
    const res = await admin.post('/api/v1/leads', { email: 'not-an-email', employeeCount: -5, country: 'Germany', favouriteColour: 'blue' });
    assert.equal(res.statusCode, 400);
    const problem = res.json();
    assert.equal(problem.code, 'validation_failed');
    const fields = problem.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['country', 'email', 'employeeCount', 'favouriteColour']);
    const empty = await admin.post('/api/v1/leads', { phone: '+49 30 1234' });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().errors[0].field, 'lastName');
    const badQuery = await admin.get('/api/v1/leads?status=bogus&limit=9999');
    assert.equal(badQuery.statusCode, 400);
    assert.deepEqual(badQuery.json().errors.map((e: { field: string }) => e.field).sort(), ['query.limit', 'query.status.0']);
    assert.equal((await admin.get('/api/v1/leads?limit=500')).json().data.length, before);
  });

  test('lists filter, search and page with a cursor without gaps or repeats', async () => {
    const org = await newOrg(t, 'Paging');
    const rep = await addUser(t, org, 'rep');
    for (let i = 0; i < 25; i += 1) {
      const res = await org.post('/api/v1/leads', {
        lastName: `Person ${String(i).padStart(2, '0')}`,
        company: i % 2 ? 'Odd GmbH' : 'Even Ltd',
        country: i % 3 === 0 ? 'DE' : 'FR',
        status: i % 5 === 0 ? 'working' : 'new',
        source: i < 5 ? 'web_form' : 'import',
        ownerId: i < 10 ? rep.userId : org.userId,
      });
      assert.equal(res.statusCode, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await org.get(`/api/v1/leads?limit=7&sort=lastName${cursor ? `&cursor=${cursor}` : ''}`)).json() as { data: { lastName: string }[]; nextCursor: string | null };
      seen.push(...page.data.map((l) => l.lastName));
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, [...seen].sort());

    const count = async (query: string) => (await org.get(`/api/v1/leads?limit=100&${query}`)).json().data.length;
    assert.equal(await count('status=working'), 5);
    assert.equal(await count('status=working,new'), 25);
    assert.equal(await count(`ownerId=${rep.userId}`), 10);
    assert.equal(await count('country=de'), 9);
    assert.equal(await count('source=web_form'), 5);
    assert.equal(await count('q=odd%20gmbh'), 12);
    assert.equal(await count('q=ODD%20GmbH'), 12, 'search ignores case');
    assert.equal(await count('q=person%2007'), 1);
    assert.equal(await count(`createdFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), 0);
  });

  test('bulk assign and status change, with the reason in the audit log', async () => {
    const org = await newOrg(t, 'Bulk');
    const rep = await addUser(t, org, 'rep');
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await org.post('/api/v1/leads', { company: `Bulk ${i}` })).json().id);
    const assigned = await org.post('/api/v1/leads/bulk', { ids, action: 'assign', ownerId: rep.userId, reason: 'territory change' });
    assert.deepEqual(assigned.json(), { updated: 3 });
    const mine = (await rep.get(`/api/v1/leads?ownerId=${rep.userId}`)).json().data;
    assert.equal(mine.length, 3);
    const audit = (await org.get(`/api/v1/audit-log/lead/${ids[0]}`)).json().data[0];
    assert.equal(audit.reason, 'territory change');
    const repAssign = await rep.post('/api/v1/leads/bulk', { ids, action: 'assign', ownerId: org.userId });
    assert.equal(repAssign.statusCode, 403, 'reps cannot reassign in bulk');
    const missing = await org.post('/api/v1/leads/bulk', { ids, action: 'status' });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().errors[0].field, 'status');
  });
});
