// Account health: a score a rep can read the reasons of, from how the account is being worked
// and how its deals are going. Pure.

export type HealthFacts = {
  /** Days since the last call, email, meeting or note on the account; null if never. */
  daysSinceLastTouch: number | null;
  openDeals: number;
  /** Open deals whose close date has passed. */
  overdueDeals: number;
  /** Times an open deal's close date was moved later in the last 90 days. */
  closeDatePushes: number;
  lostLast90Days: number;
  wonLast365Days: number;
  escalationsLast30Days: number;
  hasChampion: boolean;
  isCustomer: boolean;
};

export type HealthStatus = 'healthy' | 'at_risk' | 'critical';
export type AccountHealth = { score: number; status: HealthStatus; reasons: { points: number; reason: string }[] };

const capped = (count: number, each: number, cap: number) => -Math.min(count * each, cap);

export function accountHealth(facts: HealthFacts): AccountHealth {
  const reasons: { points: number; reason: string }[] = [];
  const add = (points: number, reason: string) => {
    if (points !== 0) reasons.push({ points, reason });
  };
  if (facts.daysSinceLastTouch === null) add(-30, 'Nobody has called, emailed, met or noted anything on this account');
  else if (facts.daysSinceLastTouch > 60) add(-35, `No contact for ${facts.daysSinceLastTouch} days`);
  else if (facts.daysSinceLastTouch > 30) add(-20, `No contact for ${facts.daysSinceLastTouch} days`);
  add(capped(facts.overdueDeals, 10, 30), `${facts.overdueDeals} open deal(s) past their close date`);
  add(capped(facts.closeDatePushes, 5, 20), `Close dates pushed ${facts.closeDatePushes} time(s) in 90 days`);
  add(capped(facts.lostLast90Days, 10, 20), `${facts.lostLast90Days} deal(s) lost in 90 days`);
  add(capped(facts.escalationsLast30Days, 15, 30), `${facts.escalationsLast30Days} escalation(s) in 30 days`);
  if (facts.openDeals > 0 && !facts.hasChampion) add(-10, 'Open deals but no champion among the key players');
  if (facts.isCustomer && facts.wonLast365Days > 0) add(10, `${facts.wonLast365Days} deal(s) won in the last year`);
  const score = Math.max(0, Math.min(100, 100 + reasons.reduce((sum, r) => sum + r.points, 0)));
  return { score, status: score >= 70 ? 'healthy' : score >= 40 ? 'at_risk' : 'critical', reasons };
}
