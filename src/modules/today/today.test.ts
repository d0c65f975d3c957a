import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Today');
const manager = await addUser(t, admin, 'manager', 'Mona Manager');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');

const put = (caller: Caller, payload: Record<string, unknown>) => caller.request({ method: 'PUT', url: '/api/v1/activity-goals', payload });
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

type Progress = { metric: string; done: number; target: number | null; from: string | null; ratio: number | null };

describe('daily activity goals', () => {
  test('managers set goals for the org, a team and a person; the most specific one applies', async () => {
    const team = (await admin.post('/api/v1/teams', { name: 'Inside sales' })).json();
    assert.equal((await admin.patch(`/api/v1/users/${rep.userId}`, { teamId: team.id })).statusCode, 200);
    assert.equal((await put(manager, { scope: 'org', calls: 40, connects: 8, emails: 20 })).statusCode, 200);
    assert.equal((await put(manager, { scope: 'team', scopeId: team.id, calls: 60 })).statusCode, 200);
    const own = await put(manager, { scope: 'user', scopeId: rep.userId, connects: 10 });
    assert.equal(own.statusCode, 200, own.body);
    // Setting again updates the same row and keeps the metrics not named.
    const again = (await put(manager, { scope: 'org', emails: 25 })).json();
    assert.deepEqual([again.calls, again.connects, again.emails], [40, 8, 25]);
    assert.equal((await rep.get('/api/v1/activity-goals')).json().data.length, 3);

    const progress = (await manager.get(`/api/v1/users/${rep.userId}/goal-progress`)).json().goals as Progress[];
    assert.deepEqual(progress.map((p) => [p.metric, p.target, p.from]), [['calls', 60, 'team'], ['connects', 10, 'user'], ['emails', 25, 'org']]);
  });

  test('reps may not set goals; bad scopes change nothing; another org\'s people cannot be named', async () => {
    assert.equal((await put(rep, { scope: 'user', scopeId: rep.userId, calls: 1 })).statusCode, 403);
    assert.equal((await put(manager, { scope: 'user', calls: 1 })).statusCode, 400);
    assert.equal((await put(manager, { scope: 'user', scopeId: rep.userId, calls: -1 })).statusCode, 400);
    assert.equal((await put(manager, { scope: 'galaxy', calls: 1 })).statusCode, 400);
    const other = await newOrg(t, 'Elsewhere');
    assert.equal((await put(other, { scope: 'user', scopeId: rep.userId, calls: 1 })).statusCode, 400);
    assert.equal((await other.get(`/api/v1/users/${rep.userId}/goal-progress`)).statusCode, 404);
    assert.equal((await other.get('/api/v1/activity-goals')).json().data.length, 0);
    assert.equal((await rep.get(`/api/v1/users/${rep.userId}/goal-progress`)).statusCode, 403);
  });
});

describe('team goal progress', () => {
  test('a manager sees each person of their teams and sub-teams against their goals; an admin sees everyone; reps may not', async () => {
    const owner = await newOrg(t, 'Team goals');
    const lead = await addUser(t, owner, 'manager', 'Lea Lead');
    const anna = await addUser(t, owner, 'rep', 'Anna A');
    const ben = await addUser(t, owner, 'rep', 'Ben B');
    const carl = await addUser(t, owner, 'rep', 'Carl C');
    const team = (await owner.post('/api/v1/teams', { name: 'Outbound', managerId: lead.userId })).json();
    const sub = (await owner.post('/api/v1/teams', { name: 'Outbound Nordics', parentTeamId: team.id })).json();
    assert.equal((await owner.patch(`/api/v1/users/${anna.userId}`, { teamId: team.id })).statusCode, 200);
    assert.equal((await owner.patch(`/api/v1/users/${ben.userId}`, { teamId: sub.id })).statusCode, 200);
    assert.equal((await put(owner, { scope: 'org', calls: 10, connects: 2, emails: 5 })).statusCode, 200);
    const prospect = (await anna.post('/api/v1/leads', { lastName: 'Called', phone: '+46 8 1', country: 'SE' })).json();
    await anna.post('/api/v1/calls', { subjectType: 'lead', subjectId: prospect.id, outcome: 'connected' });
    await anna.post('/api/v1/calls', { subjectType: 'lead', subjectId: prospect.id, outcome: 'no_answer' });

    type Row = { userId: string; name: string; goals: Progress[] };
    const mine = (await lead.get('/api/v1/team-goal-progress')).json().data as Row[];
    assert.deepEqual(mine.map((r) => r.name), ['Anna A', 'Ben B']);
    const calls = (r: Row) => r.goals.find((g) => g.metric === 'calls')!;
    assert.deepEqual([calls(mine[0]!).done, calls(mine[0]!).target], [2, 10]);
    assert.equal(mine[0]!.goals.find((g) => g.metric === 'connects')!.done, 1);
    assert.equal(calls(mine[1]!).done, 0);
    assert.deepEqual(((await lead.get(`/api/v1/team-goal-progress?teamId=${sub.id}`)).json().data as Row[]).map((r) => r.name), ['Ben B']);
    const all = ((await owner.get('/api/v1/team-goal-progress')).json().data as Row[]).map((r) => r.name);
    assert.deepEqual(all, ['Anna A', 'Ben B', 'Carl C', 'Lea Lead']);
    assert.equal((await carl.get('/api/v1/team-goal-progress')).statusCode, 403);
    assert.equal((await admin.get(`/api/v1/team-goal-progress?teamId=${team.id}`)).statusCode, 404);
  });
});

describe('GET /today', () => {
  test('new leads with their SLA deadline, call-backs and tasks due, overdue count, and progress from logged calls', async () => {
    const lead = (await rep.post('/api/v1/leads', { firstName: 'Nina', lastName: 'Neu', company: 'Neu AG', phone: '+49 89 1', country: 'DE' })).json();
    const worked = (await rep.post('/api/v1/leads', { firstName: 'Walt', lastName: 'Worked', phone: '+49 89 2', country: 'DE', status: 'working' })).json();
    await rep.post('/api/v1/tasks', { title: 'Call Walt back', type: 'call', dueAt: inMinutes(-30), subjectType: 'lead', subjectId: worked.id });
    await rep.post('/api/v1/tasks', { title: 'Send the proposal', dueAt: inMinutes(1) });
    await rep.post('/api/v1/tasks', { title: 'Next month', dueAt: inMinutes(40 * 24 * 60) });
    await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: worked.id, outcome: 'connected', durationSeconds: 90 });
    await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'no_answer' });
    const demo = await rep.post('/api/v1/meetings', { title: 'Demo for Neu AG', startsAt: inMinutes(5), endsAt: inMinutes(35), timeZone: 'UTC', leadId: lead.id, videoUrl: 'https://meet.example.com/neu' });
    assert.equal(demo.statusCode, 201, demo.body);

    const res = await rep.get('/api/v1/today');
    assert.equal(res.statusCode, 200, res.body);
    const today = res.json();
    assert.deepEqual(today.newLeads.map((l: { id: string }) => l.id), [lead.id]);
    assert.ok('slaDueAt' in today.newLeads[0]);
    assert.deepEqual(today.callsDue.map((x: { title: string }) => x.title), ['Call Walt back']);
    assert.deepEqual(today.tasksDue.map((x: { title: string }) => x.title), ['Send the proposal']);
    assert.equal(today.overdue, 1);
    const byMetric = Object.fromEntries((today.goals as Progress[]).map((p) => [p.metric, p]));
    assert.equal(byMetric.calls!.done, 2);
    assert.equal(byMetric.connects!.done, 1);
    assert.equal(byMetric.calls!.target, 60);
    assert.equal(byMetric.calls!.ratio, 2 / 60);
    assert.deepEqual(today.demos.map((d: { title: string; videoUrl: string }) => [d.title, d.videoUrl]), [['Demo for Neu AG', 'https://meet.example.com/neu']]);
    assert.deepEqual(today.sequenceSteps, []);

    // Someone else's calls do not count for the rep.
    const colleague = (await manager.get('/api/v1/today')).json();
    assert.equal(colleague.goals.find((p: Progress) => p.metric === 'calls').done, 0);
    assert.equal(colleague.newLeads.length, 0);
  });

  test('partners have no Today', async () => {
    const partner = await addUser(t, admin, 'partner');
    assert.equal((await partner.get('/api/v1/today')).statusCode, 403);
  });
});
