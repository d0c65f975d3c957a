import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { encodeCursor } from '../../core/cursor.ts';
import { assertCan } from '../../core/roles.ts';
import { accountNames } from '../accounts/service.ts';
import { getOrgSettings } from '../orgs/settings-service.ts';
import { visibleRecords } from '../visibility/records.ts';
import { boardSortFor } from './model.ts';
import { getPipeline, type StageView } from './pipelines.service.ts';
import { opportunities, pipelines, pipelineStages, stageTotals } from './schema.ts';
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

/** A row of the board query: a stage of the pipeline with one of its cards (card columns null for an empty stage). */
type BoardRow = CardRow & {
  pipeline_name: string;
  pipeline_kind: string;
  s_id: string;
  s_name: string;
  s_position: number;
  s_probability: number;
  s_forecast_category: string;
  s_outcome: string;
  s_gates: string[];
};

/**
 * The board in one query: the pipeline, its stages and, per stage, the first cards off the index
 * (org_id, stage_id, close_date, id) — open stages soonest close first, closed ones latest first —
 * through a lateral join; then one look-up of account names. Column counts and totals come
 * separately (pipelineSummary) so the cards never wait for them. One statement instead of a
 * pipeline read plus a cards read: at a few ms of server CPU per board, a round trip is a good
 * share of the cost.
 */
export async function pipelineBoard(
  db: Db,
  actor: Actor,
  pipelineId: string,
  options: { perStage: number; ownerId?: string | undefined },
): Promise<{ pipeline: { id: string; name: string; kind: string }; columns: BoardColumn[] }> {
  assertCan(actor, 'records:read');
  const visible = visibleRecords(actor, 'opportunities', { ownerId: sql`o.owner_id`, accountId: sql`o.account_id`, id: sql`o.id` });
  const owner = options.ownerId ? sql`and o.owner_id = ${options.ownerId} and ${visible}` : sql`and ${visible}`;
  const take = options.perStage + 1;
  const columns = sql`o.id, o.name, o.account_id, o.owner_id, o.amount::float8 as amount, o.currency, o.close_date::text as close_date, o.probability,
    o.forecast_category, o.status, to_char(o.stage_entered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as stage_entered_at, o.next_step, o.version`;
  const result = await db.execute(sql`
    select p.name as pipeline_name, p.kind as pipeline_kind, s.id as s_id, s.name as s_name, s.position as s_position, s.probability as s_probability,
      s.forecast_category as s_forecast_category, s.outcome as s_outcome, s.gates as s_gates, c.*
    from ${pipelines} p
    join ${pipelineStages} s on s.org_id = p.org_id and s.pipeline_id = p.id
    left join lateral (
      (select ${columns} from ${opportunities} o
        where s.outcome = 'open' and o.org_id = s.org_id and o.stage_id = s.id and o.deleted_at is null ${owner}
        order by o.close_date, o.id limit ${take})
      union all
      (select ${columns} from ${opportunities} o
        where s.outcome <> 'open' and o.org_id = s.org_id and o.stage_id = s.id and o.deleted_at is null ${owner}
        order by o.close_date desc, o.id desc limit ${take})
    ) c on true
    where p.org_id = ${actor.orgId} and p.id = ${pipelineId}`);
  const rows = (result as unknown as { rows: BoardRow[] }).rows;
  const first = rows[0];
  if (!first) {
    // No stages: either no such pipeline (404) or one the org has yet to be given.
    const pipeline = await getPipeline(db, actor, pipelineId);
    return { pipeline: { id: pipeline.id, name: pipeline.name, kind: pipeline.kind }, columns: [] };
  }
  const names = await accountNames(db, actor, [...new Set(rows.flatMap((r) => (r.account_id ? [r.account_id] : [])))]);
  const stages = new Map<string, { stage: StageView; rows: BoardRow[] }>();
  for (const row of rows) {
    let entry = stages.get(row.s_id);
    if (!entry) {
      const stage: StageView = {
        id: row.s_id,
        name: row.s_name,
        position: row.s_position,
        probability: row.s_probability,
        forecastCategory: row.s_forecast_category as StageView['forecastCategory'],
        outcome: row.s_outcome as StageView['outcome'],
        gates: row.s_gates as StageView['gates'],
      };
      entry = { stage, rows: [] };
      stages.set(row.s_id, entry);
    }
    if (row.id) entry.rows.push(row);
  }
  return {
    pipeline: { id: pipelineId, name: first.pipeline_name, kind: first.pipeline_kind },
    columns: [...stages.values()]
      .sort((a, b) => a.stage.position - b.stage.position)
      .map(({ stage, rows: stageRows }) => {
        const sort = boardSortFor(stage.outcome);
        const descending = sort.startsWith('-');
        stageRows.sort((a, b) => (a.close_date === b.close_date ? (a.id < b.id ? -1 : 1) : a.close_date < b.close_date ? -1 : 1) * (descending ? -1 : 1));
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

/**
 * The column headers: how many deals each stage holds and what they are worth. Read from
 * opportunity_stage_totals, which triggers keep as deals are written: a few rows per stage
 * (owners × currencies) instead of every deal of the pipeline.
 */
export async function pipelineSummary(db: Db, actor: Actor, pipelineId: string, options: { ownerId?: string | undefined }): Promise<StageSummary[]> {
  assertCan(actor, 'records:read');
  const pipeline = await getPipeline(db, actor, pipelineId);
  // The kept totals count every deal; someone who sees only some deals gets theirs added up.
  const settings = await getOrgSettings(db, actor);
  if (actor.role !== 'admin' && settings.recordVisibility.opportunities !== 'everyone') {
    const conditions = [eq(opportunities.orgId, actor.orgId), eq(opportunities.pipelineId, pipelineId), isNull(opportunities.deletedAt), visibleRecords(actor, 'opportunities')];
    if (options.ownerId) conditions.push(eq(opportunities.ownerId, options.ownerId));
    const visibleSums = await db
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
    return summarise(pipeline.stages, visibleSums);
  }
  const conditions = [eq(stageTotals.orgId, actor.orgId), inArray(stageTotals.stageId, pipeline.stages.map((s) => s.id)), gt(stageTotals.deals, 0)];
  if (options.ownerId) conditions.push(eq(stageTotals.ownerKey, options.ownerId));
  const sums = await db
    .select({
      stageId: stageTotals.stageId,
      currency: stageTotals.currency,
      count: sql<number>`sum(${stageTotals.deals})::int`,
      amount: sql<string>`sum(${stageTotals.amount})`,
      weighted: sql<string>`round(sum(${stageTotals.weighted}) / 100.0)`,
    })
    .from(stageTotals)
    .where(and(...conditions))
    .groupBy(stageTotals.stageId, stageTotals.currency);
  return summarise(pipeline.stages, sums);
}

function summarise(stages: StageView[], sums: { stageId: string; currency: string; count: number; amount: string; weighted: string }[]): StageSummary[] {
  return stages.map((stage) => {
    const rows = sums.filter((r) => r.stageId === stage.id).map((r) => ({ currency: r.currency, count: r.count, amount: Number(r.amount), weighted: Number(r.weighted) }));
    rows.sort((a, b) => b.amount - a.amount);
    return { stageId: stage.id, count: rows.reduce((n, r) => n + r.count, 0), totals: rows.map(({ currency, amount, weighted }) => ({ currency, amount, weighted })) };
  });
}
