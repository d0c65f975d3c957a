import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import type { Actor } from '../../src/core/actor.ts';
import type { Database } from '../../src/core/db.ts';
import { createApiKey } from '../../src/modules/auth/service.ts';
import { createForm } from '../../src/modules/forms/service.ts';
import { seedScale, FULL_SCALE, type ScaleSizes } from '../../src/modules/reports/scale-seed.ts';
import { createSequence, enroll } from '../../src/modules/sequences/service.ts';
import { createBenchDatabase, DATABASE_LABELS, postgresUnavailable, type BenchDatabase } from '../lib/databases.ts';
import { seededRandom, FIRST_NAMES, LAST_NAMES } from '../lib/leads.ts';
import { measureMix, type MixResult, type MixRoute } from '../lib/load.ts';
import { startBenchServer, type BenchServer } from '../lib/server.ts';
import type { BenchResult, DatabaseKind, Suite, SuiteContext, Target } from '../lib/suite.ts';

// Issue #9: a 50-rep team's working day, scaled up, as one mixed load: leads arriving through a
// web form, reps listing and filtering their leads, reading timelines, logging calls, moving deals,
// opening their home page and activity chart. Target on 2 cores with PostgreSQL: 2,000 mixed
// requests/s with p99 under 100 ms and no errors. Then two app processes on one PostgreSQL share
// the load, and a batch of sequence emails due while they run is sent exactly once between them.
const SUITE = 'load';
const TARGET: Target = { metric: 'req/s', min: 2000, and: { metric: 'p99 ms', max: 100, and: { metric: 'non-2xx', max: 1, and: { metric: 'errors', max: 1 } } } };
// A tenth of the reports suite's full scale: 100,000 leads, 20,000 deals, 500,000 activities.
const SCALE = 0.1;
const QUICK_SCALE = 0.005;
const CONNECTIONS = 24;
const LEADS_PER_REP = 40;
const SEQUENCE_EMAILS = 300;

export const loadSuite: Suite = {
  name: SUITE,
  description: "A 50-rep team's day scaled up: forms, lists, timelines, calls, stage moves, dashboards; one and two app processes (issue #9)",
  async run(context) {
    const results: BenchResult[] = [];
    for (const kind of context.databases) {
      const unavailable = kind === 'postgres' ? await postgresUnavailable() : null;
      if (unavailable) {
        results.push({ suite: SUITE, scenario: 'mixed day', database: DATABASE_LABELS[kind], metrics: {}, note: `skipped: ${unavailable}` });
        continue;
      }
      results.push(...(await runOn(kind, context)));
    }
    return results;
  },
};

type Workload = {
  orgId: string;
  adminActor: Actor;
  reps: { id: string; key: string; leads: string[] }[];
  deals: { id: string; ownerKey: string; stageId: string }[];
  stages: [string, string];
  form: { id: string; key: string };
  sizes: ScaleSizes;
};

async function runOn(kind: DatabaseKind, context: SuiteContext): Promise<BenchResult[]> {
  const target = await createBenchDatabase(kind);
  try {
    const workload = await prepare(target, context);
    const label = `${workload.sizes.leads.toLocaleString('en')} leads, ${workload.sizes.opportunities.toLocaleString('en')} deals, ${workload.sizes.activities.toLocaleString('en')} activities`;
    const results: BenchResult[] = [];
    if (kind === 'pglite') await target.release();
    const env = { ...target.serverEnv, LEADFLOW_SECRET_KEY: 'bench-secret-key-with-at-least-32-characters' };
    const server = await startBenchServer(env);
    try {
      context.log(`${target.label}: mixed day, one app process, ${CONNECTIONS} connections`);
      const mix = await measureMix({ urls: [server.url], routes: routesOf(workload, seededRandom(9)), seconds: context.seconds, connections: CONNECTIONS, warmupSeconds: context.quick ? 1 : 3, random: seededRandom(10) });
      server.assertAlive();
      logServerErrors(context, [server], mix);
      results.push(...rowsOf(mix, `mixed day, 1 app process (${label})`, target.label, kind === 'postgres' ? TARGET : undefined, await serverNote([server])));
    } finally {
      await server.stop();
    }
    if (kind === 'postgres') results.push(...(await twoProcesses(target, workload, env, label, context)));
    return results;
  } finally {
    await target.drop();
  }
}

/**
 * Two app processes on the one PostgreSQL, the load split evenly; meanwhile a batch of sequence
 * emails falls due, which their schedulers must send once between them.
 */
async function twoProcesses(target: BenchDatabase, workload: Workload, env: Record<string, string>, label: string, context: SuiteContext): Promise<BenchResult[]> {
  const smtp = await recordingSmtpServer();
  try {
    const leadIds = workload.reps.flatMap((rep) => rep.leads).slice(0, SEQUENCE_EMAILS);
    const addresses = await dueSequenceEmails(target.database, workload, leadIds);
    const servers: BenchServer[] = [];
    try {
      for (let i = 0; i < 2; i++) servers.push(await startBenchServer({ ...env, SMTP_URL: smtp.url, LEADFLOW_PUBLIC_URL: 'http://leadflow.bench' }));
      context.log(`${target.label}: mixed day, two app processes, ${CONNECTIONS} connections split between them`);
      const mix = await measureMix({ urls: servers.map((s) => s.url), routes: routesOf(workload, seededRandom(11)), seconds: context.seconds, connections: CONNECTIONS, warmupSeconds: context.quick ? 1 : 3, random: seededRandom(12) });
      for (const server of servers) server.assertAlive();
      logServerErrors(context, servers, mix);
      const sent = await waitForSequenceEmails(target.database, workload.orgId, leadIds.length);
      // Other mail (notifications to reps) goes through the same SMTP server: count the prospects' only.
      const received = smtp.recipients().filter((address) => addresses.has(address.toLowerCase()));
      const distinct = new Set(received).size;
      const once = received.length === leadIds.length && distinct === leadIds.length && sent === leadIds.length;
      const jobNote = `${leadIds.length} sequence emails fell due during the run: ${sent} recorded as sent, ${received.length} received by SMTP, ${distinct} distinct recipients (${once ? 'each once' : 'NOT each exactly once'})`;
      const rows = rowsOf(mix, `mixed day, 2 app processes (${label})`, target.label, TARGET, `${await serverNote(servers)}; ${jobNote}`);
      rows.push({ suite: SUITE, scenario: 'jobs across 2 processes: due sequence emails sent once', database: target.label, metrics: { due: leadIds.length, 'emails received': received.length, 'distinct recipients': distinct }, note: once ? 'each email sent exactly once' : `FAILED: ${jobNote}` });
      if (!once) throw new Error(jobNote);
      return rows;
    } finally {
      for (const server of servers) await server.stop();
    }
  } finally {
    await smtp.close();
  }
}

/** The weighted mix: what 50 reps and the web form send in a day, in proportion. */
function routesOf(workload: Workload, random: () => number): MixRoute[] {
  const rep = () => workload.reps[Math.floor(random() * workload.reps.length)]!;
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  // Each route picks its rep in path() and reuses it in headers() and body(): autocannon asks for them in that order.
  let current = workload.reps[0]!;
  const withRep = (path: (r: Workload['reps'][number]) => string) => () => {
    current = rep();
    return path(current);
  };
  const repHeaders = () => auth(current.key);
  const lead = (r: Workload['reps'][number]) => r.leads[Math.floor(random() * r.leads.length)]!;
  let dealTurn = 0;
  let deal = workload.deals[0]!;
  let visitor = 0;
  const statuses = ['new', 'working', 'working', 'nurture'];
  const outcomes = ['connected', 'no_answer', 'voicemail', 'no_answer', 'busy'];
  const words = ['Acme', 'Global', 'Labs', 'Systems', 'Company 1', 'N12'];
  return [
    { name: 'list my leads by status (GET /leads?ownerId&status)', weight: 22, path: withRep((r) => `/api/v1/leads?ownerId=${r.id}&status=${statuses[Math.floor(random() * statuses.length)]}&limit=50`), headers: repHeaders },
    { name: 'search leads (GET /leads?q)', weight: 5, path: withRep(() => `/api/v1/leads?q=${encodeURIComponent(words[Math.floor(random() * words.length)]!)}&limit=50`), headers: repHeaders },
    { name: 'lead timeline (GET /leads/:id/timeline)', weight: 20, path: withRep((r) => `/api/v1/leads/${lead(r)}/timeline`), headers: repHeaders },
    {
      name: 'log a call (POST /calls)',
      weight: 15,
      method: 'POST',
      path: withRep(() => '/api/v1/calls'),
      headers: repHeaders,
      body: () => ({ subjectType: 'lead', subjectId: lead(current), outcome: outcomes[Math.floor(random() * outcomes.length)], durationSeconds: 20 + Math.floor(random() * 600), notes: 'Load test call' }),
    },
    {
      name: 'move a deal to another stage (POST /opportunities/:id/move)',
      weight: 8,
      method: 'POST',
      path: () => {
        deal = workload.deals[dealTurn++ % workload.deals.length]!;
        return `/api/v1/opportunities/${deal.id}/move`;
      },
      headers: () => auth(deal.ownerKey),
      body: () => {
        deal.stageId = deal.stageId === workload.stages[0] ? workload.stages[1] : workload.stages[0];
        return { stageId: deal.stageId };
      },
    },
    {
      name: 'web form submission, new lead (POST /forms/:id/submissions)',
      weight: 10,
      method: 'POST',
      path: () => `/api/v1/forms/${workload.form.id}/submissions`,
      // Every visitor comes from an address of their own (the form limits each address to 20 a minute).
      headers: () => {
        visitor += 1;
        return { 'x-form-key': workload.form.key, 'x-forwarded-for': `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}` };
      },
      body: () => ({
        first_name: FIRST_NAMES[visitor % FIRST_NAMES.length],
        last_name: LAST_NAMES[visitor % LAST_NAMES.length],
        email: `visitor${visitor}-${Math.floor(random() * 1e9)}@inbound.example`,
        company: `Inbound ${visitor % 5000}`,
      }),
    },
    { name: 'my day (GET /today)', weight: 12, path: withRep(() => '/api/v1/today'), headers: repHeaders },
    { name: 'dashboard chart: my activity this week (GET /reports/activity)', weight: 8, path: withRep(() => '/api/v1/reports/activity?period=week&bucket=day'), headers: repHeaders },
  ];
}

function rowsOf(mix: MixResult, scenario: string, database: string, target: Target | undefined, note: string): BenchResult[] {
  return [
    { suite: SUITE, scenario: `${scenario}: all requests`, database, metrics: mix.total, target, note: [note, ...mix.failures].join('; ') },
    ...mix.routes.map((route) => ({ suite: SUITE, scenario: `  ${route.name}`, database, metrics: route.metrics })),
  ];
}

/** A 5xx in the mix is a bug: the servers' logged errors say which. */
function logServerErrors(context: SuiteContext, servers: BenchServer[], mix: MixResult): void {
  if (!mix.failures.some((failure) => / 5\d\d /.test(failure))) return;
  for (const server of servers) {
    const errors = server.output().split('\n').filter((line) => line.includes('"level":50'));
    for (const line of errors.slice(-5)) context.log(`server error: ${line.slice(0, 2000)}`);
  }
}

async function serverNote(servers: BenchServer[]): Promise<string> {
  const rss = await Promise.all(servers.map((s) => s.peakRssMb()));
  return `${CONNECTIONS} connections flat out; server peak RSS ${rss.map((mb) => `${mb ?? '?'} MB`).join(' and ')}`;
}

async function prepare(target: BenchDatabase, context: SuiteContext): Promise<Workload> {
  const factor = Number(process.env.LEADFLOW_BENCH_LOAD_SCALE ?? (context.quick ? QUICK_SCALE : SCALE));
  const sizes: ScaleSizes = { leads: Math.round(FULL_SCALE.leads * factor), opportunities: Math.round(FULL_SCALE.opportunities * factor), activities: Math.round(FULL_SCALE.activities * factor), reps: 50 };
  context.log(`${target.label}: seeding 50 reps, ${sizes.leads.toLocaleString('en')} leads, ${sizes.opportunities.toLocaleString('en')} deals, ${sizes.activities.toLocaleString('en')} activities`);
  const { database } = target;
  const seeded = await seedScale(database, sizes, context.log);
  const adminActor: Actor = { orgId: seeded.orgId, userId: seeded.managerId, role: 'admin', via: 'system' };
  const keyOf = new Map<string, string>();
  for (const repId of seeded.repIds) {
    const { key } = await createApiKey(database.db, { orgId: seeded.orgId, userId: repId, role: 'rep', via: 'system' }, { name: 'load bench', scope: 'write' });
    keyOf.set(repId, key);
  }
  const { rows: leadRows } = await database.executeSql(
    `select owner_id, id from (select owner_id, id, row_number() over (partition by owner_id order by id) as n from leads where org_id = $1 and status in ('new', 'working', 'nurture')) s where n <= $2`,
    [seeded.orgId, LEADS_PER_REP],
  );
  const leadsOf = new Map<string, string[]>();
  for (const row of leadRows) leadsOf.set(String(row.owner_id), [...(leadsOf.get(String(row.owner_id)) ?? []), String(row.id)]);
  const reps = seeded.repIds.filter((id) => leadsOf.get(id)?.length).map((id) => ({ id, key: keyOf.get(id)!, leads: leadsOf.get(id)! }));

  const { rows: stageRows } = await database.executeSql(
    `select s.id from pipeline_stages s join pipelines p on p.org_id = s.org_id and p.id = s.pipeline_id where s.org_id = $1 and s.outcome = 'open' and p.position = (select min(position) from pipelines where org_id = $1) order by s.position limit 2`,
    [seeded.orgId],
  );
  const stages = stageRows.map((row) => String(row.id)) as [string, string];
  // Deals in the first two open stages move back and forth between them, each move a real one.
  const { rows: dealRows } = await database.executeSql(`select id, owner_id, stage_id from opportunities where org_id = $1 and status = 'open' and stage_id = any($2::uuid[]) order by id limit 5000`, [seeded.orgId, `{${stages.join(',')}}`]);
  const deals = dealRows.map((row) => ({ id: String(row.id), ownerKey: keyOf.get(String(row.owner_id))!, stageId: String(row.stage_id) })).filter((d) => d.ownerKey);

  const form = await createForm(database.db, adminActor, {
    name: 'Contact sales',
    fields: [
      { key: 'first_name', label: 'First name', type: 'text', required: false, mapTo: 'firstName' },
      { key: 'last_name', label: 'Last name', type: 'text', required: true, mapTo: 'lastName' },
      { key: 'email', label: 'Work email', type: 'email', required: true, mapTo: 'email' },
      { key: 'company', label: 'Company', type: 'text', required: false, mapTo: 'company' },
    ],
  });
  if (reps.length === 0 || deals.length === 0 || stages.length < 2) throw new Error(`The seed left nothing to drive: ${reps.length} reps with leads, ${deals.length} deals, ${stages.length} open stages`);
  context.log(`${target.label}: ${reps.length} reps with ${LEADS_PER_REP} leads each to work, ${deals.length} deals to move`);
  return { orgId: seeded.orgId, adminActor, reps, deals, stages, form: { id: form.id, key: form.publicKey }, sizes };
}

/** Enrolls leads in a one-email sequence sent by the manager, due now; answers their addresses. */
async function dueSequenceEmails(database: Database, workload: Workload, leadIds: string[]): Promise<Set<string>> {
  const sequence = await createSequence(database.db, workload.adminActor, { name: 'Load bench welcome', steps: [{ channel: 'auto_email', delayDays: 0, subject: 'Hello {{lead.firstName}}', body: 'Welcome' }] });
  await enroll(database.db, workload.adminActor, sequence.id, leadIds.map((id) => ({ subjectType: 'lead' as const, subjectId: id })));
  await database.db.execute(sql`update sequence_enrollments set next_due_at = now() where org_id = ${workload.orgId} and sequence_id = ${sequence.id}`);
  const { rows } = await database.executeSql(`select lower(email) as email from leads where org_id = $1 and id = any($2::uuid[])`, [workload.orgId, `{${leadIds.join(',')}}`]);
  return new Set(rows.map((row) => String(row.email)));
}

/** Waits (at most two minutes: the schedulers tick every minute) until every due email has an outcome. */
async function waitForSequenceEmails(database: Database, orgId: string, expected: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await database.executeSql(`select count(*) filter (where status in ('sent', 'delivered')) as sent, count(*) filter (where status not in ('sending')) as settled from emails where org_id = $1 and enrollment_id is not null`, [orgId]);
    const sent = Number(rows[0]!.sent);
    if (Number(rows[0]!.settled) >= expected || Date.now() > deadline) return sent;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** An SMTP server that keeps only each message's recipients: enough to tell a resend. */
async function recordingSmtpServer(): Promise<{ url: string; recipients: () => string[]; close: () => Promise<void> }> {
  const recipients: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        recipients.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, recipients: () => [...recipients], close: () => new Promise((resolve) => server.close(() => resolve())) };
}
