import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { startSmtpServer } from '../../../test/smtp.ts';
import { emailContextOf } from '../emails/service.ts';
import { systemActor } from '../../core/actor.ts';
import { runSchedulerTick, upcomingManualSteps } from './service.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, LEADFLOW_PUBLIC_URL: 'http://leadflow.test' } });
const context = emailContextOf(t.config);
const db = t.database.db;
const admin = await newOrg(t, 'Cadence');
await admin.patch('/api/v1/email-settings', { postalAddress: 'Cadence Ltd, 1 High St, London' });

const DAY = 86_400_000;
const tick = (now = new Date()) => runSchedulerTick(db, context, { now });
const to = (address: string) => smtp.inbox.filter((m) => m.to.includes(address));

async function lead(caller: Caller, fields: Record<string, unknown> = {}) {
  const res = await caller.post('/api/v1/leads', { firstName: 'Lena', lastName: 'Berg', company: 'Berg AG', email: `lena-${Math.random().toString(36).slice(2)}@berg.example`, timeZone: 'Europe/Berlin', ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; email: string };
}

async function sequence(caller: Caller, steps: unknown[], extra: Record<string, unknown> = {}) {
  const res = await caller.post('/api/v1/sequences', { name: `Outbound ${Math.random()}`, steps, ...extra });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; steps: { id: string }[] };
}

const twoEmails = [
  { channel: 'auto_email', delayDays: 0, subject: 'Hello {{lead.firstName}}', body: 'First touch for {{account.name}}' },
  { channel: 'auto_email', delayDays: 2, subject: 'Following up', body: 'Second touch' },
];

describe('sequence scheduler', () => {
  test('each due step runs once and only once, with ticks run twice and concurrently', async () => {
    const seq = await sequence(admin, twoEmails);
    const target = await lead(admin);
    const enrolled = await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] });
    assert.equal(enrolled.statusCode, 201, enrolled.body);
    assert.equal(enrolled.json().enrolled.length, 1);
    const now = new Date();
    await Promise.all([tick(now), tick(now), tick(now)]);
    await tick(now);
    const arrived = to(target.email);
    assert.equal(arrived.length, 1);
    const mail = arrived[0]!;
    assert.equal(mail.subject, 'Hello Lena');
    // Sequence email is marketing-style: unsubscribe link, List-Unsubscribe and the postal address.
    assert.ok(mail.text.includes('Cadence Ltd, 1 High St, London'), mail.text);
    assert.match(mail.text, /Unsubscribe: http:\/\/leadflow\.test\/api\/v1\/unsubscribe\//);
    assert.match(mail.raw, /^List-Unsubscribe:\s+<http:\/\/leadflow\.test\/api\/v1\/unsubscribe\//m);
    // The send is on the lead's timeline once, in the sender's name (written per batch after SMTP took it).
    const sent = ((await admin.get(`/api/v1/leads/${target.id}/timeline?limit=100`)).json().data as { kind: string; summary: string; actorId: string | null }[]).filter((i) => i.kind === 'email');
    assert.deepEqual(sent.map((i) => [i.summary, i.actorId]), [['Sent "Hello Lena"', admin.userId]]);
    // The second step is due two business days later, in Berlin at 09:00.
    const enrollment = (await admin.get(`/api/v1/sequence-enrollments?sequenceId=${seq.id}`)).json().data[0];
    assert.equal(enrollment.stepIndex, 1);
    assert.equal(enrollment.name, 'Lena Berg');
    assert.equal(new Date(enrollment.nextDueAt).getUTCMinutes(), 0);
    await tick(new Date(now.getTime() + 5 * DAY));
    await tick(new Date(now.getTime() + 5 * DAY));
    assert.deepEqual(to(target.email).map((m) => m.subject), ['Hello Lena', 'Following up']);
    const done = (await admin.get(`/api/v1/sequence-enrollments?sequenceId=${seq.id}`)).json().data[0];
    assert.equal(done.status, 'finished');
    const metrics = (await admin.get(`/api/v1/sequences/${seq.id}/metrics`)).json();
    assert.equal(metrics.enrolled, 1);
    assert.equal(metrics.sent, 2);
    assert.deepEqual(metrics.steps.map((s: { sent: number }) => s.sent), [1, 1]);
  });

  test('a step due while nothing ran is run by the next tick (as at start-up)', async () => {
    const seq = await sequence(admin, [{ channel: 'auto_email', delayDays: 1, subject: 'Late', body: 'x' }]);
    const target = await lead(admin);
    await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] });
    await tick();
    assert.equal(to(target.email).length, 0);
    // The server was "down" for a week: the first tick after it sends the overdue step, once.
    await tick(new Date(Date.now() + 7 * DAY));
    await tick(new Date(Date.now() + 7 * DAY));
    assert.equal(to(target.email).length, 1);
  });

  test('exits: a reply, an unsubscribe, a disqualified lead, a manual stop', async () => {
    const seq = await sequence(admin, twoEmails);
    const replier = await lead(admin);
    const leaver = await lead(admin);
    const dropped = await lead(admin);
    const stopped = await lead(admin);
    const res = await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [replier, leaver, dropped, stopped].map((l) => ({ subjectType: 'lead', subjectId: l.id })) });
    assert.equal(res.json().enrolled.length, 4);
    await tick();
    // Replier: an inbound email logged from the rep's mail client.
    assert.equal((await admin.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: replier.id, direction: 'inbound', subject: 'Re: Hello' })).statusCode, 201);
    // Leaver: the unsubscribe link in the first email, posted.
    const link = /Unsubscribe: http:\/\/leadflow\.test(\S+)/.exec(to(leaver.email)[0]!.text)![1]!;
    // As the unsubscribe page's button posts it: an empty form.
    const unsubscribed = await t.app.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    assert.equal(unsubscribed.statusCode, 200, unsubscribed.body);
    // Dropped: disqualified (checked when the next step falls due).
    const patched = await admin.patch(`/api/v1/leads/${dropped.id}`, { status: 'disqualified', disqualifiedReason: (await admin.get('/api/v1/org-settings')).json().disqualificationReasons[0] });
    assert.equal(patched.statusCode, 200, patched.body);
    const enrollments = (await admin.get(`/api/v1/sequence-enrollments?sequenceId=${seq.id}`)).json().data as { id: string; subjectId: string; status: string; exitReason: string | null }[];
    const of = (id: string) => enrollments.find((e) => e.subjectId === id)!;
    assert.equal((await admin.post(`/api/v1/sequence-enrollments/${of(stopped.id).id}/stop`, {})).statusCode, 200);
    assert.equal(of(replier.id).exitReason, 'replied');
    assert.equal(of(leaver.id).exitReason, 'unsubscribed');
    await tick(new Date(Date.now() + 5 * DAY));
    const after = (await admin.get(`/api/v1/sequence-enrollments?sequenceId=${seq.id}`)).json().data as typeof enrollments;
    const reasons = Object.fromEntries(after.map((e) => [e.subjectId, `${e.status}/${e.exitReason}`]));
    assert.deepEqual(reasons, { [replier.id]: 'exited/replied', [leaver.id]: 'exited/unsubscribed', [dropped.id]: 'exited/status_changed', [stopped.id]: 'exited/manual' });
    // Nobody got the second email.
    for (const l of [replier, leaver, dropped, stopped]) assert.equal(to(l.email).length, 1, l.email);
    const metrics = (await admin.get(`/api/v1/sequences/${seq.id}/metrics`)).json();
    assert.deepEqual(metrics.exited, { replied: 1, unsubscribed: 1, status_changed: 1, manual: 1 });
  });

  test('one active sequence per prospect unless allowed; suppressed and address-less prospects are skipped', async () => {
    const first = await sequence(admin, twoEmails);
    const second = await sequence(admin, twoEmails);
    const parallel = await sequence(admin, [{ channel: 'call', delayDays: 0 }], { allowConcurrent: true });
    const target = await lead(admin);
    const noEmail = await lead(admin, { email: null });
    await admin.post(`/api/v1/sequences/${first.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] });
    const again = (await admin.post(`/api/v1/sequences/${second.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }, { subjectType: 'lead', subjectId: noEmail.id }] })).json();
    assert.deepEqual(again.skipped.map((s: { reason: string }) => s.reason).sort(), ['active_in_another_sequence', 'no_email_address']);
    assert.deepEqual((await admin.post(`/api/v1/sequences/${first.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] })).json().skipped[0].reason, 'already_enrolled');
    // The first sequence does not allow company either: only when both allow it.
    assert.equal((await admin.post(`/api/v1/sequences/${parallel.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] })).json().skipped[0].reason, 'active_in_another_sequence');
    assert.equal((await admin.post(`/api/v1/sequences/${parallel.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: noEmail.id }] })).json().enrolled.length, 1);
    const unsubscribed = await lead(admin);
    await admin.post('/api/v1/email-addresses/consent', { address: unsubscribed.email, kind: 'unsubscribed' });
    assert.equal((await admin.post(`/api/v1/sequences/${second.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: unsubscribed.id }] })).json().skipped[0].reason, 'unsubscribed');
  });

  test('a call step becomes a task for the sender; completing it moves the sequence on', async () => {
    const seq = await sequence(admin, [{ channel: 'call', delayDays: 0, note: 'Ask about their renewal' }, { channel: 'auto_email', delayDays: 1, subject: 'After our call', body: 'x' }]);
    const target = await lead(admin);
    const enrollment = (await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] })).json().enrolled[0];
    await tick();
    await tick();
    const tasks = (await admin.get(`/api/v1/tasks?subjectType=lead&subjectId=${target.id}`));
    const waiting = (await admin.get(`/api/v1/sequence-enrollments?subjectType=lead&subjectId=${target.id}`)).json().data[0];
    assert.equal(waiting.waitingStepId, seq.steps[0]!.id);
    assert.equal(waiting.nextDueAt, null);
    if (tasks.statusCode === 200) assert.ok(JSON.stringify(tasks.json()).includes('Ask about their renewal'));
    type Step = { enrollmentId: string; channel: string; stepNumber: number; instruction: string; name: string; taskId: string | null; sequenceId: string };
    const dueToday = ((await admin.get('/api/v1/today')).json().sequenceSteps as Step[]).filter((s) => s.enrollmentId === enrollment.id);
    assert.equal(dueToday.length, 1);
    assert.deepEqual({ ...dueToday[0], taskId: typeof dueToday[0]!.taskId }, { ...dueToday[0], channel: 'call', stepNumber: 1, instruction: 'Ask about their renewal', name: 'Lena Berg', sequenceId: seq.id, taskId: 'string' });
    const moved = await admin.post(`/api/v1/sequence-enrollments/${enrollment.id}/complete-step`, {});
    assert.equal(moved.statusCode, 200, moved.body);
    assert.ok(!((await admin.get('/api/v1/today')).json().sequenceSteps as Step[]).some((s) => s.enrollmentId === enrollment.id));
    assert.ok(moved.json().nextDueAt);
    assert.equal((await admin.post(`/api/v1/sequence-enrollments/${enrollment.id}/complete-step`, {})).statusCode, 409);
    assert.equal((await admin.get(`/api/v1/tasks/${dueToday[0]!.taskId}`)).json().status, 'done', 'Done on the step closes its task');
  });

  test('completing a step\'s task from the task list is doing the step: the sequence moves on', async () => {
    const seq = await sequence(admin, [{ channel: 'task', delayDays: 0, note: 'Connect on LinkedIn' }, { channel: 'call', delayDays: 0 }]);
    const target = await lead(admin);
    const enrollment = (await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] })).json().enrolled[0];
    await tick();
    const waiting = (await admin.get(`/api/v1/sequence-enrollments?subjectType=lead&subjectId=${target.id}`)).json().data[0];
    assert.equal(waiting.waitingStepId, seq.steps[0]!.id);
    const step = ((await admin.get('/api/v1/today')).json().sequenceSteps as { enrollmentId: string; taskId: string }[]).find((s) => s.enrollmentId === enrollment.id)!;
    const task = (await admin.get(`/api/v1/tasks/${step.taskId}`)).json();
    const done = await admin.patch(`/api/v1/tasks/${task.id}`, { status: 'done', version: task.version });
    assert.equal(done.statusCode, 200, done.body);
    const moved = (await admin.get(`/api/v1/sequence-enrollments?subjectType=lead&subjectId=${target.id}`)).json().data[0];
    assert.equal(moved.waitingStepId, null);
    assert.ok(moved.nextDueAt, 'the next step is scheduled');
    assert.equal((await admin.post(`/api/v1/sequence-enrollments/${enrollment.id}/complete-step`, {})).statusCode, 409);
  });

  test('a manual step the sequence reaches later in the day is listed as still to come, at its time', async () => {
    const seq = await sequence(admin, [{ channel: 'task', delayDays: 0, note: 'Research' }, { channel: 'call', delayDays: 1, note: 'Discovery call' }]);
    const target = await lead(admin);
    const enrollment = (await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: target.id }] })).json().enrolled[0];
    await tick();
    assert.equal((await admin.post(`/api/v1/sequence-enrollments/${enrollment.id}/complete-step`, {})).statusCode, 200);
    const dueAt = new Date((await admin.get(`/api/v1/sequence-enrollments?subjectType=lead&subjectId=${target.id}`)).json().data[0].nextDueAt);
    const actor = systemActor(admin.orgId, admin.userId);
    const upcoming = (until: Date) => upcomingManualSteps(db, actor, { senderId: admin.userId, from: new Date(dueAt.getTime() - 3_600_000), until, limit: 50 });
    const listed = (await upcoming(new Date(dueAt.getTime() + 60_000))).filter((s) => s.enrollmentId === enrollment.id);
    assert.deepEqual(listed.map((s) => [s.channel, s.stepNumber, s.instruction, s.name, s.dueAt]), [['call', 2, 'Discovery call', 'Lena Berg', dueAt.toISOString()]]);
    assert.ok(!(await upcoming(new Date(dueAt.getTime() - 60_000))).some((s) => s.enrollmentId === enrollment.id), 'not before its time');
    assert.ok(Array.isArray((await admin.get('/api/v1/today')).json().upcomingSteps));
  });

  test('bad input is a problem and changes nothing; other orgs see nothing; reps cannot design sequences', async () => {
    const before = (await admin.get('/api/v1/sequences')).json().data.length;
    for (const body of [{ name: 'x', steps: [] }, { name: 'x', steps: [{ channel: 'auto_email', delayDays: 0 }] }, { name: 'x', steps: [{ channel: 'fax', delayDays: 0 }] }, { name: 'x', steps: [{ channel: 'call', delayDays: -1 }] }]) {
      const res = await admin.post('/api/v1/sequences', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
    assert.equal((await admin.get('/api/v1/sequences')).json().data.length, before);
    const seq = await sequence(admin, twoEmails);
    const other = await newOrg(t, 'Elsewhere');
    assert.equal((await other.get(`/api/v1/sequences/${seq.id}`)).statusCode, 404);
    assert.equal((await other.get(`/api/v1/sequences/${seq.id}/metrics`)).statusCode, 404);
    const theirLead = await lead(other);
    assert.equal((await admin.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: theirLead.id }] })).json().skipped[0].reason, 'not_found');
    assert.equal((await other.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: theirLead.id }] })).statusCode, 404);
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.post('/api/v1/sequences', { name: 'x', steps: [{ channel: 'call', delayDays: 0 }] })).statusCode, 403);
    const mine = await lead(rep);
    assert.equal((await rep.post(`/api/v1/sequences/${seq.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: mine.id }] })).statusCode, 201);
  });

  test('bulk enrollment from a lead-list filter', async () => {
    const org = await newOrg(t, 'Bulk');
    const seq = await sequence(org, [{ channel: 'task', delayDays: 0, note: 'LinkedIn touch' }]);
    for (let i = 0; i < 3; i += 1) await lead(org, { country: 'DE' });
    await lead(org, { country: 'FR' });
    const res = await org.post(`/api/v1/sequences/${seq.id}/enrollments`, { leadFilter: { country: 'DE' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().enrolled.length, 3);
  });
});
