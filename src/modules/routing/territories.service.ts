// Territories: the tree, its members, re-resolving every lead and account after the tree changes,
// and a rep's own territory with its coverage.
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { conflict, notFound, validationFailed, type FieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accountPlacements, accountsInTerritories, setAccountTerritories, type AccountView } from '../accounts/service.ts';
import { lastActivityAt } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { countLeads, leadPlacements, listLeads, setLeadTerritories, type LeadView } from '../leads/service.ts';
import { getUser, listUsers } from '../users/service.ts';
import { queueInTransaction } from './runtime.ts';
import { territories, territoryMembers } from './schema.ts';
import { loadTerritories } from './store.ts';
import { compileTerritories, createsLoop, criteriaProblems, describeCriteria, resolveTerritory, withDescendants, type TerritoryCriteria, type TerritoryRole } from './territories.model.ts';

export const REALIGN_QUEUE = 'territory-realign';

export type Member = { userId: string; role: TerritoryRole };

export type TerritoryInput = {
  name: string;
  parentId?: string | null | undefined;
  priority?: number | undefined;
  criteria?: TerritoryCriteria | undefined;
  members?: Member[] | undefined;
};

export type TerritoryView = {
  id: string;
  name: string;
  parentId: string | null;
  priority: number;
  criteria: TerritoryCriteria;
  description: string;
  path: string[];
  members: Member[];
  version: number;
  createdAt: string;
  updatedAt: string;
};

type TerritoryRow = typeof territories.$inferSelect;

function toView(row: TerritoryRow, members: Member[], path: string[]): TerritoryView {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parentId,
    priority: row.priority,
    criteria: row.criteria,
    description: describeCriteria(row.criteria),
    path,
    members,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Empty lists mean "not a criterion": the stored criteria keep only what constrains. */
function tidyCriteria(criteria: TerritoryCriteria): TerritoryCriteria {
  const out: TerritoryCriteria = {};
  const list = (values: string[] | undefined) => {
    const kept = [...new Set((values ?? []).map((v) => v.trim()).filter(Boolean))];
    return kept.length ? kept : undefined;
  };
  const countries = list(criteria.countries?.map((c) => c.toUpperCase()));
  if (countries) out.countries = countries;
  const regions = list(criteria.regions);
  if (regions) out.regions = regions;
  const prefixes = list(criteria.postcodePrefixes);
  if (prefixes) out.postcodePrefixes = prefixes;
  if (criteria.postcodeRanges?.length) out.postcodeRanges = criteria.postcodeRanges.map((r) => ({ from: r.from.trim(), to: r.to.trim() }));
  const industries = list(criteria.industries);
  if (industries) out.industries = industries;
  if (criteria.minEmployees !== undefined && criteria.minEmployees !== null) out.minEmployees = criteria.minEmployees;
  if (criteria.maxEmployees !== undefined && criteria.maxEmployees !== null) out.maxEmployees = criteria.maxEmployees;
  const accounts = list(criteria.accountIds);
  if (accounts) out.accountIds = accounts;
  return out;
}

async function memberProblems(db: Db, actor: Actor, members: Member[]): Promise<FieldError[]> {
  const users = new Map((await listUsers(db, { ...actor, role: 'admin' })).map((u) => [u.id, u]));
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  members.forEach((member, i) => {
    const user = users.get(member.userId);
    if (!user || user.status === 'deactivated') problems.push({ field: `members.${i}.userId`, message: 'No active user with this id in your organisation' });
    if (seen.has(member.userId)) problems.push({ field: `members.${i}.userId`, message: 'This person is listed twice' });
    seen.add(member.userId);
  });
  return problems;
}

async function writeMembers(tx: Db, actor: Actor, territoryId: string, members: Member[]): Promise<void> {
  await tx.delete(territoryMembers).where(and(eq(territoryMembers.orgId, actor.orgId), eq(territoryMembers.territoryId, territoryId)));
  if (members.length) await tx.insert(territoryMembers).values(members.map((m) => ({ orgId: actor.orgId, territoryId, userId: m.userId, role: m.role })));
}

/** Queues a re-resolution of the org's leads and accounts once this change commits (when jobs run here). */
const queueRealign = (tx: Db, actor: Actor) => queueInTransaction(tx, REALIGN_QUEUE, { orgId: actor.orgId }, { singletonKey: `realign-${actor.orgId}` });

export async function listTerritories(db: Db, actor: Actor): Promise<TerritoryView[]> {
  assertCan(actor, 'records:read');
  const data = await loadTerritories(db, actor.orgId);
  const rows = await db.select().from(territories).where(eq(territories.orgId, actor.orgId));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return data.map.ordered
    .map((t) => toView(byId.get(t.id)!, data.members.filter((m) => m.territoryId === t.id).map(({ userId, role }) => ({ userId, role })), t.path))
    .sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000')));
}

export async function getTerritory(db: Db, actor: Actor, id: string): Promise<TerritoryView> {
  const found = (await listTerritories(db, actor)).find((t) => t.id === id);
  if (!found) throw notFound('Territory');
  return found;
}

async function checkedParent(db: Db, actor: Actor, id: string | null, parentId: string | null): Promise<void> {
  if (!parentId) return;
  const rows = await db.select({ id: territories.id, parentId: territories.parentId }).from(territories).where(eq(territories.orgId, actor.orgId));
  if (!rows.some((r) => r.id === parentId)) throw validationFailed([{ field: 'parentId', message: 'No such territory in your organisation' }]);
  if (id && createsLoop(id, parentId, new Map(rows.map((r) => [r.id, r.parentId])))) {
    throw validationFailed([{ field: 'parentId', message: 'A territory cannot sit under itself or its own sub-territories' }]);
  }
}

export async function createTerritory(db: Db, actor: Actor, input: TerritoryInput): Promise<TerritoryView> {
  assertCan(actor, 'routing:manage');
  const criteria = tidyCriteria(input.criteria ?? {});
  const members = input.members ?? [];
  const problems = [...(input.name.trim() ? [] : [{ field: 'name', message: 'Name the territory' }]), ...criteriaProblems(criteria), ...(await memberProblems(db, actor, members))];
  if (problems.length) throw validationFailed(problems);
  const id = newId();
  await db.transaction(async (tx) => {
    await checkedParent(tx, actor, null, input.parentId ?? null);
    await tx.insert(territories).values({ orgId: actor.orgId, id, name: input.name.trim(), parentId: input.parentId ?? null, priority: input.priority ?? 100, criteria });
    await writeMembers(tx, actor, id, members);
    await recordAudit(tx, actor, { entityType: 'territory', entityId: id, action: 'create', after: { name: input.name.trim(), parentId: input.parentId ?? null, priority: input.priority ?? 100, criteria, members } });
    await queueRealign(tx, actor);
  });
  return getTerritory(db, actor, id);
}

export async function updateTerritory(db: Db, actor: Actor, id: string, changes: Partial<TerritoryInput>, expected: ExpectedVersion): Promise<TerritoryView> {
  assertCan(actor, 'routing:manage');
  const criteria = changes.criteria ? tidyCriteria(changes.criteria) : undefined;
  const problems = [
    ...(changes.name !== undefined && !changes.name.trim() ? [{ field: 'name', message: 'Name the territory' }] : []),
    ...(criteria ? criteriaProblems(criteria) : []),
    ...(changes.members ? await memberProblems(db, actor, changes.members) : []),
  ];
  if (problems.length) throw validationFailed(problems);
  await db.transaction(async (tx) => {
    const where = and(eq(territories.orgId, actor.orgId), eq(territories.id, id));
    const [row] = await tx.select().from(territories).where(where).for('update');
    if (!row) throw notFound('Territory');
    assertVersion(expected, row.version);
    if (changes.parentId !== undefined) await checkedParent(tx, actor, id, changes.parentId);
    const before = await tx.select({ userId: territoryMembers.userId, role: territoryMembers.role }).from(territoryMembers).where(and(eq(territoryMembers.orgId, actor.orgId), eq(territoryMembers.territoryId, id)));
    const [updated] = await tx
      .update(territories)
      .set({
        ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
        ...(changes.parentId !== undefined ? { parentId: changes.parentId } : {}),
        ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
        ...(criteria ? { criteria } : {}),
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where(where)
      .returning();
    if (changes.members) await writeMembers(tx, actor, id, changes.members);
    const snapshot = (r: TerritoryRow, members: unknown) => ({ name: r.name, parentId: r.parentId, priority: r.priority, criteria: r.criteria, members });
    await recordAudit(tx, actor, { entityType: 'territory', entityId: id, action: 'update', before: snapshot(row, before), after: snapshot(updated!, changes.members ?? before) });
    if (changes.parentId !== undefined || criteria || changes.priority !== undefined) await queueRealign(tx, actor);
  });
  return getTerritory(db, actor, id);
}

/** Removes a territory without sub-territories; its records fall to the next territory that fits. */
export async function deleteTerritory(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'routing:manage');
  await db.transaction(async (tx) => {
    const where = and(eq(territories.orgId, actor.orgId), eq(territories.id, id));
    const [row] = await tx.select().from(territories).where(where).for('update');
    if (!row) throw notFound('Territory');
    const [child] = await tx.select({ id: territories.id }).from(territories).where(and(eq(territories.orgId, actor.orgId), eq(territories.parentId, id))).limit(1);
    if (child) throw conflict(`${row.name} has sub-territories; move or remove them first`, 'territory_has_children');
    await tx.delete(territoryMembers).where(and(eq(territoryMembers.orgId, actor.orgId), eq(territoryMembers.territoryId, id)));
    await tx.delete(territories).where(where);
    await recordAudit(tx, actor, { entityType: 'territory', entityId: id, action: 'delete', before: { name: row.name, parentId: row.parentId, criteria: row.criteria } });
    await queueRealign(tx, actor);
  });
}

const REALIGN_BATCH = 2000;

/**
 * Resolves every live lead and account again against the current territories, in batches (each
 * its own statement, so a huge org does not hold one long transaction); writes only what moved.
 * Named-account territories place accounts only: a lead is linked to its account when routed.
 */
export async function realignTerritories(db: Db, actor: Actor): Promise<{ leads: { checked: number; moved: number }; accounts: { checked: number; moved: number } }> {
  const { map } = await loadTerritories(db, actor.orgId);
  const result = { leads: { checked: 0, moved: 0 }, accounts: { checked: 0, moved: 0 } };
  for (let afterId: string | null = null; ; ) {
    const batch = await leadPlacements(db, actor, afterId, REALIGN_BATCH);
    if (batch.length === 0) break;
    const moves = batch.map((lead) => ({ id: lead.id, from: lead.territoryId, territoryId: resolveTerritory(map, lead)?.territoryId ?? null })).filter((m) => m.from !== m.territoryId);
    await setLeadTerritories(db, actor, moves);
    result.leads.checked += batch.length;
    result.leads.moved += moves.length;
    afterId = batch.at(-1)!.id;
  }
  for (let afterId: string | null = null; ; ) {
    const batch = await accountPlacements(db, actor, afterId, REALIGN_BATCH);
    if (batch.length === 0) break;
    const moves = batch
      .map((account) => ({ id: account.id, from: account.territoryId, territoryId: resolveTerritory(map, { ...account, accountId: account.id })?.territoryId ?? null }))
      .filter((m) => m.from !== m.territoryId);
    await setAccountTerritories(db, actor, moves);
    result.accounts.checked += batch.length;
    result.accounts.moved += moves.length;
    afterId = batch.at(-1)!.id;
  }
  return result;
}

export type MyTerritory = {
  userId: string;
  territories: { id: string; name: string; path: string[]; role: TerritoryRole }[];
  coverage: { accounts: number; touchedRecently: number; notTouchedIn90Days: number; neverTouched: number; openLeads: number };
  accounts: (AccountView & { lastTouchedAt: string | null; coverage: 'recent' | 'stale' | 'never' })[];
  leads: LeadView[];
};

const DAY = 86_400_000;
const MAX_TERRITORY_ACCOUNTS = 5000;

/**
 * A rep's territory: the territories they are a member of and everything under them, the
 * accounts there with when each was last touched (any activity), and the open leads, newest
 * first. Coverage counts accounts never touched and not touched in 90 days: where to prospect.
 */
export async function myTerritory(db: Db, actor: Actor, options: { userId?: string | undefined; leadLimit: number; now: Date }): Promise<MyTerritory> {
  assertCan(actor, 'records:read');
  const userId = options.userId ?? actor.userId;
  if (userId !== actor.userId) await getUser(db, actor, userId);
  const data = await loadTerritories(db, actor.orgId);
  const mine = data.members.filter((m) => m.userId === userId);
  const covered = withDescendants(data.list, mine.map((m) => m.territoryId));
  const compiled = compileTerritories(data.list);
  const accounts = await accountsInTerritories(db, actor, covered, MAX_TERRITORY_ACCOUNTS);
  const touched = await lastActivityAt(db, actor, 'account', accounts.map((a) => a.id));
  const staleBefore = options.now.getTime() - 90 * DAY;
  const withCoverage = accounts.map((account) => {
    const last = touched.get(account.id) ?? null;
    const coverage = !last ? ('never' as const) : last.getTime() < staleBefore ? ('stale' as const) : ('recent' as const);
    return { ...account, lastTouchedAt: last?.toISOString() ?? null, coverage };
  });
  const leads = covered.length
    ? await listLeads(db, actor, { territoryIds: covered, status: ['new', 'working', 'nurture'], sort: '-createdAt', limit: options.leadLimit })
    : { data: [] };
  const openLeads = covered.length ? await countLeads(db, actor, { territoryIds: covered, status: ['new', 'working', 'nurture'] }) : 0;
  return {
    userId,
    territories: mine.map((m) => {
      const t = compiled.byId.get(m.territoryId)!;
      return { id: t.id, name: t.name, path: t.path, role: m.role };
    }),
    coverage: {
      accounts: withCoverage.length,
      touchedRecently: withCoverage.filter((a) => a.coverage === 'recent').length,
      notTouchedIn90Days: withCoverage.filter((a) => a.coverage === 'stale').length,
      neverTouched: withCoverage.filter((a) => a.coverage === 'never').length,
      openLeads,
    },
    // Untouched first, then the longest untouched: the order a rep works down.
    accounts: withCoverage.sort((a, b) => (a.lastTouchedAt ?? '').localeCompare(b.lastTouchedAt ?? '') || a.name.localeCompare(b.name)),
    leads: leads.data,
  };
}
