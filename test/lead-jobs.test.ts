import assert from 'node:assert/strict';
import { test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { startJobs } from '../src/core/jobs.ts';
import { createMailer } from '../src/core/mailer.ts';
import { leads } from '../src/modules/leads/schema.ts';
import { LEAD_RECYCLE_QUEUE } from '../src/modules/leads/workers.ts';
import { LEAD_RESCORE_QUEUE } from '../src/modules/scoring/service.ts';
import { startWorkers } from '../src/workers.ts';
import { newOrg, startTestApp } from './helpers.ts';

// The background side of qualification, through the real queue: rescoring after a rules change
// and recycling disqualified leads, started the way the server starts them.
const t = await startTestApp({ jobs: true });
const db = t.database.db;
const context = { db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} };

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('a rescore queued before a restart is done by the next process', async () => {
  const admin = await newOrg(t);
  const lead = (await admin.post('/api/v1/leads', { company: 'Queued', industry: 'Fintech' })).json();
  assert.equal(lead.score, 0);
  const rules = { fit: [{ field: 'industry', operator: 'in', values: ['Fintech'], points: 35 }], engagement: [] };
  const saved = await admin.request({ method: 'PUT', url: '/api/v1/scoring-rules', payload: rules });
  assert.equal(saved.statusCode, 200, saved.body);
  await t.jobs!.stop();

  const restarted = await startJobs(t.database, { pollingIntervalSeconds: 0.5 });
  try {
    await startWorkers({ ...context, jobs: restarted });
    const score = await eventually(async () => (await admin.get(`/api/v1/leads/${lead.id}`)).json().score as number, (s) => s === 35, 'rescore');
    assert.equal(score, 35);

    // The recycle schedule runs on its own; sending the job runs it now.
    const dropped = (await admin.post('/api/v1/leads', { company: 'Recycled', status: 'disqualified', disqualifiedReason: 'Bad timing' })).json();
    await db.update(leads).set({ recycleAt: new Date(Date.now() - 60_000) }).where(and(eq(leads.orgId, admin.orgId), eq(leads.id, dropped.id)));
    await restarted.send(LEAD_RECYCLE_QUEUE, {});
    const back = await eventually(async () => (await admin.get(`/api/v1/leads/${dropped.id}`)).json(), (l) => l.status === 'new', 'recycle');
    assert.equal(back.ownerId, null);

    // Imported leads are bulk-loaded past the per-lead scoring; the import run scores them after.
    const boundary = 'leadflow-test-boundary';
    const csv = 'First name,Last name,Company,Industry\nIda,Imported,Fintech Co,Fintech\n';
    const upload = await admin.request({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    });
    assert.equal(upload.statusCode, 202, upload.body);
    await eventually(async () => (await admin.get(`/api/v1/imports/${upload.json().id}`)).json().status, (s) => s === 'completed', 'import');
    // Scoring follows right after the import reports completed.
    const imported = await eventually(async () => (await admin.get('/api/v1/leads?q=imported')).json().data[0], (l) => l?.score === 35, 'imported lead scored');
    assert.equal(imported.industry, 'Fintech');

    const schedules = await t.database.executeSql("select name, cron from pgboss.schedule where name in ('lead-recycle', 'lead-rescore') order by name");
    assert.deepEqual(schedules.rows, [
      { name: LEAD_RECYCLE_QUEUE, cron: '*/15 * * * *' },
      { name: LEAD_RESCORE_QUEUE, cron: '30 2 * * *' },
    ]);
  } finally {
    await restarted.stop();
  }
});
