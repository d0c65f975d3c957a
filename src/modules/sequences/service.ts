import { and, asc, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { contactSnapshots } from '../accounts/service.ts';
import { recentActivities } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { renderTemplate } from '../emails/model.ts';
import { deliverMany, onEmailEvent, prepareEmail, senderMerge, suppressionsOf, templatesById, transportFor, type EmailContext, type PreparedEmail } from '../emails/service.ts';
import { emails } from '../emails/schema.ts';
import { leadSnapshots, listLeads, type LeadFilter } from '../leads/service.ts';
import { completeTaskIn, createTasksIn, onTaskCompleted } from '../tasks/service.ts';
import { decideDueStep, EXIT_ACTIVITY_KINDS, prospectTimeZone, stepDueAt, stepProblems, type ExitReason, type SequenceStep } from './model.ts';
import { sequenceEnrollments, sequences, sequenceStepRuns } from './schema.ts';

type SequenceRow = typeof sequences.$inferSelect;
type EnrollmentRow = typeof sequenceEnrollments.$inferSelect;
export type EnrollSubjectType = 'lead' | 'contact';

export type SequenceView = { id: string; name: string; description: string; status: string; allowConcurrent: boolean; steps: SequenceStep[]; version: number; createdBy: string | null; createdAt: string; updatedAt: string };
const sequenceView = (row: SequenceRow): SequenceView => ({
  id: row.id, name: row.name, description: row.description, status: row.status, allowConcurrent: row.allowConcurrent, steps: row.steps,
  version: row.version, createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
});

export type SequenceInput = { name?: string | undefined; description?: string | undefined; status?: 'active' | 'paused' | 'archived' | undefined; allowConcurrent?: boolean | undefined; steps?: (Omit<SequenceStep, 'id'> & { id?: string | undefined })[] | undefined };

async function checkSteps(db: Db, actor: Actor, input: SequenceInput['steps']): Promise<SequenceStep[] | undefined> {
  if (!input) return undefined;
  const steps = input.map((step) => ({ ...step, id: step.id ?? newId() }));
  const problems = stepProblems(steps);
  const templateIds = [...new Set(steps.map((s) => s.templateId).filter((id): id is string => Boolean(id)))];
  const found = await templatesById(db, actor, templateIds);
  steps.forEach((step, i) => {
    if (step.templateId && !found.has(step.templateId)) problems.push({ field: `steps.${i}.templateId`, message: 'No such email template' });
  });
  if (problems.length) throw validationFailed(problems);
  return steps;
}

export async function createSequence(db: Db, actor: Actor, input: SequenceInput & { name: string; steps: NonNullable<SequenceInput['steps']> }): Promise<SequenceView> {
  assertCan(actor, 'sequences:manage');
  const steps = (await checkSteps(db, actor, input.steps))!;
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(sequences).values({
      orgId: actor.orgId, id: newId(), name: input.name, description: input.description ?? '', status: input.status ?? 'active',
      allowConcurrent: input.allowConcurrent ?? false, steps, createdBy: actor.userId,
    }).returning();
    await recordAudit(tx, actor, { entityType: 'sequence', entityId: row!.id, action: 'create', after: { name: row!.name, status: row!.status, steps } });
    return sequenceView(row!);
  });
}

async function sequenceRow(db: Db, actor: Actor, id: string, lock = false): Promise<SequenceRow> {
  const query = db.select().from(sequences).where(and(eq(sequences.orgId, actor.orgId), eq(sequences.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Sequence');
  return row;
}

export async function getSequence(db: Db, actor: Actor, id: string): Promise<SequenceView> {
  assertCan(actor, 'records:read');
  return sequenceView(await sequenceRow(db, actor, id));
}

export async function listSequences(db: Db, actor: Actor): Promise<(SequenceView & { active: number; enrolled: number })[]> {
  assertCan(actor, 'records:read');
  const rows = await db.select().from(sequences).where(eq(sequences.orgId, actor.orgId)).orderBy(asc(sequences.name), asc(sequences.id)).limit(1000);
  const counts = await db.select({ sequenceId: sequenceEnrollments.sequenceId, enrolled: sql<number>`count(*)::int`, active: sql<number>`(count(*) filter (where ${sequenceEnrollments.status} = 'active'))::int` })
    .from(sequenceEnrollments).where(eq(sequenceEnrollments.orgId, actor.orgId)).groupBy(sequenceEnrollments.sequenceId);
  const bySequence = new Map(counts.map((c) => [c.sequenceId, c]));
  return rows.map((row) => ({ ...sequenceView(row), enrolled: bySequence.get(row.id)?.enrolled ?? 0, active: bySequence.get(row.id)?.active ?? 0 }));
}

export async function updateSequence(db: Db, actor: Actor, id: string, changes: SequenceInput, expected: ExpectedVersion): Promise<SequenceView> {
  assertCan(actor, 'sequences:manage');
  const steps = await checkSteps(db, actor, changes.steps);
  return db.transaction(async (tx) => {
    const row = await sequenceRow(tx, actor, id, true);
    assertVersion(expected, row.version);
    const set = { ...Object.fromEntries(Object.entries(changes).filter(([k, v]) => v !== undefined && k !== 'steps')), ...(steps ? { steps } : {}) };
    const [updated] = await tx.update(sequences).set({ ...set, version: row.version + 1, updatedAt: new Date() }).where(and(eq(sequences.orgId, actor.orgId), eq(sequences.id, id))).returning();
    await recordAudit(tx, actor, { entityType: 'sequence', entityId: id, action: 'update', before: { name: row.name, status: row.status, allowConcurrent: row.allowConcurrent, steps: row.steps }, after: { name: updated!.name, status: updated!.status, allowConcurrent: updated!.allowConcurrent, steps: updated!.steps } });
    return sequenceView(updated!);
  });
}

// ---------------------------------------------------------------- enrollments

export type EnrollmentView = {
  id: string; sequenceId: string; subjectType: string; subjectId: string; timeZone: string; senderId: string; status: string; exitReason: string | null;
  stepIndex: number; nextDueAt: string | null; waitingStepId: string | null; enrolledBy: string | null; enrolledAt: string; endedAt: string | null;
};
const enrollmentView = (row: EnrollmentRow): EnrollmentView => ({
  id: row.id, sequenceId: row.sequenceId, subjectType: row.subjectType, subjectId: row.subjectId, timeZone: row.timeZone, senderId: row.senderId,
  status: row.status, exitReason: row.exitReason, stepIndex: row.stepIndex, nextDueAt: row.nextDueAt?.toISOString() ?? null, waitingStepId: row.waitingStepId,
  enrolledBy: row.enrolledBy, enrolledAt: row.enrolledAt.toISOString(), endedAt: row.endedAt?.toISOString() ?? null,
});

export type EnrollTarget = { subjectType: EnrollSubjectType; subjectId: string; timeZone?: string | undefined };
export type EnrollResult = { enrolled: EnrollmentView[]; skipped: { subjectType: string; subjectId: string; reason: string }[] };

type Prospect = { id: string; fields: Record<string, unknown>; account: Record<string, unknown>; address: string | null; timeZone: string | null; country: string | null; status: string | null; ownerId: string | null; deleted: boolean };

async function prospects(db: Db, actor: Actor, subjectType: EnrollSubjectType, ids: string[]): Promise<Map<string, Prospect>> {
  if (subjectType === 'lead') {
    const rows = await leadSnapshots(db, actor, ids);
    return new Map(rows.map((l) => [l.id, { id: l.id, fields: { ...l }, account: { name: l.company, website: l.website, industry: l.industry }, address: l.email, timeZone: l.timeZone, country: l.country, status: l.status, ownerId: l.ownerId, deleted: Boolean(l.deletedAt) }]));
  }
  const rows = await contactSnapshots(db, actor, ids);
  return new Map(rows.map((c) => [c.id, { id: c.id, fields: { ...c }, account: {}, address: c.email, timeZone: c.timeZone, country: null, status: null, ownerId: c.ownerId, deleted: Boolean(c.deletedAt) }]));
}

/**
 * Enrolls leads and contacts; those that cannot be are listed with why (no address for an email
 * sequence, suppressed, already active in a sequence that does not allow concurrency, gone).
 * Each prospect's first step is scheduled in their own time zone.
 */
export async function enroll(db: Db, actor: Actor, sequenceId: string, targets: EnrollTarget[], options: { senderId?: string | undefined; now?: Date } = {}): Promise<EnrollResult> {
  assertCan(actor, 'sequences:enroll');
  const now = options.now ?? new Date();
  const senderId = options.senderId ?? actor.userId;
  const sender = await senderMerge(db, actor, senderId);
  return db.transaction(async (tx) => {
    const sequence = await sequenceRow(tx, actor, sequenceId, true);
    if (sequence.status === 'archived') throw conflict('This sequence is archived: no one can be enrolled in it', 'sequence_archived');
    const result: EnrollResult = { enrolled: [], skipped: [] };
    const needsAddress = sequence.steps.some((s) => s.channel === 'auto_email' || s.channel === 'manual_email');
    for (const subjectType of ['lead', 'contact'] as const) {
      const group = [...new Map(targets.filter((t) => t.subjectType === subjectType).map((t) => [t.subjectId, t])).values()];
      if (group.length === 0) continue;
      const ids = group.map((t) => t.subjectId);
      // Serialise enrollments of the same prospects: the one-active-sequence rule is checked, then written.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${actor.orgId}:sequence-enroll`}))`);
      const found = await prospects(tx, actor, subjectType, ids);
      const active = await tx.select({ subjectId: sequenceEnrollments.subjectId, sequenceId: sequenceEnrollments.sequenceId, allowConcurrent: sequences.allowConcurrent })
        .from(sequenceEnrollments)
        .innerJoin(sequences, and(eq(sequences.orgId, sequenceEnrollments.orgId), eq(sequences.id, sequenceEnrollments.sequenceId)))
        .where(and(eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.subjectType, subjectType), inArray(sequenceEnrollments.subjectId, ids), eq(sequenceEnrollments.status, 'active')));
      const suppressed = await suppressionsOf(tx, actor.orgId, [...found.values()].map((p) => p.address ?? ''));
      const rows: (typeof sequenceEnrollments.$inferInsert)[] = [];
      for (const target of group) {
        const prospect = found.get(target.subjectId);
        const skip = (reason: string) => result.skipped.push({ subjectType, subjectId: target.subjectId, reason });
        if (!prospect || prospect.deleted) { skip('not_found'); continue; }
        const theirs = active.filter((a) => a.subjectId === target.subjectId);
        if (theirs.some((a) => a.sequenceId === sequenceId)) { skip('already_enrolled'); continue; }
        if (theirs.length > 0 && !(sequence.allowConcurrent && theirs.every((a) => a.allowConcurrent))) { skip('active_in_another_sequence'); continue; }
        if (needsAddress && !prospect.address) { skip('no_email_address'); continue; }
        if (prospect.address && suppressed.has(prospect.address.toLowerCase())) { skip(suppressed.get(prospect.address.toLowerCase())!); continue; }
        if (prospect.status && ['disqualified', 'converted'].includes(prospect.status)) { skip(`lead_${prospect.status}`); continue; }
        const timeZone = prospectTimeZone(target.timeZone ?? prospect.timeZone, prospect.country, sender.timeZone);
        const first = sequence.steps[0];
        rows.push({
          orgId: actor.orgId, id: newId(), sequenceId, subjectType, subjectId: target.subjectId, timeZone, senderId,
          status: first ? 'active' : 'finished', stepIndex: 0, nextDueAt: first ? stepDueAt(now, first.delayDays, { timeZone }) : null,
          enrolledBy: actor.userId, enrolledAt: now, endedAt: first ? null : now,
        });
      }
      for (let i = 0; i < rows.length; i += 500) {
        const inserted = await tx.insert(sequenceEnrollments).values(rows.slice(i, i + 500)).returning();
        result.enrolled.push(...inserted.map(enrollmentView));
      }
    }
    if (result.enrolled.length) {
      await recordAudit(tx, actor, { entityType: 'sequence', entityId: sequenceId, action: 'enroll', after: { enrolled: result.enrolled.length, subjects: result.enrolled.slice(0, 100).map((e) => `${e.subjectType}:${e.subjectId}`) } });
    }
    return result;
  });
}

/** Enrolls every lead a lead-list filter finds (at most `max`), as the leads page's bulk action does. */
export async function enrollLeadFilter(db: Db, actor: Actor, sequenceId: string, filter: Omit<LeadFilter, 'sort' | 'cursor' | 'limit'>, max = 5000): Promise<EnrollResult> {
  assertCan(actor, 'sequences:enroll');
  const targets: EnrollTarget[] = [];
  let cursor: string | undefined;
  do {
    const page = await listLeads(db, actor, { ...filter, sort: 'createdAt', cursor, limit: 500 });
    targets.push(...page.data.map((l) => ({ subjectType: 'lead' as const, subjectId: l.id })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && targets.length < max);
  return enroll(db, actor, sequenceId, targets.slice(0, max));
}

export async function listEnrollments(db: Db, actor: Actor, filter: { sequenceId?: string | undefined; subjectType?: string | undefined; subjectId?: string | undefined; status?: string | undefined; cursor?: string | undefined; limit: number }): Promise<{ data: (EnrollmentView & { name: string })[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(sequenceEnrollments.orgId, actor.orgId)];
  if (filter.sequenceId) conditions.push(eq(sequenceEnrollments.sequenceId, filter.sequenceId));
  if (filter.subjectType) conditions.push(eq(sequenceEnrollments.subjectType, filter.subjectType));
  if (filter.subjectId) conditions.push(eq(sequenceEnrollments.subjectId, filter.subjectId));
  if (filter.status) conditions.push(eq(sequenceEnrollments.status, filter.status));
  if (filter.cursor) conditions.push(sql`${sequenceEnrollments.id} < ${decodeCursor(filter.cursor).id}::uuid`);
  const rows = await db.select().from(sequenceEnrollments).where(and(...conditions)).orderBy(desc(sequenceEnrollments.id)).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  // Who each prospect is, so a list of enrollments reads as people, not ids.
  const names = new Map<string, string>();
  for (const subjectType of ['lead', 'contact'] as const) {
    const ids = [...new Set(page.filter((r) => r.subjectType === subjectType).map((r) => r.subjectId))];
    for (const p of (await prospects(db, actor, subjectType, ids)).values()) {
      const f = p.fields as { firstName?: string; lastName?: string; company?: string };
      names.set(p.id, [f.firstName, f.lastName].filter(Boolean).join(' ') || f.company || p.address || '');
    }
  }
  const data = page.map((row) => ({ ...enrollmentView(row), name: names.get(row.subjectId) ?? '' }));
  return { data, nextCursor: rows.length > filter.limit ? encodeCursor({ v: null, id: data.at(-1)!.id }) : null };
}

async function enrollmentRow(db: Db, actor: Actor, id: string): Promise<EnrollmentRow> {
  const [row] = await db.select().from(sequenceEnrollments).where(and(eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.id, id))).for('update');
  if (!row) throw notFound('Enrollment');
  return row;
}

/** Ends active enrollments of a prospect (a reply, an unsubscribe, a bounce, a manual stop). */
export async function exitEnrollmentsOf(tx: Db, actor: Actor, subjectType: string, subjectId: string, reason: ExitReason): Promise<number> {
  const ended = await tx.update(sequenceEnrollments).set({ status: 'exited', exitReason: reason, endedAt: new Date(), nextDueAt: null })
    .where(and(eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.subjectType, subjectType), eq(sequenceEnrollments.subjectId, subjectId), eq(sequenceEnrollments.status, 'active')))
    .returning({ id: sequenceEnrollments.id });
  return ended.length;
}

// Replies, unsubscribes and bounces end the prospect's sequences at once, in the same transaction.
onEmailEvent(async (tx, actor, event) => {
  if (!event.subjectType || !event.subjectId) return;
  const reason: ExitReason = event.kind === 'replied' ? 'replied' : event.kind === 'unsubscribed' ? 'unsubscribed' : 'bounced';
  await exitEnrollmentsOf(tx, actor, event.subjectType, event.subjectId, reason);
});

export async function stopEnrollment(db: Db, actor: Actor, id: string): Promise<EnrollmentView> {
  assertCan(actor, 'sequences:enroll');
  return db.transaction(async (tx) => {
    const row = await enrollmentRow(tx, actor, id);
    if (row.status !== 'active') throw conflict(`This enrollment has already ${row.status === 'finished' ? 'finished' : 'ended'}`, 'enrollment_ended');
    const [updated] = await tx.update(sequenceEnrollments).set({ status: 'exited', exitReason: 'manual', endedAt: new Date(), nextDueAt: null })
      .where(and(eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.id, id))).returning();
    await recordAudit(tx, actor, { entityType: 'sequence_enrollment', entityId: id, action: 'exit', after: { reason: 'manual' } });
    return enrollmentView(updated!);
  });
}

/** The rep did the manual step (the call, the email, the task): the sequence moves on. */
export async function completeWaitingStep(db: Db, actor: Actor, id: string, now = new Date()): Promise<EnrollmentView> {
  assertCan(actor, 'sequences:enroll');
  return db.transaction(async (tx) => {
    const row = await enrollmentRow(tx, actor, id);
    if (row.status !== 'active' || !row.waitingStepId) throw conflict('This enrollment is not waiting for a manual step', 'not_waiting');
    return advanceWaitingStep(tx, actor, row, now);
  });
}

// Completing the task a manual step made (from the task list, Today, or a call logged against it)
// is doing the step: the sequence moves on in the same transaction, so no step waits forever.
onTaskCompleted(async (tx, actor, taskId) => {
  const [run] = await tx.select({ enrollmentId: sequenceStepRuns.enrollmentId }).from(sequenceStepRuns)
    .where(and(eq(sequenceStepRuns.orgId, actor.orgId), eq(sequenceStepRuns.activityId, taskId), eq(sequenceStepRuns.outcome, 'task_open')));
  if (!run) return;
  const row = await enrollmentRow(tx, actor, run.enrollmentId);
  if (row.status !== 'active' || !row.waitingStepId) return;
  await advanceWaitingStep(tx, actor, row, new Date());
});

async function advanceWaitingStep(tx: Db, actor: Actor, row: EnrollmentRow, now: Date): Promise<EnrollmentView> {
  const sequence = await sequenceRow(tx, actor, row.sequenceId);
  const runOfStep = and(eq(sequenceStepRuns.orgId, actor.orgId), eq(sequenceStepRuns.enrollmentId, row.id), eq(sequenceStepRuns.stepIndex, row.stepIndex - 1));
  const [run] = await tx.select({ taskId: sequenceStepRuns.activityId, outcome: sequenceStepRuns.outcome }).from(sequenceStepRuns).where(runOfStep);
  await tx.update(sequenceStepRuns).set({ outcome: 'done' }).where(runOfStep);
  const next = sequence.steps[row.stepIndex];
  const [updated] = await tx.update(sequenceEnrollments).set({
    waitingStepId: null,
    ...(next ? { nextDueAt: stepDueAt(now, next.delayDays, { timeZone: row.timeZone }) } : { status: 'finished', endedAt: now, nextDueAt: null }),
  }).where(and(eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.id, row.id))).returning();
  await recordAudit(tx, actor, { entityType: 'sequence_enrollment', entityId: row.id, action: 'complete_step', after: { stepId: row.waitingStepId } });
  // "Done" on the step also closes its task (a no-op when the task's completion got us here).
  if (run?.outcome === 'task_open' && run.taskId) await completeTaskIn(tx, actor, run.taskId);
  return enrollmentView(updated!);
}

// ---------------------------------------------------------------- metrics

export type SequenceMetrics = {
  enrolled: number; active: number; finished: number; exited: Record<string, number>;
  sent: number; opened: number; clicked: number; replied: number; bounced: number; meetings: number;
  steps: { stepId: string; channel: string; sent: number; opened: number; replied: number; tasks: number; skipped: number; failed: number }[];
};

export async function sequenceMetrics(db: Db, actor: Actor, sequenceId: string): Promise<SequenceMetrics> {
  assertCan(actor, 'records:read');
  const sequence = await sequenceRow(db, actor, sequenceId);
  const statuses = await db.select({ status: sequenceEnrollments.status, exitReason: sequenceEnrollments.exitReason, n: sql<number>`count(*)::int` })
    .from(sequenceEnrollments).where(and(eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.sequenceId, sequenceId)))
    .groupBy(sequenceEnrollments.status, sequenceEnrollments.exitReason);
  const runs = await db.select({ stepId: sequenceStepRuns.stepId, outcome: sequenceStepRuns.outcome, n: sql<number>`count(*)::int` })
    .from(sequenceStepRuns).where(and(eq(sequenceStepRuns.orgId, actor.orgId), eq(sequenceStepRuns.sequenceId, sequenceId)))
    .groupBy(sequenceStepRuns.stepId, sequenceStepRuns.outcome);
  const mail = await db.select({
    stepId: emails.stepId,
    sent: sql<number>`(count(*) filter (where ${emails.status} = 'sent'))::int`,
    opened: sql<number>`(count(*) filter (where ${emails.firstOpenedAt} is not null))::int`,
    clicked: sql<number>`(count(*) filter (where ${emails.firstClickedAt} is not null))::int`,
    replied: sql<number>`(count(*) filter (where ${emails.repliedAt} is not null))::int`,
    bounced: sql<number>`(count(*) filter (where ${emails.status} = 'bounced'))::int`,
  }).from(emails)
    .innerJoin(sequenceEnrollments, and(eq(sequenceEnrollments.orgId, emails.orgId), eq(sequenceEnrollments.id, emails.enrollmentId)))
    .where(and(eq(emails.orgId, actor.orgId), eq(sequenceEnrollments.sequenceId, sequenceId), eq(emails.direction, 'outbound')))
    .groupBy(emails.stepId);
  const count = (f: (s: (typeof statuses)[number]) => boolean) => statuses.filter(f).reduce((sum, s) => sum + s.n, 0);
  const exited: Record<string, number> = {};
  for (const s of statuses) if (s.status === 'exited') exited[s.exitReason ?? 'unknown'] = (exited[s.exitReason ?? 'unknown'] ?? 0) + s.n;
  const mailOf = (stepId: string) => mail.find((m) => m.stepId === stepId);
  const runsOf = (stepId: string, outcomes: string[]) => runs.filter((r) => r.stepId === stepId && outcomes.includes(r.outcome)).reduce((sum, r) => sum + r.n, 0);
  const sum = (key: 'sent' | 'opened' | 'clicked' | 'replied' | 'bounced') => mail.reduce((total, m) => total + m[key], 0);
  return {
    enrolled: count(() => true), active: count((s) => s.status === 'active'), finished: count((s) => s.status === 'finished'), exited,
    sent: sum('sent'), opened: sum('opened'), clicked: sum('clicked'), replied: sum('replied'), bounced: sum('bounced'), meetings: exited.meeting_booked ?? 0,
    steps: sequence.steps.map((step) => ({
      stepId: step.id, channel: step.channel, sent: mailOf(step.id)?.sent ?? 0, opened: mailOf(step.id)?.opened ?? 0, replied: mailOf(step.id)?.replied ?? 0,
      tasks: runsOf(step.id, ['task_open', 'done']), skipped: runsOf(step.id, ['skipped']), failed: runsOf(step.id, ['failed']) + (mailOf(step.id)?.bounced ?? 0),
    })),
  };
}

// ---------------------------------------------------------------- the scheduler

export type TickResult = {
  claimed: number; emailsSent: number; emailsFailed: number; tasks: number; exited: number; finished: number;
  /** Wall time in the claiming transactions (decide, write runs, emails, tasks, advances) and in handing emails over (SMTP, then their outcomes). */
  claimMs: number; sendMs: number;
};

const TASK_TYPE = { manual_email: 'email', call: 'call', task: 'todo' } as const;
const STEP_TITLE = { manual_email: 'Email', call: 'Call', task: 'Task' } as const;

/**
 * One pass of the sequence scheduler over every org: due enrollments are claimed in batches
 * (FOR UPDATE SKIP LOCKED, so concurrent ticks and processes take disjoint rows), each step is
 * recorded in sequence_step_runs under a primary key (enrollment, step) — the exactly-once
 * guard — and the enrollment moves on, all in one transaction. Emails are handed to SMTP after
 * that commit, as `sending` rows: a crash between the two leaves them visible, never sent twice.
 */
export async function runSchedulerTick(db: Db, context: EmailContext, options: { now?: Date; batchSize?: number; maxBatches?: number } = {}): Promise<TickResult> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 1000;
  const total: TickResult = { claimed: 0, emailsSent: 0, emailsFailed: 0, tasks: 0, exited: 0, finished: 0, claimMs: 0, sendMs: 0 };
  // One pooled SMTP transport per org for the whole tick: its connections stay open across batches.
  const transports = new Map<string, Transporter | null>();
  try {
    for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch += 1) {
      const claimStarted = performance.now();
      const { claimed, outgoing } = await db.transaction((tx) => claimAndRun(tx, context, now, batchSize, total));
      total.claimed += claimed;
      const sendStarted = performance.now();
      total.claimMs += sendStarted - claimStarted;
      await sendOutgoing(db, context, transports, outgoing, total);
      total.sendMs += performance.now() - sendStarted;
      if (claimed < batchSize) break;
      // PGlite is one connection: let waiting requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    for (const transport of transports.values()) transport?.close();
  }
  return total;
}

type Outgoing = { orgId: string; actor: Actor; prepared: PreparedEmail };

async function claimAndRun(tx: Db, context: EmailContext, now: Date, batchSize: number, total: TickResult): Promise<{ claimed: number; outgoing: Outgoing[] }> {
  const due = await tx.select().from(sequenceEnrollments)
    .where(and(
      eq(sequenceEnrollments.status, 'active'),
      sql`${sequenceEnrollments.nextDueAt} <= ${now.toISOString()}::timestamptz`,
      sql`exists (select 1 from ${sequences} s where s.org_id = ${sequenceEnrollments.orgId} and s.id = ${sequenceEnrollments.sequenceId} and s.status = 'active')`,
    ))
    .orderBy(asc(sequenceEnrollments.nextDueAt))
    .limit(batchSize)
    .for('update', { skipLocked: true });
  const outgoing: Outgoing[] = [];
  const byOrg = new Map<string, EnrollmentRow[]>();
  for (const row of due) byOrg.set(row.orgId, [...(byOrg.get(row.orgId) ?? []), row]);
  for (const [orgId, rows] of byOrg) outgoing.push(...(await runOrgBatch(tx, context, orgId, rows, now, total)));
  return { claimed: due.length, outgoing };
}

async function runOrgBatch(tx: Db, context: EmailContext, orgId: string, rows: EnrollmentRow[], now: Date, total: TickResult): Promise<Outgoing[]> {
  const orgActor: Actor = { orgId, userId: '', role: 'admin', via: 'system' };
  const sequenceIds = [...new Set(rows.map((r) => r.sequenceId))];
  const sequenceRows = await tx.select().from(sequences).where(and(eq(sequences.orgId, orgId), inArray(sequences.id, sequenceIds)));
  const sequenceById = new Map(sequenceRows.map((s) => [s.id, s]));
  const prospectsOf = new Map<string, Prospect>();
  const kindsOf = new Map<string, Set<string>>();
  for (const subjectType of ['lead', 'contact'] as const) {
    const group = rows.filter((r) => r.subjectType === subjectType);
    if (group.length === 0) continue;
    const ids = [...new Set(group.map((r) => r.subjectId))];
    for (const [id, p] of await prospects(tx, orgActor, subjectType, ids)) prospectsOf.set(`${subjectType}:${id}`, p);
    const since = new Date(Math.min(...group.map((r) => r.enrolledAt.getTime())));
    for (const moment of await recentActivities(tx, orgActor, subjectType, ids, Object.keys(EXIT_ACTIVITY_KINDS), since, 1)) {
      for (const row of group.filter((r) => r.subjectId === moment.subjectId && moment.occurredAt >= r.enrolledAt)) {
        const key = row.id;
        kindsOf.set(key, (kindsOf.get(key) ?? new Set()).add(moment.kind));
      }
    }
  }
  const suppressed = await suppressionsOf(tx, orgId, [...prospectsOf.values()].map((p) => p.address ?? ''));
  const templateIds = sequenceRows.flatMap((s) => s.steps.map((st) => st.templateId)).filter((id): id is string => Boolean(id));
  const templates = await templatesById(tx, orgActor, [...new Set(templateIds)]);
  const senders = new Map<string, Awaited<ReturnType<typeof senderMerge>>>();
  const transport = await transportFor(tx, context, orgId);
  transport?.transport.close();
  const settings = transport?.settings;

  const runs: (typeof sequenceStepRuns.$inferInsert)[] = [];
  const updates: { id: string; status: string; exitReason: string | null; stepIndex: number; nextDueAt: Date | null; waitingStepId: string | null; endedAt: Date | null }[] = [];
  const outgoing: Outgoing[] = [];
  const newTasks: { enrollmentId: string; task: Parameters<typeof createTasksIn>[2][number] & { ownerId: string } }[] = [];
  for (const row of rows) {
    const sequence = sequenceById.get(row.sequenceId)!;
    const prospect = prospectsOf.get(`${row.subjectType}:${row.subjectId}`);
    const address = prospect?.address ?? null;
    const decision = prospect && !prospect.deleted
      ? decideDueStep({ stepIndex: row.stepIndex, steps: sequence.steps, sequenceStatus: sequence.status, address, suppressed: address ? (suppressed.get(address.toLowerCase()) ?? null) : null, leadStatus: prospect.status, activityKinds: [...(kindsOf.get(row.id) ?? [])] })
      : ({ action: 'exit', reason: 'status_changed' } as const);
    if (decision.action === 'wait') continue;
    if (decision.action === 'exit') {
      updates.push({ id: row.id, status: 'exited', exitReason: decision.reason, stepIndex: row.stepIndex, nextDueAt: null, waitingStepId: null, endedAt: now });
      total.exited += 1;
      continue;
    }
    if (decision.action === 'finish') {
      updates.push({ id: row.id, status: 'finished', exitReason: null, stepIndex: row.stepIndex, nextDueAt: null, waitingStepId: null, endedAt: now });
      total.finished += 1;
      continue;
    }
    const step = decision.step;
    const actor: Actor = { orgId, userId: row.senderId, role: 'admin', via: 'system' };
    let sender = senders.get(row.senderId);
    if (!sender) {
      sender = await senderMerge(tx, orgActor, row.senderId);
      senders.set(row.senderId, sender);
    }
    const run: typeof sequenceStepRuns.$inferInsert = { orgId, enrollmentId: row.id, stepIndex: row.stepIndex, sequenceId: row.sequenceId, stepId: step.id, outcome: 'sent', ranAt: now };
    const next = sequence.steps[row.stepIndex + 1];
    let waiting: string | null = null;
    if (step.channel === 'auto_email') {
      const template = step.templateId ? templates.get(step.templateId) : undefined;
      if (!settings || !transport) {
        run.outcome = 'failed';
        run.detail = 'No SMTP server is set up';
      } else {
        const merge = row.subjectType === 'lead' ? { lead: prospect!.fields, account: prospect!.account } : { contact: prospect!.fields, lead: prospect!.fields, account: prospect!.account };
        const rendered = renderTemplate({ subject: step.subject || template?.subject || '', body: step.body || template?.body || '' }, { ...merge, sender: { name: sender.name, email: sender.email } }, sender.signature);
        const prepared = prepareEmail(context, settings, {
          orgId, subjectType: row.subjectType, subjectId: row.subjectId, to: address!, sender: { id: row.senderId, name: sender.name, email: sender.email },
          rendered, marketing: true, templateId: template?.id ?? null, enrollmentId: row.id, stepId: step.id,
        });
        run.emailId = prepared.row.id;
        outgoing.push({ orgId, actor, prepared });
      }
    } else {
      const channel = step.channel;
      const task = {
        id: newId(), title: `${STEP_TITLE[channel]}: ${sequence.name} step ${row.stepIndex + 1}`,
        notes: step.note ?? step.subject ?? '', type: TASK_TYPE[channel], ownerId: row.senderId, subjectType: row.subjectType as EnrollSubjectType, subjectId: row.subjectId,
        dueAt: now.toISOString(),
      };
      newTasks.push({ enrollmentId: row.id, task });
      run.outcome = 'task_open';
      run.activityId = task.id;
      waiting = step.id;
    }
    runs.push(run);
    updates.push(
      waiting
        ? { id: row.id, status: 'active', exitReason: null, stepIndex: row.stepIndex + 1, nextDueAt: null, waitingStepId: waiting, endedAt: null }
        : next
          ? { id: row.id, status: 'active', exitReason: null, stepIndex: row.stepIndex + 1, nextDueAt: stepDueAt(now, next.delayDays, { timeZone: row.timeZone }), waitingStepId: null, endedAt: null }
          : { id: row.id, status: 'finished', exitReason: null, stepIndex: row.stepIndex + 1, nextDueAt: null, waitingStepId: null, endedAt: now },
    );
    if (!waiting && !next) total.finished += 1;
  }
  // The exactly-once guard: a step already recorded for an enrollment is not run again.
  const claimedRuns = runs.length ? await tx.insert(sequenceStepRuns).values(runs).onConflictDoNothing().returning({ enrollmentId: sequenceStepRuns.enrollmentId }) : [];
  const claimedIds = new Set(claimedRuns.map((r) => r.enrollmentId));
  const mine = outgoing.filter((o) => claimedIds.has(o.prepared.row.enrollmentId!));
  if (mine.length) await tx.insert(emails).values(mine.map((o) => o.prepared.row));
  // Tasks only for steps this transaction claimed, one bulk insert per sender (their tasks, in their name).
  const tasksBySender = new Map<string, (typeof newTasks)[number]['task'][]>();
  for (const { enrollmentId, task } of newTasks) {
    if (!claimedIds.has(enrollmentId)) continue;
    const list = tasksBySender.get(task.ownerId) ?? [];
    list.push(task);
    tasksBySender.set(task.ownerId, list);
  }
  for (const [senderId, list] of tasksBySender) {
    total.tasks += (await createTasksIn(tx, { orgId, userId: senderId, role: 'admin', via: 'system' }, list)).length;
  }
  const stepped = new Set(runs.map((r) => r.enrollmentId));
  const applied = updates.filter((u) => !stepped.has(u.id) || claimedIds.has(u.id));
  if (applied.length) {
    const values = sql.join(applied.map((u) => sql`(${u.id}::uuid, ${u.status}, ${u.exitReason}, ${u.stepIndex}::int, ${u.nextDueAt?.toISOString() ?? null}::timestamptz, ${u.waitingStepId}, ${u.endedAt?.toISOString() ?? null}::timestamptz)`), sql`, `);
    await tx.execute(sql`update sequence_enrollments e set status = v.status, exit_reason = v.exit_reason, step_index = v.step_index, next_due_at = v.next_due_at, waiting_step_id = v.waiting_step_id, ended_at = v.ended_at
      from (values ${values}) as v(id, status, exit_reason, step_index, next_due_at, waiting_step_id, ended_at) where e.org_id = ${orgId}::uuid and e.id = v.id`);
  }
  return mine;
}

/**
 * Hands a batch's emails to SMTP over the org's pooled transport (several connections, a bounded
 * number in flight), then writes the batch's outcomes and timeline activities in one transaction.
 */
async function sendOutgoing(db: Db, context: EmailContext, transports: Map<string, Transporter | null>, outgoing: Outgoing[], total: TickResult): Promise<void> {
  const byOrg = new Map<string, Outgoing[]>();
  for (const o of outgoing) {
    const list = byOrg.get(o.orgId) ?? [];
    list.push(o);
    byOrg.set(o.orgId, list);
  }
  for (const [orgId, list] of byOrg) {
    if (!transports.has(orgId)) transports.set(orgId, (await transportFor(db, context, orgId, true))?.transport ?? null);
    const pooled = transports.get(orgId);
    if (!pooled) continue;
    const orgActor: Actor = { orgId, userId: '', role: 'admin', via: 'system' };
    for (const r of await deliverMany(db, orgActor, pooled, list)) {
      if (r.status === 'sent') total.emailsSent += 1;
      else total.emailsFailed += 1;
    }
  }
}

/** Emails a crash left as `sending` (claimed, maybe handed to SMTP): marked failed so they show, never resent. */
export async function failInterruptedSends(db: Db, olderThan: Date): Promise<number> {
  const rows = await db.update(emails).set({ status: 'failed', error: 'Interrupted before the mail server confirmed it; not resent, to never send twice' })
    .where(and(eq(emails.status, 'sending'), sql`${emails.createdAt} < ${olderThan.toISOString()}::timestamptz`)).returning({ id: emails.id });
  return rows.length;
}

// ---------------------------------------------------------------- manual steps due

export type DueStep = {
  enrollmentId: string;
  sequenceId: string;
  sequenceName: string;
  /** 1-based, as the sequence page numbers steps. */
  stepNumber: number;
  stepId: string;
  channel: 'manual_email' | 'call' | 'task';
  /** What the step says to do: its email subject or its note. */
  instruction: string;
  subjectType: EnrollSubjectType;
  subjectId: string;
  name: string;
  /** The task the step opened for the rep, if it still has one. */
  taskId: string | null;
  dueSince: string;
};

/**
 * Manual steps (manual email, call, task) waiting for a rep: the enrollment is active and stopped
 * at a step only a person can do. Oldest first. Filter by the rep who sends, a sequence, a channel.
 */
export async function dueManualSteps(
  db: Db,
  actor: Actor,
  filter: { senderId?: string | undefined; sequenceId?: string | undefined; channel?: DueStep['channel'] | undefined; limit: number },
): Promise<DueStep[]> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(sequenceEnrollments.orgId, actor.orgId), eq(sequenceEnrollments.status, 'active'), sql`${sequenceEnrollments.waitingStepId} is not null`];
  if (filter.senderId) conditions.push(eq(sequenceEnrollments.senderId, filter.senderId));
  if (filter.sequenceId) conditions.push(eq(sequenceEnrollments.sequenceId, filter.sequenceId));
  const rows = await db
    .select({ enrollment: sequenceEnrollments, run: sequenceStepRuns })
    .from(sequenceEnrollments)
    .leftJoin(
      sequenceStepRuns,
      and(eq(sequenceStepRuns.orgId, sequenceEnrollments.orgId), eq(sequenceStepRuns.enrollmentId, sequenceEnrollments.id), eq(sequenceStepRuns.stepIndex, sql`${sequenceEnrollments.stepIndex} - 1`)),
    )
    .where(and(...conditions))
    .orderBy(asc(sql`coalesce(${sequenceStepRuns.ranAt}, ${sequenceEnrollments.enrolledAt})`), asc(sequenceEnrollments.id))
    .limit(filter.channel ? filter.limit * 4 : filter.limit);
  const byId = await sequenceViewsById(db, actor, rows.map((r) => r.enrollment.sequenceId));
  const steps: Omit<DueStep, 'name'>[] = [];
  for (const { enrollment, run } of rows) {
    const sequence = byId.get(enrollment.sequenceId);
    const index = sequence?.steps.findIndex((s) => s.id === enrollment.waitingStepId) ?? -1;
    const step = index >= 0 ? sequence!.steps[index]! : null;
    if (!sequence || !step || step.channel === 'auto_email') continue;
    if (filter.channel && step.channel !== filter.channel) continue;
    steps.push({
      enrollmentId: enrollment.id,
      sequenceId: sequence.id,
      sequenceName: sequence.name,
      stepNumber: index + 1,
      stepId: step.id,
      channel: step.channel,
      instruction: step.subject || step.note || '',
      subjectType: enrollment.subjectType as EnrollSubjectType,
      subjectId: enrollment.subjectId,
      taskId: run?.activityId ?? null,
      dueSince: (run?.ranAt ?? enrollment.enrolledAt).toISOString(),
    });
  }
  return withProspectNames(db, actor, steps.slice(0, filter.limit));
}

/** The sequences the enrollments belong to, by id, in one query. */
async function sequenceViewsById(db: Db, actor: Actor, ids: string[]): Promise<Map<string, ReturnType<typeof sequenceView>>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db.select().from(sequences).where(and(eq(sequences.orgId, actor.orgId), inArray(sequences.id, unique))) : [];
  return new Map(rows.map((s) => [s.id, sequenceView(s)]));
}

async function withProspectNames<S extends { subjectType: EnrollSubjectType; subjectId: string }>(db: Db, actor: Actor, steps: S[]): Promise<(S & { name: string })[]> {
  const names = new Map<string, string>();
  for (const subjectType of ['lead', 'contact'] as const) {
    const ids = [...new Set(steps.filter((s) => s.subjectType === subjectType).map((s) => s.subjectId))];
    for (const p of (await prospects(db, actor, subjectType, ids)).values()) {
      const f = p.fields as { firstName?: string; lastName?: string; company?: string };
      names.set(p.id, [f.firstName, f.lastName].filter(Boolean).join(' ') || f.company || p.address || '');
    }
  }
  return steps.map((s) => ({ ...s, name: names.get(s.subjectId) ?? '' }));
}

export type UpcomingStep = Omit<DueStep, 'taskId' | 'dueSince'> & { dueAt: string };

/**
 * Manual steps a rep's sequences reach after `from` and by `until` (the rest of their day): not
 * waiting yet, so the rep can plan the calls and emails still to come. Earliest first.
 */
export async function upcomingManualSteps(db: Db, actor: Actor, filter: { senderId: string; from: Date; until: Date; limit: number }): Promise<UpcomingStep[]> {
  assertCan(actor, 'records:read');
  const rows = await db
    .select()
    .from(sequenceEnrollments)
    .where(
      and(
        eq(sequenceEnrollments.orgId, actor.orgId),
        eq(sequenceEnrollments.senderId, filter.senderId),
        eq(sequenceEnrollments.status, 'active'),
        gt(sequenceEnrollments.nextDueAt, filter.from),
        lte(sequenceEnrollments.nextDueAt, filter.until),
      ),
    )
    .orderBy(asc(sequenceEnrollments.nextDueAt), asc(sequenceEnrollments.id))
    .limit(filter.limit * 4);
  const byId = await sequenceViewsById(db, actor, rows.map((r) => r.sequenceId));
  const steps: Omit<UpcomingStep, 'name'>[] = [];
  for (const enrollment of rows) {
    const sequence = byId.get(enrollment.sequenceId);
    const step = sequence?.steps[enrollment.stepIndex];
    if (!sequence || !step || step.channel === 'auto_email') continue;
    steps.push({
      enrollmentId: enrollment.id,
      sequenceId: sequence.id,
      sequenceName: sequence.name,
      stepNumber: enrollment.stepIndex + 1,
      stepId: step.id,
      channel: step.channel,
      instruction: step.subject || step.note || '',
      subjectType: enrollment.subjectType as EnrollSubjectType,
      subjectId: enrollment.subjectId,
      dueAt: enrollment.nextDueAt!.toISOString(),
    });
  }
  return withProspectNames(db, actor, steps.slice(0, filter.limit));
}
