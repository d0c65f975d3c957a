import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { recycleDueLeadsEverywhere } from './lifecycle-service.ts';

const t = await startTestApp();
const DAY_MS = 86_400_000;

async function leadIn(caller: Caller, status: 'new' | 'working', fields: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
  const res = await caller.post('/api/v1/leads', { company: `Lifecycle ${Math.random()}`, ...fields });
  assert.equal(res.statusCode, 201, res.body);
  if (status === 'new') return res.json();
  const working = await caller.patch(`/api/v1/leads/${res.json().id}`, { status: 'working' });
  assert.equal(working.statusCode, 200, working.body);
  return working.json();
}

describe('lead lifecycle over HTTP', () => {
  test('a disallowed move is refused with the statuses the lead can move to, and changes nothing', async () => {
    const admin = await newOrg(t);
    const lead = await leadIn(admin, 'new');
    const res = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'qualified', notes: 'skipping ahead' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'invalid_transition');
    assert.equal(res.json().detail, 'A new lead cannot move to qualified: it can move to working, disqualified');
    const after = (await admin.get(`/api/v1/leads/${lead.id}`)).json();
    assert.equal(after.status, 'new');
    assert.equal(after.notes, '');
    assert.equal(after.version, 1);
  });

  test('disqualifying needs a reason from the list; with one it stamps when the lead comes back', async () => {
    const admin = await newOrg(t);
    const lead = await leadIn(admin, 'working');
    const missing = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified' });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json().errors, [
      { field: 'disqualifiedReason', message: 'Disqualifying needs a reason: No budget, Not decision maker, Bad timing, Competitor, Unreachable, Not a fit' },
    ]);
    const unknown = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'Too small' });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().errors[0].field, 'disqualifiedReason');
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().status, 'working');

    const done = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'No budget' });
    assert.equal(done.statusCode, 200, done.body);
    const disqualified = done.json();
    assert.equal(disqualified.status, 'disqualified');
    assert.equal(disqualified.disqualifiedReason, 'No budget');
    assert.equal(Date.parse(disqualified.recycleAt) - Date.parse(disqualified.disqualifiedAt), 90 * DAY_MS);

    const history = (await admin.get(`/api/v1/audit-log?entityType=lead&entityId=${lead.id}`)).json().data[0];
    assert.equal(history.after.status, 'disqualified');
    assert.equal(history.after.disqualifiedReason, 'No budget');

    const wrongPlace = await admin.patch(`/api/v1/leads/${(await leadIn(admin, 'working')).id}`, { status: 'nurture', disqualifiedReason: 'No budget' });
    assert.equal(wrongPlace.statusCode, 400);
    assert.equal(wrongPlace.json().errors[0].field, 'disqualifiedReason');
  });

  test('a lead created disqualified needs a reason too', async () => {
    const admin = await newOrg(t);
    assert.equal((await admin.post('/api/v1/leads', { company: 'Junk Inc', status: 'disqualified' })).statusCode, 400);
    const created = await admin.post('/api/v1/leads', { company: 'Junk Inc', status: 'disqualified', disqualifiedReason: 'Not a fit' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().disqualifiedReason, 'Not a fit');
    assert.notEqual(created.json().recycleAt, null);
  });

  test('nurture goes back to working; qualified goes on only by conversion, and a converted lead no further', async () => {
    const admin = await newOrg(t);
    const lead = await leadIn(admin, 'working');
    for (const [status, code] of [
      ['nurture', 200],
      ['qualified', 409],
      ['working', 200],
      ['qualified', 200],
      ['working', 409],
      ['converted', 409],
    ] as const) {
      const res = await admin.patch(`/api/v1/leads/${lead.id}`, { status });
      assert.equal(res.statusCode, code, `→ ${status}: ${res.body}`);
    }
    const byStatus = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'converted' });
    assert.equal(byStatus.json().code, 'convert_required', 'converting makes the account, contact and deal; a status alone would not');
    const qualifiedAt = (await admin.get(`/api/v1/leads/${lead.id}`)).json().qualifiedAt;
    assert.ok(qualifiedAt && Date.now() - Date.parse(qualifiedAt) < 60_000, `stamped when it became qualified: ${qualifiedAt}`);
    assert.equal((await admin.post(`/api/v1/leads/${lead.id}/convert`, { createOpportunity: false })).statusCode, 201);
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().qualifiedAt, qualifiedAt, 'converting keeps when it was qualified');
    const refused = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'working' });
    assert.equal(refused.json().detail, 'A converted lead cannot move to working: it is final');
  });

  test('bulk status changes follow the lifecycle, all or nothing', async () => {
    const admin = await newOrg(t);
    const working = await leadIn(admin, 'working');
    const fresh = await leadIn(admin, 'new');
    const mixed = await admin.post('/api/v1/leads/bulk', { ids: [working.id, fresh.id], action: 'status', status: 'qualified' });
    assert.equal(mixed.statusCode, 409);
    assert.match(mixed.json().detail, /A new lead cannot move to qualified/);
    assert.equal((await admin.get(`/api/v1/leads/${working.id}`)).json().status, 'working');

    const noReason = await admin.post('/api/v1/leads/bulk', { ids: [working.id, fresh.id], action: 'status', status: 'disqualified' });
    assert.equal(noReason.statusCode, 400);
    const dropped = await admin.post('/api/v1/leads/bulk', { ids: [working.id, fresh.id], action: 'status', status: 'disqualified', disqualifiedReason: 'Competitor' });
    assert.deepEqual(dropped.json(), { updated: 2 });
    const lead = (await admin.get(`/api/v1/leads/${fresh.id}`)).json();
    assert.equal(lead.disqualifiedReason, 'Competitor');
    assert.notEqual(lead.recycleAt, null);
    const again = await admin.post('/api/v1/leads/bulk', { ids: [working.id], action: 'status', status: 'disqualified', disqualifiedReason: 'No budget' });
    assert.deepEqual(again.json(), { updated: 0 }, 'leads already disqualified are left as they are');
  });
});

describe('org settings', () => {
  test('start from the defaults; admins change them, reps read them', async () => {
    const admin = await newOrg(t);
    const rep = await addUser(t, admin, 'rep');
    const defaults = await rep.get('/api/v1/org-settings');
    assert.equal(defaults.statusCode, 200);
    assert.deepEqual(defaults.json(), {
      disqualificationReasons: ['No budget', 'Not decision maker', 'Bad timing', 'Competitor', 'Unreachable', 'Not a fit'],
      recycleAfterDays: 90,
      fiscalYearStartMonth: 1,
      repsSeeTeamNumbers: true,
      recordVisibility: { leads: 'everyone', contacts: 'everyone', accounts: 'everyone', opportunities: 'everyone' },
      version: 0,
      updatedAt: null,
    });
    assert.equal((await rep.patch('/api/v1/org-settings', { recycleAfterDays: 10 })).statusCode, 403);

    const changed = await admin.patch('/api/v1/org-settings', { disqualificationReasons: [' Student ', 'Competitor'], recycleAfterDays: 30 }, { 'if-match': '"0"' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json().disqualificationReasons, ['Student', 'Competitor']);
    assert.equal(changed.headers.etag, '"1"');
    assert.equal((await admin.patch('/api/v1/org-settings', { recycleAfterDays: 60 }, { 'if-match': '"0"' })).statusCode, 412);
    const twice = await admin.patch('/api/v1/org-settings', { disqualificationReasons: ['Student', 'student'] });
    assert.equal(twice.statusCode, 400);
    assert.equal(twice.json().errors[0].field, 'disqualificationReasons.1');
    assert.equal((await admin.patch('/api/v1/org-settings', { recycleAfterDays: 0 })).statusCode, 400);

    const lead = await leadIn(rep, 'working');
    assert.equal((await rep.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'No budget' })).statusCode, 400, 'the old list no longer applies');
    const dropped = (await rep.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'Student' })).json();
    assert.equal(Date.parse(dropped.recycleAt) - Date.parse(dropped.disqualifiedAt), 30 * DAY_MS);

    const audit = (await admin.get('/api/v1/audit-log?entityType=org_settings')).json().data[0];
    assert.deepEqual(audit.after, { disqualificationReasons: ['Student', 'Competitor'], recycleAfterDays: 30 });

    const other = await newOrg(t, 'Other');
    assert.equal((await other.get('/api/v1/org-settings')).json().recycleAfterDays, 90, 'settings are per organisation');
  });

  test('recycling can be switched off', async () => {
    const admin = await newOrg(t);
    assert.equal((await admin.patch('/api/v1/org-settings', { recycleAfterDays: null })).statusCode, 200);
    const lead = await leadIn(admin, 'working');
    const dropped = (await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'Competitor' })).json();
    assert.equal(dropped.recycleAt, null);
  });
});

describe('recycling', () => {
  test('due disqualified leads return to the pool as new, audited as recycled; others wait', async () => {
    const admin = await newOrg(t);
    const rep = await addUser(t, admin, 'rep');
    const due = await leadIn(rep, 'working');
    const dropped = (await rep.patch(`/api/v1/leads/${due.id}`, { status: 'disqualified', disqualifiedReason: 'Bad timing' })).json();
    assert.equal(dropped.ownerId, rep.userId);
    await admin.patch('/api/v1/org-settings', { recycleAfterDays: 365 });
    const later = await leadIn(rep, 'working');
    await rep.patch(`/api/v1/leads/${later.id}`, { status: 'disqualified', disqualifiedReason: 'Bad timing' });

    const recycleAt = Date.parse(dropped.recycleAt);
    await recycleDueLeadsEverywhere(t.database.db, new Date(recycleAt - 60_000));
    assert.equal((await rep.get(`/api/v1/leads/${due.id}`)).json().status, 'disqualified', 'not before its time');

    const recycled = await recycleDueLeadsEverywhere(t.database.db, new Date(recycleAt + 60_000));
    assert.ok(recycled >= 1);
    const back = (await rep.get(`/api/v1/leads/${due.id}`)).json();
    assert.equal(back.status, 'new');
    assert.equal(back.ownerId, null, 'back in the unassigned pool');
    assert.equal(back.recycleAt, null);
    assert.equal(back.disqualifiedReason, 'Bad timing', 'the next rep sees why it was dropped');
    assert.equal(back.version, dropped.version + 1);
    const pool = (await admin.get('/api/v1/leads?unassigned=true&status=new')).json().data.map((l: { id: string }) => l.id);
    assert.deepEqual(pool, [due.id]);
    const entry = (await admin.get(`/api/v1/audit-log?entityType=lead&entityId=${due.id}`)).json().data[0];
    assert.equal(entry.reason, 'recycled');
    assert.equal(entry.actorId, null);
    assert.deepEqual(entry.after, { status: 'new', ownerId: null, recycleAt: null });

    assert.equal((await rep.get(`/api/v1/leads/${later.id}`)).json().status, 'disqualified', 'a longer recycle period is not up yet');
    assert.equal(await recycleDueLeadsEverywhere(t.database.db, new Date(recycleAt + 60_000)), 0, 'a second run finds nothing');
  });

  test('a rep can recycle a disqualified lead by hand, keeping the owner', async () => {
    const admin = await newOrg(t);
    const lead = await leadIn(admin, 'working');
    await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'Unreachable' });
    const back = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'new' });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().ownerId, admin.userId);
    assert.equal(back.json().recycleAt, null);
  });
});
