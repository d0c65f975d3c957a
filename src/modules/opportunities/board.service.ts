import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { encodeCursor } from '../../core/cursor.ts';
import { assertCan } from '../../core/roles.ts';
import { accountNames } from '../accounts/service.ts';
import { boardSortFor } from './model.ts';
import { getPipeline, type StageView } from './pipelines.service.ts';
import { opportunities, pipelineStages } from './schema.ts';
import type { OpportunityView } from './store.ts';

export type BoardCard = Pick<
  OpportunityView,
  'id' | 'name' | 'accountId' | 'ownerId' | 'amount' | 'currency' | 'closeDate' | 'probability' | 'forecastCategory' | 'status' | 'stageEnteredAt' | 'nextStep' | 'version'
> & { accountName: string | null };

export type BoardColumn = {
  stage: StageView;
  cards: BoardCard[];
  /** Pass to GET /api/v1/opportunities?stageId=…&sort=… as `cursor` for the next cards. */
  nextCursor: string | null;
  sort: string;
};

type CardRow = {
  stage_id: string;
  id: string;
  name: string;
  account_id: string | null;
  owner_id: string | null;
  amount: number | string;
  currency: string;
  close_date: string;
  probability: number;
  forecast_category: string;
  status: string;
  stage_entered_at: string;
  next_step: string | null;
  version: number;
};

/**
 * The board: the first page of every stage of a pipeline in one query — a lateral join that
 * reads, per stage, the first cards off the index (org_id, stage_id, close_date, id), open stages
 * soonest close first and closed ones latest first — plus one look-up of account names. Column
 * counts and totals come separately (pipelineSummary): they read every deal in the pipeline, and
 * the cards must not wait for that.
 */
export async function pipelineBoard(
  db: Db,
  actor: Actor,
  pipelineId: string,
  options: { perStage: number; ownerId?: string | undefined },
): Promise<{ pipeline: { id: string; name: string; kind: string }; columns: BoardColumn[] }> {
  assertCan(actor, 'records:read');
  const pipeline = await getPipeline(db, actor, pipelineId);
  const owner = options.ownerId ? sql`and o.owner_id = ${options.ownerId}` : sql``;
  const take = options.perStage + 1;
  const columns = sql`o.id, o.name, o.account_id, o.owner_id, o.amount::float8 as amount, o.currency, o.close_date::text as close_date, o.probability,
    o.forecast_category, o.status, to_char(o.stage_entered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as stage_entered_at, o.next_step, o.version`;
  const result = await db.execute(sql`
    select s.id as stage_id, c.*
    from ${pipelineStages} s
    cross join lateral (
      (select ${columns} from ${opportunities} o
        where s.outcome = 'open' and o.org_id = s.org_id and o.stage_id = s.id and o.deleted_at is null ${owner}
        order by o.close_date, o.id limit ${take})
      union all
      (select ${columns} from ${opportunities} o
        where s.outcome <> 'open' and o.org_id = s.org_id and o.stage_id = s.id and o.deleted_at is null ${owner}
        order by o.close_date desc, o.id desc limit ${take})
    ) c
    where s.org_id = ${actor.orgId} and s.pipeline_id = ${pipelineId}`);
  const rows = (result as unknown as { rows: CardRow[] }).rows;
  const names = await accountNames(db, actor, [...new Set(rows.flatMap((r) => (r.account_id ? [r.account_id] : [])))]);
  return {
    pipeline: { id: pipeline.id, name: pipeline.name, kind: pipeline.kind },
    columns: pipeline.stages.map((stage) => {
      const sort = boardSortFor(stage.outcome);
      const descending = sort.startsWith('-');
      const stageRows = rows
        .filter((r) => r.stage_id === stage.id)
        .sort((a, b) => (a.close_date === b.close_date ? (a.id < b.id ? -1 : 1) : a.close_date < b.close_date ? -1 : 1) * (descending ? -1 : 1));
      const page = stageRows.slice(0, options.perStage);
      const last = page.at(-1);
      return {
        stage,
        cards: page.map((r) => toCard(r, r.account_id ? (names.get(r.account_id) ?? null) : null)),
        nextCursor: stageRows.length > options.perStage && last ? encodeCursor({ v: last.close_date, id: last.id }) : null,
        sort,
      };
    }),
  };
}

function toCard(row: CardRow, accountName: string | null): BoardCard {
  return {
    id: row.id,
    name: row.name,
    accountId: row.account_id,
    accountName,
    ownerId: row.owner_id,
    amount: Number(row.amount),
    currency: row.currency,
    closeDate: row.close_date,
    probability: row.probability,
    forecastCategory: row.forecast_category as BoardCard['forecastCategory'],
    status: row.status as BoardCard['status'],
    stageEnteredAt: row.stage_entered_at,
    nextStep: row.next_step,
    version: row.version,
  };
}

export type StageSummary = {
  stageId: string;
  count: number;
  /** Amounts by currency (a pipeline can mix them), and the same weighted by each deal's probability. */
  totals: { currency: string; amount: number; weighted: number }[];
};

/** The column headers: how many deals each stage holds and what they are worth. */
export async function pipelineSummary(db: Db, actor: Actor, pipelineId: string, options: { ownerId?: string | undefined }): Promise<StageSummary[]> {
  assertCan(actor, 'records:read');
  const pipeline = await getPipeline(db, actor, pipelineId);
  const conditions = [eq(opportunities.orgId, actor.orgId), inArray(opportunities.stageId, pipeline.stages.map((s) => s.id)), isNull(opportunities.deletedAt)];
  if (options.ownerId) conditions.push(eq(opportunities.ownerId, options.ownerId));
  const sums = await db
    .select({
      stageId: opportunities.stageId,
      currency: opportunities.currency,
      count: sql<number>`count(*)::int`,
      amount: sql<string>`sum(${opportunities.amount})`,
      weighted: sql<string>`round(sum(${opportunities.amount} * ${opportunities.probability}) / 100.0)`,
    })
    .from(opportunities)
    .where(and(...conditions))
    .groupBy(opportunities.stageId, opportunities.currency);
  return pipeline.stages.map((stage) => {
    const rows = sums.filter((r) => r.stageId === stage.id).map((r) => ({ currency: r.currency, count: r.count, amount: Number(r.amount), weighted: Number(r.weighted) }));
    rows.sort((a, b) => b.amount - a.amount);
    return { stageId: stage.id, count: rows.reduce((n, r) => n + r.count, 0), totals: rows.map(({ currency, amount, weighted }) => ({ currency, amount, weighted })) };
  });
}
