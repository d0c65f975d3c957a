// Report queries. Reports read across capabilities by nature (leads, conversions, deals, calls,
// clocks), so they are plain SQL over those tables, always scoped by org and by whose numbers
// the asker may see; the math on the rows is model.ts.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { badRequest, forbidden } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { getDealPolicy } from '../opportunities/policies.service.ts';
import { getOrgSettings } from '../orgs/settings-service.ts';
import { closedWonTarget, type CoverageScope } from '../quotas/service.ts';
import { visibleRecords, visibleSubjects } from '../visibility/records.ts';
import { effectiveGoals, type GoalRow } from '../today/model.ts';
import {
  activityRow,
  funnel,
  improvementHints,
  leakSentence,
  pipelineSummary,
  previousRange,
  rate,
  stageConversion,
  workingDays,
  type ActivityCounts,
  type ActivityRow,
  type FunnelRow,
  type FunnelStep,
  type Hint,
  type Period,
  type PipelineSummary,
  type Range,
  type SegmentMetrics,
} from './model.ts';

export type ReportFilter = Range & {
  period?: Period | undefined;
  repId?: string | undefined;
  teamId?: string | undefined;
  source?: string | undefined;
  territoryId?: string | undefined;
};

const NIL = '00000000-0000-0000-0000-000000000000';

type Rows<T> = { rows: T[] };
async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as Rows<T>).rows;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const uuidList = (ids: readonly string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

/**
 * Whose numbers the asker sees: null for everyone's. A rep sees their team's numbers when the org
 * lets reps see them, else only their own, and asking for anyone else's is refused. Others see
 * everyone's, narrowed by the rep or team filter.
 */
export async function ownerScope(db: Db, actor: Actor, filter: Pick<ReportFilter, 'repId' | 'teamId'>): Promise<string[] | null> {
  assertCan(actor, 'reports:read');
  if (actor.role === 'rep') {
    const [me] = await rows<{ team_id: string | null }>(db, sql`select team_id from users where org_id = ${actor.orgId} and id = ${actor.userId}`);
    const settings = await getOrgSettings(db, actor);
    let visible = [actor.userId];
    if (settings.repsSeeTeamNumbers && me?.team_id) visible = await teamMembers(db, actor.orgId, me.team_id);
    if (filter.teamId && (!settings.repsSeeTeamNumbers || filter.teamId !== me?.team_id)) throw forbidden();
    if (filter.repId) {
      if (!visible.includes(filter.repId)) throw forbidden();
      return [filter.repId];
    }
    return visible;
  }
  if (filter.repId) return [filter.repId];
  if (filter.teamId) return teamMembers(db, actor.orgId, filter.teamId);
  return null;
}

/** The people in a team and in the teams under it. */
async function teamMembers(db: Db, orgId: string, teamId: string): Promise<string[]> {
  const found = await rows<{ id: string }>(
    db,
    sql`with recursive tree as (select id from teams where org_id = ${orgId} and id = ${teamId}
          union select t.id from teams t join tree on t.parent_team_id = tree.id where t.org_id = ${orgId})
        select u.id from users u join tree on u.team_id = tree.id where u.org_id = ${orgId}`,
  );
  // An empty team still narrows to no one, not to everyone.
  return found.length ? found.map((r) => r.id) : [NIL];
}

// Reports count only the records the asker may see (visibility/records.ts), on top of whose numbers.
const visibleLeads = (actor: Actor) => visibleRecords(actor, 'leads', { ownerId: sql`l.owner_id` });
const visibleDeals = (actor: Actor) => visibleRecords(actor, 'opportunities', { ownerId: sql`o.owner_id`, accountId: sql`o.account_id`, id: sql`o.id` });

const ownerIn = (column: SQL, owners: string[] | null): SQL => (owners ? sql`${column} in (${uuidList(owners)})` : sql`true`);

// Funnel ---------------------------------------------------------------------------------------

export const FUNNEL_GROUPS = ['rep', 'team', 'source', 'territory', 'month'] as const;
export type FunnelGroup = (typeof FUNNEL_GROUPS)[number];

const funnelGroupKey: Record<FunnelGroup, SQL> = {
  rep: sql`l.owner_id::text`,
  team: sql`u.team_id::text`,
  source: sql`l.source`,
  territory: sql`l.territory_id::text`,
  month: sql`to_char(date_trunc('month', l.created_at at time zone 'UTC'), 'YYYY-MM')`,
};
const teamJoin = (groupBy: FunnelGroup | null) => (groupBy === 'team' ? sql`left join users u on u.org_id = l.org_id and u.id = l.owner_id` : sql``);

function leadCohort(actor: Actor, filter: ReportFilter, owners: string[] | null): SQL {
  const parts = [
    sql`l.org_id = ${actor.orgId}`,
    sql`l.deleted_at is null`,
    sql`l.created_at >= ${ts(filter.from)}`,
    sql`l.created_at < ${ts(filter.to)}`,
    ownerIn(sql`l.owner_id`, owners),
    visibleLeads(actor),
  ];
  if (filter.source) parts.push(sql`l.source = ${filter.source}`);
  if (filter.territoryId) parts.push(sql`l.territory_id = ${filter.territoryId}::uuid`);
  return sql.join(parts, sql` and `);
}

/**
 * A converted lead's conversion and deal. Plain joins: PostgreSQL hashes the org's conversions for a
 * year of leads and probes by key for a short period; forcing per-lead probes (lateral … limit 1)
 * measured 2–3 times slower for a year at 1,000,000 leads. The deal's status, account and closing
 * come from opportunities_facts_idx alone.
 */
const convertedJoins = sql`
  join lead_conversions c on c.org_id = l.org_id and c.lead_id = l.id
  left join opportunities o on o.org_id = l.org_id and o.id = c.opportunity_id and o.deleted_at is null`;

type LeadStepsRow = { total: boolean; key: string | null; leads: string; qualified: string };
type DealStepsRow = { total: boolean; key: string | null; opportunities: string; won: string; customers: string; to_opportunity: number | null; to_won: number | null };

const days = (later: SQL, earlier: SQL) => sql`extract(epoch from ${later} - ${earlier}) / 86400`;

/**
 * The funnel of a lead cohort in two reads: the leads' own steps (created, qualified) from the
 * created-at index alone, and the later steps (deal, won, customer) from the converted leads only,
 * joined to their conversions and deals. With `groupBy`, the same reads give each group and the
 * total (grouping sets), since medians and distinct customers do not add up from the groups.
 */
async function funnelSteps(db: Db, where: SQL, groupBy: FunnelGroup | null): Promise<{ total: FunnelRow[]; groups: { key: string | null; steps: FunnelRow[] }[] }> {
  const expression = groupBy ? funnelGroupKey[groupBy] : null;
  const key = expression ? sql`${expression} as key, grouping(${expression}) = 1 as total` : sql`null::text as key, true as total`;
  const group = expression ? sql`group by grouping sets ((), (${expression}))` : sql``;
  // Counts by hashing every lead; the median sorts only the qualified ones.
  const leadSteps = await rows<LeadStepsRow>(
    db,
    sql`select ${key}, count(*) as leads, count(*) filter (where l.status in ('qualified', 'converted')) as qualified
        from leads l ${teamJoin(groupBy)} where ${where} ${group}`,
  );
  const qualifiedMedians = await rows<{ total: boolean; key: string | null; to_qualified: number | null }>(
    db,
    sql`select ${key}, percentile_cont(0.5) within group (order by ${days(sql`l.qualified_at`, sql`l.created_at`)}) as to_qualified
        from leads l ${teamJoin(groupBy)} where ${where} and l.status in ('qualified', 'converted') and l.qualified_at is not null ${group}`,
  );
  const dealSteps = await rows<DealStepsRow>(
    db,
    sql`select ${key}, count(c.opportunity_id) as opportunities, count(*) filter (where o.status = 'won') as won,
          count(distinct o.account_id) filter (where o.status = 'won') as customers,
          percentile_cont(0.5) within group (order by ${days(sql`c.converted_at`, sql`l.qualified_at`)}) filter (where c.opportunity_id is not null and l.qualified_at is not null) as to_opportunity,
          percentile_cont(0.5) within group (order by ${days(sql`o.closed_at`, sql`c.converted_at`)}) filter (where o.status = 'won') as to_won
        from leads l ${teamJoin(groupBy)} ${convertedJoins}
        where ${where} and l.status = 'converted' ${group}`,
  );
  const id = (r: { total: boolean; key: string | null }) => (r.total ? 'total' : `group:${r.key}`);
  const deals = new Map(dealSteps.map((d) => [id(d), d]));
  const medians = new Map(qualifiedMedians.map((m) => [id(m), m.to_qualified]));
  const stepsOf = (r: LeadStepsRow | undefined) => {
    const d = r ? deals.get(id(r)) : undefined;
    return funnel(
      { leads: num(r?.leads), qualified: num(r?.qualified), opportunities: num(d?.opportunities), won: num(d?.won), customers: num(d?.customers) },
      { qualified: round1(numOrNull(r ? medians.get(id(r)) : null)), opportunities: round1(numOrNull(d?.to_opportunity)), won: round1(numOrNull(d?.to_won)) },
    );
  };
  return {
    total: stepsOf(leadSteps.find((r) => r.total)),
    groups: leadSteps.filter((r) => !r.total).map((r) => ({ key: r.key, steps: stepsOf(r) })),
  };
}

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export type FunnelReport = { from: string; to: string; steps: FunnelRow[]; leak: string | null; groups: { key: string | null; steps: FunnelRow[] }[] };

/**
 * Leads created in the period and how far they got: qualified (status qualified or converted),
 * converted into a deal, deal won, distinct customer accounts won. Median days between steps:
 * lead created → qualified, qualified → deal, deal → won.
 */
export async function funnelReport(db: Db, actor: Actor, filter: ReportFilter, groupBy?: FunnelGroup): Promise<FunnelReport> {
  const owners = await ownerScope(db, actor, filter);
  const where = leadCohort(actor, filter, owners);
  const { total, groups } = await funnelSteps(db, where, groupBy ?? null);
  const largest = groups.sort((a, b) => b.steps[0]!.count - a.steps[0]!.count || String(a.key).localeCompare(String(b.key))).slice(0, 100);
  return { from: filter.from.toISOString(), to: filter.to.toISOString(), steps: total, leak: leakSentence(total), groups: largest };
}

export type Page<T> = { data: T[]; total: number; offset: number; limit: number };

/** The records behind a funnel number: leads for the first two steps, deals, then accounts. */
export async function funnelRecords(db: Db, actor: Actor, filter: ReportFilter, step: FunnelStep, page: { offset: number; limit: number }): Promise<Page<Record<string, unknown>>> {
  const owners = await ownerScope(db, actor, filter);
  const where = leadCohort(actor, filter, owners);
  // Leads read the leads alone; the later steps only the converted leads with their deals.
  const joins = step === 'leads' || step === 'qualified' ? sql`from leads l` : sql`from leads l ${convertedJoins}`;
  let select: SQL;
  let stepWhere: SQL;
  let distinctOn: SQL | null = null;
  switch (step) {
    case 'leads':
    case 'qualified':
      select = sql`l.id, 'lead' as type, trim(l.first_name || ' ' || l.last_name) as name, l.company, l.status, l.source, l.owner_id as "ownerId", l.created_at as "createdAt"`;
      stepWhere = step === 'leads' ? sql`true` : sql`l.status in ('qualified', 'converted')`;
      break;
    case 'opportunities':
    case 'won':
      select = sql`o.id, 'opportunity' as type, o.name, o.status, o.amount, o.currency, o.owner_id as "ownerId", o.created_at as "createdAt", o.closed_at as "closedAt"`;
      stepWhere = step === 'opportunities' ? sql`l.status = 'converted' and o.id is not null` : sql`l.status = 'converted' and o.status = 'won'`;
      break;
    case 'customers':
      select = sql`a.id, 'account' as type, a.name, a.owner_id as "ownerId", a.created_at as "createdAt"`;
      stepWhere = sql`l.status = 'converted' and o.status = 'won'`;
      distinctOn = sql`a.id`;
      break;
  }
  const body =
    step === 'customers'
      ? sql`${joins} join accounts a on a.org_id = l.org_id and a.id = o.account_id where ${where} and ${stepWhere}`
      : sql`${joins} where ${where} and ${stepWhere}`;
  const [counted] = await rows<{ n: string }>(db, distinctOn ? sql`select count(distinct ${distinctOn}) as n ${body}` : sql`select count(*) as n ${body}`);
  const data = distinctOn
    ? await rows<Record<string, unknown>>(db, sql`select * from (select distinct on (a.id) ${select} ${body} order by a.id) x order by "createdAt", id limit ${page.limit} offset ${page.offset}`)
    : await rows<Record<string, unknown>>(db, sql`select ${select} ${body} order by "createdAt", id limit ${page.limit} offset ${page.offset}`);
  return { data: data.map(plain), total: num(counted?.n), offset: page.offset, limit: page.limit };
}

/** Dates as ISO strings and bigints as numbers: the same JSON on PGlite and node-postgres. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : k === 'amount' && v !== null ? Number(v) : v;
  return out;
}

// Activity -------------------------------------------------------------------------------------

export type ActivityReport = {
  from: string;
  to: string;
  bucket: 'day' | 'week';
  rows: (ActivityRow & { repId: string; repName: string; bucket: string })[];
  totals: ActivityRow;
  speedToLead: { clocks: number; met: number; breached: number; running: number; compliance: number | null; medianMinutes: number | null };
};

const CALL_KINDS = ['call', 'call_connected'];
const EMAIL_KINDS = ['email', 'email_sent'];

/**
 * Calls, connects, emails and replies per rep per day or week (from the daily activity counts),
 * meetings booked (made in the period) and held (held in it), against each rep's daily goals
 * scaled to the bucket's working days; speed-to-lead from the first-touch clocks started in it.
 */
export async function activityReport(db: Db, actor: Actor, filter: ReportFilter, bucket: 'day' | 'week' = 'week'): Promise<ActivityReport> {
  const owners = await ownerScope(db, actor, filter);
  const fromDay = filter.from.toISOString().slice(0, 10);
  const toDay = filter.to.toISOString().slice(0, 10);
  const trunc = bucket === 'day' ? sql`day` : sql`date_trunc('week', day)::date`;
  const counts = await rows<{ actor: string; bucket: string; kind: string; n: string }>(
    db,
    sql`select actor_key as actor, to_char(${trunc}, 'YYYY-MM-DD') as bucket, kind, sum(count) as n from activity_daily_counts
        where org_id = ${actor.orgId} and day >= ${fromDay}::date and day < ${toDay}::date
          and kind in ('call', 'call_connected', 'email', 'email_sent', 'email_replied') and ${ownerIn(sql`actor_key`, owners)}
        group by 1, 2, 3`,
  );
  const meetingTrunc = (col: SQL) => (bucket === 'day' ? sql`to_char((${col} at time zone 'UTC')::date, 'YYYY-MM-DD')` : sql`to_char(date_trunc('week', ${col} at time zone 'UTC'), 'YYYY-MM-DD')`);
  const meetings = await rows<{ actor: string; bucket: string; booked: string; held: string }>(
    db,
    sql`select organizer_id as actor, b as bucket, sum(booked) as booked, sum(held) as held from (
          select organizer_id, ${meetingTrunc(sql`created_at`)} as b, 1 as booked, 0 as held from meetings
            where org_id = ${actor.orgId} and created_at >= ${ts(filter.from)} and created_at < ${ts(filter.to)} and ${ownerIn(sql`organizer_id`, owners)}
          union all
          select organizer_id, ${meetingTrunc(sql`starts_at`)}, 0, 1 from meetings
            where org_id = ${actor.orgId} and status = 'held' and starts_at >= ${ts(filter.from)} and starts_at < ${ts(filter.to)} and ${ownerIn(sql`organizer_id`, owners)}
        ) m group by 1, 2`,
  );
  const people = await rows<{ id: string; name: string; team_id: string | null }>(db, sql`select id, name, team_id from users where org_id = ${actor.orgId} and ${ownerIn(sql`id`, owners)}`);
  const goalRows = await rows<{ scope: GoalRow['scope']; scope_id: string; calls: number | null; connects: number | null; emails: number | null }>(
    db,
    sql`select scope, scope_id, calls, connects, emails from activity_goals where org_id = ${actor.orgId}`,
  );
  const goals: GoalRow[] = goalRows.map((g) => ({ scope: g.scope, scopeId: g.scope_id, calls: g.calls, connects: g.connects, emails: g.emails }));
  const byId = new Map(people.map((p) => [p.id, p]));

  const cells = new Map<string, ActivityCounts & { repId: string; bucket: string }>();
  const cell = (repId: string, b: string) => {
    const key = `${repId}|${b}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { repId, bucket: b, calls: 0, connects: 0, emails: 0, replies: 0, meetingsBooked: 0, meetingsHeld: 0 }));
    return c;
  };
  for (const r of counts) {
    if (r.actor === NIL) continue;
    const c = cell(r.actor, r.bucket);
    const n = num(r.n);
    if (CALL_KINDS.includes(r.kind)) c.calls += n;
    if (r.kind === 'call_connected') c.connects += n;
    if (EMAIL_KINDS.includes(r.kind)) c.emails += n;
    if (r.kind === 'email_replied') c.replies += n;
  }
  for (const m of meetings) {
    const c = cell(m.actor, m.bucket);
    c.meetingsBooked += num(m.booked);
    c.meetingsHeld += num(m.held);
  }
  const bucketDays = (b: string) => {
    const start = new Date(`${b}T00:00:00Z`);
    const end = new Date(start.getTime() + (bucket === 'day' ? 1 : 7) * 86_400_000);
    return workingDays({ from: start < filter.from ? filter.from : start, to: end > filter.to ? filter.to : end });
  };
  const out = [...cells.values()]
    .map((c) => {
      const person = byId.get(c.repId);
      const g = effectiveGoals(goals, { userId: c.repId, teamId: person?.team_id ?? null, orgId: actor.orgId });
      const { repId, bucket: b, ...counted } = c;
      return { repId, repName: person?.name ?? '', bucket: b, ...activityRow(counted, { calls: g.calls.target, connects: g.connects.target, emails: g.emails.target }, bucketDays(b)) };
    })
    .sort((a, b) => a.bucket.localeCompare(b.bucket) || a.repName.localeCompare(b.repName));
  const sum = (k: keyof ActivityCounts) => out.reduce((s, r) => s + r[k], 0);
  const totals = activityRow(
    { calls: sum('calls'), connects: sum('connects'), emails: sum('emails'), replies: sum('replies'), meetingsBooked: sum('meetingsBooked'), meetingsHeld: sum('meetingsHeld') },
    { calls: null, connects: null, emails: null },
    0,
  );
  const [clock] = await rows<{ clocks: string; met: string; breached: string; running: string; median_minutes: number | null }>(
    db,
    sql`select count(*) as clocks, count(*) filter (where status = 'met') as met, count(*) filter (where status = 'breached') as breached,
          count(*) filter (where status = 'running') as running,
          percentile_cont(0.5) within group (order by extract(epoch from stopped_at - started_at) / 60) filter (where status in ('met', 'breached')) as median_minutes
        from sla_timers where org_id = ${actor.orgId} and kind = 'first_touch' and started_at >= ${ts(filter.from)} and started_at < ${ts(filter.to)} and ${ownerIn(sql`owner_id`, owners)}`,
  );
  const met = num(clock?.met);
  const breached = num(clock?.breached);
  const medianMinutes = numOrNull(clock?.median_minutes);
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    bucket,
    rows: out,
    totals,
    speedToLead: { clocks: num(clock?.clocks), met, breached, running: num(clock?.running), compliance: rate(met, met + breached), medianMinutes: medianMinutes === null ? null : Math.round(medianMinutes * 10) / 10 },
  };
}

export const ACTIVITY_METRICS = ['calls', 'connects', 'emails', 'replies'] as const;
export type ActivityMetric = (typeof ACTIVITY_METRICS)[number];
const METRIC_KIND_LIST: Record<ActivityMetric, string[]> = { calls: CALL_KINDS, connects: ['call_connected'], emails: EMAIL_KINDS, replies: ['email_replied'] };

/** The activities behind an activity number, newest first. */
export async function activityRecords(db: Db, actor: Actor, filter: ReportFilter, metric: ActivityMetric, page: { offset: number; limit: number }): Promise<Page<Record<string, unknown>>> {
  const owners = await ownerScope(db, actor, filter);
  const kinds = sql.join(METRIC_KIND_LIST[metric].map((k) => sql`${k}`), sql`, `);
  const body = sql`from activities a where a.org_id = ${actor.orgId} and a.kind in (${kinds}) and a.occurred_at >= ${ts(filter.from)} and a.occurred_at < ${ts(filter.to)}
    and ${owners ? ownerIn(sql`a.actor_id`, owners) : sql`a.actor_id is not null`}
    and ${visibleSubjects(actor, { type: sql`a.subject_type`, id: sql`a.subject_id` })}`;
  const [counted] = await rows<{ n: string }>(db, sql`select count(*) as n ${body}`);
  const data = await rows<Record<string, unknown>>(
    db,
    sql`select a.id, a.kind as type, a.summary as name, a.subject_type as "subjectType", a.subject_id as "subjectId", a.actor_id as "ownerId", a.occurred_at as "occurredAt"
        ${body} order by a.occurred_at desc, a.id desc limit ${page.limit} offset ${page.offset}`,
  );
  return { data: data.map(plain), total: num(counted?.n), offset: page.offset, limit: page.limit };
}

// Pipeline -------------------------------------------------------------------------------------

export type PipelineReport = PipelineSummary & {
  from: string;
  to: string;
  /** Every amount is in this currency, and only its deals count: currencies are never added up. */
  currency: string;
  /** The currencies the asker's deals are in (to pick another). */
  currencies: string[];
  target: number | null;
  /** Where the target came from: the quotas of the fiscal period the range is, or the `target` parameter. */
  targetFrom: 'quota' | 'parameter' | null;
  quotaPeriod: string | null;
  lossReasons: { reason: string; deals: number; amount: number }[];
  stages: { stageId: string; name: string; reached: number; toNext: number | null }[];
};

function dealScope(actor: Actor, filter: ReportFilter, owners: string[] | null, currency: string): SQL {
  const parts = [sql`o.org_id = ${actor.orgId}`, sql`o.deleted_at is null`, sql`o.currency = ${currency}`, ownerIn(sql`o.owner_id`, owners), visibleDeals(actor)];
  if (filter.source) parts.push(sql`o.source = ${filter.source}`);
  if (filter.territoryId) parts.push(sql`exists (select 1 from accounts a where a.org_id = o.org_id and a.id = o.account_id and a.territory_id = ${filter.territoryId}::uuid)`);
  return sql.join(parts, sql` and `);
}

/**
 * The deals whose close date was ever pushed later: one read of a small partial index, hashed once
 * (a per-deal lookup cost more than the scan with ~60,000 deals due in a quarter).
 */
const pushedDeals = (actor: Actor) =>
  sql`select h.opportunity_id from opportunity_history h where h.org_id = ${actor.orgId} and h.previous_close_date is not null and h.close_date > h.previous_close_date`;

/** Whose quota a pipeline report's coverage is measured against; null when quotas do not fit the filter. */
async function coverageScope(db: Db, actor: Actor, filter: ReportFilter, owners: string[] | null): Promise<CoverageScope | null> {
  // Quotas are per person and team, not per source or territory.
  if (filter.source || filter.territoryId) return null;
  if (filter.repId) return { kind: 'user', id: filter.repId };
  if (filter.teamId) return { kind: 'team', id: filter.teamId };
  if (actor.role !== 'rep') return { kind: 'org' };
  if (owners?.length === 1 && owners[0] === actor.userId) return { kind: 'user', id: actor.userId };
  const [me] = await rows<{ team_id: string | null }>(db, sql`select team_id from users where org_id = ${actor.orgId} and id = ${actor.userId}`);
  return me?.team_id ? { kind: 'team', id: me.team_id } : { kind: 'user', id: actor.userId };
}

/**
 * Open pipeline closing in the period, deals created in it, deals won and lost in it (win rate,
 * average won deal, median days created → won), slippage (deals due in the period whose close
 * date was ever pushed later), loss reasons, and stage conversion of the deals created in it — all
 * in one currency (the org's default unless asked for another). Coverage is open pipeline over
 * what is left of the target after what was won; the target is the closed-won quota of the scope
 * (rep, team or org) when the range is a fiscal period, unless `target` (minor units) is given.
 */
export async function pipelineReport(db: Db, actor: Actor, filter: ReportFilter, options: { currency?: string | undefined; target?: number | null | undefined } = {}): Promise<PipelineReport> {
  const owners = await ownerScope(db, actor, filter);
  const currency = (options.currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase();
  const scope = dealScope(actor, filter, owners, currency);
  const fromDay = filter.from.toISOString().slice(0, 10);
  const toDay = filter.to.toISOString().slice(0, 10);
  const closedIn = sql`o.closed_at >= ${ts(filter.from)} and o.closed_at < ${ts(filter.to)}`;
  const createdIn = sql`o.created_at >= ${ts(filter.from)} and o.created_at < ${ts(filter.to)}`;
  const dueIn = sql`o.close_date >= ${fromDay}::date and o.close_date < ${toDay}::date`;
  // Three narrow queries, each on its own index (close date, creation, closing), instead of one
  // scan of every deal matching any of the three ranges.
  const [open] = await rows<{ deals: string; amount: string | null; base: string; slipped: string }>(
    db,
    sql`select count(*) filter (where o.status = 'open') as deals, sum(o.amount) filter (where o.status = 'open') as amount, count(*) as base,
          count(*) filter (where o.id in (${pushedDeals(actor)})) as slipped
        from opportunities o where ${scope} and ${dueIn}`,
  );
  const [created] = await rows<{ deals: string; amount: string | null }>(db, sql`select count(*) as deals, sum(o.amount) as amount from opportunities o where ${scope} and ${createdIn}`);
  const [closed] = await rows<{ won: string; won_amount: string | null; lost: string; median_cycle: number | null }>(
    db,
    sql`select count(*) filter (where o.status = 'won') as won, sum(o.amount) filter (where o.status = 'won') as won_amount, count(*) filter (where o.status = 'lost') as lost,
          percentile_cont(0.5) within group (order by extract(epoch from o.closed_at - o.created_at) / 86400) filter (where o.status = 'won') as median_cycle
        from opportunities o where ${scope} and ${closedIn} and o.status in ('won', 'lost')`,
  );
  const losses = await rows<{ reason: string | null; deals: string; amount: string }>(
    db,
    sql`select coalesce(o.loss_reason, '') as reason, count(*) as deals, coalesce(sum(o.amount), 0) as amount from opportunities o
        where ${scope} and o.status = 'lost' and ${closedIn} group by 1 order by 2 desc, 1`,
  );
  // Stage conversion within each deal's own pipeline: of the deals created in the period that
  // reached a stage (it is or was their stage), the share reaching the next one by position.
  const stages = await rows<{ stage_id: string; name: string; pipeline_id: string; reached: string }>(
    db,
    sql`with cohort as (select o.id, o.stage_id from opportunities o where ${scope} and ${createdIn}),
        reached as (
          select id, stage_id from cohort
          union select h.opportunity_id, h.stage_id from opportunity_history h join cohort c on h.opportunity_id = c.id
            where h.org_id = ${actor.orgId} and h.changed_at >= ${ts(filter.from)}
        )
        select s.id as stage_id, s.name, s.pipeline_id, count(r.id) as reached
        from pipeline_stages s join pipelines p on p.org_id = s.org_id and p.id = s.pipeline_id
        left join reached r on r.stage_id = s.id
        where s.org_id = ${actor.orgId} and s.outcome <> 'lost'
        group by s.id, s.name, s.pipeline_id, p.position, s.position order by p.position, s.position`,
  );
  const currencies = await rows<{ currency: string }>(
    db,
    sql`select distinct currency from opportunity_stage_totals where org_id = ${actor.orgId} and deals <> 0 and ${ownerIn(sql`owner_key`, owners)} order by 1`,
  );
  const byPipeline = new Map<string, { stageId: string; name: string; reached: number }[]>();
  for (const s of stages) {
    const list = byPipeline.get(s.pipeline_id) ?? [];
    list.push({ stageId: s.stage_id, name: s.name, reached: num(s.reached) });
    byPipeline.set(s.pipeline_id, list);
  }
  let target: number | null = options.target ?? null;
  let targetFrom: PipelineReport['targetFrom'] = target === null ? null : 'parameter';
  let quotaPeriod: string | null = null;
  if (target === null) {
    const who = await coverageScope(db, actor, filter, owners);
    const quota = who ? await closedWonTarget(db, actor, { from: fromDay, to: toDay }, who, currency) : null;
    if (quota) [target, targetFrom, quotaPeriod] = [quota.target, 'quota', quota.period];
  }
  const medianCycle = numOrNull(closed?.median_cycle);
  const summary = pipelineSummary(
    {
      openAmount: num(open?.amount),
      openDeals: num(open?.deals),
      createdDeals: num(created?.deals),
      createdAmount: num(created?.amount),
      wonDeals: num(closed?.won),
      wonAmount: num(closed?.won_amount),
      lostDeals: num(closed?.lost),
      wonCycleDays: [],
      slippedDeals: num(open?.slipped),
      slippageBase: num(open?.base),
    },
    target,
  );
  return {
    ...summary,
    medianCycleDays: medianCycle === null ? null : Math.round(medianCycle * 10) / 10,
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    currency,
    currencies: [...new Set([currency, ...currencies.map((c) => c.currency)])].sort(),
    target,
    targetFrom,
    quotaPeriod,
    lossReasons: losses.map((l) => ({ reason: l.reason || 'No reason given', deals: num(l.deals), amount: num(l.amount) })),
    stages: [...byPipeline.values()].filter((list) => list.some((s) => s.reached > 0)).flatMap((list) => stageConversion(list)),
  };
}

/** Deals behind a pipeline number. */
export const PIPELINE_SETS = ['open', 'created', 'won', 'lost', 'slipped'] as const;
export type PipelineSet = (typeof PIPELINE_SETS)[number];

export async function pipelineRecords(
  db: Db,
  actor: Actor,
  filter: ReportFilter,
  set: PipelineSet,
  page: { offset: number; limit: number },
  currency?: string,
): Promise<Page<Record<string, unknown>>> {
  const owners = await ownerScope(db, actor, filter);
  const inCurrency = (currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase();
  const fromDay = filter.from.toISOString().slice(0, 10);
  const toDay = filter.to.toISOString().slice(0, 10);
  const closedIn = sql`o.closed_at >= ${ts(filter.from)} and o.closed_at < ${ts(filter.to)}`;
  const dueIn = sql`o.close_date >= ${fromDay}::date and o.close_date < ${toDay}::date`;
  const which: Record<PipelineSet, SQL> = {
    open: sql`o.status = 'open' and ${dueIn}`,
    created: sql`o.created_at >= ${ts(filter.from)} and o.created_at < ${ts(filter.to)}`,
    won: sql`o.status = 'won' and ${closedIn}`,
    lost: sql`o.status = 'lost' and ${closedIn}`,
    slipped: sql`${dueIn} and o.id in (${pushedDeals(actor)})`,
  };
  const body = sql`from opportunities o where ${dealScope(actor, filter, owners, inCurrency)} and ${which[set]}`;
  const [counted] = await rows<{ n: string }>(db, sql`select count(*) as n ${body}`);
  const data = await rows<Record<string, unknown>>(
    db,
    sql`select o.id, 'opportunity' as type, o.name, o.status, o.amount, o.currency, o.close_date as "closeDate", o.owner_id as "ownerId", o.loss_reason as "lossReason", o.created_at as "createdAt", o.closed_at as "closedAt"
        ${body} order by o.close_date, o.id limit ${page.limit} offset ${page.offset}`,
  );
  return { data: data.map(plain), total: num(counted?.n), offset: page.offset, limit: page.limit };
}

// Hints ----------------------------------------------------------------------------------------

async function segmentMetrics(db: Db, actor: Actor, range: Range, owners: string[] | null): Promise<SegmentMetrics[]> {
  const cohort = sql`l.org_id = ${actor.orgId} and l.deleted_at is null and l.created_at >= ${ts(range.from)} and l.created_at < ${ts(range.to)} and ${ownerIn(sql`l.owner_id`, owners)} and ${visibleLeads(actor)}`;
  // Territories and sources in one read of the period's leads (grouping sets); only converted leads
  // look up their conversion (one unique-index probe each).
  const segments = await rows<{ by_territory: boolean; territory: string | null; territory_name: string | null; source: string | null; leads: string; qualified: string; opportunities: string }>(
    db,
    sql`select grouping(l.source) = 1 as by_territory, l.territory_id::text as territory, t.name as territory_name, l.source,
          count(*) as leads, count(*) filter (where l.status in ('qualified', 'converted')) as qualified,
          count(*) filter (where l.status = 'converted' and exists (select 1 from lead_conversions c where c.org_id = l.org_id and c.lead_id = l.id and c.opportunity_id is not null)) as opportunities
        from leads l left join territories t on t.org_id = l.org_id and t.id = l.territory_id
        where ${cohort} group by grouping sets ((l.territory_id, t.name), (l.source))`,
  );
  const leadSegments = segments
    .map((r) => (r.by_territory ? { kind: 'territory' as const, key: r.territory, name: r.territory_name ?? r.territory, r } : { kind: 'source' as const, key: r.source, name: r.source, r }))
    .filter((x): x is typeof x & { key: string } => x.key !== null)
    .map(
      ({ kind, key, name, r }): SegmentMetrics => ({
        kind,
        key,
        name: name ?? key,
        metrics: {
          qualificationRate: { value: rate(num(r.qualified), num(r.leads)), base: num(r.leads) },
          conversionRate: { value: rate(num(r.opportunities), num(r.qualified)), base: num(r.qualified) },
        },
      }),
    );
  const territories = leadSegments.filter((x) => x.kind === 'territory');
  const sources = leadSegments.filter((x) => x.kind === 'source');
  const fromDay = range.from.toISOString().slice(0, 10);
  const toDay = range.to.toISOString().slice(0, 10);
  const calls = await rows<{ actor: string; name: string; team_id: string | null; team_name: string | null; calls: string; connects: string; emails: string; replies: string }>(
    db,
    sql`select d.actor_key as actor, u.name, u.team_id, tm.name as team_name,
          sum(d.count) filter (where d.kind in ('call', 'call_connected')) as calls, sum(d.count) filter (where d.kind = 'call_connected') as connects,
          sum(d.count) filter (where d.kind in ('email', 'email_sent')) as emails, sum(d.count) filter (where d.kind = 'email_replied') as replies
        from activity_daily_counts d join users u on u.org_id = d.org_id and u.id = d.actor_key left join teams tm on tm.org_id = u.org_id and tm.id = u.team_id
        where d.org_id = ${actor.orgId} and d.day >= ${fromDay}::date and d.day < ${toDay}::date and ${ownerIn(sql`d.actor_key`, owners)}
        group by 1, 2, 3, 4`,
  );
  const wins = await rows<{ owner: string; won: string; lost: string }>(
    db,
    sql`select o.owner_id as owner, count(*) filter (where o.status = 'won') as won, count(*) filter (where o.status = 'lost') as lost from opportunities o
        where o.org_id = ${actor.orgId} and o.deleted_at is null and o.closed_at >= ${ts(range.from)} and o.closed_at < ${ts(range.to)} and ${ownerIn(sql`o.owner_id`, owners)} and ${visibleDeals(actor)} and o.owner_id is not null group by 1`,
  );
  const winBy = new Map(wins.map((w) => [w.owner, w]));
  const reps: SegmentMetrics[] = calls.map((c) => {
    const w = winBy.get(c.actor);
    const won = num(w?.won);
    const decided = won + num(w?.lost);
    return {
      kind: 'rep',
      key: c.actor,
      name: c.name,
      metrics: {
        connectRate: { value: rate(num(c.connects), num(c.calls)), base: num(c.calls) },
        replyRate: { value: rate(num(c.replies), num(c.emails)), base: num(c.emails) },
        winRate: { value: rate(won, decided), base: decided },
      },
    };
  });
  const teamTotals = new Map<string, { name: string; calls: number; connects: number; emails: number; replies: number }>();
  for (const c of calls) {
    if (!c.team_id) continue;
    const t = teamTotals.get(c.team_id) ?? { name: c.team_name ?? '', calls: 0, connects: 0, emails: 0, replies: 0 };
    t.calls += num(c.calls);
    t.connects += num(c.connects);
    t.emails += num(c.emails);
    t.replies += num(c.replies);
    teamTotals.set(c.team_id, t);
  }
  const teams: SegmentMetrics[] = [...teamTotals].map(([id, t]) => ({
    kind: 'team',
    key: id,
    name: t.name,
    metrics: { connectRate: { value: rate(t.connects, t.calls), base: t.calls }, replyRate: { value: rate(t.replies, t.emails), base: t.emails } },
  }));
  return [...territories, ...sources, ...teams, ...reps];
}

export type HintsReport = { from: string; to: string; previousFrom: string; previousTo: string; hints: Hint[]; leak: string | null };

const PERIOD_LABEL: Record<Period, string> = { week: 'this week', month: 'this month', quarter: 'this quarter', year: 'this year' };

/** What changed most against the period before, per territory, source, team and rep, and where the funnel leaks. */
export async function hintsReport(db: Db, actor: Actor, filter: ReportFilter): Promise<HintsReport> {
  const owners = await ownerScope(db, actor, filter);
  const previous = previousRange(filter, filter.period);
  const [now, before] = [await segmentMetrics(db, actor, filter, owners), await segmentMetrics(db, actor, previous, owners)];
  const hints = improvementHints(now, before, filter.period ? PERIOD_LABEL[filter.period] : 'against the period before');
  const funnelNow = await funnelReport(db, actor, filter);
  return { from: filter.from.toISOString(), to: filter.to.toISOString(), previousFrom: previous.from.toISOString(), previousTo: previous.to.toISOString(), hints, leak: funnelNow.leak };
}

export function checkRange(range: Range): void {
  if (!(range.from < range.to)) throw badRequest('`from` must be before `to`');
  if (range.to.getTime() - range.from.getTime() > 3 * 366 * 86_400_000) throw badRequest('A report covers at most three years');
}

