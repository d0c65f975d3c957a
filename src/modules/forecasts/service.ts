import { and, asc, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { forbidden, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { closedDealStageStays, dealsOpenAt, forecastGroups, openDealsClosingIn, wonAmount } from '../opportunities/forecast-inputs.service.ts';
import { getDealPolicy } from '../opportunities/policies.service.ts';
import { addDays, recentPeriods, toDay } from '../quotas/model.ts';
import { quotaContext, resolvePeriod } from '../quotas/service.ts';
import {
  callError,
  emptyTotals,
  findNode,
  meanAbsoluteError,
  rollup,
  simulate,
  totalsFromGroups,
  trainWinRates,
  usersUnder,
  visibleTree,
  weekOverWeek,
  winProbability,
  type BacktestRow,
  type RollupNode,
  type Simulation,
  type Totals,
} from './model.ts';
import { forecastSubmissions } from './schema.ts';

type PeriodKind = 'month' | 'quarter' | 'year';
type Ctx = Awaited<ReturnType<typeof quotaContext>>;

async function treeFor(db: Db, actor: Actor, ctx: Ctx, period: { start: string; end: string }): Promise<{ full: RollupNode[]; visible: RollupNode[] }> {
  const owners = ctx.users.filter((u) => ctx.seesUser(u.id) || ctx.teams.some((t) => t.id === u.teamId && ctx.seesTeam(t.id))).map((u) => u.id);
  const groups = await forecastGroups(db, actor, period, owners);
  const byOwnerGroups = new Map<string, typeof groups>();
  for (const g of groups) byOwnerGroups.set(g.ownerId, [...(byOwnerGroups.get(g.ownerId) ?? []), g]);
  const byOwner = new Map([...byOwnerGroups].map(([owner, gs]) => [owner, totalsFromGroups(gs)]));
  const members = ctx.users.filter((u) => u.role !== 'partner').map((u) => ({ id: u.id, name: u.name, teamId: u.teamId }));
  const full = rollup(ctx.teams, members, byOwner);
  // Someone outside every team still has a forecast: they show as a root of their own.
  for (const m of members) {
    if (m.teamId && ctx.teams.some((t) => t.id === m.teamId)) continue;
    full.push({ kind: 'user', id: m.id, name: m.name, managerId: null, totals: byOwner.get(m.id) ?? {}, children: [] });
  }
  return { full, visible: visibleTree(full, ctx.seesTeam, ctx.seesUser) };
}

export type ForecastView = { period: { key: string; kind: PeriodKind; start: string; end: string }; currencies: string[]; tree: RollupNode[] };

/** Closed, commit, best case, pipeline and weighted per rep and rolled up the teams, per currency. */
export async function forecastRollup(db: Db, actor: Actor, query: { period?: string | undefined; kind?: PeriodKind | undefined }): Promise<ForecastView> {
  assertCan(actor, 'forecasts:read');
  const ctx = await quotaContext(db, actor);
  const period = resolvePeriod(query.period, query.kind ?? 'quarter', ctx.startMonth);
  const { visible } = await treeFor(db, actor, ctx, period);
  const currencies = new Set<string>();
  const collect = (n: RollupNode) => {
    Object.keys(n.totals).forEach((c) => currencies.add(c));
    n.children.forEach(collect);
  };
  visible.forEach(collect);
  return { period, currencies: [...currencies].sort(), tree: visible };
}

export type SubmissionView = {
  id: string;
  scope: 'user' | 'team';
  scopeId: string;
  kind: 'call' | 'adjustment';
  periodKey: string;
  currency: string;
  commit: number;
  bestCase: number;
  note: string;
  system: Totals;
  submittedBy: string;
  submittedAt: string;
};

const toView = (r: typeof forecastSubmissions.$inferSelect): SubmissionView => ({
  id: r.id,
  scope: r.scope as SubmissionView['scope'],
  scopeId: r.scopeId,
  kind: r.kind as SubmissionView['kind'],
  periodKey: r.periodKey,
  currency: r.currency,
  commit: r.commit,
  bestCase: r.bestCase,
  note: r.note,
  system: r.system,
  submittedBy: r.submittedBy,
  submittedAt: r.submittedAt.toISOString(),
});

export type SubmissionInput = { scope: 'user' | 'team'; scopeId: string; period: string; currency?: string | undefined; commit: number; bestCase: number; note?: string | undefined };

/**
 * A rep's call for themselves; a manager's call for a team they manage (submitted up), or an
 * adjustment of a rep's call below them, which needs a note. Admins may do either for anyone.
 */
export async function submitCall(db: Db, actor: Actor, input: SubmissionInput): Promise<SubmissionView> {
  assertCan(actor, 'forecasts:submit');
  const ctx = await quotaContext(db, actor);
  const period = resolvePeriod(input.period, 'quarter', ctx.startMonth);
  const own = input.scope === 'user' && input.scopeId === actor.userId;
  const note = (input.note ?? '').trim();
  if (input.scope === 'user' && !ctx.users.some((u) => u.id === input.scopeId)) throw validationFailed([{ field: 'scopeId', message: 'No such user in your organisation' }]);
  if (input.scope === 'team' && !ctx.teams.some((t) => t.id === input.scopeId)) throw validationFailed([{ field: 'scopeId', message: 'No such team in your organisation' }]);
  if (!own) {
    const manages = actor.role === 'admin' || (actor.role === 'manager' && (input.scope === 'team' ? ctx.seesTeam(input.scopeId) : ctx.seesUser(input.scopeId)));
    if (!manages) throw forbidden("You submit your own call, or your teams' calls as their manager");
    if (input.scope === 'user' && !note) throw validationFailed([{ field: 'note', message: "Say why you adjust a rep's call" }]);
  }
  if (input.bestCase < input.commit) throw validationFailed([{ field: 'bestCase', message: 'Best case cannot be below commit' }]);
  const currency = (input.currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase();
  const { full } = await treeFor(db, actor, ctx, period);
  const node = findNode(full, input.scope, input.scopeId);
  const system = node?.totals[currency] ?? emptyTotals();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(forecastSubmissions)
      .values({
        orgId: actor.orgId,
        id: newId(),
        scope: input.scope,
        scopeId: input.scopeId,
        kind: own || input.scope === 'team' ? 'call' : 'adjustment',
        periodKey: period.key,
        periodStart: period.start,
        periodEnd: period.end,
        currency,
        commit: input.commit,
        bestCase: input.bestCase,
        note,
        system,
        submittedBy: actor.userId,
        submittedAt: now(),
      })
      .returning();
    const view = toView(row!);
    await recordAudit(tx, actor, { entityType: 'forecast_submission', entityId: view.id, action: 'create', after: { scope: view.scope, scopeId: view.scopeId, kind: view.kind, periodKey: view.periodKey, currency, commit: view.commit, bestCase: view.bestCase, note } });
    return view;
  });
}

export type SubmissionSummary = {
  scope: 'user' | 'team';
  scopeId: string;
  name: string;
  currency: string;
  latest: SubmissionView | null;
  /** The latest call made before this week began. */
  previous: SubmissionView | null;
  commitChange: number | null;
  bestCaseChange: number | null;
  /** The latest manager adjustment (reps only). */
  adjustment: SubmissionView | null;
  /** After the period: what closed and how far the latest call was from it. */
  accuracy: { closedWon: number; commitError: number | null; bestCaseError: number | null } | null;
  history: SubmissionView[];
};

/** The calls made for a period, per rep and team the viewer sees: latest, last week's, the manager's adjustment, accuracy. */
export async function listSubmissions(db: Db, actor: Actor, query: { period?: string | undefined; kind?: PeriodKind | undefined; currency?: string | undefined }): Promise<{ period: ForecastView['period']; currency: string; data: SubmissionSummary[] }> {
  assertCan(actor, 'forecasts:read');
  const ctx = await quotaContext(db, actor);
  const period = resolvePeriod(query.period, query.kind ?? 'quarter', ctx.startMonth);
  const currency = (query.currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase();
  const rows = (
    await db
      .select()
      .from(forecastSubmissions)
      .where(and(eq(forecastSubmissions.orgId, actor.orgId), eq(forecastSubmissions.periodKey, period.key), eq(forecastSubmissions.currency, currency)))
      .orderBy(asc(forecastSubmissions.submittedAt), asc(forecastSubmissions.id))
  ).map(toView);
  const ended = toDay(now()) >= period.end;
  const { full } = ended ? await treeFor(db, actor, ctx, period) : { full: [] as RollupNode[] };
  const scopes = [...new Set(rows.map((r) => `${r.scope}:${r.scopeId}`))];
  const data: SubmissionSummary[] = [];
  for (const key of scopes) {
    const [scope, scopeId] = key.split(':') as ['user' | 'team', string];
    if (scope === 'user' ? !ctx.seesUser(scopeId) : !ctx.seesTeam(scopeId)) continue;
    const mine = rows.filter((r) => r.scope === scope && r.scopeId === scopeId);
    const calls = mine.filter((r) => r.kind === 'call');
    const wow = weekOverWeek(calls.map((c) => ({ submittedAt: c.submittedAt, commit: c.commit, bestCase: c.bestCase })));
    const latest = calls.at(-1) ?? null;
    const previous = wow.previous ? (calls.find((c) => c.submittedAt === wow.previous!.submittedAt) ?? null) : null;
    let accuracy: SubmissionSummary['accuracy'] = null;
    if (ended && latest) {
      const node = findNode(full, scope, scopeId);
      const closedWon = node ? await wonAmount(db, actor, period, currency, usersUnder(node)) : 0;
      accuracy = { closedWon, commitError: callError(latest.commit, closedWon), bestCaseError: callError(latest.bestCase, closedWon) };
    }
    const name = scope === 'user' ? (ctx.users.find((u) => u.id === scopeId)?.name ?? 'Removed user') : (ctx.teams.find((t) => t.id === scopeId)?.name ?? 'Removed team');
    data.push({
      scope,
      scopeId,
      name,
      currency,
      latest,
      previous,
      commitChange: wow.commitChange,
      bestCaseChange: wow.bestCaseChange,
      adjustment: mine.filter((r) => r.kind === 'adjustment').at(-1) ?? null,
      accuracy,
      history: mine,
    });
  }
  return { period, currency, data };
}

export type StatisticalForecast = {
  period: ForecastView['period'];
  currency: string;
  scope: 'user' | 'team' | 'org';
  scopeId: string | null;
  seed: number;
  model: { global: number; trainedOn: number; strength: number };
  deals: { id: string; name: string; ownerId: string | null; amount: number; stageId: string; daysInStage: number; probability: number; basis: string; repRate: number | null }[];
  simulation: Simulation;
  backtest: { rows: BacktestRow[]; meanAbsoluteError: number | null };
};

const YEAR_MS = 365 * 86_400_000;

/**
 * The period's outcome from the org's own history: each open deal's win probability from closed
 * deals' stays by stage × age in stage (two years before `asOf`), a seeded Monte Carlo, and a
 * back-test of the same model on the previous periods (org-wide, on the deals open at each
 * period's start, trained only on what closed before it).
 */
export async function statisticalForecast(
  db: Db,
  actor: Actor,
  query: { period?: string | undefined; kind?: PeriodKind | undefined; scope?: 'user' | 'team' | undefined; scopeId?: string | undefined; currency?: string | undefined; seed?: number | undefined; trials?: number | undefined; backtestPeriods?: number | undefined },
): Promise<StatisticalForecast> {
  assertCan(actor, 'forecasts:read');
  const ctx = await quotaContext(db, actor);
  const kind = query.kind ?? 'quarter';
  const period = resolvePeriod(query.period, kind, ctx.startMonth);
  const currency = (query.currency ?? (await getDealPolicy(db, actor)).defaultCurrency).toUpperCase();
  const { visible } = await treeFor(db, actor, ctx, period);
  let owners: string[];
  if (query.scope && query.scopeId) {
    const node = findNode(visible, query.scope, query.scopeId);
    if (!node) throw notFound(query.scope === 'user' ? 'User' : 'Team');
    owners = usersUnder(node);
  } else owners = [...new Set(visible.flatMap(usersUnder))];

  const asOf = now();
  const model = trainWinRates(await closedDealStageStays(db, actor, new Date(asOf.getTime() - 2 * YEAR_MS), asOf));
  const open = await openDealsClosingIn(db, actor, period, currency, owners, asOf);
  const deals = open.map((d) => {
    const { probability, basis, repRate } = winProbability(model, d.stageId, d.daysInStage, d.ownerId);
    return { ...d, daysInStage: Math.round(d.daysInStage), probability, basis, repRate: repRate ?? null };
  });
  const seed = query.seed ?? 1;
  const simulation = simulate(await wonAmount(db, actor, period, currency, owners), deals, query.trials ?? 2_000, seed);

  const rows: BacktestRow[] = [];
  for (const past of recentPeriods(addDays(period.start, -1), kind, ctx.startMonth, query.backtestPeriods ?? 4)) {
    const cutoff = new Date(`${past.start}T00:00:00Z`);
    if (past.end > toDay(asOf)) continue;
    const trained = trainWinRates(await closedDealStageStays(db, actor, new Date(cutoff.getTime() - 2 * YEAR_MS), cutoff));
    const candidates = await dealsOpenAt(db, actor, cutoff, past, currency);
    const predicted = Math.round(candidates.reduce((s, d) => s + d.amount * winProbability(trained, d.stageId, d.daysInStage, d.ownerId).probability, 0));
    const actual = candidates.reduce((s, d) => s + d.wonAmount, 0);
    rows.push({ period: past.key, predicted, actual, error: callError(predicted, actual), deals: candidates.length });
  }
  return {
    period,
    currency,
    scope: query.scope ?? 'org',
    scopeId: query.scopeId ?? null,
    seed,
    model: { global: model.global, trainedOn: Object.values(model.stages).reduce((s, st) => s + st.visits, 0), strength: model.strength },
    deals,
    simulation,
    backtest: { rows, meanAbsoluteError: meanAbsoluteError(rows) },
  };
}
