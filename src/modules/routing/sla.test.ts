import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { systemActor } from '../../core/actor.ts';
import { startJobs, type Jobs } from '../../core/jobs.ts';
import type { OutgoingMail } from '../../core/mailer.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { logActivity } from '../activities/service.ts';
import { createLead } from '../leads/service.ts';
import { handleDueClock, sweepClocks } from './escalations.service.ts';
import { setRoutingRuntime } from './runtime.ts';
import { slaTimers } from './schema.ts';
import { assignLead } from './service.ts';
import { startRoutingWorkers } from './workers.ts';

const t = await startTestApp();
const db = t.database.db;
const mail: OutgoingMail[] = [];
let running: Jobs | null = null;

/** A worker process: its own pg-boss instance with routing's workers, on the shared database. */
async function startWorker(): Promise<Jobs> {
  const jobs = await startJobs(t.database, { pollingIntervalSeconds: 0.5 });
  await startRoutingWorkers({ db, jobs, config: t.config, mailer: { configured: true, send: async (m) => void mail.push(m) }, log: () => {} });
  running = jobs;
  return jobs;
}

async function stopWorker(): Promise<void> {
  setRoutingRuntime(null);
  await running?.stop();
  running = null;
}
after(stopWorker);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, seconds = 30): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** An org whose two reps share inbound leads with a one-minute first-touch SLA, and their manager. */
async function slaOrg(name: string) {
  const admin = await newOrg(t, name);
  const anna = await addUser(t, admin, 'rep', 'Anna');
  const ben = await addUser(t, admin, 'rep', 'Ben');
  const mia = await addUser(t, admin, 'manager', 'Mia Manager');
  const team = await ok(admin.post('/api/v1/teams', { name: 'Inbound', managerId: mia.userId }), 201);
  for (const rep of [anna, ben]) await ok(admin.patch(`/api/v1/users/${rep.userId}`, { teamId: team.id }));
  const draft = await ok(
    admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_create',
      name: 'Speed to lead',
      slaMinutes: 1,
      escalation: { reassign: true, notifyManager: true },
      rules: [{ name: 'Reps', strategy: 'round_robin', target: { type: 'users', userIds: [anna.userId, ben.userId] } }],
    }),
    201,
  );
  await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
  return { admin, anna, ben, mia };
}

/** Routes a new lead as if it had arrived `secondsAgo`: its one-minute clock runs out shortly. */
async function leadAssignedAgo(admin: Caller, company: string, secondsAgo: number) {
  const actor = systemActor(admin.orgId, admin.userId);
  const lead = await createLead(db, actor, { company, ownerId: null });
  const routed = await db.transaction((tx) => assignLead(tx, actor, lead, { kind: 'assignment', now: new Date(Date.now() - secondsAgo * 1000) }));
  const [clock] = await db.select().from(slaTimers).where(and(eq(slaTimers.orgId, admin.orgId), eq(slaTimers.subjectId, lead.id)));
  return { lead: routed.lead, clock: clock! };
}

const clockOf = async (orgId: string, id: string) => (await db.select().from(slaTimers).where(and(eq(slaTimers.orgId, orgId), eq(slaTimers.id, id))))[0]!;

describe('speed-to-lead SLA', () => {
  test('a breach fires after a restart, exactly once: the lead goes to the other rep, the manager is told', async () => {
    const { admin, anna, ben, mia } = await slaOrg('Restart');
    await startWorker();
    const { lead, clock } = await leadAssignedAgo(admin, 'Waiting GmbH', 56);
    assert.equal(clock.status, 'running');
    assert.ok(clock.jobQueuedAt, 'the breach job was queued with the assignment');
    const firstOwner = lead.ownerId!;
    // The server stops before the deadline and comes back after it.
    await stopWorker();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, clock.dueAt.getTime() - Date.now()) + 1000));
    assert.equal((await clockOf(admin.orgId, clock.id)).status, 'running', 'nothing ran while the server was down');
    await startWorker();
    const breached = await waitFor('the breach', async () => {
      const row = await clockOf(admin.orgId, clock.id);
      return row.status === 'breached' ? row : null;
    });
    const firstName = firstOwner === anna.userId ? 'Anna' : 'Ben';
    assert.equal(breached.outcome, `SLA breached by ${firstName}: no first touch within 1 minutes; routed again without them, manager notified`);
    const now = await ok(admin.get(`/api/v1/leads/${lead.id}`));
    assert.equal(now.ownerId, firstOwner === anna.userId ? ben.userId : anna.userId);
    const decisions = (await ok(admin.get(`/api/v1/routing/decisions?leadId=${lead.id}`))).data;
    assert.deepEqual(decisions.map((d: Json) => d.kind), ['escalation', 'assignment']);
    assert.match(decisions[0].reason, /^SLA breached by (Anna|Ben): no first touch within 1 minutes; .*: rule 1 "Reps" matched \(no conditions\); round-robin → (Anna|Ben)/);
    const clocks = (await ok(admin.get(`/api/v1/routing/clocks?subjectId=${lead.id}`))).data;
    assert.deepEqual(clocks.map((c: Json) => [c.status, c.ownerId]), [['running', now.ownerId], ['breached', firstOwner]], 'the new owner has a fresh clock');

    // However often the job or the sweeper runs again, the breach happened once.
    assert.equal(await handleDueClock(db, admin.orgId, clock.id), 'stopped');
    await sweepClocks(db);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = (await ok(admin.get(`/api/v1/routing/decisions?leadId=${lead.id}`))).data;
    assert.equal(again.filter((d: Json) => d.kind === 'escalation').length, 1);
    const told = (await ok(mia.get('/api/v1/notifications'))).data.filter((n: Json) => n.kind === 'sla_breached');
    assert.equal(told.length, 1);
    await waitFor('the manager’s email', async () => mail.find((m) => m.to === mia.email && m.subject.startsWith('Speed-to-lead missed')));
    const report = await ok(admin.get('/api/v1/routing/sla'));
    assert.deepEqual(report.counts, { running: 1, met: 0, breached: 1, cancelled: 0 });
    assert.equal(report.breachRate, 1);
    await stopWorker();
  });

  test('a logged call stops the clock in time, and the breach job then finds nothing to do', async () => {
    const { admin } = await slaOrg('Touched');
    await startWorker();
    const { lead, clock } = await leadAssignedAgo(admin, 'Called AG', 57);
    await logActivity(db, systemActor(admin.orgId, lead.ownerId!), { subjectType: 'lead', subjectId: lead.id, kind: 'call', summary: 'First call' });
    assert.equal((await clockOf(admin.orgId, clock.id)).status, 'met');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, clock.dueAt.getTime() - Date.now()) + 2500));
    assert.equal((await clockOf(admin.orgId, clock.id)).status, 'met');
    assert.equal((await ok(admin.get(`/api/v1/leads/${lead.id}`))).ownerId, lead.ownerId, 'the owner keeps the lead');
    const note = await logActivity(db, systemActor(admin.orgId, lead.ownerId!), { subjectType: 'lead', subjectId: lead.id, kind: 'note', summary: 'not a touch' });
    assert.ok(note.id);
    const report = await ok(admin.get('/api/v1/routing/sla'));
    assert.deepEqual(report.counts, { running: 0, met: 1, breached: 0, cancelled: 0 });
    await stopWorker();
  });

  test('a clock started while no worker ran is queued by the sweeper when one starts; a late touch counts as a breach', async () => {
    const { admin } = await slaOrg('Unqueued');
    const { clock } = await leadAssignedAgo(admin, 'Queued later', 50);
    assert.equal(clock.jobQueuedAt, null);
    const late = await leadAssignedAgo(admin, 'Touched late', 65);
    await logActivity(db, systemActor(admin.orgId, late.lead.ownerId!), { subjectType: 'lead', subjectId: late.lead.id, kind: 'email_sent', summary: 'Sorry for the wait' });
    const lateClock = await clockOf(admin.orgId, late.clock.id);
    assert.equal(lateClock.status, 'breached');
    assert.match(lateClock.outcome!, /^first touch after 1 min, too late$/);
    await startWorker();
    assert.ok((await clockOf(admin.orgId, clock.id)).jobQueuedAt, 'queued at start');
    await waitFor('the breach', async () => (await clockOf(admin.orgId, clock.id)).status === 'breached');
    await stopWorker();
  });
});
