import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, testDatabaseKind, type Caller } from '../../../test/helpers.ts';

// On PostgreSQL the requests below run in parallel transactions (the test pool has 5 connections);
// the rotation and the availability rows are locked FOR UPDATE, so no two leads take one turn.
const t = await startTestApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

async function repsWithRoundRobin(name: string, fallbackOwnerId?: string) {
  const admin = await newOrg(t, name);
  const reps: Caller[] = [];
  for (const rep of ['Anna', 'Ben', 'Chloe', 'Dan']) reps.push(await addUser(t, admin, 'rep', rep));
  const draft = await ok(
    admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_create',
      name: 'Round robin',
      fallbackOwnerId: fallbackOwnerId ?? null,
      rules: [{ name: 'Reps', strategy: 'round_robin', target: { type: 'users', userIds: reps.map((r) => r.userId) } }],
    }),
    201,
  );
  await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
  return { admin, reps, order: reps.map((r) => r.userId).sort() };
}

const inParallel = (admin: Caller, n: number, prefix: string) => Promise.all(Array.from({ length: n }, (_, i) => ok(admin.post('/api/v1/leads', { company: `${prefix} ${i}` }), 201)));

describe(`round-robin under concurrent arrivals (${testDatabaseKind})`, () => {
  test('40 leads at once: every rep gets exactly 10, in unbroken turns', async () => {
    const { admin, order } = await repsWithRoundRobin('Parallel');
    const leads = await inParallel(admin, 40, 'Rush');
    for (const userId of order) assert.equal(leads.filter((l) => l.ownerId === userId).length, 10);
    // Decisions are written inside the lock; UUIDv7 ids are monotonic in this process, so id order
    // is the order the turns were taken in: it must walk the rotation without a repeat or a skip.
    const decisions = (await ok(admin.get('/api/v1/routing/decisions?limit=100'))).data.reverse();
    assert.equal(decisions.length, 40);
    const start = order.indexOf(decisions[0].ownerId);
    decisions.forEach((d: Json, i: number) => assert.equal(d.ownerId, order[(start + i) % 4], `turn ${i}`));
    for (let i = 0; i + 1 < decisions.length; i += 1) {
      const next = decisions[i].reason.match(/next is (\w+)$/)?.[1];
      const nextOwner = decisions[i + 1].candidates.find((c: Json) => c.userId === decisions[i + 1].ownerId).name;
      assert.equal(next, nextOwner, 'each decision named who came next, and it was so');
    }
  });

  test('daily caps hold under concurrency: never more than the cap, the rest unassigned', async () => {
    const { admin, reps } = await repsWithRoundRobin('Capped');
    for (const rep of reps) await ok(admin.request({ method: 'PUT', url: `/api/v1/users/${rep.userId}/availability`, payload: { dailyCap: 3 } }));
    const leads = await inParallel(admin, 20, 'Flood');
    for (const rep of reps) assert.equal(leads.filter((l) => l.ownerId === rep.userId).length, 3);
    assert.equal(leads.filter((l) => l.ownerId === null).length, 8);
    for (const rep of reps) assert.equal((await ok(admin.get(`/api/v1/users/${rep.userId}/availability`))).assignedToday, 3);
  });
});
