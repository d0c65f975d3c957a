import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Actor } from '../../core/actor.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { newId } from '../../core/ids.ts';
import { logActivity } from '../activities/service.ts';
import { leads } from '../leads/schema.ts';
import { DEFAULT_SCORING_RULES } from './model.ts';
import { rescoreOrganization, runRescoreJob } from './service.ts';

const t = await startTestApp();
const DAY_MS = 86_400_000;
const actorOf = (caller: Caller): Actor => ({ orgId: caller.orgId, userId: caller.userId, role: 'admin', via: 'session' });

async function engage(caller: Caller, leadId: string, kind: string, daysAgo: number): Promise<void> {
  await logActivity(t.database.db, actorOf(caller), { subjectType: 'lead', subjectId: leadId, kind, summary: kind, occurredAt: new Date(Date.now() - daysAgo * DAY_MS) });
}

describe('lead score', () => {
  test('a new lead is scored on its fit, and the score explains itself', async () => {
    const admin = await newOrg(t);
    const created = await admin.post('/api/v1/leads', { firstName: 'Vera', lastName: 'Pohl', company: 'Acme', title: 'VP Sales', employeeCount: 250 });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().score, 30);
    const explained = await admin.get(`/api/v1/leads/${created.json().id}/score`);
    assert.equal(explained.statusCode, 200);
    const body = explained.json();
    assert.equal(body.score, 30);
    assert.equal(body.fit, 30);
    assert.equal(body.engagement, 0);
    assert.deepEqual(body.reasons, [
      { points: 20, reason: '+20 title is VP', source: 'fit' },
      { points: 10, reason: '+10 company has 250 employees', source: 'fit' },
    ]);
  });

  test('is recomputed when the lead changes and when engagement is logged', async () => {
    const admin = await newOrg(t);
    const lead = (await admin.post('/api/v1/leads', { lastName: 'Kurz', company: 'Kurz AG', title: 'Sachbearbeiter' })).json();
    assert.equal(lead.score, 0);
    const promoted = await admin.patch(`/api/v1/leads/${lead.id}`, { title: 'Geschäftsführer', employeeCount: 1200 });
    assert.equal(promoted.json().score, 40);
    assert.equal(promoted.json().version, 2);

    await engage(admin, lead.id, 'email_replied', 2);
    await engage(admin, lead.id, 'note', 0);
    const stored = (await admin.get(`/api/v1/leads/${lead.id}`)).json();
    assert.equal(stored.score, 54, '40 fit + 15 × 0.5^(2/14) = 13.6 → 14');
    assert.equal(stored.version, 2, 'a score change is not an edit: open forms stay valid');
    const reasons = (await admin.get(`/api/v1/leads/${lead.id}/score`)).json().reasons.map((r: { reason: string }) => r.reason);
    assert.deepEqual(reasons, ['+25 title is C-level', '+15 company has 1200 employees', '+14 replied 2 days ago']);
    const history = (await admin.get(`/api/v1/audit-log?entityType=lead&entityId=${lead.id}`)).json().data;
    assert.ok(history.every((entry: { after: Record<string, unknown> | null }) => !entry.after || !('score' in entry.after)), 'the derived score is not audited');
  });

  test('a merge brings the duplicate\'s engagement to the survivor, and its undo takes it back', async () => {
    const admin = await newOrg(t);
    const survivor = (await admin.post('/api/v1/leads', { firstName: 'Mia', lastName: 'Lang', company: 'Lang GmbH', title: 'Head of Sales' })).json();
    const duplicate = (await admin.post('/api/v1/leads', { firstName: 'Mia', lastName: 'Lang', company: 'Lang' })).json();
    await engage(admin, duplicate.id, 'meeting_held', 0);
    assert.equal((await admin.get(`/api/v1/leads/${duplicate.id}`)).json().score, 25);
    assert.equal(survivor.score, 15);
    const merged = await admin.post('/api/v1/merges', { type: 'lead', survivorId: survivor.id, mergedIds: [duplicate.id], fieldChoices: {} });
    assert.equal(merged.statusCode, 201, merged.body);
    assert.equal((await admin.get(`/api/v1/leads/${survivor.id}`)).json().score, 40);
    assert.equal((await admin.post(`/api/v1/merges/${merged.json().id}/undo`)).statusCode, 200);
    assert.equal((await admin.get(`/api/v1/leads/${survivor.id}`)).json().score, 15);
    assert.equal((await admin.get(`/api/v1/leads/${duplicate.id}`)).json().score, 25);
  });

  test('lists sort by score, best first, paging without gaps', async () => {
    const admin = await newOrg(t);
    const titles = ['CEO', 'VP Sales', 'Head of IT', 'Sales Manager', 'Engineer', 'CTO', 'Director Finance'];
    for (const title of titles) await admin.post('/api/v1/leads', { lastName: title, company: 'Sorted', title });
    const seen: { lastName: string; score: number }[] = [];
    let cursor: string | null = null;
    do {
      const page = (await admin.get(`/api/v1/leads?sort=-score&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json() as { data: { lastName: string; score: number }[]; nextCursor: string | null };
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, titles.length);
    assert.deepEqual(seen.map((l) => l.score), [25, 25, 20, 15, 15, 8, 0]);
    const ascending = (await admin.get('/api/v1/leads?sort=score&limit=100')).json().data.map((l: { score: number }) => l.score);
    assert.deepEqual(ascending, [0, 8, 15, 15, 20, 25, 25]);
  });

  test('another organisation cannot read the score', async () => {
    const admin = await newOrg(t);
    const lead = (await admin.post('/api/v1/leads', { company: 'Private' })).json();
    const other = await newOrg(t, 'Other');
    assert.equal((await other.get(`/api/v1/leads/${lead.id}/score`)).statusCode, 404);
  });
});

describe('scoring rules', () => {
  test('start from the defaults; only admins read or change them', async () => {
    const admin = await newOrg(t);
    const rep = await addUser(t, admin, 'rep');
    const manager = await addUser(t, admin, 'manager');
    const current = await admin.get('/api/v1/scoring-rules');
    assert.equal(current.statusCode, 200);
    assert.deepEqual(current.json(), { ...DEFAULT_SCORING_RULES, version: 0, updatedAt: null });
    assert.equal((await rep.get('/api/v1/scoring-rules')).statusCode, 403);
    const rules = { fit: [], engagement: [] };
    assert.equal((await rep.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules })).statusCode, 403);
    assert.equal((await manager.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules })).statusCode, 403);
    assert.equal((await admin.get('/api/v1/scoring-rules')).json().version, 0, 'refused changes change nothing');
  });

  test('changing the rules rescores every lead of the org, and only that org', async () => {
    const admin = await newOrg(t);
    const other = await newOrg(t, 'Other');
    const software = (await admin.post('/api/v1/leads', { company: 'Soft', industry: 'Software', country: 'de', title: 'VP Sales' })).json();
    const retail = (await admin.post('/api/v1/leads', { company: 'Shop', industry: 'Retail', country: 'US' })).json();
    const untouched = (await other.post('/api/v1/leads', { company: 'Soft', industry: 'Software', title: 'VP Sales' })).json();
    assert.equal(software.score, 20);

    const rules = {
      fit: [
        { field: 'industry', operator: 'in', values: ['software', 'Fintech'], points: 30 },
        { field: 'country', operator: 'in', values: ['DE', 'AT', 'CH'], points: 10 },
        { field: 'industry', operator: 'in', values: ['Retail'], points: -5 },
      ],
      engagement: [{ kind: 'meeting_held', points: 40, halfLifeDays: 10, maxEvents: 1 }],
    };
    const saved = await admin.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules, headers: { 'if-match': '"0"' } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.headers.etag, '"1"');
    assert.equal((await admin.get(`/api/v1/leads/${software.id}`)).json().score, 40);
    assert.equal((await admin.get(`/api/v1/leads/${retail.id}`)).json().score, -5);
    assert.deepEqual((await admin.get(`/api/v1/leads/${software.id}/score`)).json().reasons.map((r: { reason: string }) => r.reason), [
      '+30 industry is Software',
      '+10 country is DE',
    ]);
    assert.equal((await other.get(`/api/v1/leads/${untouched.id}`)).json().score, 20, 'another org keeps its own rules');

    const stale = await admin.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules, headers: { 'if-match': '"0"' } });
    assert.equal(stale.statusCode, 412);
    const audit = (await admin.get('/api/v1/audit-log?entityType=scoring_rules')).json().data[0];
    assert.deepEqual(audit.after.fit, rules.fit);
  });

  test('rules that make no sense are refused field by field and change nothing', async () => {
    const admin = await newOrg(t);
    const bad = await admin.request({
      method: 'PUT',
      url: '/api/v1/scoring-rules',
      payload: {
        fit: [{ field: 'employeeCount', operator: 'between', min: 500, max: 100, points: 5 }],
        engagement: [
          { kind: 'email_opened', points: 1, halfLifeDays: 7, maxEvents: 3 },
          { kind: 'email_opened', points: 2, halfLifeDays: 7, maxEvents: 3 },
        ],
      },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field), ['fit.0.max', 'engagement.1.kind']);
    const shapes = await admin.request({
      method: 'PUT',
      url: '/api/v1/scoring-rules',
      payload: { fit: [{ field: 'shoeSize', operator: 'in', values: ['42'], points: 5 }], engagement: [{ kind: 'email_opened', points: 500, halfLifeDays: 0, maxEvents: 1 }] },
    });
    assert.equal(shapes.statusCode, 400);
    assert.equal((await admin.get('/api/v1/scoring-rules')).json().version, 0);
  });
});

describe('rescore job', () => {
  test('decays engagement as time passes and leaves fit alone', async () => {
    const admin = await newOrg(t);
    const lead = (await admin.post('/api/v1/leads', { company: 'Decay', title: 'Director of Sales' })).json();
    await engage(admin, lead.id, 'form_submission', 0);
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().score, 35);

    await runRescoreJob(t.database.db, {}, new Date(Date.now() + 30 * DAY_MS));
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().score, 25, 'one half-life later: 15 fit + 10');
    await runRescoreJob(t.database.db, {}, new Date(Date.now() + 365 * DAY_MS));
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json().score, 15, 'a year later only the fit is left');
  });

  test('the nightly run also scores leads that were never scored', async () => {
    const admin = await newOrg(t);
    const id = newId();
    await t.database.db.insert(leads).values({ orgId: admin.orgId, id, company: 'Loaded in bulk', title: 'VP Marketing' });
    assert.equal((await admin.get(`/api/v1/leads/${id}`)).json().score, 0);
    await runRescoreJob(t.database.db, {}, new Date());
    assert.equal((await admin.get(`/api/v1/leads/${id}`)).json().score, 20);
  });

  test('a run for old rules stops once the rules have moved on', async () => {
    const admin = await newOrg(t);
    for (let i = 0; i < 3; i += 1) await admin.post('/api/v1/leads', { company: `Superseded ${i}`, title: 'CEO' });
    const result = await rescoreOrganization(t.database.db, admin.orgId, { rulesVersion: 7, now: new Date() });
    assert.deepEqual(result, { rescored: 0, superseded: true });
    const full = await rescoreOrganization(t.database.db, admin.orgId, { rulesVersion: 0, now: new Date() });
    assert.deepEqual(full, { rescored: 3, superseded: false });
  });
});
