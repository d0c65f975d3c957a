// The weekly email digest to managers: last week's funnel, activity and what changed, for the team
// they manage (or the whole org when they manage none). One per manager and week: the
// report_digests key is claimed before sending and given back if the send fails, so a later run
// that week retries and a second run sends nothing twice.
import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import type { Mailer } from '../../core/mailer.ts';
import type { WorkerContext } from '../../workers.ts';
import { periodRange, previousRange } from './model.ts';
import { reportDigests } from './schema.ts';
import { activityReport, funnelReport, hintsReport } from './service.ts';

export const REPORT_DIGEST_QUEUE = 'report-digest';

const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);

/** The digest's text for one manager and last week (pure formatting over the three reports). */
async function digestText(db: Db, actor: Actor, teamId: string | null, range: { from: Date; to: Date }): Promise<string> {
  const filter = { ...range, period: 'week' as const, ...(teamId ? { teamId } : {}) };
  const funnel = await funnelReport(db, actor, filter);
  const activity = await activityReport(db, actor, filter, 'week');
  const hints = await hintsReport(db, actor, filter);
  const t = activity.totals;
  const lines = [
    `Week of ${range.from.toISOString().slice(0, 10)}${teamId ? '' : ' (whole organisation)'}`,
    '',
    'Funnel (leads created that week):',
    ...funnel.steps.map((s) => `  ${s.step}: ${s.count}${s.conversion === null ? '' : ` (${pct(s.conversion)} of the step before)`}`),
    '',
    `Activity: ${t.calls} calls, ${t.connects} connects (${pct(t.connectRate)}), ${t.emails} emails, ${t.replies} replies, ${t.meetingsBooked} meetings booked, ${t.meetingsHeld} held.`,
    `Speed-to-lead: ${pct(activity.speedToLead.compliance)} of first touches in time${activity.speedToLead.medianMinutes === null ? '' : `, median ${activity.speedToLead.medianMinutes} min`}.`,
    '',
    'What changed:',
    ...(hints.leak ? [`  ${hints.leak}`] : []),
    ...(hints.hints.length ? hints.hints.map((h) => `  ${h.text}`) : ['  Nothing moved much against the week before.']),
  ];
  return lines.join('\n');
}

/**
 * Sends last week's digest to every active manager who has not had this week's yet; returns how
 * many were sent. Safe to run any number of times a week.
 */
export async function sendWeeklyDigests(db: Db, mailer: Mailer, now: Date): Promise<number> {
  if (!mailer.configured) return 0;
  const thisWeek = periodRange('week', now);
  const lastWeek = previousRange(thisWeek, 'week');
  const week = thisWeek.from.toISOString().slice(0, 10);
  const managers = ((await db.execute(sql`
    select u.org_id, u.id, u.email, u.name, (select t.id from teams t where t.org_id = u.org_id and t.manager_id = u.id order by t.name limit 1) as team_id
    from users u where u.role = 'manager' and u.status = 'active'
      and not exists (select 1 from report_digests d where d.org_id = u.org_id and d.user_id = u.id and d.week = ${week}::date)`)) as unknown as {
    rows: { org_id: string; id: string; email: string; name: string; team_id: string | null }[];
  }).rows;
  let sent = 0;
  for (const m of managers) {
    const claimed = await db.insert(reportDigests).values({ orgId: m.org_id, userId: m.id, week }).onConflictDoNothing().returning();
    if (claimed.length === 0) continue;
    const actor: Actor = { orgId: m.org_id, userId: m.id, role: 'manager', via: 'system' };
    try {
      const text = await digestText(db, actor, m.team_id, lastWeek);
      await mailer.send({ to: m.email, subject: `Your weekly sales digest: week of ${lastWeek.from.toISOString().slice(0, 10)}`, text });
      sent++;
    } catch (error) {
      await db.delete(reportDigests).where(and(eq(reportDigests.orgId, m.org_id), eq(reportDigests.userId, m.id), eq(reportDigests.week, week)));
      throw error;
    }
  }
  return sent;
}

/** Mondays at 07:00 UTC (and any later run that week sends only what is missing). */
export async function startReportWorkers({ db, jobs, mailer, log }: WorkerContext): Promise<void> {
  await jobs.work(REPORT_DIGEST_QUEUE, async () => {
    const sent = await sendWeeklyDigests(db, mailer, new Date());
    if (sent > 0) log(`Sent ${sent} weekly report digest(s)`);
  });
  await jobs.schedule(REPORT_DIGEST_QUEUE, '0 7 * * 1');
}
