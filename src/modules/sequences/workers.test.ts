import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { newOrg, startTestApp } from '../../../test/helpers.ts';
import { startSmtpServer } from '../../../test/smtp.ts';
import { createMailer } from '../../core/mailer.ts';
import { startSequenceWorkers } from './workers.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ jobs: true, config: { SMTP_URL: smtp.url, LEADFLOW_PUBLIC_URL: 'http://leadflow.test' } });
const admin = await newOrg(t, 'Restart');

test('on start, the durable scheduler runs steps that fell due while the server was down, and marks interrupted sends', { timeout: 60_000 }, async () => {
  const lead = (await admin.post('/api/v1/leads', { firstName: 'Ida', lastName: 'Lund', email: 'ida@lund.example' })).json();
  const sequence = (await admin.post('/api/v1/sequences', { name: 'After restart', steps: [{ channel: 'auto_email', delayDays: 0, subject: 'Hello {{lead.firstName}}', body: 'x' }] })).json();
  assert.equal((await admin.post(`/api/v1/sequences/${sequence.id}/enrollments`, { targets: [{ subjectType: 'lead', subjectId: lead.id }] })).statusCode, 201);
  // An email a crash left between the claim and SMTP's answer, an hour ago.
  await t.database.executeSql(
    `insert into emails (org_id, id, subject_type, subject_id, direction, status, from_address, to_address, subject, message_id, created_at)
     values ($1, '01900000-0000-7000-8000-000000000001', 'lead', $2, 'outbound', 'sending', 'a@b.example', 'ida@lund.example', 'Lost', '<lost@x>', now() - interval '1 hour')`,
    [admin.orgId, lead.id],
  );
  await startSequenceWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
  const deadline = Date.now() + 30_000;
  while (smtp.inbox.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(smtp.inbox.map((m) => m.subject), ['Hello Ida']);
  const lost = await t.database.executeSql(`select status from emails where message_id = '<lost@x>'`);
  assert.equal(lost.rows[0]!.status, 'failed');
  // Ticks keep coming (every minute) but the step never runs again.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(smtp.inbox.length, 1);
});
