import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor } from '../../core/actor.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { logActivity } from '../activities/service.ts';

const t = await startTestApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

async function handOffSetup(name: string) {
  const admin = await newOrg(t, name);
  const rep = await addUser(t, admin, 'rep', 'Rita Rep');
  const erik = await addUser(t, admin, 'executive', 'Erik');
  const eva = await addUser(t, admin, 'executive', 'Eva');
  await ok(admin.post('/api/v1/territories', { name: 'DACH', criteria: { countries: ['DE', 'AT', 'CH'] }, members: [{ userId: erik.userId, role: 'executive' }, { userId: eva.userId, role: 'executive' }, { userId: rep.userId, role: 'rep' }] }), 201);
  const draft = await ok(
    admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_qualified',
      name: 'Hand-offs',
      slaMinutes: 60,
      rules: [
        { name: 'Big deals', conditions: [{ field: 'amount', op: 'above', value: 10_000_000 }], strategy: 'round_robin', target: { type: 'users', userIds: [eva.userId] } },
        { name: 'By territory', strategy: 'round_robin', target: { type: 'record_territory' } },
      ],
    }),
    201,
  );
  await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
  const lead = await ok(rep.post('/api/v1/leads', { firstName: 'Jo', lastName: 'Kunde', company: 'Kunde GmbH', country: 'DE', notes: 'Wants a pilot in Q3' }), 201);
  await logActivity(t.database.db, systemActor(admin.orgId, rep.userId), { subjectType: 'lead', subjectId: lead.id, kind: 'call', summary: 'Discovery call: 40 seats' });
  await ok(rep.patch(`/api/v1/leads/${lead.id}`, { status: 'working' }));
  const deal = await ok(rep.post('/api/v1/opportunities', { name: 'Kunde pilot', amount: 2_400_000, currency: 'EUR', sourceLeadId: lead.id }), 201);
  return { admin, rep, erik, eva, lead, deal };
}

const first = (a: Caller, b: Caller) => (a.userId < b.userId ? a : b);

describe('hand-off to sales executives', () => {
  test('a qualified deal goes to the territory’s executive with a summary; the rep keeps the credit; accepting stops the clock', async () => {
    const { admin, rep, erik, eva, lead, deal } = await handOffSetup('Hand-off');
    const handoff = await ok(rep.post('/api/v1/handoffs', { opportunityId: deal.id }), 201);
    assert.equal((await rep.post('/api/v1/handoffs', { opportunityId: deal.id })).statusCode, 409, 'one pending hand-off per deal');
    const executive = first(erik, eva);
    assert.equal(handoff.toUserId, executive.userId);
    assert.equal(handoff.fromUserId, rep.userId);
    assert.equal(handoff.status, 'pending');
    assert.equal(handoff.summary.lead.company, 'Kunde GmbH');
    assert.deepEqual(handoff.summary.notes, ['Wants a pilot in Q3']);
    assert.deepEqual(handoff.summary.lastTouches.map((x: Json) => x.summary), ['Discovery call: 40 seats']);
    assert.equal(handoff.summary.qualification.framework, 'BANT');
    assert.equal(handoff.summary.sourcedBy.name, 'Rita Rep');
    assert.equal(handoff.clocks.length, 1);
    assert.equal(handoff.clocks[0].status, 'running');
    assert.equal(Date.parse(handoff.acceptDueAt) - Date.parse(handoff.clocks[0].startedAt), 60 * 60_000);

    const updated = await ok(admin.get(`/api/v1/opportunities/${deal.id}`));
    assert.equal(updated.ownerId, executive.userId, 'the executive owns the deal');
    assert.equal(updated.sourcedBy, rep.userId, 'the rep keeps the sourcing credit');
    const [decision] = (await ok(admin.get(`/api/v1/routing/decisions?subjectId=${deal.id}`))).data;
    assert.equal(decision.kind, 'handoff');
    assert.match(decision.reason, /^rule 2 "By territory" matched/);
    const inbox = (await ok(executive.get('/api/v1/notifications'))).data;
    assert.ok(inbox.some((n: Json) => n.kind === 'handoff' && n.link === `/handoffs/${handoff.id}`), 'the executive is told in-app');

    const other = executive === erik ? eva : erik;
    assert.equal((await other.post(`/api/v1/handoffs/${handoff.id}/accept`)).statusCode, 403, 'only its executive accepts');
    const accepted = await ok(executive.post(`/api/v1/handoffs/${handoff.id}/accept`));
    assert.equal(accepted.status, 'accepted');
    assert.equal(accepted.clocks[0].status, 'met');
    assert.equal((await executive.post(`/api/v1/handoffs/${handoff.id}/accept`)).statusCode, 409);
    assert.ok((await ok(rep.get('/api/v1/notifications'))).data.some((n: Json) => n.kind === 'handoff_accepted'));
    assert.equal((await ok(admin.get(`/api/v1/handoffs?toUserId=${executive.userId}&status=accepted`))).data.length, 1);
    assert.equal(lead.id, handoff.leadId);
  });

  test('declining routes the deal to the next executive; an amount rule picks by deal size', async () => {
    const { rep, erik, eva, deal } = await handOffSetup('Decline');
    const handoff = await ok(rep.post('/api/v1/handoffs', { opportunityId: deal.id }), 201);
    const executive = handoff.toUserId === erik.userId ? erik : eva;
    const { declined, next } = await ok(executive.post(`/api/v1/handoffs/${handoff.id}/decline`, { reason: 'Conflict of interest' }));
    assert.equal(declined.status, 'declined');
    assert.equal(declined.clocks[0].status, 'cancelled');
    assert.notEqual(next.toUserId, executive.userId);
    assert.equal(next.fromUserId, rep.userId);
    assert.match((await ok(rep.get(`/api/v1/routing/decisions?subjectId=${deal.id}`))).data[0].reason, /^declined by the executive: Conflict of interest: /);

    const big = await ok(rep.post('/api/v1/opportunities', { name: 'Enterprise', amount: 50_000_000, currency: 'EUR' }), 201);
    assert.equal((await ok(rep.post('/api/v1/handoffs', { opportunityId: big.id }), 201)).toUserId, eva.userId);
    assert.equal((await rep.post('/api/v1/handoffs', { opportunityId: '01900000-0000-7000-8000-000000000000' })).statusCode, 404);
  });
});
