// Quota arithmetic without a database: fiscal periods, proration by days in a team, pacing by
// business days, attainment and the leaderboard. Dates are 'YYYY-MM-DD' (UTC calendar days); a
// period is [start, end) — the end is the first day after it.

export const PERIOD_KINDS = ['month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/**
 * closed_won: won amount (minor units of the quota's currency); `dealKind` narrows it to new
 * business or expansion. qualified_sourced: opportunities a user sourced (SDR credit) created in
 * the period. meetings_held: meetings the user organised and held. activities: calls and emails.
 */
export const QUOTA_METRICS = ['closed_won', 'qualified_sourced', 'meetings_held', 'activities'] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];
export const DEAL_KINDS = ['all', 'new_business', 'expansion'] as const;
export type DealKind = (typeof DEAL_KINDS)[number];

export type Period = { key: string; kind: PeriodKind; start: string; end: string };

const DAY_MS = 86_400_000;
const toDate = (day: string): Date => new Date(`${day}T00:00:00Z`);
export const toDay = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string => toDay(new Date(toDate(day).getTime() + days * DAY_MS));
export const daysBetween = (from: string, to: string): number => Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS);
const firstOfMonth = (year: number, month: number): string => toDay(new Date(Date.UTC(year, month - 1, 1)));

/**
 * A fiscal year is named by the calendar year it ends in (a year starting 1 October 2026 is
 * FY2027, as Microsoft and the US government name theirs); with January as the start month
 * the fiscal year is the calendar year. Keys: FY2027, FY2027-Q2, FY2027-M05 (fiscal month 5).
 */
export function fiscalYearStart(fiscalYear: number, startMonth: number): string {
  return firstOfMonth(startMonth === 1 ? fiscalYear : fiscalYear - 1, startMonth);
}

const KEY = /^FY(\d{4})(?:-(Q[1-4]|M(?:0[1-9]|1[0-2])))?$/;

export function parsePeriodKey(key: string, startMonth: number): Period | null {
  const match = KEY.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const yearStart = toDate(fiscalYearStart(year, startMonth));
  const monthAt = (offset: number) => toDay(new Date(Date.UTC(yearStart.getUTCFullYear(), yearStart.getUTCMonth() + offset, 1)));
  const part = match[2];
  if (!part) return { key, kind: 'year', start: monthAt(0), end: monthAt(12) };
  const n = Number(part.slice(1));
  if (part[0] === 'Q') return { key, kind: 'quarter', start: monthAt((n - 1) * 3), end: monthAt(n * 3) };
  return { key, kind: 'month', start: monthAt(n - 1), end: monthAt(n) };
}

/** The fiscal period of a kind that contains a day. */
export function periodContaining(day: string, kind: PeriodKind, startMonth: number): Period {
  const date = toDate(day);
  const monthsIntoYear = (date.getUTCMonth() + 1 - startMonth + 12) % 12;
  const fiscalStartYear = date.getUTCFullYear() - (date.getUTCMonth() + 1 < startMonth ? 1 : 0);
  const fiscalYear = startMonth === 1 ? fiscalStartYear : fiscalStartYear + 1;
  const key =
    kind === 'year'
      ? `FY${fiscalYear}`
      : kind === 'quarter'
        ? `FY${fiscalYear}-Q${Math.floor(monthsIntoYear / 3) + 1}`
        : `FY${fiscalYear}-M${String(monthsIntoYear + 1).padStart(2, '0')}`;
  return parsePeriodKey(key, startMonth)!;
}

/** The `count` periods of a kind ending with the one containing `day`, oldest first (history). */
export function recentPeriods(day: string, kind: PeriodKind, startMonth: number, count: number): Period[] {
  const out: Period[] = [];
  let current = periodContaining(day, kind, startMonth);
  for (let i = 0; i < count; i++) {
    out.unshift(current);
    current = periodContaining(addDays(current.start, -1), kind, startMonth);
  }
  return out;
}

/** Monday to Friday in [from, to). Holidays are not modelled: every weekday is a selling day. */
export function businessDays(from: string, to: string): number {
  let count = 0;
  for (let day = from; day < to; day = addDays(day, 1)) {
    const weekday = toDate(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

/** A stretch [from, to) a user spent in a team; `to` null: still there. */
export type Membership = { from: string; to: string | null };

/** Days of [start, end) covered by the memberships (overlaps counted once). */
export function daysCovered(period: Pick<Period, 'start' | 'end'>, memberships: readonly Membership[]): number {
  const clipped = memberships
    .map((m) => ({ from: m.from > period.start ? m.from : period.start, to: m.to === null || m.to > period.end ? period.end : m.to }))
    .filter((m) => m.from < m.to)
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  let days = 0;
  let reached = period.start;
  for (const m of clipped) {
    const from = m.from > reached ? m.from : reached;
    if (m.to > from) {
      days += daysBetween(from, m.to);
      reached = m.to;
    }
  }
  return days;
}

/** A member's quota as it counts toward a team: by calendar days in the team, rounded to a whole unit. */
export function proratedQuota(target: number, period: Pick<Period, 'start' | 'end'>, memberships: readonly Membership[]): number {
  return Math.round((target * daysCovered(period, memberships)) / daysBetween(period.start, period.end));
}

/**
 * Team memberships from the moves of a user's team (oldest first) and the team they are in now.
 * A move is { at: day, from: teamId | null, to: teamId | null }; before the first move the user
 * was in that move's `from` team since `since`.
 */
export function membershipsOf(
  teamId: string,
  moves: readonly { at: string; from: string | null; to: string | null }[],
  current: string | null,
  since: string,
): Membership[] {
  const out: Membership[] = [];
  let team = moves.length ? moves[0]!.from : current;
  let from = since;
  for (const move of moves) {
    if (team === teamId && move.at > from) out.push({ from, to: move.at });
    team = move.to;
    from = move.at;
  }
  if (team === teamId) out.push({ from, to: null });
  return out;
}

export type Attainment = {
  target: number;
  actual: number;
  /** actual / target, 4 decimals (1 = 100 %); null without a target. */
  attainment: number | null;
  /** Where a linear pace by business days puts them today. */
  expectedToDate: number;
  /** actual / expectedToDate, 4 decimals; null before the first business day. */
  pace: number | null;
  gap: number;
  businessDaysElapsed: number;
  businessDaysTotal: number;
};

const ratio = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

/**
 * Pacing is linear by business days: by the end of `today` (counted as elapsed) a rep should have
 * target × elapsed / total. A weekend does not raise the bar; before the period, nothing is due.
 */
export function attainmentOf(target: number, actual: number, period: Pick<Period, 'start' | 'end'>, today: string): Attainment {
  const total = businessDays(period.start, period.end);
  const until = today < period.start ? period.start : today >= period.end ? period.end : addDays(today, 1);
  const elapsed = businessDays(period.start, until);
  const expectedToDate = total ? Math.round((target * elapsed) / total) : target;
  return {
    target,
    actual,
    attainment: ratio(actual, target),
    expectedToDate,
    pace: ratio(actual, expectedToDate),
    gap: Math.max(target - actual, 0),
    businessDaysElapsed: elapsed,
    businessDaysTotal: total,
  };
}

export type LeaderboardEntry = { userId: string; name: string; target: number; actual: number; attainment: number | null; rank: number };

/** Highest attainment first (no quota sorts last), then the larger actual, then name; equal rows share a rank. */
export function leaderboard(rows: readonly { userId: string; name: string; target: number; actual: number }[]): LeaderboardEntry[] {
  const scored = rows.map((r) => ({ ...r, attainment: ratio(r.actual, r.target) }));
  scored.sort((a, b) => (b.attainment ?? -1) - (a.attainment ?? -1) || b.actual - a.actual || a.name.localeCompare(b.name));
  let rank = 0;
  return scored.map((row, i) => {
    const previous = scored[i - 1];
    if (!previous || previous.attainment !== row.attainment || previous.actual !== row.actual) rank = i + 1;
    return { ...row, rank };
  });
}

/** What counts for a team from one member's daily results: the days they were in it. */
export function actualInTeam(daily: readonly { day: string; value: number }[], memberships: readonly Membership[]): number {
  return daily.filter((d) => memberships.some((m) => d.day >= m.from && (m.to === null || d.day < m.to))).reduce((sum, d) => sum + d.value, 0);
}
