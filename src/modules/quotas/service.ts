import { and, asc, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { forbidden, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { sourcedByUserDay, wonByOwnerDay } from '../opportunities/forecast-inputs.service.ts';
import { getDealPolicy } from '../opportunities/policies.service.ts';
import { getOrgSettings } from '../orgs/settings-service.ts';
import { numbersVisibleTo } from '../users/model.ts';
import { listTeams, listUsers, teamMoves, type TeamView, type UserView } from '../users/service.ts';
import {
  actualInTeam,
  attainmentOf,
  daysCovered,
  leaderboard,
  membershipsOf,
  parsePeriodKey,
  periodContaining,
  proratedQuota,
  recentPeriods,
  toDay,
  type Attainment,
  type DealKind,
  type LeaderboardEntry,
  type Period,
  type PeriodKind,
  type QuotaMetric,
} from './model.ts';
import { quotas } from './schema.ts';

export type QuotaView = {
  id: string;
  scope: 'user' | 'team';
  scopeId: string;
  periodKey: string;
  periodKind: PeriodKind;
  periodStart: string;
  periodEnd: string;
  metric: QuotaMetric;
  dealKind: DealKind;
  currency: string | null;
  target: number;
  version: number;
  updatedAt: string;
};

type QuotaRow = typeof quotas.$inferSelect;
const toView = (r: QuotaRow): QuotaView => ({
  id: r.id,
  scope: r.scope as QuotaView['scope'],
  scopeId: r.scopeId,
  periodKey: r.periodKey,
  periodKind: r.periodKind as PeriodKind,
  periodStart: r.periodStart,
  periodEnd: r.periodEnd,
  metric: r.metric as QuotaMetric,
  dealKind: r.dealKind as DealKind,
  currency: r.currency,
  target: r.target,
  version: r.version,
  updatedAt: r.updatedAt.toISOString(),
});

/** The org's fiscal year start and what the actor may see of people and teams. */
export async function quotaContext(db: Db, actor: Actor) {
  const [settings, users, teams] = await Promise.all([getOrgSettings(db, actor), listUsers(db, actor), listTeams(db, actor)]);
  const visible = numbersVisibleTo(actor, teams, settings.repsSeeTeamNumbers);
  const seesUser = (id: string) => visible.everyone || visible.userIds.has(id);
  const seesTeam = (id: string) => visible.everyone || visible.teamIds.has(id);
  return { startMonth: settings.fiscalYearStartMonth, users, teams, seesUser, seesTeam };
}

export function resolvePeriod(key: string | undefined, kind: PeriodKind, startMonth: number): Period {
  if (!key) return periodContaining(toDay(now()), kind, startMonth);
  const period = parsePeriodKey(key, startMonth);
  if (!period) throw validationFailed([{ field: 'period', message: 'Use FY2027, FY2027-Q1 or FY2027-M01' }]);
  return period;
}

export async function listQuotas(db: Db, actor: Actor, filter: { period?: string | undefined; scope?: 'user' | 'team' | undefined; scopeId?: string | undefined }): Promise<QuotaView[]> {
  assertCan(actor, 'quotas:read');
  const ctx = await quotaContext(db, actor);
  const rows = await db
    .select()
    .from(quotas)
    .where(
      and(
        eq(quotas.orgId, actor.orgId),
        filter.period ? eq(quotas.periodKey, filter.period) : undefined,
        filter.scope ? eq(quotas.scope, filter.scope) : undefined,
        filter.scopeId ? eq(quotas.scopeId, filter.scopeId) : undefined,
      ),
    )
    .orderBy(asc(quotas.periodStart), asc(quotas.scope), asc(quotas.metric), asc(quotas.id));
  return rows.filter((r) => (r.scope === 'user' ? ctx.seesUser(r.scopeId) : ctx.seesTeam(r.scopeId))).map(toView);
}

export type QuotaInput = { scope: 'user' | 'team'; scopeId: string; period: string; metric: QuotaMetric; dealKind?: DealKind | undefined; currency?: string | undefined; target: number };

/** Sets (or replaces) a target; managers for their own teams and their members, admins for anyone. */
export async function setQuota(db: Db, actor: Actor, input: QuotaInput): Promise<QuotaView> {
  assertCan(actor, 'quotas:manage');
  const ctx = await quotaContext(db, actor);
  const problems = [];
  if (input.scope === 'user' && !ctx.users.some((u) => u.id === input.scopeId)) problems.push({ field: 'scopeId', message: 'No such user in your organisation' });
  if (input.scope === 'team' && !ctx.teams.some((t) => t.id === input.scopeId)) problems.push({ field: 'scopeId', message: 'No such team in your organisation' });
  const period = parsePeriodKey(input.period, ctx.startMonth);
  if (!period) problems.push({ field: 'period', message: 'Use FY2027, FY2027-Q1 or FY2027-M01' });
  const money = input.metric === 'closed_won';
  if (!money && input.dealKind && input.dealKind !== 'all') problems.push({ field: 'dealKind', message: 'Only a closed-won quota is split by new business and expansion' });
  if (problems.length) throw validationFailed(problems);
  if (input.scope === 'user' ? !ctx.seesUser(input.scopeId) : !ctx.seesTeam(input.scopeId)) throw forbidden('You set quotas for your own teams and their members');
  const currency = money ? (input.currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase() : null;
  const dealKind = money ? (input.dealKind ?? 'all') : 'all';
  return db.transaction(async (tx) => {
    const key = and(
      eq(quotas.orgId, actor.orgId),
      eq(quotas.scope, input.scope),
      eq(quotas.scopeId, input.scopeId),
      eq(quotas.periodKey, period!.key),
      eq(quotas.metric, input.metric),
      eq(quotas.dealKind, dealKind),
    );
    const [before] = await tx.select().from(quotas).where(key).for('update');
    const values = { target: input.target, currency, updatedBy: actor.userId || null, updatedAt: new Date() };
    const [row] = before
      ? await tx.update(quotas).set({ ...values, version: before.version + 1 }).where(key).returning()
      : await tx
          .insert(quotas)
          .values({ orgId: actor.orgId, id: newId(), scope: input.scope, scopeId: input.scopeId, periodKind: period!.kind, periodKey: period!.key, periodStart: period!.start, periodEnd: period!.end, metric: input.metric, dealKind, ...values })
          .returning();
    const snapshot = (r: QuotaRow) => ({ scope: r.scope, scopeId: r.scopeId, periodKey: r.periodKey, metric: r.metric, dealKind: r.dealKind, currency: r.currency, target: r.target });
    await recordAudit(tx, actor, { entityType: 'quota', entityId: row!.id, action: before ? 'update' : 'create', before: before ? snapshot(before) : null, after: snapshot(row!) });
    return toView(row!);
  });
}

export async function deleteQuota(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'quotas:manage');
  const ctx = await quotaContext(db, actor);
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(quotas).where(and(eq(quotas.orgId, actor.orgId), eq(quotas.id, id))).for('update');
    if (!row || !(row.scope === 'user' ? ctx.seesUser(row.scopeId) : ctx.seesTeam(row.scopeId))) throw notFound('Quota');
    await tx.delete(quotas).where(and(eq(quotas.orgId, actor.orgId), eq(quotas.id, id)));
    await recordAudit(tx, actor, { entityType: 'quota', entityId: id, action: 'delete', before: { scope: row.scope, scopeId: row.scopeId, periodKey: row.periodKey, metric: row.metric, target: row.target } });
  });
}

type Daily = { userId: string; day: string; value: number };

/** Each user's results per UTC day in the period, for the metric. */
async function dailyActuals(db: Db, actor: Actor, period: Period, metric: QuotaMetric, dealKind: DealKind, currency: string): Promise<Daily[]> {
  if (metric === 'closed_won') return wonByOwnerDay(db, actor, period, currency, dealKind);
  if (metric === 'qualified_sourced') return sourcedByUserDay(db, actor, period);
  const query =
    metric === 'meetings_held'
      ? sql`select organizer_id as user_id, to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as value from meetings
            where org_id = ${actor.orgId} and status = 'held' and starts_at >= ${period.start}::date and starts_at < ${period.end}::date group by 1, 2`
      : sql`select actor_id as user_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as value from activities
            where org_id = ${actor.orgId} and actor_id is not null and kind in ('call', 'call_connected', 'email', 'email_sent', 'meeting_held')
              and occurred_at >= ${period.start}::date and occurred_at < ${period.end}::date group by 1, 2`;
  const rows = (await db.execute(query)) as unknown as { rows: { user_id: string; day: string; value: number }[] };
  return rows.rows.map((r) => ({ userId: r.user_id, day: r.day, value: Number(r.value) }));
}

export type UserAttainment = Attainment & { userId: string; name: string; teamId: string | null; quotaId: string | null };
export type TeamAttainment = Attainment & {
  teamId: string;
  name: string;
  quotaId: string | null;
  /** Σ member quotas, each prorated by the days the member was in the team. */
  membersTarget: number;
  /** True when the team has its own quota (it may differ from membersTarget). */
  ownTarget: boolean;
  members: { userId: string; name: string; daysInTeam: number; proratedTarget: number; actualInTeam: number }[];
};

export type AttainmentReport = {
  period: Period;
  metric: QuotaMetric;
  dealKind: DealKind;
  currency: string | null;
  today: string;
  users: UserAttainment[];
  teams: TeamAttainment[];
  leaderboard: LeaderboardEntry[];
};

export async function attainmentReport(
  db: Db,
  actor: Actor,
  query: { period?: string | undefined; kind?: PeriodKind | undefined; metric: QuotaMetric; dealKind?: DealKind | undefined; currency?: string | undefined },
): Promise<AttainmentReport> {
  assertCan(actor, 'quotas:read');
  const ctx = await quotaContext(db, actor);
  const period = resolvePeriod(query.period, query.kind ?? 'quarter', ctx.startMonth);
  return attainmentFor(db, actor, ctx, period, query);
}

async function attainmentFor(
  db: Db,
  actor: Actor,
  ctx: Awaited<ReturnType<typeof quotaContext>>,
  period: Period,
  query: { metric: QuotaMetric; dealKind?: DealKind | undefined; currency?: string | undefined },
): Promise<AttainmentReport> {
  const money = query.metric === 'closed_won';
  const dealKind = money ? (query.dealKind ?? 'all') : 'all';
  const currency = money ? (query.currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase() : null;
  const today = toDay(now());
  const rows = await db
    .select()
    .from(quotas)
    .where(and(eq(quotas.orgId, actor.orgId), eq(quotas.periodKey, period.key), eq(quotas.metric, query.metric), eq(quotas.dealKind, dealKind)));
  const quotaOf = (scope: 'user' | 'team', id: string) => rows.find((r) => r.scope === scope && r.scopeId === id && (!money || r.currency === currency));
  const daily = await dailyActuals(db, actor, period, query.metric, dealKind, currency ?? '');
  const dailyOf = new Map<string, Daily[]>();
  for (const d of daily) dailyOf.set(d.userId, [...(dailyOf.get(d.userId) ?? []), d]);
  const sum = (ds: readonly Daily[] | undefined) => (ds ?? []).reduce((s, d) => s + d.value, 0);

  const visibleUsers = ctx.users.filter((u) => u.status !== 'invited' && ctx.seesUser(u.id) && u.role !== 'partner');
  const users: UserAttainment[] = visibleUsers.map((u) => {
    const quota = quotaOf('user', u.id);
    return { userId: u.id, name: u.name, teamId: u.teamId, quotaId: quota?.id ?? null, ...attainmentOf(quota?.target ?? 0, sum(dailyOf.get(u.id)), period, today) };
  });

  const moves = await teamMoves(db, actor, new Date(`${period.start}T00:00:00Z`));
  const teams = ctx.teams.filter((t) => ctx.seesTeam(t.id)).map((team) => teamAttainment(team, ctx.users, moves, period, today, quotaOf, dailyOf));
  return {
    period,
    metric: query.metric,
    dealKind,
    currency,
    today,
    users,
    teams,
    leaderboard: leaderboard(users.filter((u) => u.target > 0 || u.actual > 0).map((u) => ({ userId: u.userId, name: u.name, target: u.target, actual: u.actual }))),
  };
}

function teamAttainment(
  team: TeamView,
  users: readonly UserView[],
  moves: Awaited<ReturnType<typeof teamMoves>>,
  period: Period,
  today: string,
  quotaOf: (scope: 'user' | 'team', id: string) => QuotaRow | undefined,
  dailyOf: Map<string, Daily[]>,
): TeamAttainment {
  const members = users
    .map((u) => {
      const own = moves.filter((m) => m.userId === u.id);
      // A user whose team never changed since the period began was in their current team all along.
      const stays = membershipsOf(team.id, own, u.teamId, period.start);
      return { user: u, stays };
    })
    .filter((m) => m.stays.length && m.stays.some((s) => s.from < period.end && (s.to === null || s.to > period.start)))
    .map(({ user, stays }) => {
      const target = quotaOf('user', user.id)?.target ?? 0;
      const daysInTeam = daysCovered(period, stays);
      return { userId: user.id, name: user.name, daysInTeam, proratedTarget: proratedQuota(target, period, stays), actualInTeam: actualInTeam(dailyOf.get(user.id) ?? [], stays) };
    });
  const membersTarget = members.reduce((s, m) => s + m.proratedTarget, 0);
  const own = quotaOf('team', team.id);
  const actual = members.reduce((s, m) => s + m.actualInTeam, 0);
  return {
    teamId: team.id,
    name: team.name,
    quotaId: own?.id ?? null,
    membersTarget,
    ownTarget: !!own,
    members,
    ...attainmentOf(own?.target ?? membersTarget, actual, period, today),
  };
}

/** Target and actual of one user or team for the last `count` periods of a kind. */
export async function quotaHistory(
  db: Db,
  actor: Actor,
  query: { scope: 'user' | 'team'; scopeId: string; kind: PeriodKind; count: number; metric: QuotaMetric; dealKind?: DealKind | undefined; currency?: string | undefined },
): Promise<{ period: Period; target: number; actual: number; attainment: number | null }[]> {
  assertCan(actor, 'quotas:read');
  const ctx = await quotaContext(db, actor);
  if (query.scope === 'user' ? !ctx.seesUser(query.scopeId) : !ctx.seesTeam(query.scopeId)) throw notFound(query.scope === 'user' ? 'User' : 'Team');
  const out = [];
  for (const period of recentPeriods(toDay(now()), query.kind, ctx.startMonth, query.count)) {
    const report = await attainmentFor(db, actor, ctx, period, query);
    const row = query.scope === 'user' ? report.users.find((u) => u.userId === query.scopeId) : report.teams.find((t) => t.teamId === query.scopeId);
    out.push({ period, target: row?.target ?? 0, actual: row?.actual ?? 0, attainment: row?.attainment ?? null });
  }
  return out;
}

export type CoverageScope = { kind: 'user'; id: string } | { kind: 'team'; id: string } | { kind: 'org' };

/**
 * The closed-won quota a pipeline report's range is measured against: the range must be exactly
 * one fiscal month, quarter or year ([from, to) as UTC days). A user's quota; a team's own quota or
 * else its members' prorated ones; for the org, Σ of the top teams' targets and of the quotas of
 * people in no team. A quota on all deals wins; without one, new business and expansion quotas add
 * up. Null when the range is no fiscal period or nobody in the scope has a quota in it.
 */
export async function closedWonTarget(
  db: Db,
  actor: Actor,
  range: { from: string; to: string },
  scope: CoverageScope,
  currency: string,
): Promise<{ target: number; period: string } | null> {
  assertCan(actor, 'quotas:read');
  const ctx = await quotaContext(db, actor);
  const period = (['month', 'quarter', 'year'] as const).map((kind) => periodContaining(range.from, kind, ctx.startMonth)).find((p) => p.start === range.from && p.end === range.to);
  if (!period) return null;
  const kinds = await db
    .selectDistinct({ dealKind: quotas.dealKind })
    .from(quotas)
    .where(and(eq(quotas.orgId, actor.orgId), eq(quotas.periodKey, period.key), eq(quotas.metric, 'closed_won'), eq(quotas.currency, currency)));
  const present = kinds.map((k) => k.dealKind as DealKind);
  if (!present.length) return null;
  let target = 0;
  for (const dealKind of present.includes('all') ? (['all'] as const) : present) {
    const report = await attainmentFor(db, actor, ctx, period, { metric: 'closed_won', dealKind, currency });
    if (scope.kind === 'user') target += report.users.find((u) => u.userId === scope.id)?.target ?? 0;
    else if (scope.kind === 'team') target += report.teams.find((t) => t.teamId === scope.id)?.target ?? 0;
    else {
      const teamIds = new Set(report.teams.map((t) => t.teamId));
      const parentOf = new Map(ctx.teams.map((t) => [t.id, t.parentTeamId]));
      const top = report.teams.filter((t) => !teamIds.has(parentOf.get(t.teamId) ?? ''));
      target += top.reduce((s, t) => s + t.target, 0) + report.users.filter((u) => !u.teamId || !teamIds.has(u.teamId)).reduce((s, u) => s + u.target, 0);
    }
  }
  return target > 0 ? { target, period: period.key } : null;
}
