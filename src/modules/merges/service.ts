import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import {
  accountSnapshots,
  contactSnapshots,
  dependantsOfAccounts,
  relinkContacts,
  relinkSubsidiaries,
  writeAccountState,
  writeContactState,
  type AccountState,
  type ContactState,
} from '../accounts/service.ts';
import { logActivity, moveActivities, moveActivitiesBack, removeActivity } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { leadSnapshots, writeLeadState, type LeadState } from '../leads/service.ts';
import { leadsMerged } from '../routing/service.ts';
import {
  compareFields,
  mergedValues,
  mergeRequestErrors,
  stateOf,
  undoBlocker,
  type FieldComparison,
  type MergeMoves,
  type MergeRequest,
  type MergeType,
  type RecordSnapshot,
} from './model.ts';
import { merges } from './schema.ts';

type State = Record<string, unknown> & { deletedAt: string | null };

// How a merge reads and writes each record type, through the module that owns it.
const RECORDS: Record<MergeType, { label: string; snapshots: (db: Db, actor: Actor, ids: string[], lock?: boolean) => Promise<RecordSnapshot[]>; write: (tx: Db, actor: Actor, id: string, state: State, reason: string) => Promise<RecordSnapshot> }> = {
  lead: {
    label: 'Lead',
    snapshots: leadSnapshots as unknown as (db: Db, actor: Actor, ids: string[], lock?: boolean) => Promise<RecordSnapshot[]>,
    write: (tx, actor, id, state, reason) => writeLeadState(tx, actor, id, state as unknown as LeadState, reason) as unknown as Promise<RecordSnapshot>,
  },
  contact: {
    label: 'Contact',
    snapshots: contactSnapshots as unknown as (db: Db, actor: Actor, ids: string[], lock?: boolean) => Promise<RecordSnapshot[]>,
    write: (tx, actor, id, state, reason) => writeContactState(tx, actor, id, state as unknown as ContactState, reason) as unknown as Promise<RecordSnapshot>,
  },
  account: {
    label: 'Account',
    snapshots: accountSnapshots as unknown as (db: Db, actor: Actor, ids: string[], lock?: boolean) => Promise<RecordSnapshot[]>,
    write: (tx, actor, id, state, reason) => writeAccountState(tx, actor, id, state as unknown as AccountState, reason) as unknown as Promise<RecordSnapshot>,
  },
};

type MergeRow = typeof merges.$inferSelect;

export type MergeView = {
  id: string;
  type: MergeType;
  survivorId: string;
  mergedIds: string[];
  fieldChoices: Record<string, string>;
  survivorBefore: RecordSnapshot;
  mergedBefore: RecordSnapshot[];
  moved: { activities: number; contacts: number; subsidiaries: number };
  createdBy: string | null;
  createdAt: string;
  undoneAt: string | null;
  undoneBy: string | null;
};

const toMergeView = (row: MergeRow): MergeView => ({
  id: row.id,
  type: row.entityType as MergeType,
  survivorId: row.survivorId,
  mergedIds: row.mergedIds,
  fieldChoices: row.fieldChoices,
  survivorBefore: row.survivorBefore,
  mergedBefore: row.mergedBefore,
  moved: { activities: row.moves.activities.length, contacts: row.moves.contacts.length, subsidiaries: row.moves.subsidiaries.length },
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  undoneAt: row.undoneAt?.toISOString() ?? null,
  undoneBy: row.undoneBy,
});

/** Every record asked for, in the order asked, or a 404 naming the type. */
async function snapshotsInOrder(db: Db, actor: Actor, type: MergeType, ids: string[], lock: boolean): Promise<RecordSnapshot[]> {
  const found = new Map((await RECORDS[type].snapshots(db, actor, ids, lock)).map((r) => [r.id, r]));
  return ids.map((id) => {
    const record = found.get(id);
    if (!record) throw notFound(RECORDS[type].label);
    return record;
  });
}

/** The records side by side, field by field, for a person to choose what the survivor keeps. */
export async function previewMerge(db: Db, actor: Actor, type: MergeType, ids: string[]): Promise<{ type: MergeType; records: RecordSnapshot[]; fields: FieldComparison[] }> {
  assertCan(actor, 'records:read');
  const records = await snapshotsInOrder(db, actor, type, [...new Set(ids)], false);
  return { type, records, fields: compareFields(type, records) };
}

/**
 * Merges duplicates into one surviving record: the survivor takes the chosen field values
 * (its own, or the first non-empty one, elsewhere), the merged records go to the trash, and
 * their activities — and, for accounts, their contacts and subsidiaries — move to the survivor.
 * Everything needed to undo it is kept; every change is audited.
 */
export async function mergeRecords(db: Db, actor: Actor, type: MergeType, request: MergeRequest): Promise<MergeView> {
  assertCan(actor, 'records:delete');
  const errors = mergeRequestErrors(type, request);
  if (errors.length > 0) throw validationFailed(errors);
  const { survivorId, mergedIds, fieldChoices } = request;
  const label = RECORDS[type].label;
  return db.transaction(async (tx) => {
    const [survivor, ...merged] = await snapshotsInOrder(tx, actor, type, [survivorId, ...mergedIds], true);
    const trashed = [survivor!, ...merged].find((r) => r.deletedAt);
    if (trashed) throw conflict(`${label} ${trashed.id} is in the trash; restore it before merging`, 'merge_deleted_record');
    if (type === 'account') assertFlatHierarchy(survivor!, merged);

    const mergeId = newId();
    const reason = `Merge ${mergeId}`;
    const versionsAfter: Record<string, number> = {};
    const survivorAfter = await RECORDS[type].write(tx, actor, survivorId, { ...mergedValues(type, survivor!, merged, fieldChoices), deletedAt: null }, `${reason}: kept, merged ${mergedIds.join(', ')} into it`);
    versionsAfter[survivorId] = survivorAfter.version;
    const now = new Date().toISOString();
    for (const record of merged) {
      const after = await RECORDS[type].write(tx, actor, record.id, { ...stateOf(type, record), deletedAt: now }, `${reason}: merged into ${survivorId}`);
      versionsAfter[record.id] = after.version;
    }

    if (type === 'lead') {
      const owners = { ownerBefore: (survivor!.ownerId as string | null) ?? null, ownerAfter: (survivorAfter.ownerId as string | null) ?? null };
      await leadsMerged(tx, actor, { id: survivorId, ...owners }, mergedIds, reason);
    }
    const moves: MergeMoves = { activities: await moveActivities(tx, actor, type, mergedIds, survivorId), contacts: [], subsidiaries: [] };
    if (type === 'account') {
      const dependants = await dependantsOfAccounts(tx, actor, mergedIds);
      moves.contacts = dependants.contacts.map((c) => ({ id: c.id, from: c.accountId, to: survivorId }));
      moves.subsidiaries = dependants.subsidiaries.map((a) => ({ id: a.id, from: a.parentAccountId, to: survivorId }));
      await relinkContacts(tx, actor, moves.contacts, `${reason}: account merged into ${survivorId}`);
      await relinkSubsidiaries(tx, actor, moves.subsidiaries, `${reason}: parent account merged into ${survivorId}`);
    }
    const note = await logActivity(tx, actor, {
      subjectType: type,
      subjectId: survivorId,
      kind: 'merge',
      summary: `Merged ${merged.length} duplicate ${type}${merged.length === 1 ? '' : 's'} into this one`,
      details: { mergeId, mergedIds, fieldChoices },
    });

    const [row] = await tx
      .insert(merges)
      .values({
        orgId: actor.orgId,
        id: mergeId,
        entityType: type,
        survivorId,
        mergedIds,
        fieldChoices,
        survivorBefore: survivor!,
        mergedBefore: merged,
        versionsAfter,
        moves,
        mergeActivityId: note.id,
        createdBy: actor.userId || null,
      })
      .returning();
    await recordAudit(tx, actor, { entityType: 'merge', entityId: mergeId, action: 'create', after: { type, survivorId, mergedIds, fieldChoices } });
    return toMergeView(row!);
  });
}

// Merging an account with its own parent or subsidiary would leave it under itself.
function assertFlatHierarchy(survivor: RecordSnapshot, merged: RecordSnapshot[]): void {
  const ids = new Set([survivor.id, ...merged.map((m) => m.id)]);
  for (const account of [survivor, ...merged]) {
    if (typeof account.parentAccountId === 'string' && ids.has(account.parentAccountId)) {
      throw conflict(`Account ${account.id} is a subsidiary of another account in this merge; move it out of that hierarchy first`, 'merge_hierarchy');
    }
  }
}

/**
 * Undoes a merge: the survivor and the merged records get back exactly the fields and trash
 * state they had before, and what moved to the survivor moves back. Refused (409) once any of
 * those records changed after the merge — see `undoBlocker` for the rule.
 */
export async function undoMerge(db: Db, actor: Actor, mergeId: string): Promise<MergeView> {
  assertCan(actor, 'records:delete');
  return db.transaction(async (tx) => {
    const where = and(eq(merges.orgId, actor.orgId), eq(merges.id, mergeId));
    const [merge] = await tx.select().from(merges).where(where).for('update');
    if (!merge) throw notFound('Merge');
    if (merge.undoneAt) throw conflict('This merge was already undone', 'merge_already_undone');
    const type = merge.entityType as MergeType;
    const current = await RECORDS[type].snapshots(tx, actor, [merge.survivorId, ...merge.mergedIds], true);
    const blocker = undoBlocker(type, merge.versionsAfter, current, merge.survivorId);
    if (blocker) throw new AppError(409, 'merge_undo_conflict', blocker);

    const reason = `Undo of merge ${mergeId}`;
    await RECORDS[type].write(tx, actor, merge.survivorId, stateOf(type, merge.survivorBefore), reason);
    for (const before of merge.mergedBefore) await RECORDS[type].write(tx, actor, before.id, stateOf(type, before), reason);
    await moveActivitiesBack(tx, actor, type, merge.moves.activities);
    if (merge.mergeActivityId) await removeActivity(tx, actor, merge.mergeActivityId);
    const back = (moves: MergeMoves['contacts']) => moves.map((m) => ({ id: m.id, from: m.to, to: m.from }));
    await relinkContacts(tx, actor, back(merge.moves.contacts), reason);
    await relinkSubsidiaries(tx, actor, back(merge.moves.subsidiaries), reason);

    const [row] = await tx.update(merges).set({ undoneAt: new Date(), undoneBy: actor.userId || null }).where(where).returning();
    await recordAudit(tx, actor, { entityType: 'merge', entityId: mergeId, action: 'undo', reason });
    return toMergeView(row!);
  });
}

export async function getMerge(db: Db, actor: Actor, mergeId: string): Promise<MergeView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(merges).where(and(eq(merges.orgId, actor.orgId), eq(merges.id, mergeId)));
  if (!row) throw notFound('Merge');
  return toMergeView(row);
}

/** Merges newest first, optionally of one type or into one record. */
export async function listMerges(
  db: Db,
  actor: Actor,
  filter: { type?: MergeType | undefined; survivorId?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: MergeView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(merges.orgId, actor.orgId)];
  if (filter.type) conditions.push(eq(merges.entityType, filter.type));
  if (filter.survivorId) conditions.push(eq(merges.survivorId, filter.survivorId));
  // UUIDv7 ids sort by time, so the id alone is a stable cursor.
  if (filter.cursor) conditions.push(lt(merges.id, filter.cursor));
  const rows = await db.select().from(merges).where(and(...conditions)).orderBy(desc(merges.id)).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { data: page.map(toMergeView), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}
