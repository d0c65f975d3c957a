// Assignment: one record through the object's active rule set, inside the caller's transaction,
// with the counters locked; the decision and its reason stored for the record and for reports.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accountCountsByOwner } from '../accounts/service.ts';
import { openLeadCounts } from '../leads/service.ts';
import { applyDecision, decide, poolFor, type Arrival, type Decision } from './decision.model.ts';
import type { CandidateNote } from './distribution.model.ts';
import { localDay } from './hours.model.ts';
import { firstMatchingRule, needsAccount, type RoutableRecord, type RuleObject } from './rules.model.ts';
import { routingDecisions } from './schema.ts';
import { activeRuleSet, applyAvailability, loadDirectory, loadTerritories, lockCounters, saveCounters, type Person, type StoredRuleSet } from './store.ts';
import { resolveTerritory, type Placeable, type Placement } from './territories.model.ts';

export const SUBJECT_TYPES = ['lead', 'account', 'opportunity'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const DECISION_KINDS = ['assignment', 'reassignment', 'escalation', 'handoff'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export type RouteRequest = {
  object: RuleObject;
  subject: { type: SubjectType; id: string };
  record: RoutableRecord;
  placeable: Placeable;
  /** The record's known account, looked up only when a rule needs it. */
  account?: (() => Promise<Arrival['account']>) | undefined;
  kind: DecisionKind;
  previousOwnerId: string | null;
  exclude?: string[] | undefined;
  /** Why this routing happens, when it is not a new arrival ("Anna is leaving"). */
  cause?: string | undefined;
  now?: Date | undefined;
};

export type Routed = {
  ruleSet: StoredRuleSet;
  decision: Decision;
  decisionId: string;
  reason: string;
  people: Map<string, Person>;
};

/** Open records a person already has, for load-balancing: leads for lead rules, accounts for account rules. */
async function openLoadOf(tx: Db, actor: Actor, object: RuleObject, userIds: string[], subjectId: string): Promise<Record<string, number>> {
  if (userIds.length === 0) return {};
  // The record being routed is not yet anyone's load, as in a dry run.
  return object === 'account' ? accountCountsByOwner(tx, actor, userIds, subjectId) : openLeadCounts(tx, actor, userIds, subjectId);
}

/** The territory a record belongs to now, by the org's current territories. */
export async function placeRecord(db: Db, actor: Actor, placeable: Placeable): Promise<Placement | null> {
  return resolveTerritory((await loadTerritories(db, actor.orgId)).map, placeable);
}

/**
 * Places the record in its territory and, when the object has an active rule set, decides its
 * owner: the first matching rule's pool and strategy over the locked counters, the account owner
 * first where the rule says so, else the fallback owner. Stores the decision with its reason and
 * moves the counters, all in the caller's transaction; the caller writes the owner on the record.
 */
export async function route(tx: Db, actor: Actor, request: RouteRequest): Promise<{ placement: Placement | null; routed: Routed | null }> {
  const now = request.now ?? new Date();
  const territoryData = await loadTerritories(tx, actor.orgId);
  const placement = resolveTerritory(territoryData.map, request.placeable);
  const ruleSet = await activeRuleSet(tx, actor.orgId, request.object);
  if (!ruleSet) return { placement, routed: null };

  const account = needsAccount(ruleSet.rules) && request.account ? await request.account() : null;
  const arrival: Arrival = {
    record: { ...request.record, territoryId: placement?.territoryId ?? null, accountId: account?.id ?? request.record.accountId ?? null, knownAccount: account ? true : null },
    territory: placement,
    account,
  };
  const { directory, people } = await loadDirectory(tx, actor, territoryData);
  const match = firstMatchingRule(ruleSet.rules, arrival.record);
  const target = match ? poolFor(match.rule, ruleSet.object, arrival, directory) : null;
  const involved = [...(target?.pool ?? []), account?.ownerId, ruleSet.fallbackOwnerId].filter((id): id is string => Boolean(id) && Boolean(people.get(id!)));
  const { availability, ...locked } = await lockCounters(tx, actor.orgId, target && target.pool.length ? target.key : null, involved);
  applyAvailability(people, availability);
  const openLoad = match?.rule.strategy === 'load_balanced' ? await openLoadOf(tx, actor, ruleSet.object, target!.pool, request.subject.id) : {};
  const counters = { ...locked, openLoad };

  const decision = decide(ruleSet, arrival, directory, counters, { now, exclude: request.exclude });
  applyDecision(counters, decision, directory, now);
  const owner = decision.ownerId;
  await saveCounters(
    tx,
    actor.orgId,
    decision.rotationKey && decision.rotation ? { key: decision.rotationKey, value: decision.rotation } : null,
    owner ? { userId: owner, day: localDay(now, people.get(owner)?.timeZone ?? 'UTC'), count: counters.assignedToday[owner]!.count } : null,
  );
  const reason = request.cause ? `${request.cause}: ${decision.reason}` : decision.reason;
  const decisionId = await recordDecision(tx, actor, {
    subjectType: request.subject.type,
    subjectId: request.subject.id,
    kind: request.kind,
    ruleSet,
    ruleId: decision.ruleId,
    ruleName: decision.ruleName,
    reason,
    candidates: decision.candidates,
    ownerId: owner,
    previousOwnerId: request.previousOwnerId,
    territoryId: placement?.territoryId ?? null,
    at: now,
  });
  return { placement, routed: { ruleSet, decision, decisionId, reason, people } };
}

export type DecisionRecord = {
  subjectType: SubjectType;
  subjectId: string;
  kind: DecisionKind;
  ruleSet: Pick<StoredRuleSet, 'id' | 'version'> | null;
  ruleId?: string | null | undefined;
  ruleName?: string | null | undefined;
  reason: string;
  candidates?: CandidateNote[] | undefined;
  ownerId: string | null;
  previousOwnerId: string | null;
  territoryId?: string | null | undefined;
  at?: Date | undefined;
};

/** Stores a decision (a routing, a manual move in a bulk reassignment, an escalation) with its reason. */
export async function recordDecision(tx: Db, actor: Actor, record: DecisionRecord): Promise<string> {
  const id = newId();
  await tx.insert(routingDecisions).values({
    orgId: actor.orgId,
    id,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    kind: record.kind,
    ruleSetId: record.ruleSet?.id ?? null,
    ruleSetVersion: record.ruleSet?.version ?? null,
    ruleId: record.ruleId ?? null,
    ruleName: record.ruleName ?? null,
    reason: record.reason,
    candidates: record.candidates ?? [],
    ownerId: record.ownerId,
    previousOwnerId: record.previousOwnerId,
    territoryId: record.territoryId ?? null,
    actorId: actor.userId || null,
    ...(record.at ? { createdAt: record.at } : {}),
  });
  return id;
}

export type DecisionView = {
  id: string;
  subjectType: SubjectType;
  subjectId: string;
  kind: DecisionKind;
  ruleSetId: string | null;
  ruleSetVersion: number | null;
  ruleId: string | null;
  ruleName: string | null;
  reason: string;
  candidates: CandidateNote[];
  ownerId: string | null;
  previousOwnerId: string | null;
  territoryId: string | null;
  actorId: string | null;
  createdAt: string;
};

const toDecisionView = (row: typeof routingDecisions.$inferSelect): DecisionView => ({
  id: row.id,
  subjectType: row.subjectType as SubjectType,
  subjectId: row.subjectId,
  kind: row.kind as DecisionKind,
  ruleSetId: row.ruleSetId,
  ruleSetVersion: row.ruleSetVersion,
  ruleId: row.ruleId,
  ruleName: row.ruleName,
  reason: row.reason,
  candidates: row.candidates,
  ownerId: row.ownerId,
  previousOwnerId: row.previousOwnerId,
  territoryId: row.territoryId,
  actorId: row.actorId,
  createdAt: row.createdAt.toISOString(),
});

export type DecisionFilter = {
  subjectId?: string | undefined;
  subjectType?: SubjectType | undefined;
  ownerId?: string | undefined;
  ruleSetId?: string | undefined;
  kind?: DecisionKind | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** Decisions newest first, filtered by record, owner, rule set or kind. */
export async function listDecisions(db: Db, actor: Actor, filter: DecisionFilter): Promise<{ data: DecisionView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(routingDecisions.orgId, actor.orgId)];
  if (filter.subjectId) conditions.push(eq(routingDecisions.subjectId, filter.subjectId));
  if (filter.subjectType) conditions.push(eq(routingDecisions.subjectType, filter.subjectType));
  if (filter.ownerId) conditions.push(eq(routingDecisions.ownerId, filter.ownerId));
  if (filter.ruleSetId) conditions.push(eq(routingDecisions.ruleSetId, filter.ruleSetId));
  if (filter.kind) conditions.push(eq(routingDecisions.kind, filter.kind));
  // Ids are UUIDv7, so id order is time order and the id alone is a stable cursor.
  if (filter.cursor) conditions.push(lt(routingDecisions.id, decodeCursor(filter.cursor).id));
  const rows = await db
    .select()
    .from(routingDecisions)
    .where(and(...conditions))
    .orderBy(desc(routingDecisions.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { data: page.map(toDecisionView), nextCursor: rows.length > filter.limit && last ? encodeCursor({ v: null, id: last.id }) : null };
}
