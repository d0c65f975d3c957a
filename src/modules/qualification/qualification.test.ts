import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { qualificationFrameworks } from './schema.ts';

const t = await startTestApp();

const put = (caller: Caller, url: string, payload: unknown, headers: Record<string, string> = {}) => caller.request({ method: 'PUT', url, payload: payload as object, headers });

const MEDDIC = {
  name: 'MEDDIC',
  questions: [
    { key: 'metrics', label: 'Metrics: what will they measure?', type: 'text', required: true },
    { key: 'economicBuyer', label: 'Economic buyer', type: 'user', required: true, weight: 2 },
    { key: 'decisionCriteria', label: 'Decision criteria', type: 'text', required: true },
    { key: 'decisionProcess', label: 'Decision process', type: 'select', options: ['RFP', 'Direct', 'Committee'], required: false },
    { key: 'identifyPain', label: 'Pain confirmed', type: 'boolean', required: true },
    { key: 'champion', label: 'Champion', type: 'text' },
  ],
};

describe('lead qualification', () => {
  test('a new organisation qualifies by BANT; a rep fills it in step by step', async () => {
    const admin = await newOrg(t);
    const rep = await addUser(t, admin, 'rep');
    const frameworks = (await rep.get('/api/v1/qualification-frameworks')).json().data;
    assert.deepEqual(frameworks.map((f: { name: string; isDefault: boolean }) => [f.name, f.isDefault]), [['BANT', true]]);

    const lead = (await rep.post('/api/v1/leads', { company: 'Qualify Me' })).json();
    const empty = await rep.get(`/api/v1/leads/${lead.id}/qualification`);
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.headers.etag, '"0"');
    assert.equal(empty.json().framework.name, 'BANT');
    assert.deepEqual(empty.json().progress, { answeredRequired: 0, totalRequired: 4, percent: 0, qualifiedReady: false, missing: ['budget', 'authority', 'need', 'timeline'] });

    const url = `/api/v1/leads/${lead.id}/qualification`;
    const first = await put(rep, url, { answers: { budget: { amount: 2_500_000, currency: 'EUR' }, need: '  Replace spreadsheets ' } }, { 'if-match': '"0"' });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.headers.etag, '"1"');
    assert.deepEqual(first.json().answers, { budget: { amount: 2_500_000, currency: 'EUR' }, need: 'Replace spreadsheets' });
    assert.equal(first.json().progress.percent, 50);
    assert.equal(first.json().updatedBy, rep.userId);

    const stale = await put(rep, url, { answers: {} }, { 'if-match': '"0"' });
    assert.equal(stale.statusCode, 412, 'a second rep working from the empty form does not wipe the answers');

    const bad = await put(rep, url, { answers: { authority: 'The CEO', timeline: 'soon', colour: 'blue' } }, { 'if-match': '"1"' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field), ['answers.authority', 'answers.timeline', 'answers.colour']);
    assert.equal((await rep.get(url)).json().version, 1, 'bad answers change nothing');

    const all = { ...first.json().answers, authority: 'Decision maker', timeline: '2025-11-30' };
    const done = await put(rep, url, { answers: all }, { 'if-match': '"1"' });
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(done.json().progress, { answeredRequired: 4, totalRequired: 4, percent: 100, qualifiedReady: true, missing: [] });

    const history = (await rep.get(`/api/v1/audit-log/lead/${lead.id}`)).json().data[0];
    assert.equal(history.actorId, rep.userId);
    assert.deepEqual(history.after.qualification, { budget: { amount: 2_500_000, currency: 'EUR' }, need: 'Replace spreadsheets', authority: 'Decision maker', timeline: '2025-11-30' });
  });

  test('an org defines MEDDIC; a lead qualified in it stays in it', async () => {
    const admin = await newOrg(t);
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.post('/api/v1/qualification-frameworks', MEDDIC)).statusCode, 403, 'reps do not define frameworks');
    const created = await admin.post('/api/v1/qualification-frameworks', MEDDIC);
    assert.equal(created.statusCode, 201, created.body);
    const meddic = created.json();
    assert.equal(meddic.isDefault, false);
    assert.equal(meddic.questions[5].required, false);

    const lead = (await rep.post('/api/v1/leads', { company: 'Enterprise Deal' })).json();
    const url = `/api/v1/leads/${lead.id}/qualification`;
    const stranger = await put(rep, url, { frameworkId: meddic.id, answers: { economicBuyer: '0190a000-0000-7000-8000-000000000001' } });
    assert.equal(stranger.statusCode, 400);
    assert.deepEqual(stranger.json().errors.map((e: { field: string }) => e.field), ['answers.economicBuyer']);

    const saved = await put(rep, url, { frameworkId: meddic.id, answers: { economicBuyer: admin.userId, identifyPain: false, champion: 'Jo' } });
    assert.equal(saved.statusCode, 200, saved.body);
    // Required weights: metrics 1, economicBuyer 2, decisionCriteria 1, identifyPain 1.
    assert.equal(saved.json().progress.percent, 60);
    assert.equal((await rep.get(url)).json().framework.name, 'MEDDIC', 'the lead stays in the framework its rep chose');
    assert.equal((await rep.get(`${url}?frameworkId=${(await rep.get('/api/v1/qualification-frameworks')).json().data[0].id}`)).json().framework.name, 'BANT');
  });

  test('framework rules: unique names, one default, no deleting what is in use', async () => {
    const admin = await newOrg(t);
    const list = async () => (await admin.get('/api/v1/qualification-frameworks')).json().data as { id: string; name: string; isDefault: boolean; active: boolean }[];
    const bant = (await list())[0]!;
    assert.equal((await admin.post('/api/v1/qualification-frameworks', { ...MEDDIC, name: 'bant' })).statusCode, 409);
    const badQuestions = await admin.post('/api/v1/qualification-frameworks', { name: 'Broken', questions: [{ key: 'Stage', label: 'Stage', type: 'select', required: true }] });
    assert.equal(badQuestions.statusCode, 400);
    assert.deepEqual(badQuestions.json().errors.map((e: { field: string }) => e.field), ['questions.0.key', 'questions.0.options']);

    const meddic = (await admin.post('/api/v1/qualification-frameworks', { ...MEDDIC, isDefault: true })).json();
    assert.deepEqual((await list()).map((f) => [f.name, f.isDefault]), [['MEDDIC', true], ['BANT', false]]);
    assert.equal((await admin.patch(`/api/v1/qualification-frameworks/${meddic.id}`, { isDefault: false })).statusCode, 409, 'there is always a default');
    assert.equal((await admin.patch(`/api/v1/qualification-frameworks/${meddic.id}`, { active: false })).statusCode, 409);
    assert.equal((await admin.del(`/api/v1/qualification-frameworks/${meddic.id}`)).statusCode, 409);

    const lead = (await admin.post('/api/v1/leads', { company: 'Answered' })).json();
    assert.equal((await put(admin, `/api/v1/leads/${lead.id}/qualification`, { frameworkId: bant.id, answers: { need: 'CRM' } })).statusCode, 200);
    const inUse = await admin.del(`/api/v1/qualification-frameworks/${bant.id}`);
    assert.equal(inUse.statusCode, 409);
    assert.equal(inUse.json().detail, '1 lead(s) have answers in this framework; deactivate it instead');
    // Version 2: giving MEDDIC the default changed BANT once.
    const retired = await admin.patch(`/api/v1/qualification-frameworks/${bant.id}`, { active: false }, { 'if-match': '"2"' });
    assert.equal(retired.statusCode, 200, retired.body);
    assert.equal((await put(admin, `/api/v1/leads/${lead.id}/qualification`, { frameworkId: bant.id, answers: { need: 'CRM' } })).statusCode, 400);
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}/qualification`)).json().framework.name, 'MEDDIC', 'a retired framework gives way to the default');
    assert.deepEqual((await admin.get('/api/v1/qualification-frameworks?active=true')).json().data.map((f: { name: string }) => f.name), ['MEDDIC']);

    const unused = (await admin.post('/api/v1/qualification-frameworks', { name: 'SPIN', questions: [{ key: 'situation', label: 'Situation', type: 'text', required: true }] })).json();
    assert.equal((await admin.del(`/api/v1/qualification-frameworks/${unused.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/qualification-frameworks/${unused.id}`)).statusCode, 404);
  });

  test('an organisation from before qualification existed gets BANT on first use', async () => {
    const admin = await newOrg(t);
    await t.database.db.delete(qualificationFrameworks).where(and(eq(qualificationFrameworks.orgId, admin.orgId)));
    const lead = (await admin.post('/api/v1/leads', { company: 'Old Org' })).json();
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}/qualification`)).json().framework.name, 'BANT');
    assert.equal((await admin.get('/api/v1/qualification-frameworks')).json().data.length, 1);
  });

  test("another organisation sees neither the lead's answers nor the frameworks", async () => {
    const admin = await newOrg(t);
    const lead = (await admin.post('/api/v1/leads', { company: 'Secret' })).json();
    const framework = (await admin.get('/api/v1/qualification-frameworks')).json().data[0];
    const other = await newOrg(t, 'Other');
    assert.equal((await other.get(`/api/v1/leads/${lead.id}/qualification`)).statusCode, 404);
    assert.equal((await put(other, `/api/v1/leads/${lead.id}/qualification`, { answers: { need: 'x' } })).statusCode, 404);
    assert.equal((await other.get(`/api/v1/qualification-frameworks/${framework.id}`)).statusCode, 404);
    assert.equal((await other.patch(`/api/v1/qualification-frameworks/${framework.id}`, { name: 'Mine' })).statusCode, 404);
    assert.equal((await other.get(`/api/v1/leads/${lead.id}/qualification?frameworkId=${framework.id}`)).statusCode, 404);
  });
});
