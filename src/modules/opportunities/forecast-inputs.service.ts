// What quotas and forecasts read from deals, as aggregates: they never see the tables.
import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const uuids = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

export type ForecastGroup = { ownerId: string; currency: string; status: 'open' | 'won' | 'lost'; forecastCategory: string; amount: number; weightedRaw: number; deals: number };

/**
 * Deals closing in [start, end) per owner, currency, status and forecast category, with Σ amount
 * and Σ amount × probability. Periods of whole months (every fiscal period) read the monthly totals
 * the triggers keep (opportunity_month_totals); any other range sums the deals themselves.
 */
export async function forecastGroups(db: Db, actor: Actor, period: { start: string; end: string }, ownerIds: readonly string[]): Promise<ForecastGroup[]> {
  if (!ownerIds.length) return [];
  const wholeMonths = period.start.endsWith('-01') && period.end.endsWith('-01');
  const result = wholeMonths
    ? await db.execute(sql`
        select owner_key as owner_id, currency, status, forecast_category, sum(amount)::float8 as amount, sum(weighted)::float8 as weighted, sum(deals)::int as deals
        from opportunity_month_totals
        where org_id = ${actor.orgId} and owner_key = any(${uuids(ownerIds)}) and close_month >= ${period.start}::date and close_month < ${period.end}::date and status <> 'lost'
        group by 1, 2, 3, 4
        having sum(deals) <> 0`)
    : await db.execute(sql`
        select owner_id, currency, status, forecast_category, sum(amount)::float8 as amount, sum(amount * probability)::float8 as weighted, count(*)::int as deals
        from opportunities
        where org_id = ${actor.orgId} and deleted_at is null and owner_id = any(${uuids(ownerIds)})
          and close_date >= ${period.start}::date and close_date < ${period.end}::date and status <> 'lost'
        group by 1, 2, 3, 4`);
  return rowsOf<{ owner_id: string; currency: string; status: ForecastGroup['status']; forecast_category: string; amount: number; weighted: number; deals: number }>(result).map((r) => ({
    ownerId: r.owner_id,
    currency: r.currency,
    status: r.status,
    forecastCategory: r.forecast_category,
    amount: Number(r.amount),
    weightedRaw: Number(r.weighted),
    deals: Number(r.deals),
  }));
}

export type OpenDealInput = { id: string; name: string; ownerId: string | null; amount: number; stageId: string; daysInStage: number };

/** Open deals closing in [start, end) in one currency, with their days in the current stage at `asOf`. */
export async function openDealsClosingIn(db: Db, actor: Actor, period: { start: string; end: string }, currency: string, ownerIds: readonly string[], asOf: Date): Promise<OpenDealInput[]> {
  if (!ownerIds.length) return [];
  const result = await db.execute(sql`
    select id, name, owner_id, amount::float8 as amount, stage_id, extract(epoch from (${asOf.toISOString()}::timestamptz - stage_entered_at)) / 86400 as days
    from opportunities
    where org_id = ${actor.orgId} and deleted_at is null and status = 'open' and currency = ${currency} and owner_id = any(${uuids(ownerIds)})
      and close_date >= ${period.start}::date and close_date < ${period.end}::date`);
  return rowsOf<{ id: string; name: string; owner_id: string | null; amount: number; stage_id: string; days: number }>(result).map((r) => ({
    id: r.id,
    name: r.name,
    ownerId: r.owner_id,
    amount: Number(r.amount),
    stageId: r.stage_id,
    daysInStage: Math.max(0, Number(r.days)),
  }));
}

/** Won amount of deals closing in [start, end) in one currency. */
export async function wonAmount(db: Db, actor: Actor, period: { start: string; end: string }, currency: string, ownerIds: readonly string[]): Promise<number> {
  if (!ownerIds.length) return 0;
  const [row] = rowsOf<{ amount: number | null }>(
    await db.execute(sql`
      select sum(amount)::float8 as amount from opportunities
      where org_id = ${actor.orgId} and deleted_at is null and status = 'won' and currency = ${currency} and owner_id = any(${uuids(ownerIds)})
        and close_date >= ${period.start}::date and close_date < ${period.end}::date`),
  );
  return Number(row?.amount ?? 0);
}

/**
 * Every stay of a deal closed (won or lost) in [since, before) in an open stage: which stage,
 * how many days, and whether the deal went on to win. From the stage history; a stay lasts until
 * the next history row that changed the stage, or until the deal closed.
 */
export async function closedDealStageStays(db: Db, actor: Actor, since: Date, before: Date): Promise<{ stageId: string; daysInStage: number; won: boolean; ownerId: string | null }[]> {
  const result = await db.execute(sql`
    with closed as (
      select id, status, closed_at, owner_id from opportunities
      where org_id = ${actor.orgId} and deleted_at is null and status in ('won', 'lost')
        and closed_at >= ${since.toISOString()}::timestamptz and closed_at < ${before.toISOString()}::timestamptz
    ), stays as (
      select h.stage_id, c.status, c.owner_id, h.changed_at,
        coalesce(lead(h.changed_at) over (partition by h.opportunity_id order by h.changed_at, h.id), c.closed_at) as left_at,
        h.stage_id is distinct from lag(h.stage_id) over (partition by h.opportunity_id order by h.changed_at, h.id) as entered
      from opportunity_history h join closed c on c.id = h.opportunity_id
      where h.org_id = ${actor.orgId}
    )
    select s.stage_id, s.status, s.owner_id, extract(epoch from (s.left_at - s.changed_at)) / 86400 as days
    from stays s join pipeline_stages ps on ps.org_id = ${actor.orgId} and ps.id = s.stage_id
    where s.entered and ps.outcome = 'open'`);
  return rowsOf<{ stage_id: string; status: string; owner_id: string | null; days: number }>(result).map((r) => ({
    stageId: r.stage_id,
    daysInStage: Math.max(0, Number(r.days)),
    won: r.status === 'won',
    ownerId: r.owner_id,
  }));
}

/**
 * Deals as they stood at `asOf` (the last history row before it) that were open then and expected
 * to close in [start, end) in one currency, with what became of them by `end`: the back-test's
 * question and its answer.
 */
export async function dealsOpenAt(
  db: Db,
  actor: Actor,
  asOf: Date,
  period: { start: string; end: string },
  currency: string,
): Promise<{ id: string; stageId: string; ownerId: string | null; amount: number; daysInStage: number; wonAmount: number }[]> {
  const result = await db.execute(sql`
    select distinct on (h.opportunity_id) h.opportunity_id as id, h.stage_id, h.amount::float8 as amount,
      extract(epoch from (${asOf.toISOString()}::timestamptz - h.changed_at)) / 86400 as days,
      case when o.status = 'won' and o.closed_at < ${period.end}::date then o.amount::float8 else 0 end as won_amount,
      to_char(h.close_date, 'YYYY-MM-DD') as close_date, h.currency, h.status, o.owner_id
    from opportunity_history h join opportunities o on o.org_id = h.org_id and o.id = h.opportunity_id and o.deleted_at is null
    where h.org_id = ${actor.orgId} and h.changed_at < ${asOf.toISOString()}::timestamptz
    order by h.opportunity_id, h.changed_at desc, h.id desc`);
  return rowsOf<{ id: string; stage_id: string; amount: number; days: number; won_amount: number; close_date: string; currency: string; status: string; owner_id: string | null }>(result)
    .filter((r) => r.status === 'open' && r.currency === currency && r.close_date >= period.start && r.close_date < period.end)
    .map((r) => ({ id: r.id, stageId: r.stage_id, ownerId: r.owner_id, amount: Number(r.amount), daysInStage: Math.max(0, Number(r.days)), wonAmount: Number(r.won_amount) }));
}

/** Won amount per owner and UTC day of closing in [start, end), in one currency and deal kind. */
export async function wonByOwnerDay(
  db: Db,
  actor: Actor,
  period: { start: string; end: string },
  currency: string,
  dealKind: 'all' | 'new_business' | 'expansion',
): Promise<{ userId: string; day: string; value: number }[]> {
  const kind = dealKind === 'all' ? sql`` : sql`and p.kind = ${dealKind}`;
  const result = await db.execute(sql`
    select o.owner_id as user_id, to_char(o.closed_at at time zone 'UTC', 'YYYY-MM-DD') as day, sum(o.amount)::float8 as value
    from opportunities o join pipelines p on p.org_id = o.org_id and p.id = o.pipeline_id
    where o.org_id = ${actor.orgId} and o.deleted_at is null and o.status = 'won' and o.owner_id is not null and o.currency = ${currency}
      and o.closed_at >= ${period.start}::date and o.closed_at < ${period.end}::date ${kind}
    group by 1, 2`);
  return rowsOf<{ user_id: string; day: string; value: number }>(result).map((r) => ({ userId: r.user_id, day: r.day, value: Number(r.value) }));
}

/** Deals a user sourced (qualified the lead they came from), per user and UTC day of creation. */
export async function sourcedByUserDay(db: Db, actor: Actor, period: { start: string; end: string }): Promise<{ userId: string; day: string; value: number }[]> {
  const result = await db.execute(sql`
    select sourced_by as user_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as value
    from opportunities
    where org_id = ${actor.orgId} and deleted_at is null and sourced_by is not null
      and created_at >= ${period.start}::date and created_at < ${period.end}::date
    group by 1, 2`);
  return rowsOf<{ user_id: string; day: string; value: number }>(result).map((r) => ({ userId: r.user_id, day: r.day, value: Number(r.value) }));
}
