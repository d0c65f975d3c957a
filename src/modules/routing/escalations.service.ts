// What happens when a clock runs out: the breach is recorded once (the clock row is locked and
// must still be running), the record is escalated as its rule set says, and the manager is told.
import { systemActor, type Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { getLead } from '../leads/service.ts';
import { getUser, listTeams } from '../users/service.ts';
import { recordDecision } from './assignment.service.ts';
import { expireHandoff } from './handoffs.service.ts';
import { tell } from './notices.ts';
import { breachDue, breachPlan, type TimerKind } from './sla.model.ts';
import { assignLead } from './service.ts';
import { cancelClocks, lockClock, markBreached, overdueClocks, requeueClock, unqueuedClocks } from './sla.service.ts';
import { ruleSetById } from './store.ts';

export type ClockResult = 'breached' | 'stopped' | 'not_due' | 'missing';

type Timer = NonNullable<Awaited<ReturnType<typeof lockClock>>>;

/** The breach job: acts only on a running clock whose deadline has passed, so it breaches once however often it runs. */
export async function handleDueClock(db: Db, orgId: string, timerId: string, now: Date = new Date()): Promise<ClockResult> {
  const actor = systemActor(orgId, '');
  return db.transaction(async (tx) => {
    const timer = await lockClock(tx, orgId, timerId);
    if (!timer) return 'missing';
    if (timer.status !== 'running') return 'stopped';
    if (!breachDue({ status: 'running', dueAt: timer.dueAt }, now)) {
      await requeueClock(tx, timer, now);
      return 'not_due';
    }
    return timer.kind === 'first_touch' ? breachFirstTouch(tx, actor, timer, now) : breachHandoff(tx, actor, timer, now);
  });
}

async function planFor(tx: Db, actor: Actor, timer: Timer) {
  const ruleSet = await ruleSetById(tx, actor.orgId, timer.ruleSetId!);
  const owner = await getUser(tx, actor, timer.ownerId).catch(() => null);
  const team = owner?.teamId ? (await listTeams(tx, actor)).find((t) => t.id === owner.teamId) : undefined;
  const managerId = team?.managerId && team.managerId !== timer.ownerId ? team.managerId : null;
  const plan = breachPlan(ruleSet.escalation, { kind: timer.kind as TimerKind, ownerName: owner?.name ?? 'the owner', minutes: timer.minutes }, managerId, ruleSet.fallbackOwnerId);
  return { ruleSet, plan };
}

async function breachFirstTouch(tx: Db, actor: Actor, timer: Timer, now: Date): Promise<ClockResult> {
  const lead = await getLead(tx, actor, timer.subjectId).catch(() => null);
  // The lead moved on without routing (deleted, closed, handed to someone by hand): nothing to escalate.
  if (!lead || lead.deletedAt || lead.ownerId !== timer.ownerId || lead.status === 'disqualified' || lead.status === 'converted') {
    await cancelClocks(tx, actor, timer.subjectId, 'the lead changed hands or closed before the deadline', 'first_touch');
    return 'stopped';
  }
  const { ruleSet, plan } = await planFor(tx, actor, timer);
  await markBreached(tx, timer, now, plan.summary);
  let outcome = 'the owner keeps the lead';
  if (plan.reassign) {
    const { lead: moved } = await assignLead(tx, actor, lead, { kind: 'escalation', cause: plan.summary, exclude: [timer.ownerId], now });
    outcome = moved.ownerId && moved.ownerId !== timer.ownerId ? `now with ${(await getUser(tx, actor, moved.ownerId)).name}` : 'nobody else could take it';
  } else {
    await recordDecision(tx, actor, { subjectType: 'lead', subjectId: lead.id, kind: 'escalation', ruleSet, reason: plan.summary, ownerId: lead.ownerId, previousOwnerId: lead.ownerId, territoryId: lead.territoryId, at: now });
  }
  const name = [`${lead.firstName} ${lead.lastName}`.trim(), lead.company].filter(Boolean).join(', ') || 'a lead';
  await tell(tx, actor, plan.notify, { kind: 'sla_breached', title: `Speed-to-lead missed: ${name}`, body: `${plan.summary}; ${outcome}.`, link: `/leads/${lead.id}` });
  return 'breached';
}

async function breachHandoff(tx: Db, actor: Actor, timer: Timer, now: Date): Promise<ClockResult> {
  const { ruleSet, plan } = await planFor(tx, actor, timer);
  await markBreached(tx, timer, now, plan.summary);
  const next = await expireHandoff(tx, actor, timer.subjectId, plan.summary, plan.reassign);
  if (!plan.reassign) {
    await recordDecision(tx, actor, { subjectType: 'opportunity', subjectId: timer.subjectId, kind: 'escalation', ruleSet, reason: plan.summary, ownerId: timer.ownerId, previousOwnerId: timer.ownerId, at: now });
  }
  const outcome = next?.toUserId ? `handed to ${(await getUser(tx, actor, next.toUserId)).name}` : plan.reassign ? 'nobody else could take it' : 'still waiting for them';
  await tell(tx, actor, plan.notify, { kind: 'sla_breached', title: 'A hand-off was not accepted in time', body: `${plan.summary}; ${outcome}.`, link: next ? `/handoffs/${next.id}` : `/handoffs/${timer.subjectId}` });
  return 'breached';
}

/**
 * The safety net, every minute: queues jobs for clocks started where no worker ran, and handles
 * clocks well past their deadline whose job failed. Both are safe to repeat.
 */
export async function sweepClocks(db: Db, now: Date = new Date(), log?: (message: string) => void): Promise<{ queued: number; handled: number }> {
  let queued = 0;
  for (const clock of await unqueuedClocks(db, 500)) {
    if (await db.transaction((tx) => requeueClock(tx, clock, now))) queued += 1;
  }
  let handled = 0;
  for (const clock of await overdueClocks(db, new Date(now.getTime() - 2 * 60_000), 100)) {
    try {
      if ((await handleDueClock(db, clock.orgId, clock.id, now)) === 'breached') handled += 1;
    } catch (error) {
      log?.(`SLA clock ${clock.id} could not be handled: ${(error as Error).message}`);
    }
  }
  return { queued, handled };
}
