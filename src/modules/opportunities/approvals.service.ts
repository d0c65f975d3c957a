import { and, desc, eq, inArray, isNull, lt, type SQL } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { conflict, forbidden, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { markReadAbout, notify, withNotifications, type Delivery, type Outbox } from '../notifications/service.ts';
import { listTeams, listUsers } from '../users/service.ts';
import { approversToNotify, decisionRefusal, submissionPlan, type ApprovalLevel, type ApprovalPolicy, type ApprovalStanding, type ApprovalStatus } from './approvals.model.ts';
import { readPolicy } from './policies.service.ts';
import { approvalRequests, opportunities } from './schema.ts';
import { lockOpportunity, readOpportunity, standingOf, toRequestView, type ApprovalRequestView, type OpportunityRow } from './store.ts';

export type DealApprovals = { standing: ApprovalStanding[]; requests: ApprovalRequestView[] };

export async function dealApprovals(db: Db, actor: Actor, opportunityId: string): Promise<DealApprovals> {
  assertCan(actor, 'records:read');
  const deal = await readOpportunity(db, actor, opportunityId);
  const { standing, requests } = await standingOf(db, actor, deal, await readPolicy(db, actor.orgId));
  return { standing, requests };
}

/** The people who may decide a request at this level on this deal (the deal owner's manager first for manager-level). */
async function approversFor(db: Db, actor: Actor, level: ApprovalLevel, policy: ApprovalPolicy, deal: OpportunityRow, requestedBy: string): Promise<string[]> {
  const lookup = systemActor(actor.orgId, actor.userId);
  const people = await listUsers(db, lookup);
  const ownerTeam = people.find((p) => p.id === deal.ownerId)?.teamId;
  const ownersManagerId = ownerTeam ? ((await listTeams(db, lookup)).find((t) => t.id === ownerTeam)?.managerId ?? null) : null;
  return approversToNotify(
    level,
    policy,
    people.map((p) => ({ id: p.id, role: p.role, active: p.status !== 'deactivated' })),
    { requestedBy, dealOwnerId: deal.ownerId, ownersManagerId },
  );
}

async function tellApprovers(tx: Db, actor: Actor, deal: OpportunityRow, policy: ApprovalPolicy, request: { id: string; level: ApprovalLevel; reason: string }, comment: string | undefined, outbox: Outbox) {
  const approvers = await approversFor(tx, actor, request.level, policy, deal, actor.userId);
  await notify(
    tx,
    actor,
    approvers,
    {
      kind: 'approval_requested',
      title: `Approval needed: ${request.reason} on ${deal.name}`,
      body: `${deal.name} asks for ${request.level} approval of ${request.reason}.${comment ? `\n\n"${comment}"` : ''}`,
      link: `/opportunities/${deal.id}`,
    },
    outbox,
  );
}

/**
 * "Submit for approval": asks for every approval the deal's terms need that is neither given nor
 * waiting, raises waiting requests the terms have outgrown, withdraws the ones no longer needed,
 * and notifies the people who may decide.
 */
export async function submitForApproval(db: Db, actor: Actor, opportunityId: string, input: { comment?: string | undefined }, delivery?: Delivery): Promise<DealApprovals> {
  assertCan(actor, 'records:write');
  await withNotifications(db, delivery, async (tx, outbox) => {
    const deal = await lockOpportunity(tx, actor, opportunityId);
    if (deal.status !== 'open') throw conflict(`This deal is ${deal.status}; there is nothing left to approve`, 'deal_closed');
    const policy = await readPolicy(tx, actor.orgId);
    const { needed, requests } = await standingOf(tx, actor, deal, policy);
    const plan = submissionPlan(needed, requests);
    const at = now();
    const comment = input.comment?.trim() || undefined;
    for (const need of plan.create) {
      const [row] = await tx
        .insert(approvalRequests)
        .values({ orgId: actor.orgId, id: newId(), opportunityId, kind: need.kind, level: need.level, value: need.value, reason: need.reason, requestedBy: actor.userId, requestedAt: at, comment: comment ?? null })
        .returning();
      await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'approval_requested', after: toRequestView(row!), reason: comment ?? null });
      await tellApprovers(tx, actor, deal, policy, toRequestView(row!), comment, outbox);
    }
    for (const raise of plan.raise) {
      const [row] = await tx
        .update(approvalRequests)
        .set({ value: raise.value, reason: raise.reason, requestedBy: actor.userId, requestedAt: at })
        .where(and(eq(approvalRequests.orgId, actor.orgId), eq(approvalRequests.id, raise.id)))
        .returning();
      await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'approval_requested', after: toRequestView(row!), reason: comment ?? null });
      await tellApprovers(tx, actor, deal, policy, toRequestView(row!), comment, outbox);
    }
    if (plan.withdraw.length) {
      await tx
        .update(approvalRequests)
        .set({ status: 'withdrawn', decidedAt: at })
        .where(and(eq(approvalRequests.orgId, actor.orgId), inArray(approvalRequests.id, plan.withdraw)));
      for (const id of plan.withdraw) {
        await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'approval_withdrawn', after: { requestId: id }, reason: 'The terms no longer need it' });
      }
    }
  });
  return dealApprovals(db, actor, opportunityId);
}

/**
 * Approves or rejects a waiting request. The policy's rule says who may (never the requester,
 * never the deal's owner); the decision and its comment go to the audit log, and the requester
 * and the owner hear of it.
 */
export async function decideApproval(
  db: Db,
  actor: Actor,
  requestId: string,
  input: { decision: 'approve' | 'reject'; comment?: string | undefined },
  delivery?: Delivery,
): Promise<ApprovalRequestView> {
  assertCan(actor, 'approvals:decide');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const key = and(eq(approvalRequests.orgId, actor.orgId), eq(approvalRequests.id, requestId));
    const [request] = await tx.select().from(approvalRequests).where(key).for('update');
    if (!request) throw notFound('Approval request');
    const deal = await lockOpportunity(tx, actor, request.opportunityId);
    const policy = await readPolicy(tx, actor.orgId);
    const refusal = decisionRefusal({ level: request.level as ApprovalLevel, requestedBy: request.requestedBy }, deal.ownerId, { userId: actor.userId, role: actor.role }, policy);
    if (refusal) throw forbidden(refusal);
    if (request.status !== 'pending') throw conflict(`This request is already ${request.status}`, 'already_decided');
    const status: ApprovalStatus = input.decision === 'approve' ? 'approved' : 'rejected';
    const comment = input.comment?.trim() || null;
    const [decided] = await tx.update(approvalRequests).set({ status, decidedBy: actor.userId, decidedAt: now(), comment }).where(key).returning();
    const view = toRequestView(decided!);
    // The decider's "approval needed" notice is done once nothing else on the deal waits for them.
    const waiting = await tx
      .select({ level: approvalRequests.level, requestedBy: approvalRequests.requestedBy })
      .from(approvalRequests)
      .where(and(eq(approvalRequests.orgId, actor.orgId), eq(approvalRequests.opportunityId, deal.id), eq(approvalRequests.status, 'pending')));
    const mine = waiting.some((r) => decisionRefusal({ level: r.level as ApprovalLevel, requestedBy: r.requestedBy }, deal.ownerId, { userId: actor.userId, role: actor.role }, policy) === null);
    if (!mine && actor.userId) await markReadAbout(tx, actor, 'approval_requested', `/opportunities/${deal.id}`);
    await recordAudit(tx, actor, {
      entityType: 'opportunity',
      entityId: deal.id,
      action: status === 'approved' ? 'approval_approved' : 'approval_rejected',
      before: { requestId, status: request.status },
      after: { requestId, kind: view.kind, level: view.level, value: view.value, status, comment },
      reason: comment,
    });
    await notify(
      tx,
      actor,
      [request.requestedBy, deal.ownerId],
      {
        kind: `approval_${status}`,
        title: `${status === 'approved' ? 'Approved' : 'Rejected'}: ${request.reason} on ${deal.name}`,
        body: comment ? `"${comment}"` : `The ${request.level} approval of ${request.reason} was ${status}.`,
        link: `/opportunities/${deal.id}`,
      },
      outbox,
    );
    return view;
  });
}

export type ApprovalInboxFilter = { status?: ApprovalStatus | undefined; decidable?: boolean | undefined; cursor?: string | undefined; limit: number };

/**
 * Approval requests across the org, newest first. `decidable=true` keeps the waiting requests
 * the caller may decide: their inbox.
 */
export async function listApprovalRequests(db: Db, actor: Actor, filter: ApprovalInboxFilter): Promise<{ data: (ApprovalRequestView & { opportunityName: string })[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const base: SQL[] = [eq(approvalRequests.orgId, actor.orgId)];
  const status = filter.decidable ? 'pending' : filter.status;
  if (status) base.push(eq(approvalRequests.status, status));
  const policy = await readPolicy(db, actor.orgId);
  const out: (ApprovalRequestView & { opportunityName: string })[] = [];
  let more = false;
  // Waiting requests are few; the decidable filter reads batches until a page is full.
  for (let cursor = filter.cursor; !more; ) {
    const batch = await db
      .select()
      .from(approvalRequests)
      .where(and(...base, ...(cursor ? [lt(approvalRequests.id, cursor)] : [])))
      .orderBy(desc(approvalRequests.id))
      .limit(BATCH);
    const deals = await dealsById(db, actor, [...new Set(batch.map((r) => r.opportunityId))]);
    for (const row of batch) {
      const deal = deals.get(row.opportunityId);
      if (!deal) continue;
      if (filter.decidable && decisionRefusal({ level: row.level as ApprovalLevel, requestedBy: row.requestedBy }, deal.ownerId, { userId: actor.userId, role: actor.role }, policy)) continue;
      if (out.length === filter.limit) {
        more = true;
        break;
      }
      out.push({ ...toRequestView(row), opportunityName: deal.name });
    }
    if (batch.length < BATCH) break;
    cursor = batch.at(-1)!.id;
  }
  return { data: out, nextCursor: more ? out.at(-1)!.id : null };
}

const BATCH = 200;

async function dealsById(db: Db, actor: Actor, ids: string[]): Promise<Map<string, { name: string; ownerId: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: opportunities.id, name: opportunities.name, ownerId: opportunities.ownerId })
    .from(opportunities)
    .where(and(eq(opportunities.orgId, actor.orgId), inArray(opportunities.id, ids), isNull(opportunities.deletedAt)));
  return new Map(rows.map((r) => [r.id, r]));
}
