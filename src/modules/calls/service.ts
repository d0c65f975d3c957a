import { and, asc, eq, ne } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { AppError, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { activityByExternalCallId } from '../activities/call-log.ts';
import type { SubjectType, TimelineItem } from '../activities/model.ts';
import { logActivity } from '../activities/service.ts';
import { subjectBrief, type SubjectBrief } from '../activities/subjects.ts';
import { contactMatchCandidates } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { leadMatchCandidates } from '../leads/service.ts';
import { isTimeZone, weeklyHoursProblems, type WeeklyHours } from '../routing/hours.model.ts';
import { completeTaskIn, createTaskIn, type TaskView } from '../tasks/service.ts';
import { callKind, callSummary, DEFAULT_CALLING_HOURS, OUTCOME_LABELS, phoneTailOf, pickByPhone, type CallDirection, type CallOutcome, type PhoneMatch } from './model.ts';
import { callScripts, callSettings } from './schema.ts';

// ---------------------------------------------------------------------------------------------
// Logging a call

export type NextStep = { title?: string | undefined; dueAt: string; remindAt?: string | undefined; type?: 'call' | 'todo' | 'email' | undefined };

export type CallInput = {
  /** The record; a phone system that knows only the number leaves it out and sends `phone`. */
  subjectType?: SubjectType | undefined;
  subjectId?: string | undefined;
  outcome: CallOutcome;
  direction?: CallDirection | undefined;
  durationSeconds?: number | undefined;
  notes?: string | undefined;
  occurredAt?: string | undefined;
  phone?: string | undefined;
  recordingUrl?: string | undefined;
  externalCallId?: string | undefined;
  /** The call task this call works off (from the queue): completed with the call. */
  taskId?: string | undefined;
  nextStep?: NextStep | undefined;
};

export type LoggedCall = { call: TimelineItem; task: TaskView | null; created: boolean };

/** Refused: an outbound call to someone on the do-not-call list. */
export const doNotCallRefused = (brief: SubjectBrief) =>
  new AppError(422, 'do_not_call', `${brief.name} is on the do-not-call list: outbound calls to them are not logged. Clear the flag on the record first if they asked to be called.`);

const numberRefused = (phone: string) =>
  new AppError(422, 'do_not_call', `${phone} belongs to someone on the do-not-call list: outbound calls to it are not logged.`);

/** Live leads and contacts with the same number (by its last 7 digits). */
async function recordsWithNumber(db: Db, actor: Actor, phone: string): Promise<PhoneMatch[]> {
  const tail = phoneTailOf(phone);
  if (!tail) return [];
  const probe = { email: null, phoneTail: tail, firstName: null, lastName: null };
  const [people, contacts] = await Promise.all([leadMatchCandidates(db, actor, probe), contactMatchCandidates(db, actor, probe)]);
  const same = (p: string | null) => p !== null && phoneTailOf(p) === tail;
  return [
    ...people.filter((l) => same(l.phone)).map((l) => ({ type: 'lead' as const, id: l.id, ownerId: l.ownerId, updatedAt: l.updatedAt, doNotCall: l.doNotCall })),
    ...contacts.filter((c) => same(c.phone)).map((c) => ({ type: 'contact' as const, id: c.id, ownerId: c.ownerId, updatedAt: c.updatedAt, doNotCall: c.doNotCall })),
  ];
}

/**
 * Logs a call on a record's timeline, as one change: the activity (kind `call_connected` for a
 * conversation, `call` otherwise — the kinds scoring and the first-touch clock react to), the call
 * task it completes, and the next step as a new task. A phone system posting the same
 * `externalCallId` again gets the first call back (`created: false`) and nothing changes.
 *
 * Do-not-call: an outbound call to a lead or contact flagged do-not-call is refused with 422, so
 * that nobody (rep, queue or integration) can record having called them; inbound calls (they
 * called us) are logged as usual.
 */
export async function logCall(db: Db, actor: Actor, input: CallInput): Promise<LoggedCall> {
  assertCan(actor, 'records:write');
  if (input.externalCallId) {
    const existing = await activityByExternalCallId(db, actor, input.externalCallId);
    if (existing) return { call: existing, task: null, created: false };
  }
  const direction = input.direction ?? 'outbound';
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
  if (occurredAt.getTime() > Date.now() + 5 * 60_000) throw validationFailed([{ field: 'occurredAt', message: 'A call cannot be logged in the future' }]);
  try {
    return await db.transaction(async (tx) => {
      let subjectType = input.subjectType;
      let subjectId = input.subjectId;
      const byNumber = input.phone ? await recordsWithNumber(tx, actor, input.phone) : [];
      if (!subjectType || !subjectId) {
        const match = input.phone ? pickByPhone(byNumber, actor.userId) : null;
        if (!match) throw new AppError(404, 'not_found', `No lead or contact has the number ${input.phone ?? ''}: send subjectType and subjectId`);
        subjectType = match.type;
        subjectId = match.id;
      }
      const brief = await subjectBrief(tx, actor, subjectType, subjectId);
      if (direction === 'outbound' && brief.doNotCall) throw doNotCallRefused(brief);
      // The number itself is on the list when anyone who has it asked not to be called.
      const dialled = input.phone ?? brief.phone;
      if (direction === 'outbound' && dialled) {
        const holders = input.phone ? byNumber : await recordsWithNumber(tx, actor, dialled);
        if (holders.some((m) => m.doNotCall)) throw numberRefused(dialled);
      }
      const durationSeconds = input.durationSeconds ?? 0;
      const details: Record<string, unknown> = { direction, outcome: input.outcome, durationSeconds };
      if (input.notes?.trim()) details.notes = input.notes.trim();
      const phone = input.phone ?? brief.phone;
      if (phone) details.phone = phone;
      if (input.recordingUrl) details.recordingUrl = input.recordingUrl;
      if (input.externalCallId) details.externalCallId = input.externalCallId;
      if (!input.subjectId) details.matchedBy = 'phone';
      if (input.taskId) {
        await completeTaskIn(tx, actor, input.taskId);
        details.taskId = input.taskId;
      }
      let task: TaskView | null = null;
      if (input.nextStep) {
        task = await createTaskIn(tx, actor, {
          title: input.nextStep.title?.trim() || `Call ${brief.name} back`,
          type: input.nextStep.type ?? 'call',
          dueAt: input.nextStep.dueAt,
          remindAt: input.nextStep.remindAt,
          subjectType,
          subjectId,
        });
        details.nextTaskId = task.id;
      }
      const call = await logActivity(tx, actor, {
        subjectType,
        subjectId,
        kind: callKind(input.outcome),
        summary: callSummary(input.outcome, durationSeconds, direction),
        details,
        occurredAt,
      });
      await recordAudit(tx, actor, { entityType: 'activity', entityId: call.id, action: 'create', after: { subjectType, subjectId, kind: call.kind, summary: call.summary, outcome: input.outcome } });
      return { call, task, created: true };
    });
  } catch (error) {
    // Two posts of one external call at once: the unique index lets one in; the other answers with it.
    if (input.externalCallId && isUniqueViolation(error)) {
      const existing = await activityByExternalCallId(db, actor, input.externalCallId);
      if (existing) return { call: existing, task: null, created: false };
    }
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}

export const outcomeLabel = (outcome: CallOutcome) => OUTCOME_LABELS[outcome];

// ---------------------------------------------------------------------------------------------
// Calling settings

export type CallSettingsView = { callingHours: WeeklyHours; defaultTimeZone: string | null; recallAfterMinutes: number; version: number };

export async function readCallSettings(db: Db, actor: Actor): Promise<CallSettingsView> {
  const [row] = await db.select().from(callSettings).where(eq(callSettings.orgId, actor.orgId));
  if (!row) return { callingHours: DEFAULT_CALLING_HOURS, defaultTimeZone: null, recallAfterMinutes: 240, version: 0 };
  return { callingHours: row.callingHours, defaultTimeZone: row.defaultTimeZone, recallAfterMinutes: row.recallAfterMinutes, version: row.version };
}

export async function updateCallSettings(db: Db, actor: Actor, changes: Partial<Omit<CallSettingsView, 'version'>>, expected: ExpectedVersion): Promise<CallSettingsView> {
  assertCan(actor, 'calls:manage');
  return db.transaction(async (tx) => {
    const before = await readCallSettings(tx, actor);
    assertVersion(expected, before.version);
    const next = { ...before, ...changes };
    const problems = weeklyHoursProblems(next.callingHours, 'callingHours');
    if (next.defaultTimeZone !== null && !isTimeZone(next.defaultTimeZone)) problems.push({ field: 'defaultTimeZone', message: 'Must be an IANA time zone like America/Chicago' });
    if (problems.length) throw validationFailed(problems);
    const values = { callingHours: next.callingHours, defaultTimeZone: next.defaultTimeZone, recallAfterMinutes: next.recallAfterMinutes, version: before.version + 1, updatedAt: new Date() };
    await tx.insert(callSettings).values({ orgId: actor.orgId, ...values }).onConflictDoUpdate({ target: callSettings.orgId, set: values });
    await recordAudit(tx, actor, { entityType: 'call_settings', entityId: actor.orgId, action: 'update', before: { ...before }, after: { ...next } });
    return { ...next, version: before.version + 1 };
  });
}

// ---------------------------------------------------------------------------------------------
// Call scripts

export type CallScriptView = { id: string; name: string; body: string; isDefault: boolean; version: number; updatedAt: string };

const toScript = (row: typeof callScripts.$inferSelect): CallScriptView => ({ id: row.id, name: row.name, body: row.body, isDefault: row.isDefault, version: row.version, updatedAt: row.updatedAt.toISOString() });

export async function listCallScripts(db: Db, actor: Actor): Promise<CallScriptView[]> {
  assertCan(actor, 'records:read');
  const rows = await db.select().from(callScripts).where(eq(callScripts.orgId, actor.orgId)).orderBy(asc(callScripts.name), asc(callScripts.id));
  return rows.map(toScript);
}

/** The script the queue shows: the one asked for, else the org's default, else none. */
export async function scriptFor(db: Db, actor: Actor, scriptId: string | undefined): Promise<CallScriptView | null> {
  const scripts = await listCallScripts(db, actor);
  if (scriptId) {
    const chosen = scripts.find((s) => s.id === scriptId);
    if (!chosen) throw notFound('Call script');
    return chosen;
  }
  return scripts.find((s) => s.isDefault) ?? null;
}

type ScriptInput = { name?: string | undefined; body?: string | undefined; isDefault?: boolean | undefined };

export async function saveCallScript(db: Db, actor: Actor, id: string | null, input: ScriptInput, expected: ExpectedVersion = undefined): Promise<CallScriptView> {
  assertCan(actor, 'calls:manage');
  const name = input.name?.trim();
  if (input.name !== undefined && !name) throw validationFailed([{ field: 'name', message: 'A script needs a name' }]);
  return db.transaction(async (tx) => {
    let before: typeof callScripts.$inferSelect | undefined;
    if (id) {
      [before] = await tx.select().from(callScripts).where(and(eq(callScripts.orgId, actor.orgId), eq(callScripts.id, id))).for('update');
      if (!before) throw notFound('Call script');
      assertVersion(expected, before.version);
    }
    const scriptId = id ?? newId();
    // One default per org: making this one the default unsets the others.
    if (input.isDefault) await tx.update(callScripts).set({ isDefault: false }).where(and(eq(callScripts.orgId, actor.orgId), ne(callScripts.id, scriptId)));
    const [row] = before
      ? await tx
          .update(callScripts)
          .set({ ...(name ? { name } : {}), ...(input.body !== undefined ? { body: input.body } : {}), ...(input.isDefault !== undefined ? { isDefault: input.isDefault } : {}), version: before.version + 1, updatedAt: new Date() })
          .where(and(eq(callScripts.orgId, actor.orgId), eq(callScripts.id, scriptId)))
          .returning()
      : await tx.insert(callScripts).values({ orgId: actor.orgId, id: scriptId, name: name ?? '', body: input.body ?? '', isDefault: input.isDefault ?? false }).returning();
    await recordAudit(tx, actor, { entityType: 'call_script', entityId: scriptId, action: before ? 'update' : 'create', before: before ? toScript(before) : undefined, after: toScript(row!) });
    return toScript(row!);
  });
}

export async function deleteCallScript(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'calls:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(callScripts).where(and(eq(callScripts.orgId, actor.orgId), eq(callScripts.id, id))).returning();
    if (!row) throw notFound('Call script');
    await recordAudit(tx, actor, { entityType: 'call_script', entityId: id, action: 'delete', before: toScript(row) });
  });
}
