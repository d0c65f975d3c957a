import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';
import { newId } from '../../core/ids.ts';
import { leads } from '../leads/schema.ts';
import { rescoreOrganization } from './service.ts';

const t = await startTestApp();

test('an admin rescores every lead on request and follows its progress; saving the rules starts a new run', async () => {
  const admin = await newOrg(t);
  assert.deepEqual((await admin.get('/api/v1/scoring-rules/rescore')).json(), {
    state: 'none', rulesVersion: null, total: 0, done: 0, requestedAt: null, startedAt: null, finishedAt: null,
  });
  for (let i = 0; i < 3; i += 1) await admin.post('/api/v1/leads', { company: `Rescore ${i}`, title: 'Director' });
  // A lead loaded behind the API's back, never scored: only a full rescore finds it.
  const unscored = newId();
  await t.database.db.insert(leads).values({ orgId: admin.orgId, id: unscored, company: 'Bulk loaded', title: 'VP Marketing' });

  const requested = await admin.post('/api/v1/scoring-rules/rescore', {});
  assert.equal(requested.statusCode, 202, requested.body);
  const progress = requested.json();
  assert.equal(progress.state, 'done', 'without job workers the run happens in the request');
  assert.equal(progress.total, 4);
  assert.equal(progress.done, 4);
  assert.equal(progress.rulesVersion, 0);
  assert.ok(progress.startedAt && progress.finishedAt);
  assert.equal((await admin.get(`/api/v1/leads/${unscored}`)).json().score, 20);

  const saved = await admin.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: { fit: [{ field: 'industry', operator: 'in', values: ['Banking'], points: 10 }], engagement: [] } });
  assert.equal(saved.statusCode, 200, saved.body);
  const afterSave = (await admin.get('/api/v1/scoring-rules/rescore')).json();
  assert.equal(afterSave.rulesVersion, 1);
  assert.deepEqual([afterSave.state, afterSave.total, afterSave.done], ['done', 4, 4]);

  // A run the progress row does not name (an older one) leaves the progress alone.
  await rescoreOrganization(t.database.db, admin.orgId, { now: new Date(), runId: newId() });
  assert.equal((await admin.get('/api/v1/scoring-rules/rescore')).json().done, 4);
});

test('only admins may rescore or see the progress', async () => {
  const admin = await newOrg(t);
  const manager = await addUser(t, admin, 'manager');
  assert.equal((await manager.post('/api/v1/scoring-rules/rescore', {})).statusCode, 403);
  assert.equal((await manager.get('/api/v1/scoring-rules/rescore')).statusCode, 403);
});
