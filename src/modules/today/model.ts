// A rep's day without a database or a clock: when their local day starts and ends, which daily
// goal applies to them, and how far along they are.
import { localDay, zoneOffset } from '../routing/hours.model.ts';

export const GOAL_METRICS = ['calls', 'connects', 'emails'] as const;
export type GoalMetric = (typeof GOAL_METRICS)[number];

export const GOAL_SCOPES = ['org', 'team', 'user'] as const;
export type GoalScope = (typeof GOAL_SCOPES)[number];

export type GoalRow = { scope: GoalScope; scopeId: string } & Record<GoalMetric, number | null>;

/** Which activity kinds count toward each metric: every call attempt, the conversations, emails sent. */
export const METRIC_KINDS: Record<GoalMetric, readonly string[]> = {
  calls: ['call', 'call_connected'],
  connects: ['call_connected'],
  emails: ['email', 'email_sent'],
};

export type GoalProgress = { metric: GoalMetric; done: number; target: number | null; from: GoalScope | null; ratio: number | null };

/**
 * A person's target per metric: their own goal, else their team's, else the org's; a metric no
 * goal sets has no target (progress shows the count only).
 */
export function effectiveGoals(goals: readonly GoalRow[], who: { userId: string; teamId: string | null; orgId: string }): Record<GoalMetric, { target: number | null; from: GoalScope | null }> {
  const order: [GoalScope, string | null][] = [['user', who.userId], ['team', who.teamId], ['org', who.orgId]];
  const out = {} as Record<GoalMetric, { target: number | null; from: GoalScope | null }>;
  for (const metric of GOAL_METRICS) {
    out[metric] = { target: null, from: null };
    for (const [scope, id] of order) {
      if (!id) continue;
      const goal = goals.find((g) => g.scope === scope && g.scopeId === id);
      const target = goal?.[metric];
      if (target !== null && target !== undefined) {
        out[metric] = { target, from: scope };
        break;
      }
    }
  }
  return out;
}

/** Progress per metric from the day's activity counts per kind. */
export function progress(counts: Record<string, number>, goals: ReturnType<typeof effectiveGoals>): GoalProgress[] {
  return GOAL_METRICS.map((metric) => {
    const done = METRIC_KINDS[metric].reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
    const { target, from } = goals[metric];
    return { metric, done, target, from, ratio: target ? Math.min(1, done / target) : null };
  });
}

/** The instants a local calendar day starts and ends in a zone (23 or 25 hours long on DST switch days). */
export function dayBounds(now: Date, timeZone: string): { day: string; start: Date; end: Date } {
  const day = localDay(now, timeZone);
  const midnight = (date: string) => {
    const local = Date.parse(`${date}T00:00:00Z`);
    let guess = local - zoneOffset(local, timeZone);
    guess = local - zoneOffset(guess, timeZone);
    return new Date(guess);
  };
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { day, start: midnight(day), end: midnight(next) };
}
