// Report math without a database or a clock: periods, rates, medians, the funnel's steps, the
// pipeline's ratios, activity against goals, and the improvement hints that compare two periods.

export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];

export type Range = { from: Date; to: Date };

const DAY_MS = 86_400_000;

/** The calendar period (UTC; weeks start on Monday) that holds `at`: [from, to). */
export function periodRange(period: Period, at: Date): Range {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  switch (period) {
    case 'week': {
      const day = Date.UTC(y, m, at.getUTCDate());
      const weekday = (new Date(day).getUTCDay() + 6) % 7;
      const from = new Date(day - weekday * DAY_MS);
      return { from, to: new Date(from.getTime() + 7 * DAY_MS) };
    }
    case 'month':
      return { from: new Date(Date.UTC(y, m, 1)), to: new Date(Date.UTC(y, m + 1, 1)) };
    case 'quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: new Date(Date.UTC(y, q, 1)), to: new Date(Date.UTC(y, q + 3, 1)) };
    }
    case 'year':
      return { from: new Date(Date.UTC(y, 0, 1)), to: new Date(Date.UTC(y + 1, 0, 1)) };
  }
}

/** The period just before `range` of the same kind (for a custom range: the same length before it). */
export function previousRange(range: Range, period?: Period): Range {
  if (period) return periodRange(period, new Date(range.from.getTime() - 1));
  const length = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - length), to: range.from };
}

/** numerator / denominator, or null when there is nothing to divide by. */
export const rate = (numerator: number, denominator: number): number | null => (denominator > 0 ? numerator / denominator : null);

/** The median of the values (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const FUNNEL_STEPS = ['leads', 'qualified', 'opportunities', 'won', 'customers'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export type FunnelCounts = Record<FunnelStep, number>;
/** Median days from the previous step to this one, where the data has both times. */
export type FunnelMedians = Partial<Record<FunnelStep, number | null>>;

export type FunnelRow = { step: FunnelStep; count: number; conversion: number | null; fromStart: number | null; medianDays: number | null };

/** The funnel's rows: each step's count, its conversion from the step before and from the first. */
export function funnel(counts: FunnelCounts, medians: FunnelMedians = {}): FunnelRow[] {
  return FUNNEL_STEPS.map((step, i) => ({
    step,
    count: counts[step],
    conversion: i === 0 ? null : rate(counts[step], counts[FUNNEL_STEPS[i - 1]!]),
    fromStart: i === 0 ? null : rate(counts[step], counts.leads),
    medianDays: i === 0 ? null : (medians[step] ?? null),
  }));
}

/** The step that loses the largest share of what reaches it (the leakiest); null when no step has data. */
export function leakiestStep(rows: readonly FunnelRow[]): { from: FunnelStep; to: FunnelStep; conversion: number } | null {
  let worst: { from: FunnelStep; to: FunnelStep; conversion: number } | null = null;
  for (let i = 1; i < rows.length; i++) {
    const c = rows[i]!.conversion;
    if (c === null) continue;
    if (!worst || c < worst.conversion) worst = { from: rows[i - 1]!.step, to: rows[i]!.step, conversion: c };
  }
  return worst;
}

export type ActivityCounts = { calls: number; connects: number; emails: number; replies: number; meetingsBooked: number; meetingsHeld: number };
export type DailyGoals = { calls: number | null; connects: number | null; emails: number | null };

export type ActivityRow = ActivityCounts & {
  connectRate: number | null;
  replyRate: number | null;
  goals: DailyGoals;
  /** done / goal for the bucket (a daily goal times the bucket's working days); null without a goal. */
  attainment: DailyGoals;
};

/** Working days (Monday–Friday) in [from, to), UTC. */
export function workingDays(range: Range): number {
  let n = 0;
  for (let t = range.from.getTime(); t < range.to.getTime(); t += DAY_MS) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) n++;
  }
  return n;
}

/** One rep's bucket of activity against their daily goals scaled to the bucket's working days. */
export function activityRow(counts: ActivityCounts, dailyGoals: DailyGoals, days: number): ActivityRow {
  const scaled = (goal: number | null) => (goal === null ? null : goal * days);
  const goals = { calls: scaled(dailyGoals.calls), connects: scaled(dailyGoals.connects), emails: scaled(dailyGoals.emails) };
  const attain = (done: number, goal: number | null) => (goal ? done / goal : null);
  return {
    ...counts,
    connectRate: rate(counts.connects, counts.calls),
    replyRate: rate(counts.replies, counts.emails),
    goals,
    attainment: { calls: attain(counts.calls, goals.calls), connects: attain(counts.connects, goals.connects), emails: attain(counts.emails, goals.emails) },
  };
}

export type PipelineFacts = {
  /** Open deals' amount (minor units) closing in the period. */
  openAmount: number;
  openDeals: number;
  createdDeals: number;
  createdAmount: number;
  wonDeals: number;
  wonAmount: number;
  lostDeals: number;
  /** Days from creation to close of each deal won in the period. */
  wonCycleDays: readonly number[];
  /** Open deals whose close date was pushed later at least once. */
  slippedDeals: number;
  /** Open plus closed deals in the period whose close date was ever set (slippage's base). */
  slippageBase: number;
};

export type PipelineSummary = {
  openAmount: number;
  openDeals: number;
  created: { deals: number; amount: number };
  closed: { won: number; lost: number; wonAmount: number };
  winRate: number | null;
  averageDealSize: number | null;
  medianCycleDays: number | null;
  slippageRate: number | null;
  /** What is still to win: target − won, never below zero; null without a target. */
  remainingTarget: number | null;
  /** Open pipeline / remaining target; null without a target or with nothing left to win. */
  coverage: number | null;
};

export function pipelineSummary(facts: PipelineFacts, target: number | null): PipelineSummary {
  const remainingTarget = target === null ? null : Math.max(0, target - facts.wonAmount);
  return {
    openAmount: facts.openAmount,
    openDeals: facts.openDeals,
    created: { deals: facts.createdDeals, amount: facts.createdAmount },
    closed: { won: facts.wonDeals, lost: facts.lostDeals, wonAmount: facts.wonAmount },
    winRate: rate(facts.wonDeals, facts.wonDeals + facts.lostDeals),
    averageDealSize: facts.wonDeals > 0 ? Math.round(facts.wonAmount / facts.wonDeals) : null,
    medianCycleDays: median(facts.wonCycleDays),
    slippageRate: rate(facts.slippedDeals, facts.slippageBase),
    remainingTarget,
    coverage: remainingTarget ? facts.openAmount / remainingTarget : null,
  };
}

/** Stage conversion: of the deals that reached each stage, the share that reached the next one. */
export function stageConversion(stages: readonly { stageId: string; name: string; reached: number }[]): { stageId: string; name: string; reached: number; toNext: number | null }[] {
  return stages.map((s, i) => ({ ...s, toNext: i + 1 < stages.length ? rate(stages[i + 1]!.reached, s.reached) : null }));
}

// Improvement hints ---------------------------------------------------------------------------

export type SegmentKind = 'territory' | 'team' | 'source' | 'rep';
/** A segment's ratios in a period, with the counts they rest on (small bases make no hint). */
export type SegmentMetrics = {
  kind: SegmentKind;
  key: string;
  name: string;
  metrics: Partial<Record<HintMetric, { value: number | null; base: number }>>;
};
export const HINT_METRICS = ['connectRate', 'qualificationRate', 'conversionRate', 'winRate', 'replyRate'] as const;
export type HintMetric = (typeof HINT_METRICS)[number];
const METRIC_LABEL: Record<HintMetric, string> = {
  connectRate: 'connect rate',
  qualificationRate: 'lead qualification rate',
  conversionRate: 'qualified-to-opportunity rate',
  winRate: 'win rate',
  replyRate: 'email reply rate',
};

export type Hint = { kind: SegmentKind; key: string; metric: HintMetric; previous: number; current: number; change: number; text: string };

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The biggest changes between two periods, per segment and metric, as sentences. A change counts
 * when both periods rest on at least `minBase` records and it moved by at least `minChange`
 * (absolute, in rate points); the largest moves come first.
 */
export function improvementHints(
  current: readonly SegmentMetrics[],
  previous: readonly SegmentMetrics[],
  periodLabel: string,
  { minBase = 20, minChange = 0.03, limit = 10 } = {},
): Hint[] {
  const before = new Map(previous.map((s) => [`${s.kind}:${s.key}`, s]));
  const hints: Hint[] = [];
  for (const seg of current) {
    const prev = before.get(`${seg.kind}:${seg.key}`);
    if (!prev) continue;
    for (const metric of HINT_METRICS) {
      const now = seg.metrics[metric];
      const then = prev.metrics[metric];
      if (!now || !then || now.value === null || then.value === null) continue;
      if (now.base < minBase || then.base < minBase) continue;
      const change = now.value - then.value;
      if (Math.abs(change) < minChange) continue;
      const verb = change < 0 ? 'fell' : 'rose';
      const who = seg.kind === 'rep' ? seg.name : `${seg.name}`;
      hints.push({
        kind: seg.kind,
        key: seg.key,
        metric,
        previous: then.value,
        current: now.value,
        change,
        text: `${METRIC_LABEL[metric]} for ${who} ${verb} from ${pct(then.value)} to ${pct(now.value)} ${periodLabel}`,
      });
    }
  }
  // Falls first at equal size: a manager acts on what got worse.
  hints.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.change - b.change);
  const out = hints.slice(0, limit);
  for (const h of out) h.text = h.text.charAt(0).toUpperCase() + h.text.slice(1);
  return out;
}

/** The sentence that names where the funnel leaks most. */
export function leakSentence(rows: readonly FunnelRow[]): string | null {
  const leak = leakiestStep(rows);
  if (!leak) return null;
  return `The funnel leaks most between ${leak.from} and ${leak.to}: only ${pct(leak.conversion)} move on`;
}

// CSV ------------------------------------------------------------------------------------------

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A leading = + - @ makes a spreadsheet run a formula: quote it inert.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Rows of flat objects as CSV (columns in the order given; nested values as JSON). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
