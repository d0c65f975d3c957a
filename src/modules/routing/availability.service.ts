// A person's availability for routing: out of office, working hours in their own time zone, and
// a daily cap on new records. Everyone sets their own; managers set anyone's.
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { getUser } from '../users/service.ts';
import { assignedOn, unavailableBecause, type Candidate } from './distribution.model.ts';
import { localDay, weeklyHoursProblems, type WeeklyHours } from './hours.model.ts';
import { userAvailability } from './schema.ts';

export type AvailabilityView = {
  userId: string;
  timeZone: string;
  outOfOfficeUntil: string | null;
  workingHours: WeeklyHours | null;
  dailyCap: number | null;
  assignedToday: number;
  availableNow: boolean;
  unavailableBecause: string | null;
};

export type AvailabilityChanges = {
  outOfOfficeUntil?: string | null | undefined;
  workingHours?: WeeklyHours | null | undefined;
  dailyCap?: number | null | undefined;
};

export async function getAvailability(db: Db, actor: Actor, userId: string, now: Date = new Date()): Promise<AvailabilityView> {
  // Everyone sees their own; other people's need the right to read users.
  if (userId !== actor.userId) assertCan(actor, 'users:read');
  const user = await getUser(db, { ...actor, role: 'admin' }, userId);
  const [row] = await db.select().from(userAvailability).where(and(eq(userAvailability.orgId, actor.orgId), eq(userAvailability.userId, userId)));
  const candidate: Candidate = {
    userId,
    name: user.name,
    active: user.status === 'active',
    timeZone: user.timeZone,
    outOfOfficeUntil: row?.outOfOfficeUntil?.getTime() ?? null,
    workingHours: row?.workingHours ?? null,
    dailyCap: row?.dailyCap ?? null,
  };
  const counters = { rotations: {}, openLoad: {}, assignedToday: row?.countedDay ? { [userId]: { day: row.countedDay, count: row.assignedOnDay } } : {} };
  const why = unavailableBecause(candidate, now, counters);
  return {
    userId,
    timeZone: user.timeZone,
    outOfOfficeUntil: row?.outOfOfficeUntil?.toISOString() ?? null,
    workingHours: candidate.workingHours,
    dailyCap: candidate.dailyCap,
    assignedToday: assignedOn(counters, userId, localDay(now, user.timeZone)),
    availableNow: why === null,
    unavailableBecause: why,
  };
}

/** Changes a person's availability: their own, or anyone's with routing:manage. */
export async function setAvailability(db: Db, actor: Actor, userId: string, changes: AvailabilityChanges): Promise<AvailabilityView> {
  await getUser(db, { ...actor, role: 'admin' }, userId);
  if (userId !== actor.userId) assertCan(actor, 'routing:manage');
  if (changes.workingHours) {
    const problems = weeklyHoursProblems(changes.workingHours, 'workingHours');
    if (problems.length) throw validationFailed(problems);
  }
  if (changes.dailyCap !== undefined && changes.dailyCap !== null && (!Number.isInteger(changes.dailyCap) || changes.dailyCap < 0)) {
    throw validationFailed([{ field: 'dailyCap', message: 'A whole number of leads, 0 or more' }]);
  }
  await db.transaction(async (tx) => {
    await tx.insert(userAvailability).values({ orgId: actor.orgId, userId }).onConflictDoNothing();
    const where = and(eq(userAvailability.orgId, actor.orgId), eq(userAvailability.userId, userId));
    const [before] = await tx.select().from(userAvailability).where(where).for('update');
    const [after] = await tx
      .update(userAvailability)
      .set({
        ...(changes.outOfOfficeUntil !== undefined ? { outOfOfficeUntil: changes.outOfOfficeUntil ? new Date(changes.outOfOfficeUntil) : null } : {}),
        ...(changes.workingHours !== undefined ? { workingHours: changes.workingHours } : {}),
        ...(changes.dailyCap !== undefined ? { dailyCap: changes.dailyCap } : {}),
        updatedAt: new Date(),
      })
      .where(where)
      .returning();
    const snapshot = (row: typeof userAvailability.$inferSelect) => ({ outOfOfficeUntil: row.outOfOfficeUntil?.toISOString() ?? null, workingHours: row.workingHours, dailyCap: row.dailyCap });
    await recordAudit(tx, actor, { entityType: 'availability', entityId: userId, action: 'update', before: snapshot(before!), after: snapshot(after!) });
  });
  return getAvailability(db, actor, userId);
}
