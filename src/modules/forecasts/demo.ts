import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { formatCount, type DemoContext } from '../demo/model.ts';
import { periodContaining, toDay } from '../quotas/model.ts';
import { listTeams } from '../users/service.ts';
import { submitCall } from './service.ts';

/**
 * Forecast calls for this quarter: each rep's call last week and this week (so week over week has
 * a change to show), the manager's adjustment of one of them with a note, and each team's call.
 */
export async function seedDemoForecasts(context: DemoContext): Promise<string> {
  const { db, actor, people, random, now, orgId } = context;
  const quarter = periodContaining(toDay(now), 'quarter', 1);
  const manager: Actor = { orgId, userId: people.manager, role: 'manager', via: 'system' };
  let count = 0;
  const lastWeek: string[] = [];
  for (const rep of people.reps) {
    const currency = rep.territory === 'EMEA' ? 'EUR' : 'USD';
    const repActor: Actor = { orgId, userId: rep.id, role: 'rep', via: 'system' };
    const commit = random.int(10, 30) * 500_000;
    const first = await submitCall(db, repActor, { scope: 'user', scopeId: rep.id, period: quarter.key, currency, commit, bestCase: commit + random.int(4, 12) * 500_000 });
    lastWeek.push(first.id);
    const moved = commit + random.int(-4, 6) * 500_000;
    await submitCall(db, repActor, { scope: 'user', scopeId: rep.id, period: quarter.key, currency, commit: moved, bestCase: moved + random.int(4, 12) * 500_000 });
    count += 2;
  }
  const adjusted = people.reps[0];
  if (adjusted) {
    await submitCall(db, manager, { scope: 'user', scopeId: adjusted.id, period: quarter.key, currency: adjusted.territory === 'EMEA' ? 'EUR' : 'USD', commit: 5_000_000, bestCase: 9_000_000, note: 'Procurement review pushes the Nordfeld deal into next quarter' });
    count++;
  }
  for (const team of await listTeams(db, actor)) {
    const currency = team.name.endsWith('EMEA') ? 'EUR' : 'USD';
    await submitCall(db, manager, { scope: 'team', scopeId: team.id, period: quarter.key, currency, commit: random.int(40, 80) * 500_000, bestCase: random.int(90, 130) * 500_000, note: 'Team call after the Monday pipeline review' });
    count++;
  }
  // The first round of calls was made a week ago.
  await db.execute(sql`update forecast_submissions set submitted_at = submitted_at - interval '7 days' where org_id = ${orgId} and id = any(${`{${lastWeek.join(',')}}`}::uuid[])`);
  return `${formatCount(count)} forecast calls`;
}
