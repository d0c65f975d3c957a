// Forecast arithmetic without a database: category totals per currency, the roll-up of the team
// tree, week-over-week and accuracy of calls, and the statistical forecast (smoothed win rates,
// a seeded Monte Carlo, the deals that move the number, a back-test).
//
// Currency: amounts are never converted. Leadflow stores no exchange rates, and a converted call
// would change with yesterday's rate; every total is per currency, and a call is made in one
// currency (the org's default unless the caller names another).

export type ForecastCategory = 'pipeline' | 'best_case' | 'commit' | 'closed' | 'omitted';

export type ForecastDeal = {
  id: string;
  ownerId: string | null;
  amount: number;
  currency: string;
  /** 0–100. */
  probability: number;
  /** The deal's own category: the stage's, or the owner's override. */
  forecastCategory: ForecastCategory;
  status: 'open' | 'won' | 'lost';
};

export type Totals = { closed: number; commit: number; bestCase: number; pipeline: number; weighted: number; deals: number };
export const emptyTotals = (): Totals => ({ closed: 0, commit: 0, bestCase: 0, pipeline: 0, weighted: 0, deals: 0 });

export type ForecastGroup = { currency: string; status: 'open' | 'won' | 'lost'; forecastCategory: string; amount: number; weightedRaw: number; deals: number };

/**
 * Each deal counts once, in its own category (commit does not include closed, best case does not
 * include commit); lost and omitted deals not at all. Weighted is Σ amount × probability of the
 * open deals, rounded once at the end. Groups are deals summed by currency, status and category.
 */
export function totalsFromGroups(groups: readonly ForecastGroup[]): Record<string, Totals> {
  const out: Record<string, Totals & { weightedRaw: number }> = {};
  for (const g of groups) {
    if (g.status === 'lost' || g.forecastCategory === 'omitted') continue;
    const t = (out[g.currency] ??= { ...emptyTotals(), weightedRaw: 0 });
    t.deals += g.deals;
    if (g.status === 'won' || g.forecastCategory === 'closed') {
      t.closed += g.amount;
      continue;
    }
    if (g.forecastCategory === 'commit') t.commit += g.amount;
    else if (g.forecastCategory === 'best_case') t.bestCase += g.amount;
    else t.pipeline += g.amount;
    t.weightedRaw += g.weightedRaw;
  }
  return Object.fromEntries(Object.entries(out).map(([currency, { weightedRaw, ...t }]) => [currency, { ...t, weighted: Math.round(weightedRaw / 100) }]));
}

export const totalsByCurrency = (deals: readonly ForecastDeal[]): Record<string, Totals> =>
  totalsFromGroups(deals.map((d) => ({ currency: d.currency, status: d.status, forecastCategory: d.forecastCategory, amount: d.amount, weightedRaw: d.amount * d.probability, deals: 1 })));

export function addTotals(into: Record<string, Totals>, from: Record<string, Totals>): void {
  for (const [currency, t] of Object.entries(from)) {
    const target = (into[currency] ??= emptyTotals());
    target.closed += t.closed;
    target.commit += t.commit;
    target.bestCase += t.bestCase;
    target.pipeline += t.pipeline;
    target.weighted += t.weighted;
    target.deals += t.deals;
  }
}

export type TeamNode = { id: string; name: string; parentTeamId: string | null; managerId: string | null };
export type Member = { id: string; name: string; teamId: string | null };

export type RollupNode = {
  kind: 'team' | 'user';
  id: string;
  name: string;
  managerId: string | null;
  totals: Record<string, Totals>;
  children: RollupNode[];
};

/**
 * The team tree with each rep's totals and each team's sum of its members and sub-teams. A rep's
 * numbers count in the team they are in now (forecasts look forward; quotas prorate past moves).
 * A team whose parent is missing, or a cycle, is treated as a root rather than lost.
 */
export function rollup(teams: readonly TeamNode[], members: readonly Member[], byOwner: ReadonlyMap<string, Record<string, Totals>>): RollupNode[] {
  const ids = new Set(teams.map((t) => t.id));
  const childrenOf = new Map<string | null, TeamNode[]>();
  for (const team of teams) {
    const parent = team.parentTeamId && ids.has(team.parentTeamId) && team.parentTeamId !== team.id ? team.parentTeamId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), team]);
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const seen = new Set<string>();
  const build = (team: TeamNode): RollupNode => {
    seen.add(team.id);
    const reps: RollupNode[] = members
      .filter((m) => m.teamId === team.id)
      .sort(byName)
      .map((m) => ({ kind: 'user', id: m.id, name: m.name, managerId: null, totals: structuredClone(byOwner.get(m.id) ?? {}), children: [] }));
    const subTeams = (childrenOf.get(team.id) ?? []).filter((t) => !seen.has(t.id)).sort(byName).map(build);
    const totals: Record<string, Totals> = {};
    for (const child of [...reps, ...subTeams]) addTotals(totals, child.totals);
    return { kind: 'team', id: team.id, name: team.name, managerId: team.managerId, totals, children: [...subTeams, ...reps] };
  };
  const roots = (childrenOf.get(null) ?? []).sort(byName).map(build);
  for (const team of [...teams].sort(byName)) if (!seen.has(team.id)) roots.push(build(team));
  return roots;
}

/** Every user in a node's subtree (the node itself when it is a user). */
export function usersUnder(node: RollupNode): string[] {
  return node.kind === 'user' ? [node.id] : node.children.flatMap(usersUnder);
}

/**
 * The parts of the tree a viewer may see: a visible team with everything below it, and visible
 * users outside any visible team on their own.
 */
export function visibleTree(nodes: readonly RollupNode[], seesTeam: (id: string) => boolean, seesUser: (id: string) => boolean): RollupNode[] {
  const out: RollupNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'team' ? seesTeam(node.id) : seesUser(node.id)) out.push(node);
    else out.push(...visibleTree(node.children, seesTeam, seesUser));
  }
  return out;
}

/** Finds a node (team or user) in the tree. */
export function findNode(nodes: readonly RollupNode[], kind: RollupNode['kind'], id: string): RollupNode | null {
  for (const node of nodes) {
    if (node.kind === kind && node.id === id) return node;
    const inner = findNode(node.children, kind, id);
    if (inner) return inner;
  }
  return null;
}

export type Call = { submittedAt: string; commit: number; bestCase: number };

/** The latest call made before the week (Monday 00:00 UTC) of `latest` began: "last week's call". */
export function weekOverWeek(calls: readonly Call[]): { current: Call | null; previous: Call | null; commitChange: number | null; bestCaseChange: number | null } {
  const sorted = [...calls].sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : 1));
  const current = sorted.at(-1) ?? null;
  if (!current) return { current: null, previous: null, commitChange: null, bestCaseChange: null };
  const at = new Date(current.submittedAt);
  const monday = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
  const previous = sorted.filter((c) => new Date(c.submittedAt).getTime() < monday).at(-1) ?? null;
  return {
    current,
    previous,
    commitChange: previous ? current.commit - previous.commit : null,
    bestCaseChange: previous ? current.bestCase - previous.bestCase : null,
  };
}

/** How far a call was from what closed: (call − closed) / closed, 4 decimals; null when nothing closed. */
export function callError(call: number, closedWon: number): number | null {
  return closedWon > 0 ? Math.round(((call - closedWon) / closedWon) * 10_000) / 10_000 : null;
}

// ---- statistical forecast -------------------------------------------------------------------

/** Age in the stage, in days: the bands the win rates are kept by. */
export const AGE_BANDS = [
  { key: '0-14', max: 14 },
  { key: '15-44', max: 44 },
  { key: '45-89', max: 89 },
  { key: '90+', max: Infinity },
] as const;
export const ageBand = (days: number): string => AGE_BANDS.find((b) => days <= b.max)!.key;

/** A closed deal as it stood in a stage: whether it went on to win, and whose deal it was. */
export type StageVisit = { stageId: string; daysInStage: number; won: boolean; ownerId?: string | null | undefined };

type Rate = { rate: number; visits: number; wins: number };

export type WinRateModel = {
  global: number;
  stages: Record<string, { prior: number; visits: number; bands: Record<string, Rate> }>;
  /** Each rep's win rate from each stage, shrunk toward the stage's rate: owner → stage → rate. */
  reps: Record<string, Record<string, Rate>>;
  /** How many visits a cell needs before its own rate outweighs the prior. */
  strength: number;
};

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * Win rates by stage × age band, shrunk toward the stage's rate, which is shrunk toward the org's:
 * rate = (wins + k × prior) / (visits + k). With few deals in a cell the prior speaks; with many,
 * the cell's own history. k = 10. The org's rate itself starts from one win in two deals. Beside
 * them, each rep's win rate from each stage, shrunk toward the stage's rate the same way.
 */
export function trainWinRates(visits: readonly StageVisit[], strength = 10): WinRateModel {
  const wins = visits.filter((v) => v.won).length;
  const global = round4((wins + 1) / (visits.length + 2));
  const cells = new Map<string, Map<string, { wins: number; visits: number }>>();
  for (const v of visits) {
    const bands = cells.get(v.stageId) ?? new Map();
    cells.set(v.stageId, bands);
    const key = ageBand(v.daysInStage);
    const cell = bands.get(key) ?? { wins: 0, visits: 0 };
    cell.visits++;
    if (v.won) cell.wins++;
    bands.set(key, cell);
  }
  const stages: WinRateModel['stages'] = {};
  for (const [stageId, bands] of cells) {
    let stageWins = 0;
    let stageVisits = 0;
    for (const c of bands.values()) {
      stageWins += c.wins;
      stageVisits += c.visits;
    }
    const prior = round4((stageWins + strength * global) / (stageVisits + strength));
    stages[stageId] = {
      prior,
      visits: stageVisits,
      bands: Object.fromEntries([...bands].map(([band, c]) => [band, { rate: round4((c.wins + strength * prior) / (c.visits + strength)), visits: c.visits, wins: c.wins }])),
    };
  }
  const repCells = new Map<string, Map<string, { wins: number; visits: number }>>();
  for (const v of visits) {
    if (!v.ownerId) continue;
    const byStage = repCells.get(v.ownerId) ?? new Map();
    repCells.set(v.ownerId, byStage);
    const cell = byStage.get(v.stageId) ?? { wins: 0, visits: 0 };
    cell.visits++;
    if (v.won) cell.wins++;
    byStage.set(v.stageId, cell);
  }
  const reps: WinRateModel['reps'] = {};
  for (const [owner, byStage] of repCells) {
    reps[owner] = Object.fromEntries(
      [...byStage].map(([stageId, c]) => [stageId, { rate: round4((c.wins + strength * stages[stageId]!.prior) / (c.visits + strength)), visits: c.visits, wins: c.wins }]),
    );
  }
  return { global, stages, reps, strength };
}

const odds = (p: number) => p / (1 - p);

export type WinProbability = { probability: number; basis: 'stage_age' | 'stage' | 'org'; repRate?: number };

/**
 * The win probability of an open deal and where it came from, so a manager can read why. With its
 * owner's history in the stage, the stage × age rate is moved by how the rep does against the stage
 * (odds × rep's odds / stage's odds): a rep who wins more than most from a stage lifts their deals
 * there, one who wins less lowers them, and a rep with few deals there barely moves them.
 */
export function winProbability(model: WinRateModel, stageId: string, daysInStage: number, ownerId?: string | null): WinProbability {
  const stage = model.stages[stageId];
  if (!stage) return { probability: model.global, basis: 'org' };
  const cell = stage.bands[ageBand(daysInStage)];
  const base: WinProbability = cell ? { probability: cell.rate, basis: 'stage_age' } : { probability: stage.prior, basis: 'stage' };
  const rep = ownerId ? model.reps[ownerId]?.[stageId] : undefined;
  if (!rep) return base;
  const adjusted = odds(base.probability) * (odds(rep.rate) / odds(stage.prior));
  return { ...base, probability: round4(adjusted / (1 + adjusted)), repRate: rep.rate };
}

/** mulberry32: a small seeded PRNG, so a forecast run can be repeated to the cent. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type OpenDeal = { id: string; name: string; amount: number; probability: number };

export type Simulation = {
  trials: number;
  closed: number;
  expected: number;
  p10: number;
  p50: number;
  p90: number;
  /** Sorted trial outcomes bucketed for a chart: 20 bins between the lowest and highest outcome. */
  histogram: { from: number; to: number; trials: number }[];
  movers: { id: string; name: string; amount: number; probability: number; expected: number; swing: number }[];
};

/** Nearest-rank percentile of sorted numbers. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The period's outcome: what has closed plus, in each trial, every open deal won with its
 * probability. The movers are the deals whose outcome swings the total most: amount × √(p(1−p)),
 * the standard deviation a deal adds (a sure deal, or a hopeless one, moves nothing).
 */
export function simulate(closed: number, deals: readonly OpenDeal[], trials: number, seed: number, moversCount = 5): Simulation {
  const random = prng(seed);
  const outcomes: number[] = new Array(trials);
  for (let i = 0; i < trials; i++) {
    let total = closed;
    for (const deal of deals) if (random() < deal.probability) total += deal.amount;
    outcomes[i] = total;
  }
  outcomes.sort((a, b) => a - b);
  const low = outcomes[0] ?? closed;
  const high = outcomes.at(-1) ?? closed;
  const width = (high - low) / 20 || 1;
  const histogram = Array.from({ length: 20 }, (_, i) => ({ from: Math.round(low + i * width), to: Math.round(low + (i + 1) * width), trials: 0 }));
  for (const o of outcomes) histogram[Math.min(19, Math.floor((o - low) / width))]!.trials++;
  const movers = deals
    .map((d) => ({ id: d.id, name: d.name, amount: d.amount, probability: d.probability, expected: Math.round(d.amount * d.probability), swing: Math.round(d.amount * Math.sqrt(d.probability * (1 - d.probability))) }))
    .filter((d) => d.swing > 0)
    .sort((a, b) => b.swing - a.swing || a.id.localeCompare(b.id))
    .slice(0, moversCount);
  return {
    trials,
    closed,
    expected: Math.round(closed + deals.reduce((sum, d) => sum + d.amount * d.probability, 0)),
    p10: percentile(outcomes, 10),
    p50: percentile(outcomes, 50),
    p90: percentile(outcomes, 90),
    histogram,
    movers,
  };
}

export type BacktestRow = { period: string; predicted: number; actual: number; error: number | null; deals: number };

/** Mean absolute percentage error over the periods where something closed. */
export function meanAbsoluteError(rows: readonly BacktestRow[]): number | null {
  const errors = rows.map((r) => r.error).filter((e): e is number => e !== null);
  return errors.length ? round4(errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length) : null;
}
