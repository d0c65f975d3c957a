import { and, eq, sql } from 'drizzle-orm';
import { UUID } from 'uuidv7';
import { systemActor } from '../../src/core/actor.ts';
import { forecastGroups } from '../../src/modules/opportunities/forecast-inputs.service.ts';
import { opportunities, pipelines, pipelineStages } from '../../src/modules/opportunities/schema.ts';
import { periodContaining } from '../../src/modules/quotas/model.ts';
import { createTeam } from '../../src/modules/users/service.ts';
import { insertRows } from '../lib/bulk-insert.ts';
import { createBenchDatabase, postgresUnavailable, DATABASE_LABELS, type BenchDatabase } from '../lib/databases.ts';
import { explainServiceCall } from '../lib/explain.ts';
import { seededRandom, type Random } from '../lib/leads.ts';
import { measureLoad } from '../lib/load.ts';
import { createBenchOrg, type BenchOrg } from '../lib/org.ts';
import { startBenchServer } from '../lib/server.ts';
import type { BenchResult, DatabaseKind, Suite, SuiteContext, Target } from '../lib/suite.ts';

// Issue #7: a forecast roll-up for a 50-person team in under 200 ms on PostgreSQL, on an org with
// 200,000 opportunities.
const SUITE = 'forecasts';
const DEALS = 200_000;
const TEAM = 50;
const OTHERS = 10;
const TARGET: Target = { metric: 'p99 ms', max: 200 };
const RATE = 20;
const DAY = 86_400_000;

export const forecastsSuite: Suite = {
  name: SUITE,
  description: `Forecast roll-up (GET /api/v1/forecasts, current quarter) for a ${TEAM}-person team over ${DEALS.toLocaleString('en')} deals (issue #7)`,
  async run(context) {
    const results: BenchResult[] = [];
    for (const kind of context.databases) {
      const unavailable = kind === 'postgres' ? await postgresUnavailable() : null;
      if (unavailable) {
        results.push({ suite: SUITE, scenario: 'all scenarios', database: DATABASE_LABELS[kind], metrics: {}, note: `skipped: ${unavailable}` });
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
    const { org, quarterKey, inQuarter, planMs, indexes } = await prepare(target, context);
    await target.release();
    const server = await startBenchServer(target.serverEnv);
    try {
      const results: BenchResult[] = [];
      const common = { url: server.url, headers: { authorization: `Bearer ${org.apiKey}` }, seconds: context.seconds, warmupSeconds: context.quick ? 1 : 2, serverCpuSeconds: server.cpuSeconds };
      for (const rate of [undefined, RATE]) {
        const scenario = `roll-up of a ${TEAM}-person team, ${quarterKey} (${inQuarter.toLocaleString('en')} deals in the quarter)${rate ? `, at ${rate} req/s` : ''}`;
        context.log(`${target.label}: ${scenario}`);
        const { metrics, failures } = await measureLoad({ ...common, request: { path: () => `/api/v1/forecasts?period=${quarterKey}` }, ...(rate ? { rate } : {}) });
        results.push({
          suite: SUITE,
          scenario,
          database: target.label,
          metrics: { ...metrics, 'SQL ms': planMs },
          target: kind === 'postgres' ? TARGET : undefined,
          note: [`grouped by owner, currency, status, category; index ${indexes.join(', ') || 'none'}`, ...failures].join('; '),
        });
      }
      return results;
    } finally {
      await server.stop();
    }
  } finally {
    await target.drop();
  }
}

const idAt = (ms: number, random: Random) => UUID.fromFieldsV7(ms, Math.floor(random() * 4096), Math.floor(random() * 2 ** 30), Math.floor(random() * 2 ** 32)).toString();

/** An org of 61 people (50 in one team under the admin), 200,000 deals over two years straight into the table. */
async function prepare(target: BenchDatabase, context: SuiteContext): Promise<{ org: BenchOrg; quarterKey: string; inQuarter: number; planMs: number; indexes: string[] }> {
  const { database } = target;
  const org = await createBenchOrg(database.db, TEAM + OTHERS);
  const actor = systemActor(org.orgId, org.adminId);
  const team = await createTeam(database.db, actor, { name: 'Inside sales', managerId: org.adminId });
  const members = org.ownerIds.slice(1, TEAM + 1);
  await database.db.execute(sql`update users set team_id = ${team.id} where org_id = ${org.orgId} and id = any(${`{${members.join(',')}}`}::uuid[])`);
  const random = seededRandom(7);
  const now = Date.now();
  const [newBusiness] = await database.db.select().from(pipelines).where(and(eq(pipelines.orgId, org.orgId), eq(pipelines.kind, 'new_business')));
  const stages = await database.db.select().from(pipelineStages).where(eq(pipelineStages.pipelineId, newBusiness!.id));
  const open = stages.filter((s) => s.outcome === 'open');
  const closed = stages.filter((s) => s.outcome !== 'open');
  const quarter = periodContaining(new Date(now).toISOString().slice(0, 10), 'quarter', 1);
  const started = performance.now();
  const deals: (typeof opportunities.$inferInsert)[] = [];
  let inQuarter = 0;
  for (let i = 0; i < DEALS; i++) {
    const closeMs = now - 540 * DAY + Math.floor(random() * 730 * DAY);
    const past = closeMs < now;
    const stage = past && random() < 0.8 ? closed[i % closed.length]! : open[Math.floor(random() * open.length)]!;
    const ownerId = org.ownerIds[Math.floor(random() * org.ownerIds.length)]!;
    const closeDate = new Date(closeMs).toISOString().slice(0, 10);
    if (closeDate >= quarter.start && closeDate < quarter.end && members.includes(ownerId)) inQuarter++;
    deals.push({
      orgId: org.orgId,
      id: idAt(closeMs - 60 * DAY, random),
      pipelineId: newBusiness!.id,
      stageId: stage.id,
      name: `Deal ${i}`,
      ownerId,
      amount: 100 * Math.floor(random() * 2_000_000),
      currency: random() < 0.8 ? 'USD' : 'EUR',
      closeDate,
      probability: stage.probability,
      forecastCategory: stage.forecastCategory,
      status: stage.outcome,
      source: 'direct',
      stageEnteredAt: new Date(closeMs - 30 * DAY),
      closedAt: stage.outcome === 'open' ? null : new Date(closeMs),
      createdAt: new Date(closeMs - 60 * DAY),
      updatedAt: new Date(closeMs - 60 * DAY),
    });
  }
  await insertRows(database, opportunities, deals);
  // Autovacuum would do this on a live database; index-only scans need the visibility map.
  await database.executeSql('vacuum analyze opportunities');
  context.log(`${target.label}: loaded ${DEALS.toLocaleString('en')} deals in ${((performance.now() - started) / 1000).toFixed(1)} s; ${inQuarter.toLocaleString('en')} of the team close in ${quarter.key}`);
  const plan = await explainServiceCall(database, (db) => forecastGroups(db, actor, quarter, org.ownerIds));
  context.log(`${target.label}: plan of the roll-up query (${plan.executionMs} ms):\n${plan.plan.replace(/^/gm, '    ')}`);
  return { org, quarterKey: quarter.key, inQuarter, planMs: plan.executionMs, indexes: plan.indexes };
}
