import { and, desc, eq, lt } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { auditLog } from './schema.ts';
import { changedFields, type Snapshot } from './model.ts';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | string;

export type AuditEntry = {
  entityType: string;
  entityId: string;
  action: AuditAction;
  before?: Snapshot | null;
  after?: Snapshot | null;
  reason?: string | null;
};

/** Records a change; call it inside the transaction that makes the change, so both land or neither. */
export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await recordAuditMany(db, actor, [entry]);
}

type AuditListener = (db: Db, actor: Actor, entries: AuditEntry[]) => Promise<void>;
const listeners: AuditListener[] = [];

/**
 * Other capabilities (outgoing webhooks) see every batch of changes, with the whole before and
 * after the caller passed, on the transaction that makes them: what they write lands or not with it.
 */
export function onAudited(listener: AuditListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

export async function recordAuditMany(db: Db, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((entry) => {
    const diff =
      entry.action === 'update' && entry.before && entry.after
        ? changedFields(entry.before, entry.after)
        : { before: entry.before ?? null, after: entry.after ?? null };
    return {
      orgId: actor.orgId,
      id: newId(),
      actorId: actor.via === 'system' && !actor.userId ? null : actor.userId,
      entityType: entry.entityType,
      entityId: entry.entityId,
      action: entry.action,
      before: diff.before,
      after: diff.after,
      reason: entry.reason ?? null,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await db.insert(auditLog).values(rows.slice(i, i + 1000));
  for (const listener of listeners) await listener(db, actor, entries);
}

export type AuditView = {
  id: string;
  actorId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  createdAt: string;
};

export async function listAudit(
  db: Db,
  actor: Actor,
  filter: { entityType?: string | undefined; entityId?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: AuditView[]; nextCursor: string | null }> {
  const conditions = [eq(auditLog.orgId, actor.orgId)];
  if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
  // Ids are UUIDv7, so id order is time order and the id alone is a stable cursor.
  if (filter.cursor) conditions.push(lt(auditLog.id, filter.cursor));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return {
    data: page.map((row) => ({
      id: row.id,
      actorId: row.actorId,
      entityType: row.entityType,
      entityId: row.entityId,
      action: row.action,
      before: row.before,
      after: row.after,
      reason: row.reason,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null,
  };
}
