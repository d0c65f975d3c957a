import { and, asc, eq, sql } from 'drizzle-orm';
import { newId } from '../../src/core/ids.ts';
import { activities } from '../../src/modules/activities/schema.ts';
import { leads } from '../../src/modules/leads/schema.ts';
import { insertRows } from '../lib/bulk-insert.ts';
import { createBenchDatabase, DATABASE_LABELS, postgresUnavailable } from '../lib/databases.ts';
import { loadLeads } from '../lib/leads.ts';
import { measureLoad, type LoadRequest } from '../lib/load.ts';
import { createBenchOrg } from '../lib/org.ts';
import { startBenchServer } from '../lib/server.ts';
import type { BenchResult, DatabaseKind, Suite, SuiteContext } from '../lib/suite.ts';

// Issue #5: logging a call and loading a lead's timeline with 1,000 activities, p99 under 30 ms on
// PostgreSQL. The org holds 20,000 leads; 200 of them carry 1,000 activities each (200,000 rows of
// calls, emails, meetings and notes over two years), so every timeline read and every call logged
// lands on a lead with a long history in a table of realistic size.
const SUITE = 'outreach';
const P99 = { metric: 'p99 ms', max: 30 };
const LEADS = 20_000;
const BUSY_LEADS = 200;
const ACTIVITIES_PER_LEAD = 1_000;
const READ_RATE = 50;
const CALL_RATE = 20;
const KINDS = ['call', 'call_connected', 'email', 'email_opened', 'email_replied', 'meeting_held', 'note'] as const;

export const outreachSuite: Suite = {
  name: SUITE,
  description: 'A lead timeline with 1,000 activities, and a call logged on such a lead (issue #5)',
  async run(context) {
    const results: BenchResult[] = [];
    for (const kind of context.databases) {
      const unavailable = kind === 'postgres' ? await postgresUnavailable() : null;
      if (unavailable) {
        results.push({ suite: SUITE, scenario: 'timeline and call logging', database: DATABASE_LABELS[kind], metrics: {}, note: `skipped: ${unavailable}` });
        continue;
      }
      results.push(...(await runOn(kind, context)));
    }
    return results;
  },
};

async function runOn(kind: DatabaseKind, context: SuiteContext): Promise<BenchResult[]> {
  const target = await createBenchDatabase(kind);
  try {
    const org = await createBenchOrg(target.database.db);
    const db = target.database.db;
    context.log(`${target.label}: loading ${LEADS.toLocaleString('en')} leads`);
    await loadLeads(target.database, { orgId: org.orgId, ownerIds: org.ownerIds, count: LEADS });
    const busy = (
      await db
        .select({ id: leads.id, ownerId: leads.ownerId })
        .from(leads)
        .where(and(eq(leads.orgId, org.orgId), sql`${leads.deletedAt} is null`))
        .orderBy(asc(leads.id))
        .limit(BUSY_LEADS)
    ).map((l) => ({ id: l.id, ownerId: l.ownerId ?? org.adminId }));
    context.log(`${target.label}: ${(BUSY_LEADS * ACTIVITIES_PER_LEAD).toLocaleString('en')} activities on ${BUSY_LEADS} leads`);
    const now = Date.now();
    const twoYears = 2 * 365 * 86_400_000;
    for (const lead of busy) {
      const rows = Array.from({ length: ACTIVITIES_PER_LEAD }, (_, i) => {
        const kindOf = KINDS[i % KINDS.length]!;
        return {
          orgId: org.orgId,
          id: newId(),
          subjectType: 'lead',
          subjectId: lead.id,
          kind: kindOf,
          occurredAt: new Date(now - Math.floor(((i * 7919) % ACTIVITIES_PER_LEAD) * (twoYears / ACTIVITIES_PER_LEAD))),
          actorId: lead.ownerId,
          summary: `${kindOf.replace('_', ' ')} ${i}`,
          details: kindOf.startsWith('call') ? { direction: 'outbound', outcome: kindOf === 'call' ? 'no_answer' : 'connected', durationSeconds: 60 } : {},
        };
      });
      await insertRows(target.database, activities, rows, 5000);
    }
    await db.execute(sql`analyze activities`);
    await target.release();

    const server = await startBenchServer(target.serverEnv);
    try {
      const headers = { authorization: `Bearer ${org.apiKey}` };
      let n = 0;
      const timeline: LoadRequest = { path: () => `/api/v1/leads/${busy[n++ % busy.length]!.id}/timeline` };
      context.log(`${target.label}: timeline reads at ${READ_RATE}/s`);
      const read = await measureLoad({ url: server.url, headers, request: timeline, seconds: context.seconds, warmupSeconds: context.quick ? 1 : 2, connections: 1, rate: READ_RATE, serverCpuSeconds: server.cpuSeconds });

      let c = 0;
      const outcomes = ['connected', 'no_answer', 'voicemail', 'connected', 'busy'];
      const logCall: LoadRequest = {
        method: 'POST',
        path: () => '/api/v1/calls',
        body: () => {
          c += 1;
          return { subjectType: 'lead', subjectId: busy[c % busy.length]!.id, outcome: outcomes[c % outcomes.length], durationSeconds: 30 + (c % 600), notes: 'Bench call' };
        },
      };
      context.log(`${target.label}: calls logged at ${CALL_RATE}/s`);
      const write = await measureLoad({ url: server.url, headers, request: logCall, seconds: context.seconds, warmupSeconds: context.quick ? 1 : 2, connections: 1, rate: CALL_RATE, serverCpuSeconds: server.cpuSeconds });
      return [
        {
          suite: SUITE,
          scenario: `lead timeline, 1,000 activities (GET, first page of 50, ${READ_RATE}/s)`,
          database: target.label,
          metrics: read.metrics,
          target: kind === 'postgres' ? P99 : undefined,
          note: ['activities merged with the lead\'s audited changes, newest first', ...read.failures].join('; '),
        },
        {
          suite: SUITE,
          scenario: `log a call on such a lead (POST /calls, ${CALL_RATE}/s)`,
          database: target.label,
          metrics: write.metrics,
          target: kind === 'postgres' ? P99 : undefined,
          note: ['activity, audit entry, engagement rescore and first-touch check in one transaction', ...write.failures].join('; '),
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await target.drop();
  }
}
