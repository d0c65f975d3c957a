// Reads and writes of routing's own tables that several routing services share: the territory
// tree, rule sets with their rules, who is who (the directory), and the counters.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound } from '../../core/errors.ts';
import { listUsers } from '../users/service.ts';
import type { Directory } from './decision.model.ts';
import type { Candidate, Counters, Rotation } from './distribution.model.ts';
import type { Rule, RuleObject, RuleSet, RuleSetStatus, Strategy } from './rules.model.ts';
import { ruleSets, routingRotations, routingRules, territories, territoryMembers, userAvailability } from './schema.ts';
import { compileTerritories, type Territory, type TerritoryMap, type TerritoryRole } from './territories.model.ts';

export type TerritoryData = {
  list: Territory[];
  members: { territoryId: string; userId: string; role: TerritoryRole }[];
  map: TerritoryMap;
};

export async function loadTerritories(db: Db, orgId: string): Promise<TerritoryData> {
  const [rows, members] = await Promise.all([
    db.select().from(territories).where(eq(territories.orgId, orgId)).orderBy(asc(territories.name)),
    db.select().from(territoryMembers).where(eq(territoryMembers.orgId, orgId)).orderBy(asc(territoryMembers.createdAt)),
  ]);
  const list = rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parentId, priority: r.priority, criteria: r.criteria }));
  return { list, members: members.map((m) => ({ territoryId: m.territoryId, userId: m.userId, role: m.role as TerritoryRole })), map: compileTerritories(list) };
}

export type StoredRuleSet = RuleSet & {
  status: RuleSetStatus;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  activatedAt: Date | null;
  activatedBy: string | null;
};

type RuleSetRow = typeof ruleSets.$inferSelect;

async function withRules(db: Db, orgId: string, rows: RuleSetRow[]): Promise<StoredRuleSet[]> {
  if (rows.length === 0) return [];
  const rules = await db
    .select()
    .from(routingRules)
    .where(and(eq(routingRules.orgId, orgId), inArray(routingRules.ruleSetId, rows.map((r) => r.id))))
    .orderBy(asc(routingRules.position));
  return rows.map((row) => ({
    id: row.id,
    object: row.object as RuleObject,
    name: row.name,
    version: row.version,
    status: row.status as RuleSetStatus,
    fallbackOwnerId: row.fallbackOwnerId,
    slaMinutes: row.slaMinutes,
    businessHours: row.businessHours,
    escalation: row.escalation,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    activatedAt: row.activatedAt,
    activatedBy: row.activatedBy,
    rules: rules
      .filter((r) => r.ruleSetId === row.id)
      .map(
        (r): Rule => ({
          id: r.id,
          name: r.name,
          match: r.match as Rule['match'],
          conditions: r.conditions,
          strategy: r.strategy as Strategy,
          target: r.target,
          weights: r.weights ?? undefined,
          accountOwnerFirst: r.accountOwnerFirst,
        }),
      ),
  }));
}

export async function activeRuleSet(db: Db, orgId: string, object: RuleObject): Promise<StoredRuleSet | null> {
  const rows = await db
    .select()
    .from(ruleSets)
    .where(and(eq(ruleSets.orgId, orgId), eq(ruleSets.object, object), eq(ruleSets.status, 'active')));
  return (await withRules(db, orgId, rows))[0] ?? null;
}

export async function ruleSetById(db: Db, orgId: string, id: string, lock = false): Promise<StoredRuleSet> {
  const query = db.select().from(ruleSets).where(and(eq(ruleSets.orgId, orgId), eq(ruleSets.id, id)));
  const rows = lock ? await query.for('update') : await query;
  const [found] = await withRules(db, orgId, rows);
  if (!found) throw notFound('Rule set');
  return found;
}

export async function ruleSetsOf(db: Db, orgId: string, filter: { object?: RuleObject | undefined; status?: RuleSetStatus | undefined }): Promise<StoredRuleSet[]> {
  const conditions = [eq(ruleSets.orgId, orgId)];
  if (filter.object) conditions.push(eq(ruleSets.object, filter.object));
  if (filter.status) conditions.push(eq(ruleSets.status, filter.status));
  const rows = await db.select().from(ruleSets).where(and(...conditions)).orderBy(asc(ruleSets.object), sql`${ruleSets.version} desc`);
  return withRules(db, orgId, rows);
}

export type Person = Candidate & { email: string; role: string; teamId: string | null };

/**
 * Who is who for routing: every user with their availability, teams by member, territory
 * members. Availability rows are read as they are; the assignment path locks the ones it uses.
 */
export async function loadDirectory(db: Db, actor: Actor, territoryData: TerritoryData): Promise<{ directory: Directory; people: Map<string, Person> }> {
  const [users, availability] = await Promise.all([
    listUsers(db, { ...actor, role: 'admin' }),
    db.select().from(userAvailability).where(eq(userAvailability.orgId, actor.orgId)),
  ]);
  const byUser = new Map(availability.map((a) => [a.userId, a]));
  const people = new Map<string, Person>();
  const teams: Record<string, string[]> = {};
  for (const user of users) {
    const a = byUser.get(user.id);
    people.set(user.id, {
      userId: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      teamId: user.teamId,
      active: user.status === 'active',
      timeZone: user.timeZone,
      outOfOfficeUntil: a?.outOfOfficeUntil?.getTime() ?? null,
      workingHours: a?.workingHours ?? null,
      dailyCap: a?.dailyCap ?? null,
    });
    if (user.teamId) (teams[user.teamId] ??= []).push(user.id);
  }
  const territoryMembersById: Directory['territoryMembers'] = {};
  for (const m of territoryData.members) (territoryMembersById[m.territoryId] ??= []).push({ userId: m.userId, role: m.role });
  return {
    people,
    directory: {
      people: Object.fromEntries(people),
      teams,
      territoryMembers: territoryMembersById,
      territoryParents: Object.fromEntries(territoryData.list.map((t) => [t.id, t.parentId])),
      territoryNames: Object.fromEntries(territoryData.list.map((t) => [t.id, t.name])),
    },
  };
}

const toRotation = (row: typeof routingRotations.$inferSelect): Rotation => ({ last: row.lastUserId, credits: row.credits });

/** Every rotation and today's counts as they stand: the snapshot a dry run starts from. */
export async function counterSnapshot(db: Db, orgId: string): Promise<Omit<Counters, 'openLoad'>> {
  const [rotations, availability] = await Promise.all([
    db.select().from(routingRotations).where(eq(routingRotations.orgId, orgId)),
    db.select().from(userAvailability).where(eq(userAvailability.orgId, orgId)),
  ]);
  return {
    rotations: Object.fromEntries(rotations.map((r) => [r.key, toRotation(r)])),
    assignedToday: Object.fromEntries(availability.filter((a) => a.countedDay).map((a) => [a.userId, { day: a.countedDay!, count: a.assignedOnDay }])),
  };
}

/**
 * Locks the rotation and the availability rows one assignment reads, creating missing rows, so
 * concurrent arrivals queue up behind each other instead of taking the same turn or both taking
 * the last place under a cap. Always the rotation first, then people in id order: no deadlocks.
 */
export async function lockCounters(tx: Db, orgId: string, rotationKey: string | null, userIds: string[]): Promise<Omit<Counters, 'openLoad'>> {
  const rotations: Counters['rotations'] = {};
  if (rotationKey) {
    await tx.insert(routingRotations).values({ orgId, key: rotationKey }).onConflictDoNothing();
    const [row] = await tx.select().from(routingRotations).where(and(eq(routingRotations.orgId, orgId), eq(routingRotations.key, rotationKey))).for('update');
    rotations[rotationKey] = toRotation(row!);
  }
  const ids = [...new Set(userIds)].sort();
  const assignedToday: Counters['assignedToday'] = {};
  if (ids.length) {
    await tx.insert(userAvailability).values(ids.map((userId) => ({ orgId, userId }))).onConflictDoNothing();
    const rows = await tx
      .select()
      .from(userAvailability)
      .where(and(eq(userAvailability.orgId, orgId), inArray(userAvailability.userId, ids)))
      .orderBy(asc(userAvailability.userId))
      .for('update');
    for (const row of rows) if (row.countedDay) assignedToday[row.userId] = { day: row.countedDay, count: row.assignedOnDay };
  }
  return { rotations, assignedToday };
}

/** Writes back what one decision moved: the rotation, and the owner's count for their day. */
export async function saveCounters(tx: Db, orgId: string, rotation: { key: string; value: Rotation } | null, owner: { userId: string; day: string; count: number } | null): Promise<void> {
  if (rotation) {
    await tx
      .update(routingRotations)
      .set({ lastUserId: rotation.value.last, credits: rotation.value.credits, updatedAt: new Date() })
      .where(and(eq(routingRotations.orgId, orgId), eq(routingRotations.key, rotation.key)));
  }
  if (owner) {
    await tx
      .update(userAvailability)
      .set({ countedDay: owner.day, assignedOnDay: owner.count })
      .where(and(eq(userAvailability.orgId, orgId), eq(userAvailability.userId, owner.userId)));
  }
}
