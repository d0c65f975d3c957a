import { and, eq } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { activityCountsOf } from '../activities/call-log.ts';
import { recordAudit } from '../audit/service.ts';
import { listLeads, type LeadView } from '../leads/service.ts';
import { listMeetings } from '../meetings/service.ts';
import { dueManualSteps, upcomingManualSteps, type DueStep, type UpcomingStep } from '../sequences/service.ts';
import { firstTouchDeadlines } from '../routing/clock-deadlines.service.ts';
import { listTasks, type TaskView } from '../tasks/service.ts';
import { existingUserIds, getUser, listTeams, listUsers } from '../users/service.ts';
import { dayBounds, effectiveGoals, GOAL_METRICS, METRIC_KINDS, progress, type GoalMetric, type GoalProgress, type GoalRow, type GoalScope } from './model.ts';
import { activityGoals } from './schema.ts';

// ---------------------------------------------------------------------------------------------
// Daily activity goals

export type GoalView = GoalRow & { id: string; updatedAt: string };

const toGoal = (row: typeof activityGoals.$inferSelect): GoalView => ({
  id: row.id,
  scope: row.scope as GoalScope,
  scopeId: row.scopeId,
  calls: row.calls,
  connects: row.connects,
  emails: row.emails,
  updatedAt: row.updatedAt.toISOString(),
});

export async function listGoals(db: Db, actor: Actor): Promise<GoalView[]> {
  assertCan(actor, 'records:read');
  const rows = await db.select().from(activityGoals).where(eq(activityGoals.orgId, actor.orgId));
  return rows.map(toGoal);
}

/** Sets the org's, a team's or a person's daily goals (one row per scope; null clears a metric). */
export async function setGoal(db: Db, actor: Actor, input: { scope: GoalScope; scopeId?: string | undefined } & Partial<Record<GoalMetric, number | null>>): Promise<GoalView> {
  assertCan(actor, 'goals:manage');
  const scopeId = input.scope === 'org' ? actor.orgId : input.scopeId;
  if (!scopeId) throw validationFailed([{ field: 'scopeId', message: `Name the ${input.scope}` }]);
  if (input.scope === 'user' && !(await existingUserIds(db, actor, [scopeId])).has(scopeId)) throw validationFailed([{ field: 'scopeId', message: 'No such user in your organisation' }]);
  if (input.scope === 'team' && !(await listTeams(db, actor)).some((t) => t.id === scopeId)) throw validationFailed([{ field: 'scopeId', message: 'No such team in your organisation' }]);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(activityGoals).where(and(eq(activityGoals.orgId, actor.orgId), eq(activityGoals.scope, input.scope), eq(activityGoals.scopeId, scopeId))).for('update');
    const values = Object.fromEntries(GOAL_METRICS.map((m) => [m, input[m] === undefined ? (before?.[m] ?? null) : input[m]])) as Record<GoalMetric, number | null>;
    const [row] = await tx
      .insert(activityGoals)
      .values({ orgId: actor.orgId, id: before?.id ?? newId(), scope: input.scope, scopeId, ...values, updatedBy: actor.userId || null })
      .onConflictDoUpdate({ target: [activityGoals.orgId, activityGoals.scope, activityGoals.scopeId], set: { ...values, updatedBy: actor.userId || null, updatedAt: new Date() } })
      .returning();
    await recordAudit(tx, actor, { entityType: 'activity_goal', entityId: row!.id, action: before ? 'update' : 'create', before: before ? toGoal(before) : null, after: toGoal(row!) });
    return toGoal(row!);
  });
}

export async function deleteGoal(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'goals:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(activityGoals).where(and(eq(activityGoals.orgId, actor.orgId), eq(activityGoals.id, id))).returning();
    if (!row) throw notFound('Goal');
    await recordAudit(tx, actor, { entityType: 'activity_goal', entityId: id, action: 'delete', before: toGoal(row) });
  });
}

/** A person's progress toward their daily goals on their local day. */
export async function goalProgress(db: Db, actor: Actor, userId: string, now: Date): Promise<{ day: string; timeZone: string; goals: GoalProgress[] }> {
  const user = await getUser(db, systemActor(actor.orgId, actor.userId), userId);
  const { day, start } = dayBounds(now, user.timeZone);
  const kinds = [...new Set(GOAL_METRICS.flatMap((m) => METRIC_KINDS[m]))];
  const [counts, goals] = await Promise.all([activityCountsOf(db, actor, userId, start, kinds), listGoals(db, actor)]);
  return { day, timeZone: user.timeZone, goals: progress(counts, effectiveGoals(goals, { userId, teamId: user.teamId, orgId: actor.orgId })) };
}

export type TeamGoalProgress = { userId: string; name: string; teamId: string | null; day: string; goals: GoalProgress[] };

/**
 * Each person's progress toward their daily goals, for a manager's screen: the people in the teams
 * the manager leads (and their sub-teams), or one team; an admin sees every active rep and manager.
 */
export async function teamGoalProgress(db: Db, actor: Actor, options: { teamId?: string | undefined; now?: Date } = {}): Promise<TeamGoalProgress[]> {
  assertCan(actor, 'goals:manage');
  const [teams, people] = await Promise.all([listTeams(db, actor), listUsers(db, actor)]);
  let teamIds: Set<string> | null = null;
  if (options.teamId) {
    if (!teams.some((t) => t.id === options.teamId)) throw notFound('Team');
    teamIds = new Set([options.teamId]);
  } else if (actor.role !== 'admin') {
    teamIds = new Set(teams.filter((t) => t.managerId === actor.userId).map((t) => t.id));
  }
  if (teamIds) {
    // Sub-teams roll up to their parent's manager.
    for (let grew = true; grew; ) {
      grew = false;
      for (const team of teams) {
        if (team.parentTeamId && teamIds.has(team.parentTeamId) && !teamIds.has(team.id)) {
          teamIds.add(team.id);
          grew = true;
        }
      }
    }
  }
  const members = people
    .filter((u) => u.status === 'active' && (u.role === 'rep' || u.role === 'manager'))
    .filter((u) => (teamIds ? u.teamId !== null && teamIds.has(u.teamId) && u.id !== actor.userId : true))
    .sort((a, b) => a.name.localeCompare(b.name));
  const now = options.now ?? new Date();
  return Promise.all(
    members.map(async (u) => {
      const p = await goalProgress(db, actor, u.id, now);
      return { userId: u.id, name: u.name, teamId: u.teamId, day: p.day, goals: p.goals };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Today

export type TodayView = {
  day: string;
  timeZone: string;
  newLeads: (LeadView & { slaDueAt: string | null })[];
  callsDue: TaskView[];
  tasksDue: TaskView[];
  overdue: number;
  goals: GoalProgress[];
  /** Today's demos and meetings (not cancelled), earliest first. */
  demos: TodayMeeting[];
  /**
   * Manual sequence steps waiting for the rep, oldest first. Each also opened a task (a call step a
   * call-back, the others a to-do) that shows in `callsDue`/`tasksDue`; this list says which
   * sequence and step it is, and finishing it moves the sequence on.
   */
  sequenceSteps: DueStep[];
  /** Manual steps the rep's sequences reach later today, earliest first: what is still to come. */
  upcomingSteps: UpcomingStep[];
};

export type TodayMeeting = { id: string; title: string; startsAt: string; endsAt: string; videoUrl: string | null; link: string };

/**
 * The rep's home screen in one answer: new leads with their first-touch deadline, call-backs and
 * tasks due by the end of their local day (overdue included), today's demos, and progress toward
 * their daily goals.
 */
export async function today(db: Db, actor: Actor, now = new Date()): Promise<TodayView> {
  assertCan(actor, 'records:read');
  const me = await getUser(db, actor, actor.userId);
  const { day, start, end } = dayBounds(now, me.timeZone);
  const [leads, due, goals, demos, sequenceSteps, upcomingSteps] = await Promise.all([
    listLeads(db, actor, { ownerId: actor.userId, status: ['new'], sort: '-createdAt', limit: 20 }),
    listTasks(db, actor, { ownerId: actor.userId, status: 'open', dueBefore: end, limit: 100 }),
    goalProgress(db, actor, actor.userId, now),
    demosToday(db, actor, start, end),
    dueManualSteps(db, actor, { senderId: actor.userId, limit: 50 }),
    upcomingManualSteps(db, actor, { senderId: actor.userId, from: now, until: end, limit: 50 }),
  ]);
  const deadlines = await firstTouchDeadlines(db, actor, leads.data.map((l) => l.id));
  const newLeads = leads.data
    .map((lead) => ({ ...lead, slaDueAt: deadlines.get(lead.id)?.toISOString() ?? null }))
    .sort((a, b) => (a.slaDueAt ?? '9').localeCompare(b.slaDueAt ?? '9'));
  return {
    day,
    timeZone: me.timeZone,
    newLeads,
    callsDue: due.data.filter((t) => t.type === 'call'),
    tasksDue: due.data.filter((t) => t.type !== 'call'),
    overdue: due.data.filter((t) => t.dueAt && Date.parse(t.dueAt) < now.getTime()).length,
    goals: goals.goals,
    demos,
    sequenceSteps,
    upcomingSteps,
  };
}

/** Today's demos and meetings the rep organizes or attends (the meetings capability's own list). */
async function demosToday(db: Db, actor: Actor, start: Date, end: Date): Promise<TodayMeeting[]> {
  const { data } = await listMeetings(db, actor, { from: start.toISOString(), to: end.toISOString(), mine: true, limit: 50 });
  return data
    .filter((m) => m.status !== 'cancelled')
    .map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt, endsAt: m.endsAt, videoUrl: m.videoUrl ?? null, link: '/meetings' }));
}
