import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { assertCan } from '../../core/roles.ts';
import { accountNames } from '../accounts/service.ts';
import { boardSortFor } from './model.ts';
import { listOpportunities } from './opportunities.service.ts';
import { getPipeline, type StageView } from './pipelines.service.ts';
import { opportunities } from './schema.ts';
import type { OpportunityView } from './store.ts';

export type BoardCard = Pick<
  OpportunityView,
  'id' | 'name' | 'accountId' | 'ownerId' | 'amount' | 'currency' | 'closeDate' | 'probability' | 'forecastCategory' | 'status' | 'stageEnteredAt' | 'nextStep' | 'version'
> & { accountName: string | null };

export type BoardColumn = {
  stage: StageView;
  /** Deals in the stage, and their amounts by currency (a board can mix currencies). */
  count: number;
  totals: { currency: string; amount: number }[];
  cards: BoardCard[];
  /** Pass to GET /api/v1/opportunities?stageId=…&sort=… as `cursor` for the next cards. */
  nextCursor: string | null;
  sort: string;
};

export const toCard = (deal: OpportunityView, accountName: string | null): BoardCard => ({
  id: deal.id,
  name: deal.name,
  accountId: deal.accountId,
  accountName,
  ownerId: deal.ownerId,
  amount: deal.amount,
  currency: deal.currency,
  closeDate: deal.closeDate,
  probability: deal.probability,
  forecastCategory: deal.forecastCategory,
  status: deal.status,
  stageEnteredAt: deal.stageEnteredAt,
  nextStep: deal.nextStep,
  version: deal.version,
});

/**
 * The board: the first page of every stage of a pipeline, one indexed query per stage on
 * (org_id, stage_id, close_date, id), plus one grouped count for the column headers.
 */
export async function pipelineBoard(
  db: Db,
  actor: Actor,
  pipelineId: string,
  options: { perStage: number; ownerId?: string | undefined },
): Promise<{ pipeline: { id: string; name: string; kind: string }; columns: BoardColumn[] }> {
  assertCan(actor, 'records:read');
  const pipeline = await getPipeline(db, actor, pipelineId);
  const stageIds = pipeline.stages.map((s) => s.id);
  const conditions = [eq(opportunities.orgId, actor.orgId), inArray(opportunities.stageId, stageIds), isNull(opportunities.deletedAt)];
  if (options.ownerId) conditions.push(eq(opportunities.ownerId, options.ownerId));
  const [pages, sums] = await Promise.all([
    Promise.all(
      pipeline.stages.map((stage) =>
        listOpportunities(db, actor, { stageId: stage.id, ownerId: options.ownerId, sort: boardSortFor(stage.outcome), limit: options.perStage }),
      ),
    ),
    stageIds.length === 0
      ? []
      : db
          .select({ stageId: opportunities.stageId, currency: opportunities.currency, count: sql<number>`count(*)::int`, amount: sql<number>`sum(${opportunities.amount})::bigint` })
          .from(opportunities)
          .where(and(...conditions))
          .groupBy(opportunities.stageId, opportunities.currency),
  ]);
  const names = await accountNames(db, actor, [...new Set(pages.flatMap((p) => p.data.flatMap((d) => (d.accountId ? [d.accountId] : []))))]);
  const columns = pipeline.stages.map((stage, i) => {
    const stageSums = sums.filter((s) => s.stageId === stage.id).sort((a, b) => b.amount - a.amount);
    return {
      stage,
      count: stageSums.reduce((n, s) => n + s.count, 0),
      totals: stageSums.map((s) => ({ currency: s.currency, amount: Number(s.amount) })),
      cards: pages[i]!.data.map((deal) => toCard(deal, deal.accountId ? (names.get(deal.accountId) ?? null) : null)),
      nextCursor: pages[i]!.nextCursor,
      sort: boardSortFor(stage.outcome),
    };
  });
  return { pipeline: { id: pipeline.id, name: pipeline.name, kind: pipeline.kind }, columns };
}
