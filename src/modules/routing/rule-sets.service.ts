// Versioned rule sets: drafts are edited, one version per object is active, activation is audited
// and leaves the previous version archived (and re-activatable: a rollback is an activation).
import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { conflict, validationFailed, type FieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { listTeams, listUsers } from '../users/service.ts';
import { fieldDefinitions } from '../customfields/service.ts';
import type { BusinessCalendar } from './hours.model.ts';
import { ruleSetProblems, type Escalation, type Rule, type RuleObject, type RuleSetStatus } from './rules.model.ts';
import { routingRules, ruleSets, territories } from './schema.ts';
import { ruleSetById, ruleSetsOf, type StoredRuleSet } from './store.ts';

export type RuleInput = Omit<Rule, 'id'>;

export type RuleSetInput = {
  object: RuleObject;
  name: string;
  fallbackOwnerId?: string | null | undefined;
  slaMinutes?: number | null | undefined;
  businessHours?: BusinessCalendar | null | undefined;
  escalation?: Escalation | undefined;
  rules: RuleInput[];
};

export type RuleSetChanges = Partial<Omit<RuleSetInput, 'object'>>;

export type RuleSetView = Omit<StoredRuleSet, 'createdAt' | 'updatedAt' | 'activatedAt'> & { createdAt: string; updatedAt: string; activatedAt: string | null };

export const toRuleSetView = (set: StoredRuleSet): RuleSetView => ({
  ...set,
  createdAt: set.createdAt.toISOString(),
  updatedAt: set.updatedAt.toISOString(),
  activatedAt: set.activatedAt?.toISOString() ?? null,
});

const DEFAULT_ESCALATION: Escalation = { reassign: true, notifyManager: true };

/** The people, teams and territories the rules point at must exist (and the people be active). */
async function referenceProblems(db: Db, actor: Actor, set: { fallbackOwnerId: string | null; rules: RuleInput[] }): Promise<FieldError[]> {
  const [users, teams, territoryRows] = await Promise.all([
    listUsers(db, { ...actor, role: 'admin' }),
    listTeams(db, { ...actor, role: 'admin' }),
    db.select({ id: territories.id }).from(territories).where(eq(territories.orgId, actor.orgId)),
  ]);
  const active = new Set(users.filter((u) => u.status !== 'deactivated').map((u) => u.id));
  const teamIds = new Set(teams.map((t) => t.id));
  const territoryIds = new Set(territoryRows.map((t) => t.id));
  const problems: FieldError[] = [];
  if (set.fallbackOwnerId && !active.has(set.fallbackOwnerId)) problems.push({ field: 'fallbackOwnerId', message: 'No active user with this id in your organisation' });
  set.rules.forEach((rule, i) => {
    const at = `rules.${i}.target`;
    const target = rule.target;
    if (target.type === 'team' && !teamIds.has(target.teamId)) problems.push({ field: `${at}.teamId`, message: 'No such team in your organisation' });
    if (target.type === 'territory' && !territoryIds.has(target.territoryId)) problems.push({ field: `${at}.territoryId`, message: 'No such territory in your organisation' });
    if (target.type === 'users') {
      target.userIds.forEach((userId, j) => {
        if (!active.has(userId)) problems.push({ field: `${at}.userIds.${j}`, message: 'No active user with this id in your organisation' });
      });
    }
  });
  return problems;
}

async function validate(db: Db, actor: Actor, object: RuleObject, set: Required<Omit<RuleSetInput, 'object' | 'name'>>): Promise<void> {
  const rulesWithIds = set.rules.map((rule, i) => ({ ...rule, id: String(i) }));
  const problems = ruleSetProblems({ object, rules: rulesWithIds, slaMinutes: set.slaMinutes, businessHours: set.businessHours });
  // Custom fields a condition names must be the record's active ones (lead rules: the lead's).
  const customKeys = new Set((await fieldDefinitions(db, actor, object === 'account' ? 'account' : 'lead')).filter((f) => !f.archivedAt).map((f) => `custom.${f.key}`));
  set.rules.forEach((rule, i) =>
    rule.conditions.forEach((condition, j) => {
      if (condition.field.startsWith('custom.') && !customKeys.has(condition.field)) problems.push({ field: `rules.${i}.conditions.${j}.field`, message: 'No such active custom field on this record type' });
    }),
  );
  problems.push(...(await referenceProblems(db, actor, set)));
  if (problems.length) throw validationFailed(problems);
}

async function writeRules(tx: Db, orgId: string, ruleSetId: string, rules: RuleInput[]): Promise<void> {
  await tx.delete(routingRules).where(and(eq(routingRules.orgId, orgId), eq(routingRules.ruleSetId, ruleSetId)));
  if (rules.length === 0) return;
  await tx.insert(routingRules).values(
    rules.map((rule, position) => ({
      orgId,
      id: newId(),
      ruleSetId,
      position,
      name: rule.name.trim(),
      match: rule.match,
      conditions: rule.conditions,
      strategy: rule.strategy,
      target: rule.target,
      weights: rule.weights && Object.keys(rule.weights).length ? rule.weights : null,
      accountOwnerFirst: rule.accountOwnerFirst ?? false,
    })),
  );
}

const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
};

const summary = (set: Pick<StoredRuleSet, 'object' | 'name' | 'version' | 'status'> & { rules: unknown[] }) => ({
  object: set.object,
  name: set.name,
  version: set.version,
  status: set.status,
  rules: set.rules.length,
});

/** A new draft version of an object's rule set. */
export async function createRuleSet(db: Db, actor: Actor, input: RuleSetInput): Promise<RuleSetView> {
  assertCan(actor, 'routing:manage');
  const settings = {
    fallbackOwnerId: input.fallbackOwnerId ?? null,
    slaMinutes: input.slaMinutes ?? null,
    businessHours: input.businessHours ?? null,
    escalation: input.escalation ?? DEFAULT_ESCALATION,
    rules: input.rules,
  };
  if (!input.name.trim()) throw validationFailed([{ field: 'name', message: 'Name the rule set' }]);
  await validate(db, actor, input.object, settings);
  try {
    return await db.transaction(async (tx) => {
      const [{ next }] = (await tx
        .select({ next: sql<number>`coalesce(max(${ruleSets.version}), 0)::int + 1` })
        .from(ruleSets)
        .where(and(eq(ruleSets.orgId, actor.orgId), eq(ruleSets.object, input.object)))) as [{ next: number }];
      const id = newId();
      const { rules, ...columns } = settings;
      await tx.insert(ruleSets).values({ orgId: actor.orgId, id, object: input.object, name: input.name.trim(), version: next, status: 'draft', createdBy: actor.userId || null, ...columns });
      await writeRules(tx, actor.orgId, id, rules);
      const created = await ruleSetById(tx, actor.orgId, id);
      await recordAudit(tx, actor, { entityType: 'rule_set', entityId: id, action: 'create', after: summary(created) });
      return toRuleSetView(created);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('Another version of this rule set was created at the same moment; try again', 'version_taken');
    throw error;
  }
}

/** A new draft that starts as a copy of any version: how the active rules are changed. */
export async function copyRuleSet(db: Db, actor: Actor, id: string): Promise<RuleSetView> {
  assertCan(actor, 'routing:manage');
  const source = await ruleSetById(db, actor.orgId, id);
  return createRuleSet(db, actor, {
    object: source.object,
    name: source.name,
    fallbackOwnerId: source.fallbackOwnerId,
    slaMinutes: source.slaMinutes,
    businessHours: source.businessHours,
    escalation: source.escalation,
    rules: source.rules.map(({ id: _id, ...rule }) => rule),
  });
}

export async function getRuleSet(db: Db, actor: Actor, id: string): Promise<RuleSetView> {
  assertCan(actor, 'records:read');
  return toRuleSetView(await ruleSetById(db, actor.orgId, id));
}

export async function listRuleSets(db: Db, actor: Actor, filter: { object?: RuleObject | undefined; status?: RuleSetStatus | undefined }): Promise<RuleSetView[]> {
  assertCan(actor, 'records:read');
  return (await ruleSetsOf(db, actor.orgId, filter)).map(toRuleSetView);
}

function assertDraft(set: StoredRuleSet): void {
  if (set.status !== 'draft') throw conflict(`Version ${set.version} is ${set.status}; copy it into a new draft to change it`, 'rule_set_not_draft');
}

/** Changes a draft: its settings, and its rules when given (they replace the draft's rules, in order). */
export async function updateRuleSet(db: Db, actor: Actor, id: string, changes: RuleSetChanges): Promise<RuleSetView> {
  assertCan(actor, 'routing:manage');
  const current = await ruleSetById(db, actor.orgId, id);
  assertDraft(current);
  if (changes.name !== undefined && !changes.name.trim()) throw validationFailed([{ field: 'name', message: 'Name the rule set' }]);
  const next = {
    fallbackOwnerId: changes.fallbackOwnerId === undefined ? current.fallbackOwnerId : changes.fallbackOwnerId,
    slaMinutes: changes.slaMinutes === undefined ? current.slaMinutes : changes.slaMinutes,
    businessHours: changes.businessHours === undefined ? current.businessHours : changes.businessHours,
    escalation: changes.escalation ?? current.escalation,
    rules: changes.rules ?? current.rules.map(({ id: _id, ...rule }) => rule),
  };
  await validate(db, actor, current.object, next);
  return db.transaction(async (tx) => {
    const locked = await ruleSetById(tx, actor.orgId, id, true);
    assertDraft(locked);
    const { rules, ...columns } = next;
    await tx
      .update(ruleSets)
      .set({ ...columns, ...(changes.name !== undefined ? { name: changes.name.trim() } : {}), updatedAt: new Date() })
      .where(and(eq(ruleSets.orgId, actor.orgId), eq(ruleSets.id, id)));
    if (changes.rules) await writeRules(tx, actor.orgId, id, rules);
    const updated = await ruleSetById(tx, actor.orgId, id);
    await recordAudit(tx, actor, { entityType: 'rule_set', entityId: id, action: 'update', before: summary(locked), after: summary(updated) });
    return toRuleSetView(updated);
  });
}

export async function deleteRuleSet(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'routing:manage');
  await db.transaction(async (tx) => {
    const set = await ruleSetById(tx, actor.orgId, id, true);
    assertDraft(set);
    await tx.delete(routingRules).where(and(eq(routingRules.orgId, actor.orgId), eq(routingRules.ruleSetId, id)));
    await tx.delete(ruleSets).where(and(eq(ruleSets.orgId, actor.orgId), eq(ruleSets.id, id)));
    await recordAudit(tx, actor, { entityType: 'rule_set', entityId: id, action: 'delete', before: summary(set) });
  });
}

/**
 * Makes a version the one routing uses for its object; the version active until now is archived.
 * Audited with both versions. Its references are checked again: a user may have left since.
 */
export async function activateRuleSet(db: Db, actor: Actor, id: string, reason?: string): Promise<RuleSetView> {
  assertCan(actor, 'routing:manage');
  const candidate = await ruleSetById(db, actor.orgId, id);
  if (candidate.status === 'active') return toRuleSetView(candidate);
  await validate(db, actor, candidate.object, { ...candidate, rules: candidate.rules.map(({ id: _id, ...rule }) => rule) });
  return db.transaction(async (tx) => {
    const set = await ruleSetById(tx, actor.orgId, id, true);
    const [previous] = await tx
      .update(ruleSets)
      .set({ status: 'archived', updatedAt: new Date() })
      .where(and(eq(ruleSets.orgId, actor.orgId), eq(ruleSets.object, set.object), eq(ruleSets.status, 'active')))
      .returning({ id: ruleSets.id, version: ruleSets.version });
    await tx
      .update(ruleSets)
      .set({ status: 'active', activatedAt: new Date(), activatedBy: actor.userId || null, updatedAt: new Date() })
      .where(and(eq(ruleSets.orgId, actor.orgId), eq(ruleSets.id, id)));
    await recordAudit(tx, actor, {
      entityType: 'rule_set',
      entityId: id,
      action: 'activate',
      before: { object: set.object, activeVersion: previous?.version ?? null, activeRuleSetId: previous?.id ?? null },
      after: { object: set.object, activeVersion: set.version, activeRuleSetId: id },
      reason: reason ?? null,
    });
    return toRuleSetView(await ruleSetById(tx, actor.orgId, id));
  });
}
