// Reads and writes of deal rows that several services of this module share: the view shapes,
// locking a deal, its line items, contact roles, approval requests and history rows.
import { and, asc, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { approvalStanding, neededApprovals, type ApprovalKind, type ApprovalLevel, type ApprovalPolicy, type ApprovalStanding, type ApprovalStatus } from './approvals.model.ts';
import type { Billing } from './line-items.model.ts';
import type { OpportunitySource, OpportunityStatus, PartnerRole } from './model.ts';
import type { ForecastCategory } from './pipelines.model.ts';
import { visibleRecords } from '../visibility/records.ts';
import { approvalRequests, lineItems, opportunities, opportunityContacts, opportunityHistory } from './schema.ts';

export type OpportunityRow = typeof opportunities.$inferSelect;

export type OpportunityView = {
  id: string;
  name: string;
  pipelineId: string;
  stageId: string;
  accountId: string | null;
  ownerId: string | null;
  amount: number;
  currency: string;
  closeDate: string;
  probability: number;
  forecastCategory: ForecastCategory;
  status: OpportunityStatus;
  source: OpportunitySource;
  sourceLeadId: string | null;
  sourcedBy: string | null;
  partnerId: string | null;
  partnerRole: PartnerRole | null;
  nextStep: string | null;
  competitors: string[];
  lossReason: string | null;
  winReason: string | null;
  paymentTermsDays: number;
  description: string;
  renewsOpportunityId: string | null;
  renewsTermEnd: string | null;
  stageEnteredAt: string;
  closedAt: string | null;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** Custom field values by key (src/modules/customfields). */
  custom: Record<string, unknown>;
};

export function toOpportunityView(row: OpportunityRow): OpportunityView {
  return {
    id: row.id,
    name: row.name,
    pipelineId: row.pipelineId,
    stageId: row.stageId,
    accountId: row.accountId,
    ownerId: row.ownerId,
    amount: row.amount,
    currency: row.currency,
    closeDate: row.closeDate,
    probability: row.probability,
    forecastCategory: row.forecastCategory as ForecastCategory,
    status: row.status as OpportunityStatus,
    source: row.source as OpportunitySource,
    sourceLeadId: row.sourceLeadId,
    sourcedBy: row.sourcedBy,
    partnerId: row.partnerId,
    partnerRole: row.partnerRole as PartnerRole | null,
    nextStep: row.nextStep,
    competitors: row.competitors,
    lossReason: row.lossReason,
    winReason: row.winReason,
    paymentTermsDays: row.paymentTermsDays,
    description: row.description,
    renewsOpportunityId: row.renewsOpportunityId,
    renewsTermEnd: row.renewsTermEnd,
    stageEnteredAt: row.stageEnteredAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
    custom: row.custom,
  };
}

/** The fields an audit entry keeps: what a user can see change. */
export function auditable(row: OpportunityRow): Record<string, unknown> {
  const { orgId: _org, createdAt: _c, updatedAt: _u, version: _v, stageEnteredAt: _s, customArchived: _a, ...rest } = row;
  return rest;
}

export const opportunityKey = (actor: Actor, id: string) => and(eq(opportunities.orgId, actor.orgId), eq(opportunities.id, id));

/** A deal the actor may see and edit (visibility/records.ts): anything else is a 404. */
const visibleOpportunity = (actor: Actor, id: string) => and(opportunityKey(actor, id), visibleRecords(actor, 'opportunities'));

/** A live deal, locked for the caller's transaction. */
export async function lockOpportunity(tx: Db, actor: Actor, id: string): Promise<OpportunityRow> {
  const [row] = await tx.select().from(opportunities).where(visibleOpportunity(actor, id)).for('update');
  if (!row || row.deletedAt) throw notFound('Opportunity');
  return row;
}

export async function readOpportunity(db: Db, actor: Actor, id: string): Promise<OpportunityRow> {
  const [row] = await db.select().from(opportunities).where(visibleOpportunity(actor, id));
  if (!row || row.deletedAt) throw notFound('Opportunity');
  return row;
}

export type LineItemView = {
  id: string;
  productId: string;
  name: string;
  sku: string;
  billing: Billing;
  quantity: number;
  unitPrice: number;
  discountPercent: number;
  termMonths: number | null;
  startDate: string | null;
  endDate: string | null;
  total: number;
  position: number;
};

type LineItemRow = typeof lineItems.$inferSelect;

export const toLineItemView = (row: LineItemRow): LineItemView => ({
  id: row.id,
  productId: row.productId,
  name: row.name,
  sku: row.sku,
  billing: row.billing as Billing,
  quantity: row.quantity,
  unitPrice: row.unitPrice,
  discountPercent: row.discountBp / 100,
  termMonths: row.termMonths,
  startDate: row.startDate,
  endDate: row.endDate,
  total: row.total,
  position: row.position,
});

export async function lineItemsOf(db: Db, actor: Actor, opportunityId: string): Promise<LineItemRow[]> {
  return db
    .select()
    .from(lineItems)
    .where(and(eq(lineItems.orgId, actor.orgId), eq(lineItems.opportunityId, opportunityId)))
    .orderBy(asc(lineItems.position), asc(lineItems.id));
}

export type ContactRoleRow = { contactId: string; roles: string[]; isPrimary: boolean };

export async function contactRolesOf(db: Db, actor: Actor, opportunityId: string): Promise<ContactRoleRow[]> {
  return db
    .select({ contactId: opportunityContacts.contactId, roles: opportunityContacts.roles, isPrimary: opportunityContacts.isPrimary })
    .from(opportunityContacts)
    .where(and(eq(opportunityContacts.orgId, actor.orgId), eq(opportunityContacts.opportunityId, opportunityId)))
    .orderBy(asc(opportunityContacts.createdAt));
}

export type ApprovalRequestView = {
  id: string;
  opportunityId: string;
  kind: ApprovalKind;
  level: ApprovalLevel;
  value: number;
  reason: string;
  status: ApprovalStatus;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
};

export const toRequestView = (row: typeof approvalRequests.$inferSelect): ApprovalRequestView => ({
  id: row.id,
  opportunityId: row.opportunityId,
  kind: row.kind as ApprovalKind,
  level: row.level as ApprovalLevel,
  value: row.value,
  reason: row.reason,
  status: row.status as ApprovalStatus,
  requestedBy: row.requestedBy,
  requestedAt: row.requestedAt.toISOString(),
  decidedBy: row.decidedBy,
  decidedAt: row.decidedAt?.toISOString() ?? null,
  comment: row.comment,
});

export async function requestsOf(db: Db, actor: Actor, opportunityId: string): Promise<ApprovalRequestView[]> {
  const rows = await db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.orgId, actor.orgId), eq(approvalRequests.opportunityId, opportunityId)))
    .orderBy(asc(approvalRequests.id));
  return rows.map(toRequestView);
}

/** Which approvals the deal's current line items and terms need, and where each stands. */
export async function standingOf(db: Db, actor: Actor, deal: OpportunityRow, policy: ApprovalPolicy, items?: LineItemRow[]) {
  const lines = items ?? (await lineItemsOf(db, actor, deal.id));
  const requests = await requestsOf(db, actor, deal.id);
  const needed = neededApprovals(policy, { discountsBp: lines.map((l) => l.discountBp), paymentTermsDays: deal.paymentTermsDays });
  const standing: ApprovalStanding[] = approvalStanding(needed, requests);
  return { needed, standing, requests };
}

export type HistoryChange = 'created' | 'stage' | 'amount' | 'close_date' | 'forecast';

/** Appends a history row when something a forecast reads changed between `before` and `after`. */
export async function writeHistory(tx: Db, actor: Actor, before: OpportunityRow | null, after: OpportunityRow, at: Date): Promise<void> {
  const changes: HistoryChange[] = [];
  if (!before) changes.push('created');
  else {
    if (before.stageId !== after.stageId) changes.push('stage');
    if (before.amount !== after.amount || before.currency !== after.currency) changes.push('amount');
    if (before.closeDate !== after.closeDate) changes.push('close_date');
    if (before.probability !== after.probability || before.forecastCategory !== after.forecastCategory) changes.push('forecast');
  }
  if (changes.length === 0) return;
  await tx.insert(opportunityHistory).values({
    orgId: actor.orgId,
    id: newId(),
    opportunityId: after.id,
    changedAt: at,
    changedBy: actor.userId || null,
    changes,
    stageId: after.stageId,
    previousStageId: before && before.stageId !== after.stageId ? before.stageId : null,
    amount: after.amount,
    previousAmount: before && changes.includes('amount') ? before.amount : null,
    currency: after.currency,
    closeDate: after.closeDate,
    previousCloseDate: before && changes.includes('close_date') ? before.closeDate : null,
    probability: after.probability,
    forecastCategory: after.forecastCategory,
    status: after.status,
  });
}
