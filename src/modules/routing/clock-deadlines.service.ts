// Read-only views of running first-touch clocks for other capabilities (the call queue and the
// rep's Today screen): when each lead's first touch is due.
import { and, eq, inArray } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { slaTimers } from './schema.ts';

/** The deadline of each lead's running first-touch clock (absent: no clock running). */
export async function firstTouchDeadlines(db: Db, actor: Actor, leadIds: string[]): Promise<Map<string, Date>> {
  if (leadIds.length === 0) return new Map();
  const rows = await db
    .select({ subjectId: slaTimers.subjectId, dueAt: slaTimers.dueAt })
    .from(slaTimers)
    .where(and(eq(slaTimers.orgId, actor.orgId), inArray(slaTimers.subjectId, leadIds), eq(slaTimers.kind, 'first_touch'), eq(slaTimers.status, 'running')));
  const deadlines = new Map<string, Date>();
  for (const row of rows) {
    const known = deadlines.get(row.subjectId);
    if (!known || row.dueAt < known) deadlines.set(row.subjectId, row.dueAt);
  }
  return deadlines;
}
