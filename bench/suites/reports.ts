import { systemActor } from '../../src/core/actor.ts';
import { createApiKey } from '../../src/modules/auth/service.ts';
import { FULL_SCALE, seedScale, type ScaleSizes } from '../../src/modules/reports/scale-seed.ts';
import { createBenchDatabase, DATABASE_LABELS, postgresUnavailable } from '../lib/databases.ts';
import { startBenchServer } from '../lib/server.ts';
import type { BenchResult, DatabaseKind, Suite, SuiteContext } from '../lib/suite.ts';

// Issue #7: every dashboard chart under 300 ms p95 on PostgreSQL over an org of 1,000,000 leads,
// 200,000 deals and 5,000,000 activities (`leadflow seed --scale`). LEADFLOW_BENCH_REPORTS_SCALE
// scales all three down (0.1: a tenth) for a busy machine; --quick takes 2% unless it is set.
const SUITE = 'reports';
const P95 = { metric: 'p95 ms', max: 300 };

const CHARTS: { name: string; path: (ctx: { repId: string; teamId: string }) => string }[] = [
  { name: 'funnel, quarter', path: () => '/api/v1/reports/funnel?period=quarter' },
  { name: 'funnel by rep, quarter', path: () => '/api/v1/reports/funnel?period=quarter&groupBy=rep' },
  { name: 'funnel by source, year', path: () => '/api/v1/reports/funnel?period=year&groupBy=source' },
  { name: 'funnel drill-down, first page', path: () => '/api/v1/reports/funnel/records?period=quarter&step=won' },
  { name: 'activity by rep and week, month', path: () => '/api/v1/reports/activity?period=month&bucket=week' },
  { name: 'activity by day, one team, week', path: ({ teamId }) => `/api/v1/reports/activity?period=week&bucket=day&teamId=${teamId}` },
  // The scale seed's deals are in EUR; a pipeline report is one currency at a time.
  { name: 'pipeline, quarter (coverage vs target)', path: () => '/api/v1/reports/pipeline?period=quarter&currency=EUR&target=500000000' },
  { name: 'pipeline, one rep, quarter', path: ({ repId }) => `/api/v1/reports/pipeline?period=quarter&currency=EUR&repId=${repId}` },
  { name: 'improvement hints, month', path: () => '/api/v1/reports/hints?period=month' },
  { name: 'dashboards list', path: () => '/api/v1/dashboards' },
];

export const reportsSuite: Suite = {
  name: SUITE,
  description: 'Every dashboard chart\'s API at p95 over a scale-seeded org (issue #7)',
  async run(context) {
    const results: BenchResult[] = [];
    for (const kind of context.databases) {
      const unavailable = kind === 'postgres' ? await postgresUnavailable() : null;
      if (unavailable || kind === 'pglite') {
        results.push({ suite: SUITE, scenario: 'dashboard charts', database: DATABASE_LABELS[kind], metrics: {}, note: `skipped: ${unavailable ?? 'the target is for PostgreSQL; PGlite at this size takes longer to seed than a run allows'}` });
        continue;
      }
      results.push(...(await runOn(kind, context)));
    }
    return results;
  },
};

function sizes(context: SuiteContext): ScaleSizes {
  const factor = Number(process.env.LEADFLOW_BENCH_REPORTS_SCALE ?? (context.quick ? '0.02' : '1'));
  return {
    leads: Math.round(FULL_SCALE.leads * factor),
    opportunities: Math.round(FULL_SCALE.opportunities * factor),
    activities: Math.round(FULL_SCALE.activities * factor),
    reps: FULL_SCALE.reps,
  };
}

async function runOn(kind: DatabaseKind, context: SuiteContext): Promise<BenchResult[]> {
  const target = await createBenchDatabase(kind);
  try {
    const size = sizes(context);
    context.log(`${target.label}: seeding ${size.leads.toLocaleString('en')} leads, ${size.opportunities.toLocaleString('en')} deals, ${size.activities.toLocaleString('en')} activities`);
    const seeded = await seedScale(target.database, size, context.log);
    const { key } = await createApiKey(target.database.db, systemActor(seeded.orgId, seeded.managerId), { name: 'bench', scope: 'read' });
    await target.release();
    const server = await startBenchServer(target.serverEnv);
    try {
      const headers = { authorization: `Bearer ${key}` };
      const runs = Math.max(20, context.seconds * 4);
      const out: BenchResult[] = [];
      for (const chart of CHARTS) {
        const path = chart.path({ repId: seeded.repIds[0]!, teamId: seeded.teamIds[0]! });
        const times: number[] = [];
        let failures = 0;
        for (let i = 0; i < runs + 3; i++) {
          const t0 = performance.now();
          const res = await fetch(server.url + path, { headers });
          await res.arrayBuffer();
          if (!res.ok) failures++;
          if (i >= 3) times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]! * 10) / 10;
        context.log(`${target.label}: ${chart.name}: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms`);
        out.push({
          suite: SUITE,
          scenario: `${chart.name} (${size.leads.toLocaleString('en')} leads, ${size.opportunities.toLocaleString('en')} deals, ${size.activities.toLocaleString('en')} activities)`,
          database: target.label,
          metrics: { 'p50 ms': q(0.5), 'p95 ms': q(0.95), 'max ms': q(1), requests: times.length, errors: failures },
          target: kind === 'postgres' ? P95 : undefined,
          note: `one request at a time as the org's manager; seeded in ${seeded.seconds} s`,
        });
      }
      return out;
    } finally {
      await server.stop();
    }
  } finally {
    await target.drop();
  }
}
