import { and, asc, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { badRequest, forbidden, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan, can } from '../../core/roles.ts';
import type { SubjectType } from '../activities/model.ts';
import { logActivity } from '../activities/service.ts';
import { subjectBrief, subjectLink } from '../activities/subjects.ts';
import { recordAudit, recordAuditMany } from '../audit/service.ts';
import { notify, withNotifications, type Delivery } from '../notifications/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { reminderDue, type TaskStatus, type TaskType } from './model.ts';
import { queueReminder } from './runtime.ts';
import { tasks } from './schema.ts';
import { visibleSubjects } from '../visibility/records.ts';

type TaskRow = typeof tasks.$inferSelect;

export type TaskView = {
  id: string;
  title: string;
  notes: string;
  type: TaskType;
  ownerId: string;
  subject: { type: SubjectType; id: string; name: string; link: string } | null;
  dueAt: string | null;
  remindAt: string | null;
  remindedAt: string | null;
  status: TaskStatus;
  completedAt: string | null;
  createdBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type TaskInput = {
  title?: string | undefined;
  notes?: string | undefined;
  type?: TaskType | undefined;
  ownerId?: string | undefined;
  subjectType?: SubjectType | null | undefined;
  subjectId?: string | null | undefined;
  dueAt?: string | null | undefined;
  remindAt?: string | null | undefined;
  status?: TaskStatus | undefined;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toView(row: TaskRow, names: Map<string, string>): TaskView {
  const type = row.subjectType as SubjectType | null;
  return {
    id: row.id,
    title: row.title,
    notes: row.notes,
    type: row.type as TaskType,
    ownerId: row.ownerId,
    subject: type && row.subjectId ? { type, id: row.subjectId, name: names.get(row.subjectId) ?? '', link: subjectLink(type, row.subjectId) } : null,
    dueAt: iso(row.dueAt),
    remindAt: iso(row.remindAt),
    remindedAt: iso(row.remindedAt),
    status: row.status as TaskStatus,
    completedAt: iso(row.completedAt),
    createdBy: row.createdBy,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The names of the records some tasks are linked to (a deleted record reads as empty). */
async function subjectNames(db: Db, actor: Actor, rows: TaskRow[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const reader = systemActor(actor.orgId, actor.userId);
  for (const row of rows) {
    if (!row.subjectType || !row.subjectId || names.has(row.subjectId)) continue;
    const brief = await subjectBrief(db, reader, row.subjectType as SubjectType, row.subjectId).catch(() => null);
    names.set(row.subjectId, brief?.name ?? '');
  }
  return names;
}

async function views(db: Db, actor: Actor, rows: TaskRow[]): Promise<TaskView[]> {
  const names = await subjectNames(db, actor, rows);
  return rows.map((row) => toView(row, names));
}

const auditable = (row: TaskRow) => {
  const { orgId: _o, createdAt: _c, updatedAt: _u, version: _v, remindedAt: _r, ...rest } = row;
  return rest;
};

/** A rep works their own tasks; managers and admins may give or edit anyone's. */
function assertMayTouch(actor: Actor, ownerId: string): void {
  if (ownerId !== actor.userId && !can(actor.role, 'records:reassign')) throw forbidden('Only a manager may change someone else\'s tasks');
}

const dateOf = (value: string | null | undefined): Date | null | undefined => (value === undefined ? undefined : value === null ? null : new Date(value));

/**
 * Creates a task in the caller's transaction (a call's next step uses it too); queues its
 * reminder job there, so the reminder exists exactly when the task does.
 */
export async function createTaskIn(tx: Db, actor: Actor, input: TaskInput & { title: string }): Promise<TaskView> {
  assertCan(actor, 'records:write');
  const title = input.title.trim();
  if (!title) throw validationFailed([{ field: 'title', message: 'A task needs a title' }]);
  const ownerId = input.ownerId ?? actor.userId;
  if (!ownerId) throw validationFailed([{ field: 'ownerId', message: 'Say whose task it is' }]);
  assertMayTouch(actor, ownerId);
  if (ownerId !== actor.userId) await assertActiveUser(tx, actor, ownerId, 'ownerId');
  if ((input.subjectType ?? null) !== null !== ((input.subjectId ?? null) !== null)) {
    throw validationFailed([{ field: 'subjectId', message: 'Give both subjectType and subjectId, or neither' }]);
  }
  if (input.subjectType && input.subjectId) await subjectBrief(tx, actor, input.subjectType, input.subjectId);
  const [row] = await tx
    .insert(tasks)
    .values({
      orgId: actor.orgId,
      id: newId(),
      title,
      notes: input.notes?.trim() ?? '',
      type: input.type ?? 'todo',
      ownerId,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      dueAt: dateOf(input.dueAt) ?? null,
      remindAt: dateOf(input.remindAt) ?? null,
      createdBy: actor.userId || null,
    })
    .returning();
  if (row!.remindAt) await queueReminder(tx, { orgId: actor.orgId, id: row!.id, remindAt: row!.remindAt });
  await recordAudit(tx, actor, { entityType: 'task', entityId: row!.id, action: 'create', after: auditable(row!) });
  return (await views(tx, actor, [row!]))[0]!;
}

/**
 * Creates many tasks in the caller's transaction with one multi-row insert and one audit insert
 * per thousand (the sequence scheduler opens thousands of call steps at once). The same rules as
 * createTaskIn, checked once per owner; the caller has checked the subjects exist. A task may
 * bring its own id (to be recorded elsewhere in the same transaction). Returns the ids, in order.
 */
export async function createTasksIn(tx: Db, actor: Actor, inputs: (TaskInput & { title: string; id?: string | undefined })[]): Promise<string[]> {
  assertCan(actor, 'records:write');
  if (inputs.length === 0) return [];
  const rows = inputs.map((input, i) => {
    const title = input.title.trim();
    if (!title) throw validationFailed([{ field: `${i}.title`, message: 'A task needs a title' }]);
    const ownerId = input.ownerId ?? actor.userId;
    if (!ownerId) throw validationFailed([{ field: `${i}.ownerId`, message: 'Say whose task it is' }]);
    if ((input.subjectType ?? null) !== null !== ((input.subjectId ?? null) !== null)) {
      throw validationFailed([{ field: `${i}.subjectId`, message: 'Give both subjectType and subjectId, or neither' }]);
    }
    return {
      orgId: actor.orgId, id: input.id ?? newId(), title, notes: input.notes?.trim() ?? '', type: input.type ?? 'todo', ownerId,
      subjectType: input.subjectType ?? null, subjectId: input.subjectId ?? null, dueAt: dateOf(input.dueAt) ?? null, remindAt: dateOf(input.remindAt) ?? null,
      status: 'open', completedAt: null, createdBy: actor.userId || null,
    };
  });
  for (const ownerId of new Set(rows.map((r) => r.ownerId))) {
    assertMayTouch(actor, ownerId);
    if (ownerId !== actor.userId) await assertActiveUser(tx, actor, ownerId, 'ownerId');
  }
  // No RETURNING: every audited field is in the rows written (the rest are the defaults createTaskIn's audit leaves out).
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(tasks).values(rows.slice(i, i + 1000));
  for (const row of rows) if (row.remindAt) await queueReminder(tx, { orgId: actor.orgId, id: row.id, remindAt: row.remindAt });
  await recordAuditMany(tx, actor, rows.map(({ orgId: _o, ...after }) => ({ entityType: 'task', entityId: after.id, action: 'create', after })));
  return rows.map((row) => row.id);
}

export function createTask(db: Db, actor: Actor, input: TaskInput & { title: string }): Promise<TaskView> {
  return db.transaction((tx) => createTaskIn(tx, actor, input));
}

async function readTask(db: Db, actor: Actor, id: string, lock = false): Promise<TaskRow> {
  const query = db.select().from(tasks).where(and(eq(tasks.orgId, actor.orgId), eq(tasks.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Task');
  return row;
}

export async function getTask(db: Db, actor: Actor, id: string): Promise<TaskView> {
  assertCan(actor, 'records:read');
  return (await views(db, actor, [await readTask(db, actor, id)]))[0]!;
}

/**
 * Edits a task: title, notes, due and reminder time, owner, status (complete with `done`, reopen
 * with `open`). A new reminder time clears "reminded" and queues a new job; the old job finds its
 * time no longer the task's and does nothing.
 */
export async function updateTask(db: Db, actor: Actor, id: string, changes: TaskInput, expected: ExpectedVersion): Promise<TaskView> {
  assertCan(actor, 'records:write');
  return db.transaction(async (tx) => {
    const row = await readTask(tx, actor, id, true);
    assertVersion(expected, row.version);
    assertMayTouch(actor, row.ownerId);
    const set: Partial<TaskRow> = {};
    if (changes.title !== undefined) {
      if (!changes.title.trim()) throw validationFailed([{ field: 'title', message: 'A task needs a title' }]);
      set.title = changes.title.trim();
    }
    if (changes.notes !== undefined) set.notes = changes.notes.trim();
    if (changes.type !== undefined) set.type = changes.type;
    if (changes.ownerId !== undefined && changes.ownerId !== row.ownerId) {
      assertMayTouch(actor, changes.ownerId);
      await assertActiveUser(tx, actor, changes.ownerId, 'ownerId');
      set.ownerId = changes.ownerId;
    }
    if (changes.subjectType !== undefined || changes.subjectId !== undefined) {
      throw badRequest('A task stays on the record it was created for', [{ field: 'subjectId', message: 'Cannot be changed' }]);
    }
    if (changes.dueAt !== undefined) set.dueAt = dateOf(changes.dueAt) ?? null;
    if (changes.remindAt !== undefined) {
      const remindAt = dateOf(changes.remindAt) ?? null;
      if (remindAt?.getTime() !== row.remindAt?.getTime()) {
        set.remindAt = remindAt;
        set.remindedAt = null;
      }
    }
    if (changes.status !== undefined && changes.status !== row.status) {
      set.status = changes.status;
      set.completedAt = changes.status === 'done' ? new Date() : null;
    }
    if (Object.keys(set).length === 0) return (await views(tx, actor, [row]))[0]!;
    const [updated] = await tx
      .update(tasks)
      .set({ ...set, version: row.version + 1, updatedAt: new Date() })
      .where(and(eq(tasks.orgId, actor.orgId), eq(tasks.id, id)))
      .returning();
    if (set.remindAt && updated!.status === 'open') await queueReminder(tx, { orgId: actor.orgId, id, remindAt: set.remindAt });
    const action = set.status === 'done' ? 'complete' : set.status === 'open' ? 'reopen' : 'update';
    // A finished task shows on its record's timeline beside the calls and emails it led to.
    if (set.status === 'done' && row.subjectType && row.subjectId) {
      await logActivity(tx, actor, { subjectType: row.subjectType as SubjectType, subjectId: row.subjectId, kind: 'task_completed', summary: `Completed: ${updated!.title}`, details: { taskId: id, taskType: updated!.type } });
    }
    await recordAudit(tx, actor, { entityType: 'task', entityId: id, action, before: auditable(row), after: auditable(updated!) });
    if (set.status === 'done') await emitCompleted(tx, actor, id);
    return (await views(tx, actor, [updated!]))[0]!;
  });
}

type TaskCompletedListener = (tx: Db, actor: Actor, taskId: string) => Promise<void>;
const completedListeners: TaskCompletedListener[] = [];

/** Other capabilities (sequences: a manual step's task) react to a task being done, in the same transaction. */
export function onTaskCompleted(listener: TaskCompletedListener): void {
  completedListeners.push(listener);
}

async function emitCompleted(tx: Db, actor: Actor, taskId: string): Promise<void> {
  for (const listener of completedListeners) await listener(tx, actor, taskId);
}

/** Completes a task a logged call has done (the call queue's call tasks), in the call's transaction. */
export async function completeTaskIn(tx: Db, actor: Actor, id: string): Promise<void> {
  const row = await readTask(tx, actor, id, true);
  if (row.status === 'done') return;
  const [updated] = await tx
    .update(tasks)
    .set({ status: 'done', completedAt: new Date(), version: row.version + 1, updatedAt: new Date() })
    .where(and(eq(tasks.orgId, actor.orgId), eq(tasks.id, id)))
    .returning();
  await recordAudit(tx, actor, { entityType: 'task', entityId: id, action: 'complete', before: auditable(row), after: auditable(updated!) });
  await emitCompleted(tx, actor, id);
}

export type TaskFilter = {
  ownerId?: string | undefined;
  status?: TaskStatus | undefined;
  type?: TaskType | undefined;
  /** Open tasks due before this instant (the end of the rep's day: due today and overdue). */
  dueBefore?: Date | undefined;
  subjectType?: SubjectType | undefined;
  subjectId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

/**
 * Tasks, soonest due first (undated ones last), then by id. A rep sees their own; a manager may
 * name anyone's with `ownerId`. The linked record's tasks are everyone's to see.
 */
export async function listTasks(db: Db, actor: Actor, filter: TaskFilter): Promise<{ data: TaskView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(tasks.orgId, actor.orgId)];
  if (filter.subjectType && filter.subjectId) {
    // A record's tasks are for those who may see the record (visibility/records.ts).
    conditions.push(eq(tasks.subjectType, filter.subjectType), eq(tasks.subjectId, filter.subjectId), visibleSubjects(actor, { type: tasks.subjectType, id: tasks.subjectId }));
    if (filter.ownerId) conditions.push(eq(tasks.ownerId, filter.ownerId));
  } else {
    const ownerId = filter.ownerId ?? actor.userId;
    if (ownerId !== actor.userId && !can(actor.role, 'records:reassign')) throw forbidden('Only a manager may list someone else\'s tasks');
    conditions.push(eq(tasks.ownerId, ownerId));
  }
  if (filter.status) conditions.push(eq(tasks.status, filter.status));
  if (filter.type) conditions.push(eq(tasks.type, filter.type));
  if (filter.dueBefore) conditions.push(isNotNull(tasks.dueAt), lte(tasks.dueAt, filter.dueBefore));
  // Undated tasks sort after every dated one: the key is (due or infinity, id).
  const dueKey = sql`coalesce(${tasks.dueAt}, 'infinity'::timestamptz)`;
  if (filter.cursor) {
    const { v, id } = decodeCursor(filter.cursor);
    if (typeof v !== 'string') throw badRequest('The cursor is not one this API issued', [{ field: 'query.cursor', message: 'Invalid cursor' }]);
    conditions.push(sql`(${dueKey}, ${tasks.id}) > (${v}::timestamptz, ${id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(tasks)
    .where(and(...conditions))
    .orderBy(sql`${dueKey} asc`, asc(tasks.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    data: await views(db, actor, page),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ v: last.dueAt?.toISOString() ?? 'infinity', id: last.id }) : null,
  };
}

/** The earliest open call task due on each record (the call queue puts due call-backs first). */
export async function dueCallTasks(db: Db, actor: Actor, subjectType: SubjectType, subjectIds: string[]): Promise<Map<string, { id: string; dueAt: Date }>> {
  if (subjectIds.length === 0) return new Map();
  const rows = await db
    .select({ id: tasks.id, subjectId: tasks.subjectId, dueAt: tasks.dueAt })
    .from(tasks)
    .where(and(eq(tasks.orgId, actor.orgId), eq(tasks.status, 'open'), eq(tasks.type, 'call'), eq(tasks.subjectType, subjectType), inArray(tasks.subjectId, subjectIds), isNotNull(tasks.dueAt)))
    .orderBy(asc(tasks.dueAt));
  const due = new Map<string, { id: string; dueAt: Date }>();
  for (const row of rows) if (row.subjectId && !due.has(row.subjectId)) due.set(row.subjectId, { id: row.id, dueAt: row.dueAt! });
  return due;
}

/**
 * Sends one task's reminder if it is still due: the task row is locked, the reminder marked sent
 * in the same transaction as the notification, so two jobs (or a job and the sweep) send it once.
 */
export async function sendReminder(db: Db, delivery: Delivery, orgId: string, taskId: string, queuedFor: string | null, now = new Date()): Promise<boolean> {
  const actor = systemActor(orgId, '');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const [row] = await tx.select().from(tasks).where(and(eq(tasks.orgId, orgId), eq(tasks.id, taskId))).for('update');
    if (!row || !reminderDue(row, queuedFor, now)) return false;
    await tx.update(tasks).set({ remindedAt: now }).where(and(eq(tasks.orgId, orgId), eq(tasks.id, taskId)));
    const names = await subjectNames(tx, actor, [row]);
    const about = row.subjectId ? names.get(row.subjectId) : '';
    const due = row.dueAt ? ` (due ${row.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)` : '';
    await notify(
      tx,
      actor,
      [row.ownerId],
      {
        kind: 'task_reminder',
        title: `Reminder: ${row.title}${about ? ` — ${about}` : ''}`,
        body: `${row.title}${due}${row.notes ? `\n\n${row.notes}` : ''}`,
        link: row.subjectType && row.subjectId ? subjectLink(row.subjectType as SubjectType, row.subjectId) : '/tasks',
      },
      outbox,
    );
    return true;
  });
}

/** Reminders that came due without a job having sent them (queued while no worker ran): the sweep's list. */
export async function dueReminders(db: Db, now: Date, limit: number): Promise<{ orgId: string; id: string }[]> {
  return db
    .select({ orgId: tasks.orgId, id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, 'open'), isNull(tasks.remindedAt), isNotNull(tasks.remindAt), lte(tasks.remindAt, now)))
    .orderBy(asc(tasks.remindAt))
    .limit(limit);
}
