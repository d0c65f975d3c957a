// Speed-to-lead and hand-off clocks: started with an assignment, stopped by a first touch (or an
// acceptance), breached by a durable job due at the deadline. The sla_timers row is the truth; a
// job only acts on a clock still running, so a job run twice, late or after a restart breaches once.
import { and, asc, count, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { queueInTransaction } from './runtime.ts';
import { slaTimers } from './schema.ts';
import { breachRate, slaDueAt, touchOutcome, type SlaCounts, type TimerKind, type TimerStatus } from './sla.model.ts';
import type { StoredRuleSet } from './store.ts';

export const SLA_QUEUE = 'lead-sla';

export type ClockView = {
  id: string;
  kind: TimerKind;
  subjectType: string;
  subjectId: string;
  ownerId: string;
  minutes: number;
  startedAt: string;
  dueAt: string;
  status: TimerStatus;
  stoppedAt: string | null;
  outcome: string | null;
};

type TimerRow = typeof slaTimers.$inferSelect;

export const toClockView = (row: TimerRow): ClockView => ({
  id: row.id,
  kind: row.kind as TimerKind,
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  ownerId: row.ownerId,
  minutes: row.minutes,
  startedAt: row.startedAt.toISOString(),
  dueAt: row.dueAt.toISOString(),
  status: row.status as TimerStatus,
  stoppedAt: row.stoppedAt?.toISOString() ?? null,
  outcome: row.outcome,
});

export type ClockStart = {
  kind: TimerKind;
  subjectType: 'lead' | 'handoff';
  subjectId: string;
  ownerId: string;
  ruleSet: Pick<StoredRuleSet, 'id' | 'businessHours'>;
  minutes: number;
  decisionId: string | null;
  now: Date;
};

/**
 * Starts a clock in the caller's transaction and queues its breach job there too, due at the
 * deadline (business minutes in the rule set's calendar). Without a jobs runtime the clock waits
 * for the sweeper to queue it.
 */
export async function startClock(tx: Db, actor: Actor, start: ClockStart): Promise<ClockView> {
  const id = newId();
  const dueAt = slaDueAt(start.now, start.minutes, start.ruleSet.businessHours);
  const queued = await queueInTransaction(tx, SLA_QUEUE, { orgId: actor.orgId, timerId: id }, { startAfter: dueAt, singletonKey: `sla-${id}` });
  const [row] = await tx
    .insert(slaTimers)
    .values({
      orgId: actor.orgId,
      id,
      kind: start.kind,
      subjectType: start.subjectType,
      subjectId: start.subjectId,
      ownerId: start.ownerId,
      ruleSetId: start.ruleSet.id,
      decisionId: start.decisionId,
      minutes: start.minutes,
      startedAt: start.now,
      dueAt,
      jobQueuedAt: queued ? start.now : null,
    })
    .returning();
  return toClockView(row!);
}

/** Stops every running clock of a record that no longer applies (the record moved on, was accepted elsewhere). */
export async function cancelClocks(tx: Db, actor: Actor, subjectId: string, outcome: string, kind?: TimerKind): Promise<number> {
  const conditions: SQL[] = [eq(slaTimers.orgId, actor.orgId), eq(slaTimers.subjectId, subjectId), eq(slaTimers.status, 'running')];
  if (kind) conditions.push(eq(slaTimers.kind, kind));
  const rows = await tx.update(slaTimers).set({ status: 'cancelled', stoppedAt: new Date(), outcome }).where(and(...conditions)).returning({ id: slaTimers.id });
  return rows.length;
}

/**
 * Stops a clock by the event it waits for: a first touch on a lead, an accepted hand-off. In time
 * it is met; late it counts as a breach (the escalation may not have run yet, but the lead waited).
 */
export async function stopClocks(tx: Db, actor: Actor, kind: TimerKind, subjectId: string, at: Date, what: string): Promise<'met' | 'breached' | null> {
  const running = await tx
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orgId, actor.orgId), eq(slaTimers.subjectId, subjectId), eq(slaTimers.kind, kind), eq(slaTimers.status, 'running')))
    .for('update');
  let result: 'met' | 'breached' | null = null;
  for (const timer of running) {
    const outcome = touchOutcome({ status: 'running', dueAt: timer.dueAt }, at);
    if (!outcome) continue;
    const minutes = Math.max(0, Math.round((at.getTime() - timer.startedAt.getTime()) / 60_000));
    await tx
      .update(slaTimers)
      .set({ status: outcome, stoppedAt: at, outcome: `${what} after ${minutes} min${outcome === 'breached' ? ', too late' : ''}` })
      .where(and(eq(slaTimers.orgId, actor.orgId), eq(slaTimers.id, timer.id), eq(slaTimers.status, 'running')));
    result = outcome;
  }
  return result;
}

/** The running clocks of one kind on some records, locked for the caller's change. */
export async function runningClocks(tx: Db, actor: Actor, kind: TimerKind, subjectIds: string[]): Promise<TimerRow[]> {
  if (subjectIds.length === 0) return [];
  return tx
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orgId, actor.orgId), eq(slaTimers.kind, kind), eq(slaTimers.status, 'running'), inArray(slaTimers.subjectId, subjectIds)))
    .orderBy(asc(slaTimers.dueAt))
    .for('update');
}

/** The running clock of a record, locked: the breach job's view of it. */
export async function lockClock(tx: Db, orgId: string, timerId: string): Promise<TimerRow | null> {
  const [row] = await tx.select().from(slaTimers).where(and(eq(slaTimers.orgId, orgId), eq(slaTimers.id, timerId))).for('update');
  return row ?? null;
}

export async function markBreached(tx: Db, timer: TimerRow, at: Date, outcome: string): Promise<void> {
  await tx.update(slaTimers).set({ status: 'breached', stoppedAt: at, outcome }).where(and(eq(slaTimers.orgId, timer.orgId), eq(slaTimers.id, timer.id)));
}

/** Re-queues a clock's job, in the caller's transaction (a job that woke too early, or a clock the sweeper found unqueued). */
export async function requeueClock(tx: Db, timer: Pick<TimerRow, 'orgId' | 'id' | 'dueAt'>, now: Date): Promise<boolean> {
  const queued = await queueInTransaction(tx, SLA_QUEUE, { orgId: timer.orgId, timerId: timer.id }, { startAfter: timer.dueAt, singletonKey: `sla-${timer.id}` });
  if (queued) await tx.update(slaTimers).set({ jobQueuedAt: now }).where(and(eq(slaTimers.orgId, timer.orgId), eq(slaTimers.id, timer.id)));
  return queued;
}

/** Running clocks no job was queued for (started where no worker ran), oldest deadline first, any org. */
export async function unqueuedClocks(db: Db, limit: number): Promise<Pick<TimerRow, 'orgId' | 'id' | 'dueAt'>[]> {
  return db
    .select({ orgId: slaTimers.orgId, id: slaTimers.id, dueAt: slaTimers.dueAt })
    .from(slaTimers)
    .where(and(eq(slaTimers.status, 'running'), isNull(slaTimers.jobQueuedAt)))
    .orderBy(asc(slaTimers.dueAt))
    .limit(limit);
}

/** Running clocks well past their deadline: their job failed or was lost, so the sweeper acts itself. */
export async function overdueClocks(db: Db, before: Date, limit: number): Promise<Pick<TimerRow, 'orgId' | 'id'>[]> {
  return db
    .select({ orgId: slaTimers.orgId, id: slaTimers.id })
    .from(slaTimers)
    .where(and(eq(slaTimers.status, 'running'), lt(slaTimers.dueAt, before)))
    .orderBy(asc(slaTimers.dueAt))
    .limit(limit);
}

/** A record's clocks, newest first: shown on the lead and the hand-off. */
export async function clocksOf(db: Db, actor: Actor, subjectId: string): Promise<ClockView[]> {
  assertCan(actor, 'records:read');
  const rows = await db
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orgId, actor.orgId), eq(slaTimers.subjectId, subjectId)))
    .orderBy(sql`${slaTimers.startedAt} desc`);
  return rows.map(toClockView);
}

export type SlaReport = {
  counts: SlaCounts;
  breachRate: number | null;
  byOwner: { ownerId: string; counts: SlaCounts; breachRate: number | null }[];
};

const noCounts = (): SlaCounts => ({ running: 0, met: 0, breached: 0, cancelled: 0 });

/** Speed-to-lead metrics: clocks started in the period by outcome, overall and per owner. */
export async function slaReport(
  db: Db,
  actor: Actor,
  filter: { from?: Date | undefined; to?: Date | undefined; kind?: TimerKind | undefined; ownerId?: string | undefined },
): Promise<SlaReport> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(slaTimers.orgId, actor.orgId)];
  if (filter.from) conditions.push(gte(slaTimers.startedAt, filter.from));
  if (filter.to) conditions.push(lte(slaTimers.startedAt, filter.to));
  if (filter.kind) conditions.push(eq(slaTimers.kind, filter.kind));
  if (filter.ownerId) conditions.push(eq(slaTimers.ownerId, filter.ownerId));
  const rows = await db
    .select({ ownerId: slaTimers.ownerId, status: slaTimers.status, n: count() })
    .from(slaTimers)
    .where(and(...conditions))
    .groupBy(slaTimers.ownerId, slaTimers.status);
  const total = noCounts();
  const perOwner = new Map<string, SlaCounts>();
  for (const row of rows) {
    const status = row.status as TimerStatus;
    total[status] += row.n;
    const owner = perOwner.get(row.ownerId) ?? noCounts();
    owner[status] += row.n;
    perOwner.set(row.ownerId, owner);
  }
  return {
    counts: total,
    breachRate: breachRate(total),
    byOwner: [...perOwner].map(([ownerId, counts]) => ({ ownerId, counts, breachRate: breachRate(counts) })).sort((a, b) => b.counts.breached - a.counts.breached),
  };
}
