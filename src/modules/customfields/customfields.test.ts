import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { createLead } from '../leads/service.ts';

const t = await startTestApp();
const db = t.database.db;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

async function refused(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 400): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

const stored = async (table: string, id: string) =>
  ((await db.execute(sql`select custom, custom_archived from ${sql.raw(table)} where id = ${id}`)) as unknown as { rows: { custom: Json; custom_archived: Json }[] }).rows[0]!;

const field = (admin: Caller, body: Json) => ok(admin.post('/api/v1/custom-fields', body), 201);

describe('custom fields', () => {
  test('admins define fields; everyone who reads records reads them; reps and managers cannot change them', async () => {
    const admin = await newOrg(t, 'CF access');
    const rep = await addUser(t, admin, 'rep');
    const manager = await addUser(t, admin, 'manager');
    const segment = await field(admin, { object: 'lead', label: 'Industry Segment', type: 'picklist', options: ['SMB', 'Mid-Market', 'Enterprise'], helpText: 'From the sizing sheet' });
    assert.equal(segment.key, 'industry_segment', 'the key defaults to the label in snake_case');
    const listed = await ok(rep.get('/api/v1/custom-fields?object=lead'));
    assert.deepEqual(listed.data.map((f: Json) => f.key), ['industry_segment']);
    for (const caller of [rep, manager]) {
      await refused(caller.post('/api/v1/custom-fields', { object: 'lead', label: 'X', type: 'text' }), 403);
      await refused(caller.patch(`/api/v1/custom-fields/${segment.id}`, { label: 'Y' }), 403);
      await refused(caller.post(`/api/v1/custom-fields/${segment.id}/archive`), 403);
    }
    await refused(admin.post('/api/v1/custom-fields', { object: 'lead', label: 'Segment again', key: 'industry_segment', type: 'text' }));
    await refused(admin.post('/api/v1/custom-fields', { object: 'lead', label: 'Bad', type: 'picklist', options: [] }));
    const schema = await ok(rep.get('/api/v1/custom-fields/schema.json'));
    assert.deepEqual(schema.lead.properties.industry_segment.anyOf[0].enum, ['SMB', 'Mid-Market', 'Enterprise']);
    assert.deepEqual(schema.account.properties, {});
  });

  test('record routes validate custom values like built-in fields, per type, and return them', async () => {
    const admin = await newOrg(t, 'CF values');
    const rep = await addUser(t, admin, 'rep');
    await field(admin, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'], required: true });
    await field(admin, { object: 'lead', key: 'budget', label: 'Budget', type: 'currency' });
    await field(admin, { object: 'lead', key: 'channels', label: 'Channels', type: 'multi_picklist', options: ['Email', 'Phone'] });
    await field(admin, { object: 'lead', key: 'sdr', label: 'SDR', type: 'user' });
    await field(admin, { object: 'lead', key: 'parent_account', label: 'Parent account', type: 'lookup', lookupObject: 'account' });
    await field(admin, { object: 'lead', key: 'vat_id', label: 'VAT ID', type: 'text', unique: true });

    const missing = await refused(rep.post('/api/v1/leads', { lastName: 'Doe' }));
    assert.deepEqual(missing.errors, [{ field: 'custom.segment', message: 'Segment is required' }]);
    // Flows that ask no one for custom values (a web form, a conversion) create records without them.
    const fromForm = await createLead(db, { orgId: admin.orgId, userId: '', role: 'admin', via: 'system' }, { lastName: 'From a form' });
    assert.deepEqual(fromForm.custom, {});
    await db.execute(sql`delete from leads where id = ${fromForm.id}`);
    const bad = await refused(
      rep.post('/api/v1/leads', { lastName: 'Doe', custom: { segment: 'Huge', budget: 12, channels: ['Fax'], sdr: '019a0000-0000-7000-8000-000000000000', nope: 1 } }),
    );
    assert.deepEqual(bad.errors.map((e: Json) => e.field).sort(), ['custom.budget', 'custom.channels', 'custom.nope', 'custom.segment']);
    const strangers = await refused(rep.post('/api/v1/leads', { lastName: 'Doe', custom: { segment: 'SMB', sdr: '019a0000-0000-7000-8000-000000000000', parent_account: '019a0000-0000-7000-8000-000000000000' } }));
    assert.deepEqual(strangers.errors.map((e: Json) => e.field).sort(), ['custom.parent_account', 'custom.sdr']);
    assert.equal((await ok(rep.get('/api/v1/leads'))).data.length, 0, 'refused leads store nothing');

    const account = await ok(rep.post('/api/v1/accounts', { name: 'Acme Holding' }), 201);
    const lead = await ok(
      rep.post('/api/v1/leads', {
        lastName: 'Doe',
        custom: { segment: 'enterprise', budget: { amount: 500000, currency: 'eur' }, channels: ['Phone', 'Email'], sdr: rep.userId, parent_account: account.id, vat_id: 'DE123' },
      }),
      201,
    );
    assert.deepEqual(lead.custom, { segment: 'Enterprise', budget: { amount: 500000, currency: 'EUR' }, channels: ['Email', 'Phone'], sdr: rep.userId, parent_account: account.id, vat_id: 'DE123' });
    const duplicate = await refused(rep.post('/api/v1/leads', { lastName: 'Roe', custom: { segment: 'SMB', vat_id: 'de123' } }));
    assert.deepEqual(duplicate.errors, [{ field: 'custom.vat_id', message: 'Another lead has this VAT ID' }]);

    const cleared = await ok(rep.patch(`/api/v1/leads/${lead.id}`, { custom: { budget: null, vat_id: 'DE123' } }));
    assert.equal(cleared.custom.budget, undefined, 'null clears a value');
    assert.equal(cleared.custom.vat_id, 'DE123', 'a record keeps its own unique value');
    assert.equal(cleared.custom.segment, 'Enterprise', 'values not sent stay');
    await refused(rep.patch(`/api/v1/leads/${lead.id}`, { custom: { segment: null } }));
    const renamed = await ok(rep.patch(`/api/v1/leads/${lead.id}`, { firstName: 'Jane' }));
    assert.equal(renamed.custom.segment, 'Enterprise');
    const audit = await ok(admin.get(`/api/v1/audit-log/lead/${lead.id}`));
    assert.ok(JSON.stringify(audit).includes('"budget"'), 'the audit log keeps custom values before and after');

    // The same on contacts, accounts and opportunities.
    await field(admin, { object: 'contact', key: 'linkedin', label: 'LinkedIn', type: 'url' });
    await field(admin, { object: 'account', key: 'tier', label: 'Tier', type: 'number' });
    await field(admin, { object: 'opportunity', key: 'signed_on', label: 'Signed on', type: 'date' });
    await field(admin, { object: 'opportunity', key: 'legal_ok', label: 'Legal OK', type: 'checkbox' });
    const contact = await ok(rep.post('/api/v1/contacts', { lastName: 'Smith', custom: { linkedin: 'linkedin.com/in/smith' } }), 201);
    assert.equal(contact.custom.linkedin, 'https://linkedin.com/in/smith');
    await refused(rep.patch(`/api/v1/contacts/${contact.id}`, { custom: { linkedin: 'not a url' } }));
    const tiered = await ok(rep.patch(`/api/v1/accounts/${account.id}`, { custom: { tier: 2 } }));
    assert.equal(tiered.custom.tier, 2);
    assert.equal((await ok(rep.get(`/api/v1/accounts/${account.id}`))).custom.tier, 2);
    await refused(rep.patch(`/api/v1/accounts/${account.id}`, { custom: { tier: 'two' } }));
    const deal = await ok(rep.post('/api/v1/opportunities', { name: 'Big deal', custom: { signed_on: '2026-12-01', legal_ok: true } }), 201);
    assert.deepEqual(deal.custom, { signed_on: '2026-12-01', legal_ok: true });
    await refused(rep.patch(`/api/v1/opportunities/${deal.id}`, { custom: { signed_on: '2026-13-01' } }));
    assert.deepEqual((await ok(rep.get(`/api/v1/opportunities/${deal.id}`))).custom, { signed_on: '2026-12-01', legal_ok: true });
  });

  test('list filters on custom fields', async () => {
    const admin = await newOrg(t, 'CF filters');
    await field(admin, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    await field(admin, { object: 'lead', key: 'seats', label: 'Seats', type: 'number' });
    await field(admin, { object: 'account', key: 'partner_tier', label: 'Partner tier', type: 'text' });
    const a = await ok(admin.post('/api/v1/leads', { lastName: 'A', custom: { segment: 'SMB', seats: 5 } }), 201);
    const b = await ok(admin.post('/api/v1/leads', { lastName: 'B', custom: { segment: 'Enterprise', seats: 500 } }), 201);
    const c = await ok(admin.post('/api/v1/leads', { lastName: 'C' }), 201);
    const ids = async (query: string) => (await ok(admin.get(`/api/v1/leads?${query}`))).data.map((l: Json) => l.id).sort();
    assert.deepEqual(await ids('custom.segment=enterprise'), [b.id]);
    assert.deepEqual(await ids('custom.segment=SMB,Enterprise'), [a.id, b.id].sort());
    assert.deepEqual(await ids('custom.seats=10..'), [b.id]);
    assert.deepEqual(await ids('custom.segment='), [c.id], 'a blank filter finds records without a value');
    await refused(admin.get('/api/v1/leads?custom.segment=Huge'));
    await refused(admin.get('/api/v1/leads?custom.nope=1'));
    await refused(admin.get('/api/v1/leads?bogus=1'));
    const acme = await ok(admin.post('/api/v1/accounts', { name: 'Acme', custom: { partner_tier: 'Gold' } }), 201);
    await ok(admin.post('/api/v1/accounts', { name: 'Other' }), 201);
    assert.deepEqual((await ok(admin.get('/api/v1/accounts?custom.partner_tier=gold'))).data.map((x: Json) => x.id), [acme.id]);
  });

  test('archiving hides a field and keeps its values; restoring brings them back; type changes never lose values', async () => {
    const admin = await newOrg(t, 'CF archive');
    const segment = await field(admin, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    const lead = await ok(admin.post('/api/v1/leads', { lastName: 'Doe', custom: { segment: 'SMB' } }), 201);

    // A change that stored values would not fit is refused; one they fit is taken.
    const misfit = await refused(admin.patch(`/api/v1/custom-fields/${segment.id}`, { options: ['Enterprise'] }), 409);
    assert.equal(misfit.code, 'values_do_not_fit');
    await refused(admin.patch(`/api/v1/custom-fields/${segment.id}`, { type: 'number' }), 409);
    const widened = await ok(admin.patch(`/api/v1/custom-fields/${segment.id}`, { options: ['SMB', 'Mid-Market', 'Enterprise'] }));
    assert.deepEqual(widened.options, ['SMB', 'Mid-Market', 'Enterprise']);
    await refused(admin.del(`/api/v1/custom-fields/${segment.id}`), 409);

    const archived = await ok(admin.post(`/api/v1/custom-fields/${segment.id}/archive`));
    assert.equal(archived.records, 1);
    assert.deepEqual((await ok(admin.get(`/api/v1/leads/${lead.id}`))).custom, {}, 'hidden from the API');
    assert.deepEqual(await stored('leads', lead.id), { custom: {}, custom_archived: { segment: 'SMB' } }, 'kept aside, not lost');
    await refused(admin.patch(`/api/v1/leads/${lead.id}`, { custom: { segment: 'Enterprise' } }));
    await refused(admin.get('/api/v1/leads?custom.segment=SMB'));
    await refused(admin.post(`/api/v1/custom-fields/${segment.id}/archive`), 409);
    await refused(admin.del(`/api/v1/custom-fields/${segment.id}`), 409);
    assert.deepEqual((await ok(admin.get('/api/v1/custom-fields?archived=true'))).data.map((f: Json) => f.key), ['segment']);

    const restored = await ok(admin.post(`/api/v1/custom-fields/${segment.id}/restore`));
    assert.equal(restored.archivedAt, null);
    assert.deepEqual((await ok(admin.get(`/api/v1/leads/${lead.id}`))).custom, { segment: 'SMB' });

    // A field no record holds a value of can go for good.
    const spare = await field(admin, { object: 'lead', key: 'spare', label: 'Spare', type: 'text' });
    assert.equal((await admin.del(`/api/v1/custom-fields/${spare.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/custom-fields/${spare.id}`)).statusCode, 404);
    const vat = await field(admin, { object: 'lead', key: 'vat', label: 'VAT', type: 'text' });
    await ok(admin.post('/api/v1/leads', { lastName: 'X', custom: { vat: 'A1' } }), 201);
    await ok(admin.post('/api/v1/leads', { lastName: 'Y', custom: { vat: 'a1' } }), 201);
    assert.equal((await refused(admin.patch(`/api/v1/custom-fields/${vat.id}`, { unique: true }), 409)).code, 'values_not_unique');
  });

  test('report: records and open pipeline by the value of a picklist field', async () => {
    const admin = await newOrg(t, 'CF breakdown');
    const rep = await addUser(t, admin, 'rep');
    const segment = await field(admin, { object: 'opportunity', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    const channels = await field(admin, { object: 'lead', key: 'channels', label: 'Channels', type: 'multi_picklist', options: ['Email', 'Phone'] });
    const text = await field(admin, { object: 'lead', key: 'note2', label: 'Note', type: 'text' });
    await ok(rep.post('/api/v1/opportunities', { name: 'A', amount: 1000, currency: 'EUR', custom: { segment: 'Enterprise' } }), 201);
    await ok(rep.post('/api/v1/opportunities', { name: 'B', amount: 500, currency: 'EUR', custom: { segment: 'Enterprise' } }), 201);
    await ok(rep.post('/api/v1/opportunities', { name: 'C', amount: 700, currency: 'USD' }), 201);
    const report = await ok(rep.get(`/api/v1/custom-fields/${segment.id}/breakdown`));
    assert.deepEqual(report.data, [
      { value: 'Enterprise', records: 2, openAmounts: [{ currency: 'EUR', amount: 1500 }] },
      { value: null, records: 1, openAmounts: [{ currency: 'USD', amount: 700 }] },
    ]);
    await ok(rep.post('/api/v1/leads', { lastName: 'X', custom: { channels: ['Email', 'Phone'] } }), 201);
    await ok(rep.post('/api/v1/leads', { lastName: 'Y', custom: { channels: ['Phone'] } }), 201);
    const byChannel = await ok(rep.get(`/api/v1/custom-fields/${channels.id}/breakdown`));
    assert.deepEqual(byChannel.data.map((r: Json) => [r.value, r.records]), [['Email', 1], ['Phone', 2]]);
    await refused(rep.get(`/api/v1/custom-fields/${text.id}/breakdown`));
  });

  test('tenancy: another org’s fields, records and users are not reachable', async () => {
    const one = await newOrg(t, 'CF tenancy one');
    const two = await newOrg(t, 'CF tenancy two');
    const mine = await field(one, { object: 'lead', key: 'segment', label: 'Segment', type: 'text' });
    await field(one, { object: 'lead', key: 'owner2', label: 'Second owner', type: 'user' });
    await field(one, { object: 'lead', key: 'acct', label: 'Account', type: 'lookup', lookupObject: 'account' });
    await refused(two.get(`/api/v1/custom-fields/${mine.id}`), 404);
    await refused(two.patch(`/api/v1/custom-fields/${mine.id}`, { label: 'Hijack' }), 404);
    await refused(two.post(`/api/v1/custom-fields/${mine.id}/archive`), 404);
    assert.deepEqual((await ok(two.get('/api/v1/custom-fields'))).data, []);
    await refused(two.post('/api/v1/leads', { lastName: 'Doe', custom: { segment: 'x' } }));
    const theirAccount = await ok(two.post('/api/v1/accounts', { name: 'Theirs' }), 201);
    const problem = await refused(one.post('/api/v1/leads', { lastName: 'Doe', custom: { owner2: two.userId, acct: theirAccount.id } }));
    assert.deepEqual(problem.errors.map((e: Json) => e.field).sort(), ['custom.acct', 'custom.owner2']);
    // The same key in two orgs is two fields.
    await field(two, { object: 'lead', key: 'segment', label: 'Segment', type: 'number' });
    await ok(two.post('/api/v1/leads', { lastName: 'Doe', custom: { segment: 3 } }), 201);
  });
});
