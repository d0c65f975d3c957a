import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor } from '../../core/actor.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { logActivity } from '../activities/service.ts';

// A lead's first-touch clock measures its owner. When a person moves the lead by hand, the old
// owner's clock is cancelled (nobody breached it) and the new owner gets a fresh one.
const t = await startTestApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

async function slaOrg(name: string) {
  const admin = await newOrg(t, name);
  const anna = await addUser(t, admin, 'rep', 'Anna');
  const ben = await addUser(t, admin, 'rep', 'Ben');
  const draft = await ok(
    admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_create',
      name: 'Speed to lead',
      slaMinutes: 30,
      rules: [{ name: 'Anna', strategy: 'round_robin', target: { type: 'users', userIds: [anna.userId] } }],
    }),
    201,
  );
  await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
  return { admin, anna, ben };
}

const clocks = async (caller: Caller, leadId: string) =>
  (await ok(caller.get(`/api/v1/routing/clocks?subjectId=${leadId}`))).data.map((c: Json) => ({ status: c.status, ownerId: c.ownerId, minutes: c.minutes, startedAt: c.startedAt, dueAt: c.dueAt, outcome: c.outcome }));

async function routedLead(admin: Caller, company: string): Promise<Json> {
  const lead = await ok(admin.post('/api/v1/leads', { company, source: 'web_form' }), 201);
  return lead;
}

describe('owner changed by hand', () => {
  test('PATCH: the old owner’s clock is cancelled and the new owner gets a fresh one, and is told', async () => {
    const { admin, anna, ben } = await slaOrg('Patch owner');
    const lead = await routedLead(admin, 'Waiting GmbH');
    assert.equal(lead.ownerId, anna.userId);
    const [first] = await clocks(admin, lead.id);
    assert.deepEqual([first.status, first.ownerId], ['running', anna.userId]);

    const before = Date.now();
    await ok(admin.patch(`/api/v1/leads/${lead.id}`, { ownerId: ben.userId }));
    const [fresh, old] = await clocks(admin, lead.id);
    assert.deepEqual([old.status, old.ownerId], ['cancelled', anna.userId]);
    assert.match(old.outcome, /^the owner was changed by hand/);
    assert.deepEqual([fresh.status, fresh.ownerId, fresh.minutes], ['running', ben.userId, 30]);
    assert.ok(Date.parse(fresh.startedAt) >= before - 1000, 'the new owner’s clock starts now');
    assert.equal(Date.parse(fresh.dueAt) - Date.parse(fresh.startedAt), 30 * 60_000);
    const told = (await ok(ben.get('/api/v1/notifications'))).data.filter((n: Json) => n.kind === 'lead_assigned');
    assert.equal(told.length, 1);
    assert.equal(told[0].link, `/leads/${lead.id}`);

    // Back to the pool: nobody to measure.
    await ok(admin.patch(`/api/v1/leads/${lead.id}`, { ownerId: null }));
    assert.deepEqual((await clocks(admin, lead.id)).map((c: Json) => c.status), ['cancelled', 'cancelled']);
    const report = await ok(admin.get('/api/v1/routing/sla'));
    assert.deepEqual(report.counts, { running: 0, met: 0, breached: 0, cancelled: 2 }, 'a hand-made move breaches nobody');
  });

  test('bulk assignment and a leaving rep’s reassignment re-arm the clock; a touched lead or the same owner keeps what it has', async () => {
    const { admin, anna, ben } = await slaOrg('Bulk owner');
    const waiting = await routedLead(admin, 'Bulk waiting');
    const touched = await routedLead(admin, 'Bulk touched');
    await logActivity(t.database.db, systemActor(admin.orgId, anna.userId), { subjectType: 'lead', subjectId: touched.id, kind: 'call', summary: 'Called' });

    assert.deepEqual(await ok(admin.post('/api/v1/leads/bulk', { ids: [waiting.id, touched.id], action: 'assign', ownerId: anna.userId })), { updated: 2 });
    assert.deepEqual((await clocks(admin, waiting.id)).map((c: Json) => [c.status, c.ownerId]), [['running', anna.userId]], 'the same owner keeps their clock');

    await ok(admin.post('/api/v1/leads/bulk', { ids: [waiting.id, touched.id], action: 'assign', ownerId: ben.userId, reason: 'Anna is on holiday' }));
    assert.deepEqual((await clocks(admin, waiting.id)).map((c: Json) => [c.status, c.ownerId]), [['running', ben.userId], ['cancelled', anna.userId]]);
    assert.deepEqual((await clocks(admin, touched.id)).map((c: Json) => c.status), ['met'], 'a lead already touched gets no new clock');

    // The users module's "a rep leaves" reassignment goes through the same change.
    await ok(admin.post(`/api/v1/users/${ben.userId}/reassign`, { toUserId: anna.userId, reason: 'Ben left' }));
    assert.deepEqual((await clocks(admin, waiting.id)).map((c: Json) => [c.status, c.ownerId]), [['running', anna.userId], ['cancelled', ben.userId], ['cancelled', anna.userId]]);

    // So does routing's bulk reassignment to a named person, which tells the new owner once.
    const before = (await ok(ben.get('/api/v1/notifications'))).data.length;
    await ok(admin.post('/api/v1/routing/reassign', { fromUserId: anna.userId, toUserId: ben.userId, reason: 'Anna moved to accounts', leads: true, accounts: false }));
    const [latest] = await clocks(admin, waiting.id);
    assert.deepEqual([latest.status, latest.ownerId], ['running', ben.userId]);
    const notes = (await ok(ben.get('/api/v1/notifications'))).data;
    assert.equal(notes.length - before, 1, 'one summary, not one notification per lead');
  });

  test('a merge: the duplicate’s clock is cancelled, and a survivor whose owner the merge changed hands its clock over', async () => {
    const { admin, anna, ben } = await slaOrg('Merge owner');
    const survivor = await routedLead(admin, 'Merge Co');
    // Both are routed to Anna with a clock each; the duplicate then moves to Ben, whose clock runs.
    const duplicate = await routedLead(admin, 'Merge Co');
    assert.deepEqual((await clocks(admin, survivor.id)).map((c: Json) => [c.status, c.ownerId]), [['running', anna.userId]]);
    await ok(admin.post('/api/v1/leads/bulk', { ids: [duplicate.id], action: 'assign', ownerId: ben.userId }));
    assert.deepEqual((await clocks(admin, duplicate.id)).map((c: Json) => [c.status, c.ownerId])[0], ['running', ben.userId]);

    await ok(admin.post('/api/v1/merges', { type: 'lead', survivorId: survivor.id, mergedIds: [duplicate.id], fieldChoices: { ownerId: duplicate.id } }), 201);
    const [fresh, old] = await clocks(admin, survivor.id);
    assert.deepEqual([fresh.status, fresh.ownerId], ['running', ben.userId], 'the new owner’s clock runs');
    assert.deepEqual([old.status, old.ownerId], ['cancelled', anna.userId]);
    const merged = await clocks(admin, duplicate.id);
    assert.ok(merged.length > 0 && merged.every((c: Json) => c.status !== 'running'), 'the merged-away lead waits for nobody');
  });
});
