import { formatCount, type DemoContext } from '../demo/model.ts';
import { listTeams } from '../users/service.ts';
import { periodContaining, recentPeriods, toDay } from './model.ts';
import { setQuota } from './service.ts';

/**
 * Quotas for the demo teams: each rep's closed-won target for this quarter and the two before
 * (EMEA in EUR, NA in USD), the teams' own targets a little above the sum of their reps', and a
 * monthly meetings-held target, so attainment, pacing and the leaderboard have something to show.
 */
export async function seedDemoQuotas(context: DemoContext): Promise<string> {
  const { db, actor, people, random, now } = context;
  const today = toDay(now);
  const quarters = recentPeriods(today, 'quarter', 1, 3);
  const month = periodContaining(today, 'month', 1);
  const teams = await listTeams(db, actor);
  let count = 0;
  for (const quarter of quarters) {
    for (const territory of ['EMEA', 'NA'] as const) {
      const currency = territory === 'EMEA' ? 'EUR' : 'USD';
      const reps = people.reps.filter((rep) => rep.territory === territory);
      let sum = 0;
      for (const rep of reps) {
        const target = random.int(6, 12) * 2_500_000;
        sum += target;
        await setQuota(db, actor, { scope: 'user', scopeId: rep.id, period: quarter.key, metric: 'closed_won', currency, target });
        count++;
      }
      const team = teams.find((t) => t.name.endsWith(territory));
      if (team) {
        await setQuota(db, actor, { scope: 'team', scopeId: team.id, period: quarter.key, metric: 'closed_won', currency, target: Math.round((sum * 1.1) / 100_000) * 100_000 });
        count++;
      }
    }
  }
  for (const rep of people.reps) {
    await setQuota(db, actor, { scope: 'user', scopeId: rep.id, period: month.key, metric: 'meetings_held', target: random.int(8, 16) });
    count++;
  }
  return `${formatCount(count)} quotas`;
}
