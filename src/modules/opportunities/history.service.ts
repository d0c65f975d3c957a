import { and, asc, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { assertCan } from '../../core/roles.ts';
import { daysInStage, slippage, stageVisits, type Slippage, type StageVisit } from './history.model.ts';
import type { ForecastCategory } from './pipelines.model.ts';
import { getPipeline } from './pipelines.service.ts';
import { opportunityHistory } from './schema.ts';
import { readOpportunity } from './store.ts';

export type HistoryEntryView = {
  id: string;
  changedAt: string;
  changedBy: string | null;
  changes: string[];
  stageId: string;
  stageName: string;
  previousStageId: string | null;
  amount: number;
  previousAmount: number | null;
  currency: string;
  closeDate: string;
  previousCloseDate: string | null;
  probability: number;
  forecastCategory: ForecastCategory;
};

export type DealHistory = {
  data: HistoryEntryView[];
  stages: (StageVisit & { stageName: string })[];
  daysInStage: { stageId: string; stageName: string; days: number }[];
  slippage: Slippage;
};

/** A deal's stage history with time in each stage, its pushed close dates and amount changes. */
export async function dealHistory(db: Db, actor: Actor, opportunityId: string): Promise<DealHistory> {
  assertCan(actor, 'records:read');
  const deal = await readOpportunity(db, actor, opportunityId);
  const names = new Map((await getPipeline(db, actor, deal.pipelineId)).stages.map((s) => [s.id, s.name]));
  const nameOf = (id: string) => names.get(id) ?? 'Removed stage';
  const rows = await db
    .select()
    .from(opportunityHistory)
    .where(and(eq(opportunityHistory.orgId, actor.orgId), eq(opportunityHistory.opportunityId, opportunityId)))
    .orderBy(asc(opportunityHistory.changedAt), asc(opportunityHistory.id));
  const entries = rows.map((r) => ({ ...r, changedAt: r.changedAt.toISOString() }));
  const visits = stageVisits(entries, now());
  return {
    data: entries.map((r) => ({
      id: r.id,
      changedAt: r.changedAt,
      changedBy: r.changedBy,
      changes: r.changes,
      stageId: r.stageId,
      stageName: nameOf(r.stageId),
      previousStageId: r.previousStageId,
      amount: r.amount,
      previousAmount: r.previousAmount,
      currency: r.currency,
      closeDate: r.closeDate,
      previousCloseDate: r.previousCloseDate,
      probability: r.probability,
      forecastCategory: r.forecastCategory as ForecastCategory,
    })),
    stages: visits.map((v) => ({ ...v, stageName: nameOf(v.stageId) })),
    daysInStage: [...daysInStage(visits)].map(([stageId, days]) => ({ stageId, stageName: nameOf(stageId), days })),
    slippage: slippage(entries),
  };
}
