import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { badRequest } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { listAudit, recordAudit } from '../audit/service.ts';
import { isFirstTouchKind } from '../routing/sla.model.ts';
import { firstTouchAfterActivity, recordFirstTouches } from '../routing/service.ts';
import { ENGAGEMENT_KINDS } from '../scoring/model.ts';
import { rescoreLeads, scoreAfterActivity } from '../scoring/service.ts';
import { auditIdBound, CHANGE_KIND, describeChange, mergePage, uuidv7Time, type SubjectType, type TimelineItem, type TimelinePosition } from './model.ts';
import { activities } from './schema.ts';

type ActivityRow = typeof activities.$inferSelect;
const isEngagementKind = (kind: string) => (ENGAGEMENT_KINDS as readonly string[]).includes(kind);

export type NewActivity = {
  subjectType: SubjectType;
  subjectId: string;
  kind: string;
  summary: string;
  details?: Record<string, unknown> | undefined;
  /** When it happened, if not now (a call logged afterwards). */
  occurredAt?: Date | undefined;
};

const toItem = (row: ActivityRow): TimelineItem => ({
  id: row.id,
  source: 'activity',
  kind: row.kind,
  occurredAt: row.occurredAt.toISOString(),
  actorId: row.actorId,
  summary: row.summary,
  details: row.details as Record<string, unknown>,
});

/**
 * Puts an activity on a record's timeline. Call it with the caller's transaction so the activity
 * lands together with the change it describes; the caller has checked the record exists.
 */
export async function logActivity(db: Db, actor: Actor, activity: NewActivity): Promise<TimelineItem> {
  const [row] = await db
    .insert(activities)
    .values({
      orgId: actor.orgId,
      id: newId(),
      subjectType: activity.subjectType,
      subjectId: activity.subjectId,
      kind: activity.kind,
      // Milliseconds only, as JavaScript dates hold: the timeline cursor round-trips exactly.
      occurredAt: new Date((activity.occurredAt ?? new Date()).getTime()),
      actorId: actor.userId || null,
      summary: activity.summary,
      details: activity.details ?? {},
    })
    .returning();
  await scoreAfterActivity(db, actor, activity);
  await firstTouchAfterActivity(db, actor, activity);
  return toItem(row!);
}

/**
 * Many activities at once (a scheduler's batch of sent emails): one multi-row insert per thousand,
 * then the hooks set-based — one rescore of the leads whose engagement moved, one first-touch
 * check over the leads touched — instead of once per activity. `actorId` overrides the actor's.
 */
export async function logActivities(db: Db, actor: Actor, list: (NewActivity & { actorId?: string | null | undefined })[]): Promise<void> {
  if (list.length === 0) return;
  const rows = list.map((activity) => ({
    orgId: actor.orgId, id: newId(), subjectType: activity.subjectType, subjectId: activity.subjectId, kind: activity.kind,
    occurredAt: new Date((activity.occurredAt ?? new Date()).getTime()), actorId: activity.actorId === undefined ? actor.userId || null : activity.actorId,
    summary: activity.summary, details: activity.details ?? {},
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.insert(activities).values(rows.slice(i, i + 1000));
  const onLeads = rows.filter((r) => r.subjectType === 'lead');
  const rescored = [...new Set(onLeads.filter((r) => isEngagementKind(r.kind)).map((r) => r.subjectId))];
  if (rescored.length) await rescoreLeads(db, actor, rescored);
  await recordFirstTouches(db, actor, onLeads.filter((r) => isFirstTouchKind(r.kind)).map((r) => ({ leadId: r.subjectId, at: r.occurredAt })));
}

/** A note a user writes on a record; audited like every other change. */
export async function addNote(db: Db, actor: Actor, subjectType: SubjectType, subjectId: string, text: string): Promise<TimelineItem> {
  assertCan(actor, 'records:write');
  const body = text.trim();
  if (!body) throw badRequest('A note needs some text', [{ field: 'text', message: 'Write something' }]);
  return db.transaction(async (tx) => {
    const note = await logActivity(tx, actor, { subjectType, subjectId, kind: 'note', summary: body });
    await recordAudit(tx, actor, { entityType: 'activity', entityId: note.id, action: 'create', after: { subjectType, subjectId, kind: 'note', summary: body } });
    return note;
  });
}

export type TimelineQuery = { kinds?: string[] | undefined; cursor?: string | undefined; limit: number };

/** A contact whose activities show on an account's or a deal's timeline beside the record's own. */
export type TimelinePerson = { id: string; name: string };

/**
 * A record's timeline, newest first: its activities merged with its own audited changes (kind
 * "change"), so every change to the record shows beside the calls, notes and submissions.
 */
export async function timeline(
  db: Db,
  actor: Actor,
  subjectType: SubjectType,
  subjectId: string,
  query: TimelineQuery,
  people: TimelinePerson[] = [],
): Promise<{ data: TimelineItem[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const after = query.cursor ? positionOf(query.cursor) : null;
  const kinds = query.kinds?.length ? query.kinds : null;
  const activityKinds = kinds?.filter((k) => k !== CHANGE_KIND) ?? null;

  const conditions: SQL[] = [eq(activities.orgId, actor.orgId), eq(activities.subjectType, subjectType), eq(activities.subjectId, subjectId)];
  if (activityKinds) conditions.push(inArray(activities.kind, activityKinds));
  if (after) conditions.push(sql`(${activities.occurredAt}, ${activities.id}) < (${new Date(after.at).toISOString()}::timestamptz, ${after.id}::uuid)`);
  // The two streams are independent reads: on a PostgreSQL pool they run side by side.
  const [activityRows, changes] = await Promise.all([
    activityKinds?.length === 0
      ? []
      : people.length > 0
        ? activitiesOfMany(db, actor, [{ type: subjectType, id: subjectId }, ...people.map((p) => ({ type: 'contact' as const, id: p.id }))], activityKinds, after, query.limit + 1)
        : db
          .select()
          .from(activities)
          .where(and(...conditions))
          .orderBy(desc(activities.occurredAt), desc(activities.id))
          .limit(query.limit + 1),
    kinds && !kinds.includes(CHANGE_KIND)
      ? []
      : listAudit(db, actor, {
          entityType: subjectType,
          entityId: subjectId,
          cursor: after ? auditIdBound(after) : undefined,
          limit: query.limit + 1,
        }).then((page) => page.data),
  ]);

  const { page, next } = mergePage(
    [
      activityRows.map((row) => ({ position: { at: row.occurredAt.getTime(), id: row.id }, item: withPerson(toItem(row), row, subjectType, people) })),
      changes.map((entry) => ({
        position: { at: uuidv7Time(entry.id), id: entry.id },
        item: {
          id: entry.id,
          source: 'audit' as const,
          kind: CHANGE_KIND,
          occurredAt: entry.createdAt,
          actorId: entry.actorId,
          summary: describeChange(entry.action, entry.after),
          details: { action: entry.action, before: entry.before, after: entry.after, reason: entry.reason },
        },
      })),
    ],
    query.limit,
  );
  return { data: page.map((p) => p.item), nextCursor: next ? encodeCursor({ v: next.at, id: next.id }) : null };
}

/** An activity of one of the record's contacts names that contact, so the timeline says whose call it was. */
function withPerson(item: TimelineItem, row: ActivityRow, subjectType: SubjectType, people: TimelinePerson[]): TimelineItem {
  if (row.subjectType === subjectType || row.subjectType !== 'contact') return item;
  const person = people.find((p) => p.id === row.subjectId);
  return person ? { ...item, contact: { id: person.id, name: person.name } } : item;
}

/**
 * The newest activities of several records in one statement: for each record the timeline index
 * is read backwards up to `limit` rows (a LATERAL subquery), so the final sort sees at most
 * records × limit rows however long each record's history is.
 */
async function activitiesOfMany(
  db: Db,
  actor: Actor,
  subjects: { type: SubjectType; id: string }[],
  kinds: string[] | null,
  after: TimelinePosition | null,
  limit: number,
): Promise<ActivityRow[]> {
  const list = sql.join(subjects.map((s) => sql`(${s.type}, ${s.id}::uuid)`), sql`, `);
  const kindFilter = kinds ? sql` and a.kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})` : sql``;
  const afterFilter = after ? sql` and (a.occurred_at, a.id) < (${new Date(after.at).toISOString()}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute(sql`
    select t.* from (values ${list}) as s(subject_type, subject_id)
    cross join lateral (
      select a.* from activities a
      where a.org_id = ${actor.orgId} and a.subject_type = s.subject_type and a.subject_id = s.subject_id${kindFilter}${afterFilter}
      order by a.occurred_at desc, a.id desc
      limit ${limit}
    ) t
    order by t.occurred_at desc, t.id desc
    limit ${limit}`);
  type Raw = { org_id: string; id: string; subject_type: string; subject_id: string; kind: string; occurred_at: string | Date; actor_id: string | null; summary: string; details: unknown; created_at: string | Date };
  return (result as unknown as { rows: Raw[] }).rows.map((r) => ({
    orgId: r.org_id,
    id: r.id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    kind: r.kind,
    occurredAt: new Date(r.occurred_at),
    actorId: r.actor_id,
    summary: r.summary,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) ?? {},
    createdAt: new Date(r.created_at),
  }));
}

function positionOf(cursor: string): TimelinePosition {
  const { v, id } = decodeCursor(cursor);
  if (typeof v !== 'number' || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw badRequest('The cursor is not one this API issued', [{ field: 'query.cursor', message: 'Invalid cursor' }]);
  }
  return { at: v, id };
}

export type ActivityMove = { id: string; from: string; to: string };

/**
 * Moves every activity of some records onto another record of the same type (a merge), and
 * says which moved from where so an undo can move exactly those back.
 */
export async function moveActivities(tx: Db, actor: Actor, subjectType: SubjectType, fromIds: string[], toId: string): Promise<ActivityMove[]> {
  if (fromIds.length === 0) return [];
  const where = and(eq(activities.orgId, actor.orgId), eq(activities.subjectType, subjectType), inArray(activities.subjectId, fromIds));
  const moving = await tx.select({ id: activities.id, from: activities.subjectId }).from(activities).where(where).for('update');
  if (moving.length > 0) await tx.update(activities).set({ subjectId: toId }).where(where);
  if (subjectType === 'lead' && moving.length > 0) await rescoreLeads(tx, actor, [toId]);
  return moving.map((m) => ({ id: m.id, from: m.from, to: toId }));
}

/** Undoes moves: each activity still on the record it was moved to goes back where it came from. */
export async function moveActivitiesBack(tx: Db, actor: Actor, subjectType: SubjectType, moves: ActivityMove[]): Promise<void> {
  const byOrigin = new Map<string, { to: string; ids: string[] }>();
  for (const move of moves) {
    const key = `${move.from}|${move.to}`;
    const group = byOrigin.get(key) ?? { to: move.to, ids: [] };
    group.ids.push(move.id);
    byOrigin.set(key, group);
  }
  for (const [key, group] of byOrigin) {
    const from = key.split('|')[0]!;
    for (let i = 0; i < group.ids.length; i += 1000) {
      await tx
        .update(activities)
        .set({ subjectId: from })
        .where(
          and(
            eq(activities.orgId, actor.orgId),
            eq(activities.subjectType, subjectType),
            eq(activities.subjectId, group.to),
            inArray(activities.id, group.ids.slice(i, i + 1000)),
          ),
        );
    }
  }
  if (subjectType === 'lead' && moves.length > 0) await rescoreLeads(tx, actor, [...new Set(moves.flatMap((m) => [m.from, m.to]))]);
}

/**
 * Copies every activity of one record onto others (a converted lead's calls, emails and notes onto
 * its contact, account and deal), keeping when and by whom each happened; each copy names its
 * original in `details.copiedFrom`. The originals stay where they are. Returns how many were copied.
 */
export async function copyActivities(tx: Db, actor: Actor, from: { subjectType: SubjectType; subjectId: string }, to: { subjectType: SubjectType; subjectId: string }[]): Promise<number> {
  if (to.length === 0) return 0;
  const originals = await tx
    .select()
    .from(activities)
    .where(and(eq(activities.orgId, actor.orgId), eq(activities.subjectType, from.subjectType), eq(activities.subjectId, from.subjectId)))
    .orderBy(activities.occurredAt, activities.id);
  const copies = to.flatMap((target) =>
    originals.map((row) => ({
      ...row,
      id: newId(),
      subjectType: target.subjectType,
      subjectId: target.subjectId,
      details: copiedDetails(row.details as Record<string, unknown>, { subjectType: from.subjectType, subjectId: from.subjectId, activityId: row.id }),
      createdAt: new Date(),
    })),
  );
  for (let i = 0; i < copies.length; i += 1000) await tx.insert(activities).values(copies.slice(i, i + 1000));
  return originals.length;
}

/**
 * A copy's details: the original's, naming where it came from. A phone system's call id stays on
 * the original only — it is unique per org, so a retried post still finds the one call.
 */
function copiedDetails(details: Record<string, unknown>, copiedFrom: { subjectType: SubjectType; subjectId: string; activityId: string }): Record<string, unknown> {
  const { externalCallId: _external, ...rest } = details;
  return { ...rest, copiedFrom };
}

/** Removes an activity a system step wrote and is now taking back (the record of an undone merge). */
export async function removeActivity(tx: Db, actor: Actor, id: string): Promise<void> {
  await tx.delete(activities).where(and(eq(activities.orgId, actor.orgId), eq(activities.id, id)));
}

export type ActivityMoment = { subjectId: string; kind: string; occurredAt: Date };

/**
 * What lead scoring counts as engagement: activities of some kinds on some records since a time,
 * at most the `perKind` latest of each kind on each record.
 */
export async function recentActivities(
  db: Db,
  actor: Actor,
  subjectType: SubjectType,
  subjectIds: string[],
  kinds: readonly string[],
  since: Date,
  perKind: number,
): Promise<ActivityMoment[]> {
  if (subjectIds.length === 0 || kinds.length === 0) return [];
  const ranked = db
    .select({
      subjectId: activities.subjectId,
      kind: activities.kind,
      occurredAt: activities.occurredAt,
      rank: sql<number>`row_number() over (partition by ${activities.subjectId}, ${activities.kind} order by ${activities.occurredAt} desc)`.as('rank'),
    })
    .from(activities)
    .where(
      and(
        eq(activities.orgId, actor.orgId),
        eq(activities.subjectType, subjectType),
        inArray(activities.subjectId, subjectIds),
        inArray(activities.kind, [...kinds]),
        sql`${activities.occurredAt} >= ${since.toISOString()}::timestamptz`,
      ),
    )
    .as('ranked');
  return db
    .select({ subjectId: ranked.subjectId, kind: ranked.kind, occurredAt: ranked.occurredAt })
    .from(ranked)
    .where(sql`${ranked.rank} <= ${perKind}`);
}

/** When each record last had an activity (absent: never): a territory's coverage. */
export async function lastActivityAt(db: Db, actor: Actor, subjectType: SubjectType, subjectIds: string[]): Promise<Map<string, Date>> {
  if (subjectIds.length === 0) return new Map();
  const rows = await db
    .select({ subjectId: activities.subjectId, last: sql<string>`max(${activities.occurredAt})` })
    .from(activities)
    .where(and(eq(activities.orgId, actor.orgId), eq(activities.subjectType, subjectType), inArray(activities.subjectId, subjectIds)))
    .groupBy(activities.subjectId);
  return new Map(rows.map((r) => [r.subjectId, new Date(r.last)]));
}
