import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createMailer } from '../../core/mailer.ts';
import { newId } from '../../core/ids.ts';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';
import { startSmtpServer } from '../../../test/smtp.ts';
import { sendWeeklyDigests, startReportWorkers } from './digest.ts';

const smtp = await startSmtpServer();
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <reports@leadflow.test>' }, jobs: true });
const mailer = createMailer(t.config, () => {});
const admin = await newOrg(t, 'Digest');
const manager = await addUser(t, admin, 'manager', 'Dora Digest');
const rep = await addUser(t, admin, 'rep', 'Ray Rep');
const team = newId();
await t.database.db.execute(sql`insert into teams (org_id, id, name, manager_id) values (${admin.orgId}, ${team}, 'Digest team', ${manager.userId})`);
await t.database.db.execute(sql`update users set team_id = ${team} where org_id = ${admin.orgId} and id = ${rep.userId}`);
await t.database.db.execute(sql`insert into activities (org_id, id, subject_type, subject_id, kind, occurred_at, actor_id)
  select ${admin.orgId}, gen_random_uuid(), 'lead', gen_random_uuid(), 'call', '2026-03-03T10:00:00Z'::timestamptz, ${rep.userId} from generate_series(1, 12)`);
after(() => smtp.close());

const mineIn = () => smtp.inbox.filter((m) => m.to.includes(manager.email));

test('each manager gets last week\'s digest once a week, however often the job runs', async () => {
  await startReportWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer, log: () => {} });
  const monday = new Date('2026-03-09T07:00:00Z');
  await sendWeeklyDigests(t.database.db, mailer, monday);
  await sendWeeklyDigests(t.database.db, mailer, new Date('2026-03-11T12:00:00Z'));
  const first = mineIn();
  assert.equal(first.length, 1);
  assert.match(first[0]!.subject, /week of 2026-03-02/);
  assert.match(first[0]!.text, /Activity: 12 calls/);
  assert.ok(!smtp.inbox.some((m) => m.to.includes(rep.email)), 'reps get no digest');
  await sendWeeklyDigests(t.database.db, mailer, new Date('2026-03-16T07:00:00Z'));
  assert.equal(mineIn().length, 2);
  assert.match(mineIn()[1]!.subject, /week of 2026-03-09/);
});
