// Custom fields where records come and go in bulk or get decided on: CSV import mapping, CSV
// export, routing conditions and scoring rules.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { createMailer } from '../../core/mailer.ts';
import { finished, parseCsv, upload } from '../imports/testing.ts';
import { startImportWorkers } from '../imports/workers.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-customfields-'));
const t = await startTestApp({ jobs: true, config: { LEADFLOW_DATA_DIR: dataDir } });
await startImportWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
after(() => rm(dataDir, { recursive: true, force: true }));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

const field = (admin: Caller, body: Json) => ok(admin.post('/api/v1/custom-fields', body), 201);

const table = (body: string) => {
  const [header, ...rows] = parseCsv(body);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])));
};

describe('custom fields in imports, exports, routing and scoring', () => {
  test('import: custom fields are mapping targets matched by label or key; cells are read by type; bad cells reject the row', async () => {
    const admin = await newOrg(t, 'CF import');
    const rep = await addUser(t, admin, 'rep', 'Rita Rep');
    await field(admin, { object: 'lead', key: 'segment', label: 'Industry Segment', type: 'picklist', options: ['SMB', 'Enterprise'], required: true });
    await field(admin, { object: 'lead', key: 'budget', label: 'Budget', type: 'currency' });
    await field(admin, { object: 'lead', key: 'sdr', label: 'SDR', type: 'user' });
    await field(admin, { object: 'lead', key: 'channels', label: 'Channels', type: 'multi_picklist', options: ['Email', 'Phone'] });
    await field(admin, { object: 'lead', key: 'acct', label: 'Parent', type: 'lookup', lookupObject: 'account' });
    const csv = [
      'Email,Last Name,Industry Segment,budget,SDR,Channels',
      `a@x.test,Alpha,enterprise,EUR 1250.00,${rep.email},Phone;Email`,
      'b@x.test,Beta,Huge,,,',
      'c@x.test,Gamma,SMB,12 apples,,',
      'd@x.test,Delta,,,,',
    ].join('\r\n');

    const preview = await ok(upload(admin, csv, {}, '/api/v1/imports/preview'));
    assert.deepEqual(preview.suggestedMapping, { Email: 'email', 'Last Name': 'lastName', 'Industry Segment': 'custom.segment', budget: 'custom.budget', SDR: 'custom.sdr', Channels: 'custom.channels' });
    const targets = preview.fields.map((f: Json) => f.field);
    assert.ok(targets.includes('custom.segment') && !targets.includes('custom.acct'), 'lookups are not import targets');
    assert.deepEqual(
      preview.rows.map((r: Json) => r.problem),
      [null, 'Industry Segment: "Huge" is not an option; use one of SMB, Enterprise', 'Budget: Must be an amount with its currency, as {"amount": minor units, "currency": "EUR"} (in CSV: "EUR 12.50")', 'Industry Segment is required'],
    );
    const refused = await upload(admin, csv, { mapping: JSON.stringify({ Email: 'email', 'Last Name': 'lastName', 'Industry Segment': 'custom.acct' }) });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json().errors[0].field, 'mapping.Industry Segment');

    const started = await ok(upload(admin, csv), 202);
    const done = await finished(admin, started.id);
    assert.deepEqual([done.status, done.inserted, done.rejected], ['completed', 1, 3]);
    const [alpha] = (await ok(admin.get('/api/v1/leads?custom.segment=Enterprise'))).data;
    assert.deepEqual(alpha.custom, { segment: 'Enterprise', budget: { amount: 125000, currency: 'EUR' }, sdr: rep.userId, channels: ['Email', 'Phone'] });

    // The update policy fills custom values in, keeping those the row does not give.
    const update = 'Email,Industry Segment,Channels\r\na@x.test,SMB,Email\r\n';
    const again = await finished(admin, (await ok(upload(admin, update, { dedupe: 'update' }), 202)).id);
    assert.equal(again.updated, 1);
    const updated = await ok(admin.get(`/api/v1/leads/${alpha.id}`));
    assert.deepEqual(updated.custom, { segment: 'SMB', budget: { amount: 125000, currency: 'EUR' }, sdr: rep.userId, channels: ['Email'] });
  });

  test('export: one column per active custom field, headed by its label, written as imports read it', async () => {
    const source = await newOrg(t, 'CF export');
    await field(source, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    await field(source, { object: 'lead', key: 'budget', label: 'Budget', type: 'currency' });
    await field(source, { object: 'lead', key: 'owner2', label: 'Second owner', type: 'user' });
    const gone = await field(source, { object: 'lead', key: 'gone', label: 'Gone', type: 'text' });
    await ok(source.post('/api/v1/leads', { lastName: 'Berg', email: 'berg@x.test', custom: { segment: 'SMB', budget: { amount: 99900, currency: 'USD' }, owner2: source.userId, gone: 'x' } }), 201);
    await ok(source.post(`/api/v1/custom-fields/${gone.id}/archive`));
    await field(source, { object: 'account', key: 'tier', label: 'Tier', type: 'number' });
    await ok(source.post('/api/v1/accounts', { name: 'Acme', custom: { tier: 2 } }), 201);

    const leads = await source.get('/api/v1/leads/export.csv');
    assert.equal(leads.statusCode, 200, leads.body);
    const [row] = table(leads.body);
    assert.equal(row!.Segment, 'SMB');
    assert.equal(row!.Budget, 'USD 999.00');
    assert.equal(row!['Second owner'], source.email, 'users are named by email');
    assert.equal(row!.Gone, undefined, 'archived fields stay out');
    assert.equal(row!.Custom, undefined, 'no raw JSON column');
    await ok(source.post('/api/v1/accounts', { name: 'Other' }), 201);
    const tiered = table((await source.get('/api/v1/accounts/export.csv?custom.tier=2')).body);
    assert.deepEqual(tiered.map((a) => [a.Name, a.Tier]), [['Acme', '2']], 'exports take the lists’ custom filters');
    assert.equal((await source.get('/api/v1/leads/export.csv?custom.segment=Enterprise')).body.split('\r\n').filter(Boolean).length, 1, 'only the header');

    // Into another org with the same fields: the labels map back by themselves.
    const target = await newOrg(t, 'CF export target');
    await field(target, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    await field(target, { object: 'lead', key: 'budget', label: 'Budget', type: 'currency' });
    const mapping = { 'Last Name': 'lastName', Email: 'email', Segment: 'custom.segment', Budget: 'custom.budget' };
    const done = await finished(target, (await ok(upload(target, leads.body, { mapping: JSON.stringify(mapping) }), 202)).id);
    assert.equal(done.inserted, 1);
    const [copy] = (await ok(target.get('/api/v1/leads'))).data;
    assert.deepEqual(copy.custom, { segment: 'SMB', budget: { amount: 99900, currency: 'USD' } });
  });

  test('routing: a rule may test a custom field; an unknown custom field is refused', async () => {
    const admin = await newOrg(t, 'CF routing');
    const ent = await addUser(t, admin, 'rep', 'Enterprise rep');
    await field(admin, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    await field(admin, { object: 'lead', key: 'budget', label: 'Budget', type: 'currency' });
    const target = { type: 'users', userIds: [ent.userId] };
    const bad = await admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_create',
      name: 'Bad',
      rules: [{ name: 'x', match: 'all', conditions: [{ field: 'custom.nope', op: 'exists' }], strategy: 'round_robin', target }],
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().errors[0].field, 'rules.0.conditions.0.field');
    const draft = await ok(
      admin.post('/api/v1/routing/rule-sets', {
        object: 'lead_create',
        name: 'By segment',
        rules: [
          { name: 'Enterprise', match: 'all', conditions: [{ field: 'custom.segment', op: 'equals', value: 'enterprise' }], strategy: 'round_robin', target },
          { name: 'Big budget', match: 'all', conditions: [{ field: 'custom.budget', op: 'above', value: 1_000_000 }], strategy: 'round_robin', target },
        ],
        fallbackOwnerId: admin.userId,
      }),
      201,
    );
    await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
    // No ownerId given: the active rules decide.
    const enterprise = await ok(admin.post('/api/v1/leads', { company: 'Big Co', custom: { segment: 'Enterprise' } }), 201);
    const rich = await ok(admin.post('/api/v1/leads', { company: 'Rich Co', custom: { budget: { amount: 2_000_000, currency: 'EUR' } } }), 201);
    const small = await ok(admin.post('/api/v1/leads', { company: 'Small Co', custom: { segment: 'SMB' } }), 201);
    assert.equal(enterprise.ownerId, ent.userId);
    assert.equal(rich.ownerId, ent.userId, 'money is compared by its amount in minor units');
    assert.equal(small.ownerId, admin.userId, 'no rule matched: the fallback owner');
  });

  test('scoring: a fit rule on a custom field', async () => {
    const admin = await newOrg(t, 'CF scoring');
    await field(admin, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    await field(admin, { object: 'lead', key: 'seats', label: 'Seats', type: 'number' });
    const rules = {
      fit: [
        { field: 'custom.segment', operator: 'in', values: ['Enterprise'], points: 30 },
        { field: 'custom.seats', operator: 'between', min: 100, max: null, points: 10 },
      ],
      engagement: [],
    };
    const saved = await admin.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules });
    assert.equal(saved.statusCode, 200, saved.body);
    const lead = await ok(admin.post('/api/v1/leads', { company: 'Big', custom: { segment: 'Enterprise', seats: 250 } }), 201);
    assert.equal(lead.score, 40);
    const changed = await ok(admin.patch(`/api/v1/leads/${lead.id}`, { custom: { segment: 'SMB' } }));
    assert.equal(changed.score, 10, 'an edit of a custom value rescores the lead');
  });

  test('scoring: imported leads alike but for a custom value score by it', async () => {
    const admin = await newOrg(t, 'CF import scoring');
    await field(admin, { object: 'lead', key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB', 'Enterprise'] });
    const rules = { fit: [{ field: 'custom.segment', operator: 'in', values: ['Enterprise'], points: 30 }], engagement: [] };
    assert.equal((await admin.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules })).statusCode, 200);
    const csv = 'Email,Title,Segment\r\ne@x.test,CTO,Enterprise\r\ns@x.test,CTO,SMB\r\nf@x.test,CTO,Enterprise\r\n';
    const done = await finished(admin, (await ok(upload(admin, csv), 202)).id);
    assert.equal(done.inserted, 3);
    const scores = Object.fromEntries((await ok(admin.get('/api/v1/leads?limit=10'))).data.map((l: Json) => [l.email, l.score]));
    assert.deepEqual(scores, { 'e@x.test': 30, 's@x.test': 0, 'f@x.test': 30 });
  });
});
