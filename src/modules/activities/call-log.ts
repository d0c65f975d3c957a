// Queries over logged calls and a rep's own activity, for the calls and Today capabilities.
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import type { SubjectType, TimelineItem } from './model.ts';
import { activities } from './schema.ts';

/** The call a phone system already posted with this external id, if any. */
export async function activityByExternalCallId(db: Db, actor: Actor, externalCallId: string): Promise<TimelineItem | null> {
  const [row] = await db
    .select()
    .from(activities)
    .where(and(eq(activities.orgId, actor.orgId), sql`(${activities.details}->>'externalCallId') = ${externalCallId}`));
  if (!row) return null;
  return {
    id: row.id,
    source: 'activity',
    kind: row.kind,
    occurredAt: row.occurredAt.toISOString(),
    actorId: row.actorId,
    summary: row.summary,
    details: row.details as Record<string, unknown>,
  };
}

/** When each record last had an activity of these kinds (absent: never). */
export async function lastActivityOfKinds(db: Db, actor: Actor, subjectType: SubjectType, subjectIds: string[], kinds: readonly string[]): Promise<Map<string, Date>> {
  if (subjectIds.length === 0) return new Map();
  const rows = await db
    .select({ subjectId: activities.subjectId, last: sql<string>`max(${activities.occurredAt})` })
    .from(activities)
    .where(and(eq(activities.orgId, actor.orgId), eq(activities.subjectType, subjectType), inArray(activities.subjectId, subjectIds), inArray(activities.kind, [...kinds])))
    .groupBy(activities.subjectId);
  return new Map(rows.map((r) => [r.subjectId, new Date(r.last)]));
}

/**
 * How many activities of each kind a user logged since a time (a day's calls, connects, emails),
 * counting a copy (a converted lead's history) once: copies carry `copiedFrom`.
 */
export async function activityCountsOf(db: Db, actor: Actor, userId: string, since: Date, kinds: readonly string[]): Promise<Record<string, number>> {
  const rows = await db
    .select({ kind: activities.kind, n: sql<number>`count(*)::int` })
    .from(activities)
    .where(
      and(
        eq(activities.orgId, actor.orgId),
        eq(activities.actorId, userId),
        gte(activities.occurredAt, since),
        inArray(activities.kind, [...kinds]),
        sql`not (${activities.details} ? 'copiedFrom')`,
      ),
    )
    .groupBy(activities.kind);
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}
