// Speed-to-lead without a database: when a first touch (or a hand-off's acceptance) is due, what
// a touch does to a running timer, and what a breach sets off.
import { addBusinessMinutes, type BusinessCalendar } from './hours.model.ts';
import type { Escalation } from './rules.model.ts';

export const TIMER_KINDS = ['first_touch', 'handoff_accept'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export const TIMER_STATUSES = ['running', 'met', 'breached', 'cancelled'] as const;
export type TimerStatus = (typeof TIMER_STATUSES)[number];

/**
 * Which logged activities are a rep reaching out: calls and emails (and meetings) stop the
 * first-touch clock; a form the lead filled in or a note about them does not.
 */
export function isFirstTouchKind(kind: string): boolean {
  return /^(call|email|meeting)(_|$)/.test(kind) && !/^email_(opened|clicked|bounced|replied)$/.test(kind);
}

/** When the clock started at `start` runs out: business minutes when the rule set has hours, else wall-clock minutes. */
export function slaDueAt(start: Date, minutes: number, calendar: BusinessCalendar | null): Date {
  return calendar ? addBusinessMinutes(start, minutes, calendar) : new Date(start.getTime() + minutes * 60_000);
}

/**
 * What a first touch (a logged call or email) does to the lead's timer: in time it is met; late
 * it is a breach, even if the breach job has not run yet; a stopped timer stays as it is.
 */
export function touchOutcome(timer: { status: TimerStatus; dueAt: Date }, touchedAt: Date): 'met' | 'breached' | null {
  if (timer.status !== 'running') return null;
  return touchedAt.getTime() <= timer.dueAt.getTime() ? 'met' : 'breached';
}

/** Whether a breach job finds work: only a running timer whose time has come breaches, and only once. */
export const breachDue = (timer: { status: TimerStatus; dueAt: Date }, now: Date): boolean => timer.status === 'running' && timer.dueAt.getTime() <= now.getTime();

/**
 * What a lead's running first-touch clock becomes when someone changes the owner by hand: the
 * clock of an owner who keeps the lead stays; a new owner gets a fresh clock (the old one is
 * cancelled: nobody breached it); a lead sent back to the pool has no one to measure.
 */
export function clockHandover(clock: { ownerId: string }, newOwnerId: string | null): 'keep' | 'rearm' | 'cancel' {
  if (newOwnerId === clock.ownerId) return 'keep';
  return newOwnerId ? 'rearm' : 'cancel';
}

export type BreachPlan = { reassign: boolean; notify: string[]; summary: string };

/**
 * What a breach sets off, per the rule set: routing the record again without the owner who let
 * the clock run out, and telling their manager (or the rule set's fallback owner when they have none).
 */
export function breachPlan(
  escalation: Escalation,
  timer: { kind: TimerKind; ownerName: string; minutes: number },
  managerId: string | null,
  fallbackOwnerId: string | null,
): BreachPlan {
  const notify = escalation.notifyManager ? [managerId ?? fallbackOwnerId].filter((id): id is string => Boolean(id)) : [];
  const what = timer.kind === 'first_touch' ? `no first touch within ${timer.minutes} minutes` : `hand-off not accepted within ${timer.minutes} minutes`;
  const actions = [escalation.reassign ? 'routed again without them' : null, notify.length ? 'manager notified' : escalation.notifyManager ? 'no manager to notify' : null].filter(Boolean);
  return { reassign: escalation.reassign, notify, summary: `SLA breached by ${timer.ownerName}: ${what}${actions.length ? `; ${actions.join(', ')}` : ''}` };
}

export type SlaCounts = Record<TimerStatus, number>;

/** The share of finished clocks that breached: what a speed-to-lead report shows. */
export function breachRate(counts: SlaCounts): number | null {
  const finished = counts.met + counts.breached;
  return finished === 0 ? null : Math.round((counts.breached / finished) * 1000) / 1000;
}
