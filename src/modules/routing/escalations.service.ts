// What happens when a clock runs out: the breach is recorded once (the clock row is locked and
// must still be running), the record is escalated as its rule set says, and the manager is told.
import { sql } from 'drizzle-orm';
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
  await warnClocks(db, now, log);
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

/** A clock's owner is warned once its last fifth has begun (at least the last minute). */
export const WARN_SHARE = 0.2;

/**
 * Tells the owners of running clocks about to run out, once per clock: the row is stamped in the
 * statement that picks it, so two sweeps never warn twice.
 */
export async function warnClocks(db: Db, now: Date, log?: (message: string) => void): Promise<number> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const due = (await db.execute(sql`
    update sla_timers set warned_at = ${at}
    where status = 'running' and warned_at is null and due_at > ${at}
      and due_at <= ${at} + greatest(minutes * ${WARN_SHARE}::float8, 1) * interval '1 minute'
    returning org_id, id, kind, subject_id, owner_id, due_at`)) as unknown as { rows: { org_id: string; id: string; kind: string; subject_id: string; owner_id: string; due_at: string | Date }[] };
  for (const clock of due.rows) {
    try {
      await db.transaction(async (tx) => {
        const actor = systemActor(clock.org_id, '');
        const dueAt = new Date(clock.due_at);
        const left = Math.max(1, Math.round((dueAt.getTime() - now.getTime()) / 60_000));
        const when = `${dueAt.toISOString().slice(11, 16)} UTC`;
        if (clock.kind === 'first_touch') {
          const lead = await getLead(tx, actor, clock.subject_id).catch(() => null);
          if (!lead) return;
          const name = [`${lead.firstName} ${lead.lastName}`.trim(), lead.company].filter(Boolean).join(', ') || 'a lead';
          await tell(tx, actor, [clock.owner_id], { kind: 'sla_warning', title: `${left} min left to touch ${name}`, body: `Speed-to-lead runs out at ${when}: call or email before then.`, link: `/leads/${lead.id}` });
        } else {
          await tell(tx, actor, [clock.owner_id], { kind: 'sla_warning', title: `${left} min left to accept a hand-off`, body: `The hand-off goes elsewhere at ${when} unless you accept it.`, link: `/handoffs/${clock.subject_id}` });
        }
      });
    } catch (error) {
      log?.(`SLA warning for clock ${clock.id} failed: ${(error as Error).message}`);
    }
  }
  return due.rows.length;
}
