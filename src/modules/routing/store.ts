// Reads and writes of routing's own tables that several routing services share: the territory
// tree, rule sets with their rules, who is who (the directory), and the counters.
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound } from '../../core/errors.ts';
import { listUsers } from '../users/service.ts';
import type { Directory } from './decision.model.ts';
import type { Candidate, Counters, Rotation } from './distribution.model.ts';
import type { Rule, RuleObject, RuleSet, RuleSetStatus, Strategy } from './rules.model.ts';
import { ruleSets, routingRotations, routingRules, territories, territoryMembers, userAvailability } from './schema.ts';

type AvailabilityRow = typeof userAvailability.$inferSelect;
import { compileTerritories, type Territory, type TerritoryMap, type TerritoryRole } from './territories.model.ts';

export type TerritoryData = {
  list: Territory[];
  members: { territoryId: string; userId: string; role: TerritoryRole }[];
  map: TerritoryMap;
};

/** The org's territories with their members, in one round trip (routing reads them for every record). */
export async function loadTerritories(db: Db, orgId: string): Promise<TerritoryData> {
  // As for rule sets below: the outer table is named in full inside the subquery.
  const rows = await db
    .select({
      id: territories.id,
      name: territories.name,
      parentId: territories.parentId,
      priority: territories.priority,
      criteria: territories.criteria,
      members: sql<{ userId: string; role: TerritoryRole }[] | null>`(
        select json_agg(json_build_object('userId', m.user_id, 'role', m.role) order by m.created_at)
        from ${territoryMembers} m where m.org_id = "territories"."org_id" and m.territory_id = "territories"."id")`,
    })
    .from(territories)
    .where(eq(territories.orgId, orgId))
    .orderBy(asc(territories.name));
  const list = rows.map(({ members: _members, ...territory }) => territory);
  const members = rows.flatMap((row) => (row.members ?? []).map((m) => ({ territoryId: row.id, userId: m.userId, role: m.role })));
  return { list, members, map: compileTerritories(list) };
}

export type StoredRuleSet = RuleSet & {
  status: RuleSetStatus;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  activatedAt: Date | null;
  activatedBy: string | null;
};

type RuleRow = Omit<Rule, 'weights'> & { weights: Record<string, number> | null };

// A rule set row with its rules, ordered, gathered by the same query.
// The outer table is named in full: drizzle leaves columns of a one-table select unqualified,
// which inside the subquery would mean the rule's own columns.
const withRules = {
  ...getTableColumns(ruleSets),
  rules: sql<RuleRow[]>`coalesce((
    select json_agg(json_build_object('id', r.id, 'name', r.name, 'match', r.match, 'conditions', r.conditions, 'strategy', r.strategy,
      'target', r.target, 'weights', r.weights, 'accountOwnerFirst', r.account_owner_first) order by r.position)
    from ${routingRules} r where r.org_id = "rule_sets"."org_id" and r.rule_set_id = "rule_sets"."id"), '[]'::json)`,
};

function toStored(row: typeof ruleSets.$inferSelect & { rules: RuleRow[] }): StoredRuleSet {
  return {
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
    rules: row.rules.map(({ weights, ...rule }): Rule => ({ ...rule, strategy: rule.strategy as Strategy, ...(weights ? { weights } : {}) })),
  };
}

export async function activeRuleSet(db: Db, orgId: string, object: RuleObject): Promise<StoredRuleSet | null> {
  const [row] = await db
    .select(withRules)
    .from(ruleSets)
    .where(and(eq(ruleSets.orgId, orgId), eq(ruleSets.object, object), eq(ruleSets.status, 'active')));
  return row ? toStored(row) : null;
}

export async function ruleSetById(db: Db, orgId: string, id: string, lock = false): Promise<StoredRuleSet> {
  const query = db.select(withRules).from(ruleSets).where(and(eq(ruleSets.orgId, orgId), eq(ruleSets.id, id)));
  const [row] = lock ? await query.for('update', { of: ruleSets }) : await query;
  if (!row) throw notFound('Rule set');
  return toStored(row);
}

export async function ruleSetsOf(db: Db, orgId: string, filter: { object?: RuleObject | undefined; status?: RuleSetStatus | undefined }): Promise<StoredRuleSet[]> {
  const conditions = [eq(ruleSets.orgId, orgId)];
  if (filter.object) conditions.push(eq(ruleSets.object, filter.object));
  if (filter.status) conditions.push(eq(ruleSets.status, filter.status));
  const rows = await db.select(withRules).from(ruleSets).where(and(...conditions)).orderBy(asc(ruleSets.object), sql`${ruleSets.version} desc`);
  return rows.map(toStored);
}

export type Person = Candidate & { email: string; role: string; teamId: string | null };

/**
 * Who is who for routing: every user, teams by member, territory members. Availability comes
 * from the rows given (the ones the assignment locked, or a dry run's snapshot): people without
 * a row are available around the clock without a cap.
 */
export async function loadDirectory(db: Db, actor: Actor, territoryData: TerritoryData, availability: readonly AvailabilityRow[] = []): Promise<{ directory: Directory; people: Map<string, Person> }> {
  const users = await listUsers(db, { ...actor, role: 'admin' });
  const people = new Map<string, Person>();
  const teams: Record<string, string[]> = {};
  for (const user of users) {
    people.set(user.id, {
      userId: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      teamId: user.teamId,
      active: user.status === 'active',
      timeZone: user.timeZone,
      outOfOfficeUntil: null,
      workingHours: null,
      dailyCap: null,
    });
    if (user.teamId) (teams[user.teamId] ??= []).push(user.id);
  }
  applyAvailability(people, availability);
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

/** Puts out-of-office, working hours and caps from availability rows on the people they belong to. */
export function applyAvailability(people: ReadonlyMap<string, Candidate>, rows: readonly AvailabilityRow[]): void {
  for (const row of rows) {
    const person = people.get(row.userId);
    if (!person) continue;
    person.outOfOfficeUntil = row.outOfOfficeUntil?.getTime() ?? null;
    person.workingHours = row.workingHours ?? null;
    person.dailyCap = row.dailyCap ?? null;
  }
}

const toRotation = (row: typeof routingRotations.$inferSelect): Rotation => ({ last: row.lastUserId, credits: row.credits });

const todayCounts = (rows: readonly AvailabilityRow[]): Counters['assignedToday'] =>
  Object.fromEntries(rows.filter((a) => a.countedDay).map((a) => [a.userId, { day: a.countedDay!, count: a.assignedOnDay }]));

/** Every rotation, today's counts and everyone's availability as they stand: what a dry run starts from. */
export async function counterSnapshot(db: Db, orgId: string): Promise<Omit<Counters, 'openLoad'> & { availability: AvailabilityRow[] }> {
  const [rotations, availability] = await Promise.all([
    db.select().from(routingRotations).where(eq(routingRotations.orgId, orgId)),
    db.select().from(userAvailability).where(eq(userAvailability.orgId, orgId)),
  ]);
  return { rotations: Object.fromEntries(rotations.map((r) => [r.key, toRotation(r)])), assignedToday: todayCounts(availability), availability };
}

/**
 * Locks the rotation and the availability rows one assignment reads (an upsert takes the row
 * lock, and creates a missing row, in one statement), so concurrent arrivals queue up behind each
 * other instead of taking the same turn or both taking the last place under a cap. Always the
 * rotation first, then people in id order: no deadlocks.
 */
export async function lockCounters(tx: Db, orgId: string, rotationKey: string | null, userIds: string[]): Promise<Omit<Counters, 'openLoad'> & { availability: AvailabilityRow[] }> {
  const rotations: Counters['rotations'] = {};
  if (rotationKey) {
    const [row] = await tx
      .insert(routingRotations)
      .values({ orgId, key: rotationKey })
      .onConflictDoUpdate({ target: [routingRotations.orgId, routingRotations.key], set: { key: sql`excluded.key` } })
      .returning();
    rotations[rotationKey] = toRotation(row!);
  }
  const ids = [...new Set(userIds)].sort();
  const availability = ids.length
    ? await tx
        .insert(userAvailability)
        .values(ids.map((userId) => ({ orgId, userId })))
        .onConflictDoUpdate({ target: [userAvailability.orgId, userAvailability.userId], set: { userId: sql`excluded.user_id` } })
        .returning()
    : [];
  return { rotations, assignedToday: todayCounts(availability), availability };
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
