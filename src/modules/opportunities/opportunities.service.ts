import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, validationFailed, type FieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accountBrief, markCustomer } from '../accounts/customers.service.ts';
import { notifyAccountTeam } from '../accounts/relationships.service.ts';
import { logActivity } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { getLead } from '../leads/service.ts';
import { notify, withNotifications, type Delivery, type Outbox } from '../notifications/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { customFilterConditions, prepareCustomValues } from '../customfields/service.ts';
import { approvalStanding, neededApprovals } from './approvals.model.ts';
import { describeMissing, gatingStages, missingForMove, type DealFacts, type GateStage, type MissingRequirement } from './gates.model.ts';
import { addDays, addMonths, dateOf, formatMoney, isCurrency } from './line-items.model.ts';
import { assertPartner } from '../partners/service.ts';
import { parseSort, pipelineKindFor, tidyCompetitors, type OpportunitySort, type OpportunitySource, type OpportunityStatus, type PartnerRole } from './model.ts';
import { categoriesFor, type ForecastCategory } from './pipelines.model.ts';
import { getPipeline, pipelineOfKind, type PipelineView, type StageView } from './pipelines.service.ts';
import { readPolicy } from './policies.service.ts';
import { lineItems, opportunities } from './schema.ts';
import {
  auditable,
  contactRolesOf,
  lineItemsOf,
  lockOpportunity,
  opportunityKey,
  readOpportunity,
  standingOf,
  toLineItemView,
  toOpportunityView,
  writeHistory,
  type LineItemView,
  type OpportunityRow,
  type OpportunityView,
} from './store.ts';
import { visibleRecords } from '../visibility/records.ts';
import type { DealApprovals } from './approvals.service.ts';
import { dealContacts, type DealContactView } from './deal-contacts.service.ts';

export type OpportunityFields = {
  name?: string | undefined;
  accountId?: string | null | undefined;
  ownerId?: string | null | undefined;
  amount?: number | undefined;
  currency?: string | undefined;
  closeDate?: string | undefined;
  probability?: number | undefined;
  forecastCategory?: ForecastCategory | undefined;
  nextStep?: string | null | undefined;
  competitors?: string[] | undefined;
  lossReason?: string | null | undefined;
  winReason?: string | null | undefined;
  paymentTermsDays?: number | undefined;
  description?: string | undefined;
  sourcedBy?: string | null | undefined;
  partnerId?: string | null | undefined;
  partnerRole?: PartnerRole | null | undefined;
};

/** Custom field values as the API sends them (checked against the org's fields by the customfields module). */
type CustomInput = { custom?: Record<string, unknown> | undefined };

export type NewOpportunity = OpportunityFields & CustomInput & {
  name: string;
  pipelineId?: string | undefined;
  stageId?: string | undefined;
  source?: OpportunitySource | undefined;
  sourceLeadId?: string | null | undefined;
};

/** A deal enters its first stage from nowhere: every gate up to and including it applies. */
const START: GateStage = { id: '', name: '', position: -1, outcome: 'open', gates: [] };

const DEFAULT_CLOSE_DAYS = 30;

export function gateError(stageName: string, missing: readonly MissingRequirement[]): AppError {
  return new AppError(
    422,
    'stage_gate',
    describeMissing(stageName, missing),
    missing.map((m) => ({ field: m.requirement, message: `${m.message} (required by ${m.stage})` })),
  );
}

function tidyFields<T extends OpportunityFields>(fields: T): T {
  const out = { ...fields };
  const text = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : value.trim() || null);
  if (out.name !== undefined) out.name = out.name.trim();
  if (out.nextStep !== undefined) out.nextStep = text(out.nextStep);
  if (out.lossReason !== undefined) out.lossReason = text(out.lossReason);
  if (out.winReason !== undefined) out.winReason = text(out.winReason);
  if (out.currency !== undefined) out.currency = out.currency.trim().toUpperCase();
  if (out.competitors !== undefined) out.competitors = tidyCompetitors(out.competitors);
  // A partner's part goes with the partner: removing the partner clears it, naming one defaults it.
  if (out.partnerId === null) out.partnerRole = null;
  else if (out.partnerId && out.partnerRole === undefined) out.partnerRole = 'sourced';
  const problems: FieldError[] = [];
  if (out.name !== undefined && !out.name) problems.push({ field: 'name', message: 'A deal needs a name' });
  if (out.currency !== undefined && !isCurrency(out.currency)) problems.push({ field: 'currency', message: `${out.currency} is not an ISO 4217 currency code` });
  if (problems.length) throw validationFailed(problems);
  return out;
}

async function checkPeople(tx: Db, actor: Actor, fields: OpportunityFields, before?: OpportunityRow): Promise<void> {
  if (fields.ownerId && fields.ownerId !== before?.ownerId) await assertActiveUser(tx, actor, fields.ownerId, 'ownerId');
  if (fields.sourcedBy && fields.sourcedBy !== before?.sourcedBy) await assertActiveUser(tx, actor, fields.sourcedBy, 'sourcedBy');
  if (fields.accountId && fields.accountId !== before?.accountId) await accountBrief(tx, actor, fields.accountId, 'accountId');
  if (fields.partnerId && fields.partnerId !== before?.partnerId) await assertPartner(tx, actor, fields.partnerId, 'partnerId');
  const partnerId = fields.partnerId === undefined ? (before?.partnerId ?? null) : fields.partnerId;
  if (fields.partnerRole && !partnerId) throw validationFailed([{ field: 'partnerRole', message: 'Name the partner (partnerId) whose part this is' }]);
}

/** The facts the gates read, loaded only as far as the gates in play need them. */
async function dealFacts(tx: Db, actor: Actor, deal: OpportunityRow, gates: ReadonlySet<string>): Promise<DealFacts> {
  const needsRoles = ['decision_maker', 'economic_buyer', 'champion'].some((g) => gates.has(g));
  const needsLines = gates.has('products') || gates.has('approvals');
  const roles = needsRoles ? await contactRolesOf(tx, actor, deal.id) : [];
  const lines = needsLines ? await lineItemsOf(tx, actor, deal.id) : [];
  const approvals = gates.has('approvals') ? (await standingOf(tx, actor, deal, await readPolicy(tx, actor.orgId), lines)).standing : [];
  return { amount: deal.amount, nextStep: deal.nextStep, contactRoles: roles.flatMap((r) => r.roles), lineItemCount: lines.length, approvals, lossReason: deal.lossReason };
}

const gatesOf = (stages: readonly { gates: readonly string[] }[]) => new Set(stages.flatMap((s) => s.gates));

export type InsertedDeal = { row: OpportunityRow; pipeline: PipelineView; stage: StageView };

/**
 * Inserts a deal with its first history row, audit entry and the account's timeline entry, and
 * tells the account team. Shared by direct creation, expansions and renewals.
 */
export async function insertOpportunity(
  tx: Db,
  actor: Actor,
  values: Omit<typeof opportunities.$inferInsert, 'orgId' | 'id' | 'status' | 'probability' | 'forecastCategory'> & { probability?: number | undefined; forecastCategory?: string | undefined },
  stage: StageView,
  outbox: Outbox,
  reason?: string,
): Promise<OpportunityRow> {
  const at = now();
  const [row] = await tx
    .insert(opportunities)
    .values({
      ...values,
      orgId: actor.orgId,
      id: newId(),
      probability: values.probability ?? stage.probability,
      forecastCategory: values.forecastCategory ?? stage.forecastCategory,
      status: stage.outcome,
      stageEnteredAt: at,
      createdBy: actor.userId || null,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict('This renewal exists already', 'renewal_exists');
  await writeHistory(tx, actor, null, row, at);
  await recordAudit(tx, actor, { entityType: 'opportunity', entityId: row.id, action: 'create', after: auditable(row), reason: reason ?? null });
  if (row.accountId) {
    const amount = formatMoney(row.amount, row.currency);
    await logActivity(tx, actor, { subjectType: 'account', subjectId: row.accountId, kind: 'opportunity_created', summary: `New deal: ${row.name} (${amount})`, details: { opportunityId: row.id } });
    await notifyAccountTeam(tx, actor, row.accountId, { kind: 'opportunity_created', title: `New deal on your account: ${row.name}`, body: `${row.name}, ${amount}, in ${stage.name}, closing ${row.closeDate}.`, link: `/opportunities/${row.id}` }, outbox);
  }
  if (row.ownerId && row.ownerId !== actor.userId) {
    await notify(tx, actor, [row.ownerId], { kind: 'opportunity_assigned', title: `You own a new deal: ${row.name}`, link: `/opportunities/${row.id}` }, outbox);
  }
  return row;
}

/**
 * Creates a deal. Usable inside a caller's transaction (a lead conversion passes its `tx`, the
 * `sourceLeadId` and `sourcedBy` for SDR credit, and its own outbox in `delivery.outbox` so
 * notification mail waits for the caller's commit).
 */
export async function createOpportunity(db: Db, actor: Actor, input: NewOpportunity, delivery?: Delivery): Promise<OpportunityView> {
  assertCan(actor, 'records:write');
  const { custom: customInput, ...fields } = tidyFields(input);
  const source: OpportunitySource = input.source ?? (input.sourceLeadId ? 'lead' : 'direct');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const policy = await readPolicy(tx, actor.orgId);
    const pipeline = input.pipelineId
      ? await getPipeline(tx, actor, input.pipelineId).catch(() => {
          throw validationFailed([{ field: 'pipelineId', message: 'No such pipeline in your organisation' }]);
        })
      : await pipelineOfKind(tx, actor, pipelineKindFor(source));
    if (pipeline.archived) throw validationFailed([{ field: 'pipelineId', message: `"${pipeline.name}" is archived; choose an active pipeline` }]);
    const stage = input.stageId ? pipeline.stages.find((s) => s.id === input.stageId) : pipeline.stages.find((s) => s.outcome === 'open');
    if (!stage) throw validationFailed([{ field: 'stageId', message: 'Not a stage of this pipeline' }]);
    if (stage.outcome !== 'open') throw validationFailed([{ field: 'stageId', message: 'Create the deal in an open stage, then close it' }]);
    const ownerId = fields.ownerId === undefined ? actor.userId || null : fields.ownerId;
    await checkPeople(tx, actor, { ...fields, ownerId });
    if (input.sourceLeadId) {
      await getLead(tx, actor, input.sourceLeadId).catch(() => {
        throw validationFailed([{ field: 'sourceLeadId', message: 'No such lead in your organisation' }]);
      });
    }
    if (fields.forecastCategory && !categoriesFor('open').includes(fields.forecastCategory)) {
      throw validationFailed([{ field: 'forecastCategory', message: 'An open deal counts as pipeline, best case or commit' }]);
    }
    const custom = (await prepareCustomValues(tx, actor, 'opportunity', customInput, { id: null, current: null }))!;
    const values = {
      ...fields,
      custom,
      name: fields.name,
      pipelineId: pipeline.id,
      stageId: stage.id,
      ownerId,
      amount: fields.amount ?? 0,
      currency: fields.currency ?? policy.defaultCurrency,
      closeDate: fields.closeDate ?? addDays(dateOf(now()), DEFAULT_CLOSE_DAYS),
      paymentTermsDays: fields.paymentTermsDays ?? policy.standardPaymentTermsDays,
      source,
      sourceLeadId: input.sourceLeadId ?? null,
      lossReason: null,
      winReason: null,
    };
    // A new deal has no line items and no requests yet: only its payment terms can need approval.
    const approvals = approvalStanding(neededApprovals(policy, { discountsBp: [], paymentTermsDays: values.paymentTermsDays }), []);
    const facts: DealFacts = { amount: values.amount, nextStep: values.nextStep ?? null, contactRoles: [], lineItemCount: 0, approvals, lossReason: null };
    const missing = missingForMove(pipeline.stages, START, stage, facts);
    if (missing.length) throw gateError(stage.name, missing);
    return toOpportunityView(await insertOpportunity(tx, actor, values, stage, outbox));
  });
}

export type OpportunityFilter = {
  pipelineId?: string | undefined;
  stageId?: string | undefined;
  status?: OpportunityStatus[] | undefined;
  ownerId?: string | undefined;
  accountId?: string | undefined;
  partnerId?: string | undefined;
  q?: string | undefined;
  /** `custom.<key>` filters (customfields/model.ts parseFilter). */
  custom?: Record<string, string> | undefined;
  closeFrom?: string | undefined;
  closeTo?: string | undefined;
  sort: OpportunitySort;
  cursor?: string | undefined;
  limit: number;
};

const SORT_COLUMNS = { closeDate: opportunities.closeDate, amount: opportunities.amount, name: opportunities.name, updatedAt: opportunities.updatedAt } as const;

export function opportunityConditions(actor: Actor, filter: Omit<OpportunityFilter, 'sort' | 'cursor' | 'limit'>): SQL[] {
  const conditions: SQL[] = [eq(opportunities.orgId, actor.orgId), isNull(opportunities.deletedAt), visibleRecords(actor, 'opportunities')];
  if (filter.pipelineId) conditions.push(eq(opportunities.pipelineId, filter.pipelineId));
  if (filter.stageId) conditions.push(eq(opportunities.stageId, filter.stageId));
  if (filter.status?.length) conditions.push(inArray(opportunities.status, filter.status));
  if (filter.ownerId) conditions.push(eq(opportunities.ownerId, filter.ownerId));
  if (filter.accountId) conditions.push(eq(opportunities.accountId, filter.accountId));
  if (filter.partnerId) conditions.push(eq(opportunities.partnerId, filter.partnerId));
  if (filter.closeFrom) conditions.push(sql`${opportunities.closeDate} >= ${filter.closeFrom}::date`);
  if (filter.closeTo) conditions.push(sql`${opportunities.closeDate} <= ${filter.closeTo}::date`);
  if (filter.q?.trim()) conditions.push(ilike(opportunities.name, `%${filter.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  return conditions;
}

/** The table view: filtered, sorted, keyset-paged. The board's "more" pages are this list too. */
export async function listOpportunities(db: Db, actor: Actor, filter: OpportunityFilter): Promise<{ data: OpportunityView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions = [...opportunityConditions(actor, filter), ...(await customFilterConditions(db, actor, 'opportunity', filter.custom))];
  const { key, descending } = parseSort(filter.sort);
  const column = SORT_COLUMNS[key];
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    const cast = key === 'closeDate' ? sql`::date` : key === 'updatedAt' ? sql`::timestamptz` : key === 'amount' ? sql`::bigint` : sql``;
    const value = sql`${cursor.v}${cast}`;
    conditions.push(descending ? sql`(${column}, ${opportunities.id}) < (${value}, ${cursor.id}::uuid)` : sql`(${column}, ${opportunities.id}) > (${value}, ${cursor.id}::uuid)`);
  }
  const order = descending ? [desc(column), desc(opportunities.id)] : [asc(column), asc(opportunities.id)];
  const rows = await db.select().from(opportunities).where(and(...conditions)).orderBy(...order).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { data: page.map(toOpportunityView), nextCursor: rows.length > filter.limit && last ? encodeCursor(cursorOf(last, key)) : null };
}

export function cursorOf(row: Pick<OpportunityRow, 'id' | 'closeDate' | 'amount' | 'name' | 'updatedAt'>, key: keyof typeof SORT_COLUMNS) {
  const value = row[key];
  return { v: value instanceof Date ? value.toISOString() : value, id: row.id };
}

export async function updateOpportunity(db: Db, actor: Actor, id: string, changes: OpportunityFields & CustomInput, expected: ExpectedVersion, delivery?: Delivery): Promise<OpportunityView> {
  assertCan(actor, 'records:write');
  const { custom: customInput, ...fields } = tidyFields(changes);
  return withNotifications(db, delivery, async (tx, outbox) => {
    const row = await lockOpportunity(tx, actor, id);
    assertVersion(expected, row.version);
    await checkPeople(tx, actor, fields, row);
    const problems: FieldError[] = [];
    const [anyLine] = fields.amount !== undefined || fields.currency !== undefined ? await lineItemsOf(tx, actor, id) : [];
    if (anyLine && fields.amount !== undefined && fields.amount !== row.amount) problems.push({ field: 'amount', message: 'The amount is the sum of the line items; change those instead' });
    if (anyLine && fields.currency !== undefined && fields.currency !== row.currency) problems.push({ field: 'currency', message: 'Remove the line items before changing the currency' });
    if (fields.forecastCategory && !categoriesFor(row.status as OpportunityStatus).includes(fields.forecastCategory)) {
      problems.push({ field: 'forecastCategory', message: `A ${row.status} deal counts as ${categoriesFor(row.status as OpportunityStatus).join(' or ')}` });
    }
    if (row.status === 'lost' && fields.lossReason === null) problems.push({ field: 'lossReason', message: 'A lost deal keeps its loss reason' });
    if (problems.length) throw validationFailed(problems);
    const custom = await prepareCustomValues(tx, actor, 'opportunity', customInput, { id, current: row.custom });
    const at = now();
    const [updated] = await tx.update(opportunities).set({ ...fields, ...(custom ? { custom } : {}), version: row.version + 1, updatedAt: at }).where(opportunityKey(actor, id)).returning();
    await writeHistory(tx, actor, row, updated!, at);
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    if (updated!.ownerId && updated!.ownerId !== row.ownerId) {
      await notify(tx, actor, [updated!.ownerId], { kind: 'opportunity_assigned', title: `You now own the deal ${updated!.name}`, link: `/opportunities/${id}` }, outbox);
    }
    return toOpportunityView(updated!);
  });
}

export type MoveInput = { stageId: string; lossReason?: string | undefined; winReason?: string | undefined };

/**
 * Moves a deal to another stage of its pipeline: one transaction that checks the version, the
 * gates of every stage the deal passes, records the stage history and tells the account team.
 * Winning starts the recurring terms (and makes the account a customer); closing dates the deal today.
 */
export async function moveOpportunity(db: Db, actor: Actor, id: string, input: MoveInput, expected: ExpectedVersion, delivery?: Delivery): Promise<OpportunityView> {
  assertCan(actor, 'records:write');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const row = await lockOpportunity(tx, actor, id);
    assertVersion(expected, row.version);
    const pipeline = await getPipeline(tx, actor, row.pipelineId);
    const to = pipeline.stages.find((s) => s.id === input.stageId);
    if (!to) throw validationFailed([{ field: 'stageId', message: 'Not a stage of this deal\'s pipeline' }]);
    const from = pipeline.stages.find((s) => s.id === row.stageId)!;
    if (to.id === from.id) return toOpportunityView(row);
    const lossReason = input.lossReason?.trim() || (to.outcome === 'lost' ? row.lossReason : null);
    // Only what the stages on the way ask for is loaded: a move between ungated stages reads no facts.
    const facts = await dealFacts(tx, actor, { ...row, lossReason }, gatesOf(gatingStages(pipeline.stages, from, to)));
    const missing = missingForMove(pipeline.stages, from, to, facts);
    if (missing.length) throw gateError(to.name, missing);

    const at = now();
    const today = dateOf(at);
    const closing = to.outcome !== 'open';
    const [moved] = await tx
      .update(opportunities)
      .set({
        stageId: to.id,
        probability: to.probability,
        forecastCategory: to.forecastCategory,
        status: to.outcome,
        stageEnteredAt: at,
        closedAt: closing ? at : null,
        closeDate: closing ? today : row.closeDate,
        lossReason: to.outcome === 'lost' ? lossReason : null,
        winReason: to.outcome === 'won' ? input.winReason?.trim() || row.winReason : null,
        version: row.version + 1,
        updatedAt: at,
      })
      .where(opportunityKey(actor, id))
      .returning();
    if (to.outcome === 'won') await startTerms(tx, actor, id, today);
    await writeHistory(tx, actor, row, moved!, at);
    await recordAudit(tx, actor, {
      entityType: 'opportunity',
      entityId: id,
      action: 'stage_change',
      before: { stageId: from.id, stage: from.name, status: row.status },
      after: { stageId: to.id, stage: to.name, status: to.outcome, ...(to.outcome === 'lost' ? { lossReason } : {}), ...(to.outcome === 'won' ? { winReason: moved!.winReason } : {}) },
    });
    if (moved!.accountId) await tellAccount(tx, actor, moved!, from, to, outbox);
    return toOpportunityView(moved!);
  });
}

/** A won deal's recurring products start their term today unless a start was agreed. */
async function startTerms(tx: Db, actor: Actor, opportunityId: string, today: string): Promise<void> {
  for (const line of await lineItemsOf(tx, actor, opportunityId)) {
    if (line.billing !== 'recurring' || !line.termMonths) continue;
    const start = line.startDate ?? today;
    await tx
      .update(lineItems)
      .set({ startDate: start, endDate: addMonths(start, line.termMonths) })
      .where(and(eq(lineItems.orgId, actor.orgId), eq(lineItems.id, line.id)));
  }
}

async function tellAccount(tx: Db, actor: Actor, deal: OpportunityRow, from: StageView, to: StageView, outbox: Outbox): Promise<void> {
  const accountId = deal.accountId!;
  const amount = formatMoney(deal.amount, deal.currency);
  if (to.outcome === 'won') {
    await markCustomer(tx, actor, accountId, `Won ${deal.name}`);
    await logActivity(tx, actor, { subjectType: 'account', subjectId: accountId, kind: 'opportunity_won', summary: `Won ${deal.name} (${amount})`, details: { opportunityId: deal.id } });
  } else if (to.outcome === 'lost') {
    await logActivity(tx, actor, { subjectType: 'account', subjectId: accountId, kind: 'opportunity_lost', summary: `Lost ${deal.name}: ${deal.lossReason}`, details: { opportunityId: deal.id } });
  }
  const title = to.outcome === 'won' ? `Won: ${deal.name}` : to.outcome === 'lost' ? `Lost: ${deal.name}` : `${deal.name} moved to ${to.name}`;
  await notifyAccountTeam(tx, actor, accountId, { kind: 'stage_change', title, body: `${deal.name} (${amount}) moved from ${from.name} to ${to.name}.`, link: `/opportunities/${deal.id}` }, outbox);
}

export async function deleteOpportunity(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'records:delete');
  await db.transaction(async (tx) => {
    const row = await lockOpportunity(tx, actor, id);
    await tx.update(opportunities).set({ deletedAt: now(), version: row.version + 1, updatedAt: now() }).where(opportunityKey(actor, id));
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: id, action: 'delete' });
  });
}

export type OpportunityDetail = OpportunityView & {
  pipelineName: string;
  stage: StageView;
  lineItems: LineItemView[];
  contacts: DealContactView[];
  approvals: DealApprovals;
};

/** A deal with everything its page shows: stage, line items, people and approvals. */
export async function getOpportunity(db: Db, actor: Actor, id: string): Promise<OpportunityDetail> {
  assertCan(actor, 'records:read');
  const row = await readOpportunity(db, actor, id);
  const pipeline = await getPipeline(db, actor, row.pipelineId);
  const lines = await lineItemsOf(db, actor, id);
  const { standing, requests } = await standingOf(db, actor, row, await readPolicy(db, actor.orgId), lines);
  return {
    ...toOpportunityView(row),
    pipelineName: pipeline.name,
    stage: pipeline.stages.find((s) => s.id === row.stageId)!,
    lineItems: lines.map(toLineItemView),
    contacts: await dealContacts(db, actor, id),
    approvals: { standing, requests },
  };
}

export type PartnerDealFact = { partnerId: string; partnerRole: PartnerRole; status: OpportunityStatus; amount: number; currency: string; createdAt: Date; closedAt: Date | null };

/** Every live deal credited to a partner, in the few columns the partner report adds up. */
export async function partnerDealFacts(db: Db, actor: Actor): Promise<PartnerDealFact[]> {
  assertCan(actor, 'records:read');
  const rows = await db
    .select({
      partnerId: opportunities.partnerId,
      partnerRole: opportunities.partnerRole,
      status: opportunities.status,
      amount: opportunities.amount,
      currency: opportunities.currency,
      createdAt: opportunities.createdAt,
      closedAt: opportunities.closedAt,
    })
    .from(opportunities)
    .where(and(eq(opportunities.orgId, actor.orgId), isNull(opportunities.deletedAt), sql`${opportunities.partnerId} is not null`));
  return rows.map((r) => ({ ...r, partnerId: r.partnerId!, partnerRole: (r.partnerRole ?? 'sourced') as PartnerRole, status: r.status as OpportunityStatus }));
}

export type OpenDealMatch = { id: string; name: string; accountId: string | null; ownerId: string | null; amount: number; currency: string; partnerId: string | null; similarity: number };

/** Open deals on any of the accounts, or whose name holds a word at least `minSimilarity` like the company (pg_trgm word_similarity: "Globex — 200 seats" is Globex). */
export async function openOpportunityCandidates(db: Db, actor: Actor, probe: { accountIds: string[]; company: string | null }, minSimilarity: number): Promise<OpenDealMatch[]> {
  const company = probe.company?.trim().toLowerCase() || null;
  const similarity = company ? sql<number>`word_similarity(${company}, lower(${opportunities.name}))` : sql<number>`0`;
  const alternatives: SQL[] = [];
  if (probe.accountIds.length) alternatives.push(inArray(opportunities.accountId, probe.accountIds));
  if (company) alternatives.push(sql`${similarity} >= ${minSimilarity}`);
  if (alternatives.length === 0) return [];
  const rows = await db
    .select({ id: opportunities.id, name: opportunities.name, accountId: opportunities.accountId, ownerId: opportunities.ownerId, amount: opportunities.amount, currency: opportunities.currency, partnerId: opportunities.partnerId, similarity })
    .from(opportunities)
    .where(and(eq(opportunities.orgId, actor.orgId), isNull(opportunities.deletedAt), eq(opportunities.status, 'open'), or(...alternatives)))
    .orderBy(sql`${similarity} desc`, asc(opportunities.createdAt))
    .limit(10);
  return rows.map((r) => ({ ...r, similarity: Number(r.similarity) }));
}

export type DealMoneyFact = { id: string; accountId: string | null; ownerId: string | null; status: OpportunityStatus; amount: number; currency: string };

/** Live deals by id, plus the won ones of the given accounts: what customer feedback's revenue-at-stake adds up. */
export async function dealsCitedOrWon(db: Db, actor: Actor, probe: { ids: string[]; wonOfAccountIds: string[] }): Promise<DealMoneyFact[]> {
  const alternatives: SQL[] = [];
  if (probe.ids.length) alternatives.push(inArray(opportunities.id, probe.ids));
  if (probe.wonOfAccountIds.length) alternatives.push(and(eq(opportunities.status, 'won'), inArray(opportunities.accountId, probe.wonOfAccountIds))!);
  if (alternatives.length === 0) return [];
  const rows = await db
    .select({ id: opportunities.id, accountId: opportunities.accountId, ownerId: opportunities.ownerId, status: opportunities.status, amount: opportunities.amount, currency: opportunities.currency })
    .from(opportunities)
    .where(and(eq(opportunities.orgId, actor.orgId), isNull(opportunities.deletedAt), or(...alternatives)));
  return rows.map((r) => ({ ...r, status: r.status as OpportunityStatus }));
}
