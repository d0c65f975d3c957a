import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createMailer } from '../../core/mailer.ts';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';
import { setTaskRuntime } from './runtime.ts';
import { createTasksIn, sendReminder } from './service.ts';
import { systemActor } from '../../core/actor.ts';
import { startTaskWorkers } from './workers.ts';

const t = await startTestApp({ jobs: true });
const db = t.database.db;
const admin = await newOrg(t, 'Tasks');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');
const otherRep = await addUser(t, admin, 'rep', 'Otto Rep');
after(() => setTaskRuntime(null));

type Task = { id: string; title: string; status: string; dueAt: string | null; remindAt: string | null; remindedAt: string | null; completedAt: string | null; ownerId: string; version: number; subject: { name: string; link: string } | null };

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const reminders = async () => ((await rep.get('/api/v1/notifications')).json().data as { kind: string; title: string; link: string | null }[]).filter((n) => n.kind === 'task_reminder');

describe('reminders', () => {
  test('a reminder is a notification sent once: by its job, by the sweep for one written while no worker ran, never twice', async () => {
    const lead = (await rep.post('/api/v1/leads', { firstName: 'Ola', lastName: 'Nordmann', company: 'Fjord AS' })).json();
    // Written before any worker runs: no job could be queued; the sweep on start sends it.
    const missed = (await rep.post('/api/v1/tasks', { title: 'Send the deck', remindAt: new Date(Date.now() - 60_000).toISOString(), subjectType: 'lead', subjectId: lead.id })).json() as Task;
    await startTaskWorkers({ db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
    await eventually(reminders, (list) => list.length === 1, 'missed reminder');

    const soon = (await rep.post('/api/v1/tasks', { title: 'Call Ola back', type: 'call', dueAt: inMinutes(30), remindAt: new Date(Date.now() + 1500).toISOString() })).json() as Task;
    const list = await eventually(reminders, (l) => l.length === 2, 'job reminder');
    assert.deepEqual(list.map((n) => n.title).sort(), ['Reminder: Call Ola back', 'Reminder: Send the deck — Ola Nordmann']);
    assert.equal(list.find((n) => n.title.includes('deck'))!.link, `/leads/${lead.id}`);

    // The same job delivered again, or the sweep racing it: nothing more.
    assert.equal(await sendReminder(db, {}, rep.orgId, soon.id, (await rep.get(`/api/v1/tasks/${soon.id}`)).json().remindAt), false);
    assert.equal(await sendReminder(db, {}, rep.orgId, missed.id, null), false);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await reminders()).length, 2);
    assert.ok((await rep.get(`/api/v1/tasks/${soon.id}`)).json().remindedAt);
  });

  test('moving the reminder sends it at the new time only; completing a task cancels its reminder', async () => {
    const task = (await rep.post('/api/v1/tasks', { title: 'Moved reminder', remindAt: inMinutes(60) })).json() as Task;
    const moved = await rep.patch(`/api/v1/tasks/${task.id}`, { remindAt: new Date(Date.now() + 1000).toISOString() });
    assert.equal(moved.statusCode, 200, moved.body);
    await eventually(async () => (await reminders()).filter((n) => n.title === 'Reminder: Moved reminder').length, (n) => n === 1, 'moved reminder');
    // The first job (an hour out) would find its time is no longer the task's.
    assert.equal(await sendReminder(db, {}, rep.orgId, task.id, task.remindAt, new Date(Date.now() + 3_600_000)), false);

    const done = (await rep.post('/api/v1/tasks', { title: 'Done before reminder', remindAt: new Date(Date.now() + 1000).toISOString() })).json() as Task;
    await rep.patch(`/api/v1/tasks/${done.id}`, { status: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await reminders()).filter((n) => n.title === 'Reminder: Done before reminder').length, 0);
  });
});

describe('editing a task', () => {
  test('a manager edits title, due time and reminder and reassigns a task: the reminder is armed again and reaches the new owner once', async () => {
    const manager = await addUser(t, admin, 'manager', 'Mona Manager');
    const task = (await rep.post('/api/v1/tasks', { title: 'Re-armed', remindAt: new Date(Date.now() + 500).toISOString() })).json() as Task;
    await eventually(async () => (await reminders()).filter((n) => n.title === 'Reminder: Re-armed').length, (n) => n === 1, 'first reminder');
    const sent = (await rep.get(`/api/v1/tasks/${task.id}`)).json() as Task;
    assert.ok(sent.remindedAt);
    const edited = await manager.patch(`/api/v1/tasks/${task.id}`, { title: 'Re-armed later', dueAt: inMinutes(30), remindAt: new Date(Date.now() + 1000).toISOString(), ownerId: otherRep.userId, version: sent.version });
    assert.equal(edited.statusCode, 200, edited.body);
    const after = edited.json() as Task;
    assert.equal(after.ownerId, otherRep.userId);
    assert.equal(after.remindedAt, null, 'a new reminder time arms the reminder again');
    const theirs = async () => ((await otherRep.get('/api/v1/notifications')).json().data as { kind: string; title: string }[]).filter((n) => n.title === 'Reminder: Re-armed later');
    await eventually(async () => (await theirs()).length, (n) => n === 1, 'reminder to the new owner');
    assert.equal((await reminders()).filter((n) => n.title === 'Reminder: Re-armed later').length, 0, 'not to the old owner');
    assert.equal((await manager.patch(`/api/v1/tasks/${task.id}`, { title: 'Stale edit', version: sent.version })).statusCode, 409);
    assert.equal((await otherRep.patch(`/api/v1/tasks/${task.id}`, { ownerId: rep.userId })).statusCode, 403, 'a rep may not hand a task on');
  });
});

describe('my tasks', () => {
  test('due today and overdue, soonest first, undated last; complete and reopen', async () => {
    const me = await addUser(t, admin, 'rep', 'Lista Rep');
    const overdue = (await me.post('/api/v1/tasks', { title: 'Overdue', dueAt: inMinutes(-120) })).json() as Task;
    await me.post('/api/v1/tasks', { title: 'Later', dueAt: inMinutes(60) });
    await me.post('/api/v1/tasks', { title: 'Someday' });
    await me.post('/api/v1/tasks', { title: 'Next week', dueAt: inMinutes(7 * 24 * 60) });
    const all = (await me.get('/api/v1/tasks?status=open')).json().data as Task[];
    assert.deepEqual(all.map((x) => x.title), ['Overdue', 'Later', 'Next week', 'Someday']);
    const dueSoon = (await me.get(`/api/v1/tasks?status=open&dueBefore=${encodeURIComponent(inMinutes(24 * 60))}`)).json().data as Task[];
    assert.deepEqual(dueSoon.map((x) => x.title), ['Overdue', 'Later']);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await me.get(`/api/v1/tasks?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json() as { data: Task[]; nextCursor: string | null };
      pages.push(...page.data.map((x) => x.title));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(pages, ['Overdue', 'Later', 'Next week', 'Someday']);

    const completed = (await me.patch(`/api/v1/tasks/${overdue.id}`, { status: 'done' })).json() as Task;
    assert.equal(completed.status, 'done');
    assert.ok(completed.completedAt);
    const reopened = (await me.patch(`/api/v1/tasks/${overdue.id}`, { status: 'open' }, { 'if-match': `"${completed.version}"` })).json() as Task;
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.completedAt, null);
    assert.equal((await me.patch(`/api/v1/tasks/${overdue.id}`, { title: 'Stale' }, { 'if-match': `"${completed.version}"` })).statusCode, 412);
    const audit = (await admin.get(`/api/v1/audit-log/task/${overdue.id}`)).json().data as { action: string }[];
    assert.deepEqual(audit.map((a) => a.action), ['reopen', 'complete', 'create']);
  });

  test('reps work their own tasks; managers may give and read anyone\'s', async () => {
    const manager = await addUser(t, admin, 'manager');
    const mine = (await rep.post('/api/v1/tasks', { title: 'Private' })).json() as Task;
    assert.equal((await otherRep.patch(`/api/v1/tasks/${mine.id}`, { status: 'done' })).statusCode, 403);
    assert.equal((await otherRep.get(`/api/v1/tasks?ownerId=${rep.userId}`)).statusCode, 403);
    assert.equal((await otherRep.post('/api/v1/tasks', { title: 'For you', ownerId: rep.userId })).statusCode, 403);
    const given = await manager.post('/api/v1/tasks', { title: 'From your manager', ownerId: rep.userId, dueAt: inMinutes(5) });
    assert.equal(given.statusCode, 201, given.body);
    assert.ok(((await manager.get(`/api/v1/tasks?ownerId=${rep.userId}`)).json().data as Task[]).some((x) => x.title === 'From your manager'));
    assert.equal((await rep.get(`/api/v1/tasks/${mine.id}`)).json().status, 'open');
  });

  test('bad input changes nothing; other organisations see nothing', async () => {
    const before = (await rep.get('/api/v1/tasks?limit=500')).json().data.length;
    for (const body of [{}, { title: '' }, { title: '   ' }, { title: 'x', dueAt: 'soon' }, { title: 'x', type: 'party' }, { title: 'x', subjectType: 'lead' }, { title: 'x', extra: 1 }]) {
      const res = await rep.post('/api/v1/tasks', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.match(res.headers['content-type'] as string, /problem\+json/);
    }
    assert.equal((await rep.get('/api/v1/tasks?limit=500')).json().data.length, before);
    const other = await newOrg(t, 'Elsewhere');
    const mine = (await rep.post('/api/v1/tasks', { title: 'Ours' })).json() as Task;
    assert.equal((await other.get(`/api/v1/tasks/${mine.id}`)).statusCode, 404);
    assert.equal((await other.patch(`/api/v1/tasks/${mine.id}`, { status: 'done' })).statusCode, 404);
    const lead = (await rep.post('/api/v1/leads', { lastName: 'Ours' })).json();
    assert.equal((await other.post('/api/v1/tasks', { title: 'x', subjectType: 'lead', subjectId: lead.id })).statusCode, 404);
    assert.equal((await other.post('/api/v1/tasks', { title: 'x', ownerId: rep.userId })).statusCode, 400);
  });
});

describe('many tasks at once', () => {
  test('createTasksIn writes each task audited, for its owner, on its record; a bad one writes none', async () => {
    const lead = (await rep.post('/api/v1/leads', { firstName: 'Bulk', lastName: 'Lead', company: 'Many GmbH' })).json();
    const actor = systemActor(admin.orgId, admin.userId);
    const ids = await db.transaction((tx) => createTasksIn(tx, actor, [
      { title: 'Call: cadence step 2', type: 'call', ownerId: rep.userId, subjectType: 'lead', subjectId: lead.id, dueAt: new Date().toISOString() },
      { title: 'Task: cadence step 3', ownerId: otherRep.userId, notes: ' send the case study ' },
    ]));
    assert.equal(ids.length, 2);
    const first = (await rep.get(`/api/v1/tasks/${ids[0]}`)).json() as Task & { type: string };
    assert.equal(first.ownerId, rep.userId);
    assert.equal(first.type, 'call');
    assert.equal(first.status, 'open');
    assert.equal(first.subject?.name, 'Bulk Lead');
    const second = (await otherRep.get(`/api/v1/tasks/${ids[1]}`)).json() as Task & { notes: string };
    assert.equal(second.notes, 'send the case study');
    const audit = (await admin.get(`/api/v1/audit-log/task/${ids[1]}`)).json().data as { action: string; after: { title: string; status: string } }[];
    assert.deepEqual(audit.map((a) => [a.action, a.after.title, a.after.status]), [['create', 'Task: cadence step 3', 'open']]);

    const before = (await admin.get('/api/v1/audit-log?entityType=task')).json().data.length;
    await assert.rejects(db.transaction((tx) => createTasksIn(tx, actor, [{ title: 'Fine', ownerId: rep.userId }, { title: '  ', ownerId: rep.userId }])), (error) => JSON.stringify(error).includes('1.title'));
    assert.equal((await admin.get('/api/v1/audit-log?entityType=task')).json().data.length, before);
  });
});
