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

/** A lead worked by `rep` to qualified: a logged call, a note, BANT answers. */
async function qualifiedLead(rep: Caller, fields: Record<string, unknown>, answers?: Record<string, unknown>): Promise<Json> {
  const lead = await ok(rep.post('/api/v1/leads', { country: 'DE', ...fields }), 201);
  await logActivity(t.database.db, systemActor(rep.orgId, rep.userId), { subjectType: 'lead', subjectId: lead.id, kind: 'call', summary: `Discovery call with ${fields.company}` });
  await ok(rep.post(`/api/v1/leads/${lead.id}/notes`, { text: `Note about ${fields.company}` }), 201);
  if (answers) await ok(rep.request({ method: 'PUT', url: `/api/v1/leads/${lead.id}/qualification`, payload: { answers } }));
  await ok(rep.patch(`/api/v1/leads/${lead.id}`, { status: 'working' }));
  return ok(rep.patch(`/api/v1/leads/${lead.id}`, { status: 'qualified' }));
}

const summaries = async (caller: Caller, type: string, id: string): Promise<string[]> => (await ok(caller.get(`/api/v1/${type}/${id}/timeline?limit=100`))).data.map((item: Json) => item.summary as string);
const count = async (caller: Caller, path: string) => (await ok(caller.get(`${path}?limit=500`))).data.length as number;

async function handoffRules(admin: Caller, executive: Caller) {
  const draft = await ok(
    admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_qualified',
      name: 'Qualified to AEs',
      slaMinutes: 120,
      rules: [{ name: 'Germany', conditions: [{ field: 'country', op: 'in', values: ['DE'] }], strategy: 'round_robin', target: { type: 'users', userIds: [executive.userId] } }],
    }),
    201,
  );
  await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
}

describe('lead conversion', () => {
  test('a qualified lead becomes account, contact and deal with its history, answers and credit, handed to the executive the rules pick', async () => {
    const admin = await newOrg(t, 'Convert');
    const rita = await addUser(t, admin, 'rep', 'Rita Rep');
    const erik = await addUser(t, admin, 'executive', 'Erik Exec');
    await handoffRules(admin, erik);
    const lead = await qualifiedLead(
      rita,
      { firstName: 'Jo', lastName: 'Kunde', email: 'jo@kunde.de', phone: '030 555 0101', title: 'Head of Sales', company: 'Kunde GmbH', industry: 'Logistics', notes: 'Wants a pilot in Q3' },
      { budget: { amount: 2_400_000, currency: 'EUR' }, authority: 'Decision maker', need: 'A CRM for 40 reps', timeline: '2099-09-30' },
    );

    const preview = await ok(rita.get(`/api/v1/leads/${lead.id}/conversion-preview`));
    assert.equal(preview.convertible, true);
    assert.deepEqual(preview.account.proposed, { mode: 'new', name: 'Kunde GmbH', domain: 'kunde.de' });
    assert.deepEqual(preview.contact.proposed, { mode: 'new', name: 'Jo Kunde', email: 'jo@kunde.de' });
    assert.deepEqual(preview.opportunity, { name: 'Kunde GmbH – new business', amount: 2_400_000, currency: 'EUR', closeDate: '2099-09-30', description: 'Wants a pilot in Q3' });
    assert.equal(preview.sourcedBy, rita.userId);
    assert.equal(preview.handoffRuleSet.name, 'Qualified to AEs');

    const conversion = await ok(rita.post(`/api/v1/leads/${lead.id}/convert`, {}), 201);
    assert.equal(conversion.account.reused, false);
    assert.equal(conversion.contact.reused, false);
    assert.equal(conversion.sourcedBy, rita.userId);
    assert.equal(conversion.convertedBy, rita.userId);
    assert.equal(conversion.activitiesCopied, 2);
    assert.equal(conversion.handoff.toUserId, erik.userId);
    assert.equal(conversion.handoff.status, 'pending');

    const account = await ok(rita.get(`/api/v1/accounts/${conversion.account.id}`));
    assert.deepEqual([account.name, account.domain, account.industry, account.country], ['Kunde GmbH', 'kunde.de', 'Logistics', 'DE']);
    const contact = await ok(rita.get(`/api/v1/contacts/${conversion.contact.id}`));
    assert.deepEqual([contact.firstName, contact.lastName, contact.email, contact.title, contact.accountId, contact.notes], ['Jo', 'Kunde', 'jo@kunde.de', 'Head of Sales', account.id, 'Wants a pilot in Q3']);
    const deal = await ok(rita.get(`/api/v1/opportunities/${conversion.opportunity.id}`));
    assert.equal(deal.sourceLeadId, lead.id);
    assert.equal(deal.sourcedBy, rita.userId, 'the rep keeps the SDR credit');
    assert.equal(deal.ownerId, erik.userId, 'the executive the hand-off rules picked owns the deal');
    assert.deepEqual([deal.source, deal.accountId, deal.amount, deal.currency, deal.closeDate, deal.description], ['lead', account.id, 2_400_000, 'EUR', '2099-09-30', 'Wants a pilot in Q3']);
    assert.deepEqual(deal.contacts.map((c: Json) => [c.contactId, c.isPrimary]), [[contact.id, true]]);
    const handoff = await ok(erik.get(`/api/v1/handoffs/${conversion.handoff.id}`));
    assert.equal(handoff.fromUserId, rita.userId);
    assert.equal(handoff.summary.qualification.framework, 'BANT');
    assert.ok((await ok(erik.get('/api/v1/notifications'))).data.some((n: Json) => n.kind === 'handoff'), 'the executive is told');

    // The lead's call and note show on every new record's timeline, and stay on the lead.
    for (const [type, id] of [['contacts', contact.id], ['accounts', account.id], ['opportunities', deal.id], ['leads', lead.id]]) {
      const items = await summaries(rita, type!, id);
      assert.ok(items.includes('Discovery call with Kunde GmbH'), `${type} timeline: ${items.join(' | ')}`);
      assert.ok(items.includes('Note about Kunde GmbH'), `${type} timeline`);
      assert.ok(items.some((s) => s.startsWith('Converted ')), `${type} timeline shows the conversion`);
    }

    // The qualification answers are readable from the deal.
    const origin = await ok(erik.get(`/api/v1/opportunities/${deal.id}/conversion`));
    assert.equal(origin.leadId, lead.id);
    assert.equal(origin.qualification.framework, 'BANT');
    assert.deepEqual(Object.fromEntries(origin.qualification.answers.map((a: Json) => [a.key, a.answer])), {
      budget: { amount: 2_400_000, currency: 'EUR' },
      authority: 'Decision maker',
      need: 'A CRM for 40 reps',
      timeline: '2099-09-30',
    });

    const converted = await ok(rita.get(`/api/v1/leads/${lead.id}`));
    assert.equal(converted.status, 'converted');
    assert.deepEqual(await ok(rita.get(`/api/v1/leads/${lead.id}/conversion`)), origin);
    const audit = (await ok(admin.get('/api/v1/audit-log?entityType=lead_conversion'))).data;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].after.opportunityId, deal.id);

    const again = await rita.post(`/api/v1/leads/${lead.id}/convert`, {});
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'already_converted');
    const previewAfter = await ok(rita.get(`/api/v1/leads/${lead.id}/conversion-preview`));
    assert.equal(previewAfter.convertible, false);
    assert.equal(previewAfter.conversion.opportunity.id, deal.id);
    assert.equal(await count(admin, '/api/v1/opportunities'), 1, 'no second deal');
  });

  test('a matching account and contact are reused; without hand-off rules the converting rep keeps the deal', async () => {
    const admin = await newOrg(t, 'Reuse');
    const rita = await addUser(t, admin, 'rep', 'Rita');
    const globex = await ok(admin.post('/api/v1/accounts', { name: 'Globex Corporation', domain: 'globex.com' }), 201);
    const jo = await ok(admin.post('/api/v1/contacts', { firstName: 'Jo', lastName: 'Smith', email: 'jo@globex.com', accountId: globex.id }), 201);
    const accountsBefore = await count(admin, '/api/v1/accounts');

    const lead = await qualifiedLead(rita, { firstName: 'Jo', lastName: 'Smith', email: 'JO@globex.com', phone: '+1 415 555 0100', company: 'Globex Corp', notes: 'Budget in Q4' });
    const preview = await ok(rita.get(`/api/v1/leads/${lead.id}/conversion-preview`));
    assert.deepEqual(preview.account.proposed, { mode: 'existing', id: globex.id, name: 'Globex Corporation' });
    assert.equal(preview.account.candidates[0].reason, 'contact_account');
    assert.deepEqual(preview.contact.proposed, { mode: 'existing', id: jo.id, name: 'Jo Smith' });
    assert.equal(preview.handoffRuleSet, null);

    const conversion = await ok(rita.post(`/api/v1/leads/${lead.id}/convert`, { opportunity: { name: 'Globex expansion', amount: 990_000, currency: 'USD' } }), 201);
    assert.deepEqual([conversion.account.id, conversion.account.reused, conversion.contact.id, conversion.contact.reused], [globex.id, true, jo.id, true]);
    assert.equal(conversion.handoff, null);
    assert.equal(await count(admin, '/api/v1/accounts'), accountsBefore, 'no new account');
    const contact = await ok(admin.get(`/api/v1/contacts/${jo.id}`));
    assert.equal(contact.phone, '+1 415 555 0100', 'the contact gains the phone it lacked');
    assert.equal(contact.notes, 'Budget in Q4');
    const deal = await ok(admin.get(`/api/v1/opportunities/${conversion.opportunity.id}`));
    assert.deepEqual([deal.name, deal.amount, deal.currency, deal.ownerId, deal.sourcedBy], ['Globex expansion', 990_000, 'USD', rita.userId, rita.userId]);
    assert.ok((await summaries(admin, 'contacts', jo.id)).includes('Discovery call with Globex Corp'));

    // A second person at Globex with a free-mail address: the account is found by its similar name.
    const sam = await qualifiedLead(rita, { firstName: 'Sam', lastName: 'Lee', email: 'sam.lee@gmail.com', company: 'Globex Corporation Inc' });
    const samPreview = await ok(rita.get(`/api/v1/leads/${sam.id}/conversion-preview`));
    assert.equal(samPreview.account.candidates[0].reason, 'similar_name');
    const noDeal = await ok(rita.post(`/api/v1/leads/${sam.id}/convert`, { createOpportunity: false }), 201);
    assert.deepEqual([noDeal.account.id, noDeal.contact.reused, noDeal.opportunity], [globex.id, false, null]);
    assert.equal((await ok(admin.get(`/api/v1/contacts/${noDeal.contact.id}`))).accountId, globex.id);
    assert.equal(await count(admin, '/api/v1/opportunities'), 1, 'no deal when asked for none');

    // Forcing a new account for a person who is a contact of Globex is refused and changes nothing.
    const again = await qualifiedLead(rita, { firstName: 'Jo', lastName: 'Smith', email: 'jo@globex.com', company: 'Jo Consulting' });
    const refused = await rita.post(`/api/v1/leads/${again.id}/convert`, { account: 'new' });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json().errors[0].field, 'contact');
    assert.equal((await ok(rita.get(`/api/v1/leads/${again.id}`))).status, 'qualified');
    assert.equal(await count(admin, '/api/v1/accounts'), accountsBefore, 'the refused conversion left no account behind');
    const separate = await ok(rita.post(`/api/v1/leads/${again.id}/convert`, { account: 'new', contact: 'new', createOpportunity: false }), 201);
    assert.equal(separate.account.name, 'Jo Consulting');
    assert.notEqual(separate.contact.id, jo.id);
  });

  test('only qualified leads convert, only in their own org, and reps convert their own', async () => {
    const admin = await newOrg(t, 'Rules');
    const rita = await addUser(t, admin, 'rep', 'Rita');
    const ben = await addUser(t, admin, 'rep', 'Ben');
    const mia = await addUser(t, admin, 'manager', 'Mia');
    const working = await ok(rita.post('/api/v1/leads', { firstName: 'Wo', lastName: 'King', company: 'Working AG' }), 201);
    await ok(rita.patch(`/api/v1/leads/${working.id}`, { status: 'working' }));
    const refused = await rita.post(`/api/v1/leads/${working.id}/convert`, {});
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, 'lead_not_qualified');
    assert.equal(refused.json().detail, 'Only a qualified lead can be converted; this lead is working: mark it qualified first');
    assert.equal(await count(admin, '/api/v1/accounts'), 0);
    assert.equal(await count(admin, '/api/v1/contacts'), 0);
    assert.equal((await ok(rita.get(`/api/v1/leads/${working.id}`))).version, 2, 'the lead is unchanged');

    const lead = await qualifiedLead(rita, { firstName: 'Ada', lastName: 'Owner', email: 'ada@owned.io', company: 'Owned Ltd' });
    const stranger = await newOrg(t, 'Stranger');
    assert.equal((await stranger.post(`/api/v1/leads/${lead.id}/convert`, {})).statusCode, 404);
    assert.equal((await stranger.get(`/api/v1/leads/${lead.id}/conversion-preview`)).statusCode, 404);
    const ours = await ok(admin.post('/api/v1/accounts', { name: 'Ours Inc' }), 201);
    const theirs = await qualifiedLead(stranger, { firstName: 'Sly', lastName: 'Fox', company: 'Sly Ltd' });
    const intoOurs = await stranger.post(`/api/v1/leads/${theirs.id}/convert`, { account: ours.id });
    assert.equal(intoOurs.statusCode, 400, 'another org’s account is not one to convert into');
    assert.deepEqual(intoOurs.json().errors, [{ field: 'account', message: 'No such account in your organisation' }]);
    assert.equal((await stranger.post(`/api/v1/leads/${theirs.id}/convert`, { contact: ours.id })).statusCode, 400);
    const byBen = await ben.post(`/api/v1/leads/${lead.id}/convert`, {});
    assert.equal(byBen.statusCode, 403, 'a rep does not convert a colleague’s lead');
    assert.equal((await ok(ben.get(`/api/v1/leads/${lead.id}/conversion-preview`))).problem.code, 'forbidden');
    assert.equal((await rita.patch(`/api/v1/leads/${lead.id}`, { status: 'converted' })).json().code, 'convert_required', 'a status alone does not convert');

    const key = { 'idempotency-key': `convert-${lead.id}` };
    const first = await mia.post(`/api/v1/leads/${lead.id}/convert`, {}, key);
    assert.equal(first.statusCode, 201, first.body);
    const retry = await mia.post(`/api/v1/leads/${lead.id}/convert`, {}, key);
    assert.equal(retry.statusCode, 201, 'a retry with the same key gets the first answer');
    assert.equal(retry.json().id, first.json().id);
    const conversion = first.json();
    assert.equal(conversion.sourcedBy, rita.userId, 'the manager converts, the rep who qualified keeps the credit');
    assert.equal(conversion.convertedBy, mia.userId);
    assert.equal((await ok(admin.get(`/api/v1/opportunities/${conversion.opportunity.id}`))).ownerId, mia.userId);
  });

  test('a converted lead’s first-touch clock stops: nobody is escalated for a lead that became a deal', async () => {
    const admin = await newOrg(t, 'Clock');
    const rita = await addUser(t, admin, 'rep', 'Rita');
    const draft = await ok(
      admin.post('/api/v1/routing/rule-sets', { object: 'lead_create', name: 'Inbound', slaMinutes: 60, rules: [{ name: 'Rita', strategy: 'round_robin', target: { type: 'users', userIds: [rita.userId] } }] }),
      201,
    );
    await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
    const lead = await ok(admin.post('/api/v1/leads', { firstName: 'Cl', lastName: 'Ock', email: 'cl@clock.io', company: 'Clock AG' }), 201);
    assert.equal(lead.ownerId, rita.userId);
    await ok(rita.patch(`/api/v1/leads/${lead.id}`, { status: 'working' }));
    await ok(rita.patch(`/api/v1/leads/${lead.id}`, { status: 'qualified' }));
    await ok(rita.post(`/api/v1/leads/${lead.id}/convert`, { createOpportunity: false }), 201);
    const clocks = (await ok(admin.get(`/api/v1/routing/clocks?subjectId=${lead.id}`))).data;
    assert.deepEqual(clocks.map((c: Json) => [c.status, c.outcome]), [['cancelled', 'the lead was converted']]);
  });

  test('two conversions of one lead at once: one converts, the other is refused, nothing is made twice', async () => {
    const admin = await newOrg(t, 'Race');
    const lead = await qualifiedLead(admin, { firstName: 'Ra', lastName: 'Ce', email: 'ra@race.io', company: 'Race Ltd' });
    const results = await Promise.all([admin.post(`/api/v1/leads/${lead.id}/convert`, {}), admin.post(`/api/v1/leads/${lead.id}/convert`, {})]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409], results.map((r) => r.body).join('\n'));
    assert.equal(await count(admin, '/api/v1/accounts'), 1);
    assert.equal(await count(admin, '/api/v1/contacts'), 1);
    assert.equal(await count(admin, '/api/v1/opportunities'), 1);
  });
});
