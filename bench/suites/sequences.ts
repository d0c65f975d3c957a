import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';
import { asc, eq } from 'drizzle-orm';
import { systemActor } from '../../src/core/actor.ts';
import { loadConfig } from '../../src/core/config.ts';
import { newId } from '../../src/core/ids.ts';
import { emailContextOf } from '../../src/modules/emails/service.ts';
import { leads } from '../../src/modules/leads/schema.ts';
import { sequenceEnrollments } from '../../src/modules/sequences/schema.ts';
import { createSequence, runSchedulerTick } from '../../src/modules/sequences/service.ts';
import { insertRows } from '../lib/bulk-insert.ts';
import { createBenchDatabase, DATABASE_LABELS, postgresUnavailable } from '../lib/databases.ts';
import { loadLeads } from '../lib/leads.ts';
import { createBenchOrg } from '../lib/org.ts';
import type { BenchResult, DatabaseKind, Suite, SuiteContext } from '../lib/suite.ts';

// Issue #5: a sequence scheduler tick over 100,000 active enrollments completes within a minute.
// 100,000 leads are enrolled in a three-step sequence. Two ticks are measured: one where a day's
// share is due (10,000 first emails, handed to a real SMTP server on loopback), and one where every
// enrollment is due at once (a server that was down: 100,000 call steps, each a task for the rep).
const SUITE = 'sequences';
const TARGET = { metric: 'tick s', max: 60 };
const ENROLLMENTS = 100_000;

export const sequencesSuite: Suite = {
  name: SUITE,
  description: 'The sequence scheduler tick over 100,000 active enrollments (issue #5)',
  async run(context) {
    const results: BenchResult[] = [];
    for (const kind of context.databases) {
      const unavailable = kind === 'postgres' ? await postgresUnavailable() : null;
      if (unavailable) {
        results.push({ suite: SUITE, scenario: 'scheduler tick', database: DATABASE_LABELS[kind], metrics: {}, note: `skipped: ${unavailable}` });
        continue;
      }
      results.push(...(await runOn(kind, context)));
    }
    return results;
  },
};

/** An SMTP server that only counts what it receives: the bench measures Leadflow, not a parser. */
async function countingSmtpServer(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function runOn(kind: DatabaseKind, context: SuiteContext): Promise<BenchResult[]> {
  const target = await createBenchDatabase(kind);
  const smtp = await countingSmtpServer();
  const count = context.quick ? 10_000 : ENROLLMENTS;
  const dueEmails = Math.round(count / 10);
  try {
    const db = target.database.db;
    const org = await createBenchOrg(db, 4);
    const actor = systemActor(org.orgId, org.adminId);
    context.log(`${target.label}: loading ${count.toLocaleString('en')} leads`);
    await loadLeads(target.database, { orgId: org.orgId, ownerIds: org.ownerIds, count });
    const sequence = await createSequence(db, actor, {
      name: 'Bench cadence',
      steps: [
        { channel: 'auto_email', delayDays: 0, subject: 'Hello {{lead.firstName}}', body: 'A note for {{account.name}}: https://leadflow.example/case-study' },
        { channel: 'call', delayDays: 2, note: 'Call about the case study' },
        { channel: 'auto_email', delayDays: 3, subject: 'Last note', body: 'x' },
      ],
    });
    const ids = (await db.select({ id: leads.id, ownerId: leads.ownerId }).from(leads).where(eq(leads.orgId, org.orgId)).orderBy(asc(leads.id)));
    const now = Date.now();
    const future = new Date(now + 30 * 86_400_000);
    // The first `dueEmails` are due now at their first email; the rest wait at the call step.
    const rows = ids.map((lead, i) => ({
      orgId: org.orgId, id: newId(), sequenceId: sequence.id, subjectType: 'lead', subjectId: lead.id, timeZone: 'Europe/Berlin',
      senderId: lead.ownerId ?? org.adminId, status: 'active', stepIndex: i < dueEmails ? 0 : 1,
      nextDueAt: i < dueEmails ? new Date(now - 60_000) : future, enrolledBy: org.adminId, enrolledAt: new Date(now - 86_400_000),
    }));
    await insertRows(target.database, sequenceEnrollments, rows, 5000);
    await target.database.executeSql('analyze');
    const config = loadConfig({ SMTP_URL: smtp.url, LEADFLOW_PUBLIC_URL: 'http://leadflow.bench', LOG_LEVEL: 'silent' });
    const emailContext = emailContextOf(config);
    const results: BenchResult[] = [];

    context.log(`${target.label}: tick with ${dueEmails.toLocaleString('en')} of ${count.toLocaleString('en')} due (emails)`);
    let started = performance.now();
    const emailTick = await runSchedulerTick(db, emailContext, { now: new Date() });
    let seconds = (performance.now() - started) / 1000;
    results.push({
      suite: SUITE, scenario: `tick: ${count.toLocaleString('en')} active, ${dueEmails.toLocaleString('en')} emails due`, database: target.label, target: TARGET,
      metrics: { 'tick s': round(seconds), 'steps/s': Math.round(emailTick.claimed / seconds), 'emails received': smtp.received(), 'claim s': round(emailTick.claimMs / 1000), 'send s': round(emailTick.sendMs / 1000) },
      note: `${emailTick.emailsSent} sent, ${emailTick.emailsFailed} failed; each email is rendered, tracked, written, handed to SMTP (pooled, 8 connections) and put on the timeline; claim s = the claiming transactions, send s = SMTP hand-over plus one outcome transaction per batch`,
    });

    // Every enrollment due at once (a server back from a long stop): each call step becomes a task
    // (bulk-inserted and audited per batch); the whole pass is measured.
    context.log(`${target.label}: all ${count.toLocaleString('en')} due (after a long stop)`);
    started = performance.now();
    const allTick = await runSchedulerTick(db, emailContext, { now: new Date(future.getTime() + 60_000) });
    seconds = (performance.now() - started) / 1000;
    results.push({
      suite: SUITE, scenario: `tick: all ${count.toLocaleString('en')} due (call steps → tasks)`, database: target.label, target: TARGET,
      metrics: { 'tick s': round(seconds), 'steps/s': Math.round(allTick.claimed / seconds), claimed: allTick.claimed, 'claim s': round(allTick.claimMs / 1000), 'send s': round(allTick.sendMs / 1000) },
      note: `${allTick.tasks.toLocaleString('en')} tasks created, ${allTick.exited.toLocaleString('en')} exited, ${allTick.emailsSent.toLocaleString('en')} emails sent (the enrollments at their last email)`,
    });

    started = performance.now();
    const idle = await runSchedulerTick(db, emailContext, { now: new Date(now + 60_000) });
    results.push({ suite: SUITE, scenario: `tick: ${count.toLocaleString('en')} active, none due`, database: target.label, metrics: { 'tick ms': round(performance.now() - started), claimed: idle.claimed } });
    return results;
  } finally {
    await smtp.close();
    await target.drop();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
