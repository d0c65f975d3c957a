// Hand-off to sales executives: a qualified lead's opportunity routed by the lead_qualified rule
// set to an executive, carrying what the rep learned, waiting for the executive to accept within
// the rule set's SLA. The rep who sourced it keeps the credit (the deal's sourcedBy).
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan, can } from '../../core/roles.ts';
import { findAccountForLead } from '../accounts/service.ts';
import { timeline } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { companyDomain } from '../duplicates/model.ts';
import { getLead, type LeadView } from '../leads/service.ts';
import type { Outbox } from '../notifications/service.ts';
import { getOpportunity, updateOpportunity, type OpportunityDetail } from '../opportunities/opportunities.service.ts';
import { getLeadQualification } from '../qualification/service.ts';
import { getUser } from '../users/service.ts';
import { recordDecision, route } from './assignment.service.ts';
import { MAIL_QUEUE, tell, type MailJob } from './notices.ts';
import { queueInTransaction, routingRuntime } from './runtime.ts';
import { handoffs } from './schema.ts';
import { isFirstTouchKind } from './sla.model.ts';
import { cancelClocks, clocksOf, startClock, stopClocks, type ClockView } from './sla.service.ts';

export const HANDOFF_STATUSES = ['pending', 'accepted', 'declined', 'expired'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

export type HandoffSummary = {
  opportunity: { name: string; amount: number; currency: string; closeDate: string };
  lead: { id: string; name: string; company: string; title: string | null; email: string | null; phone: string | null; country: string | null; score: number; source: string } | null;
  qualification: { framework: string; percent: number; answers: { question: string; answer: unknown }[] } | null;
  notes: string[];
  lastTouches: { kind: string; summary: string; occurredAt: string }[];
  sourcedBy: { userId: string; name: string } | null;
};

export type HandoffView = {
  id: string;
  opportunityId: string;
  leadId: string | null;
  fromUserId: string | null;
  toUserId: string | null;
  status: HandoffStatus;
  summary: HandoffSummary;
  decisionId: string | null;
  acceptDueAt: string | null;
  respondedAt: string | null;
  declineReason: string | null;
  createdAt: string;
  clocks: ClockView[];
};

type HandoffRow = typeof handoffs.$inferSelect;

const toView = (row: HandoffRow, clocks: ClockView[] = []): HandoffView => ({
  id: row.id,
  opportunityId: row.opportunityId,
  leadId: row.leadId,
  fromUserId: row.fromUserId,
  toUserId: row.toUserId,
  status: row.status as HandoffStatus,
  summary: row.summary as HandoffSummary,
  decisionId: row.decisionId,
  acceptDueAt: row.acceptDueAt?.toISOString() ?? null,
  respondedAt: row.respondedAt?.toISOString() ?? null,
  declineReason: row.declineReason,
  createdAt: row.createdAt.toISOString(),
  clocks,
});

/** What the executive needs to pick the deal up: the qualification answers, the notes, the last touches. */
async function summarise(tx: Db, actor: Actor, deal: OpportunityDetail, lead: LeadView | null, sourcingRepId: string | null): Promise<HandoffSummary> {
  let qualification: HandoffSummary['qualification'] = null;
  const notes: string[] = [];
  const lastTouches: HandoffSummary['lastTouches'] = [];
  if (lead) {
    const answers = await getLeadQualification(tx, actor, lead.id);
    qualification = {
      framework: answers.framework.name,
      percent: answers.progress.percent,
      answers: answers.framework.questions.filter((q) => answers.answers[q.key] !== undefined && answers.answers[q.key] !== null).map((q) => ({ question: q.label, answer: answers.answers[q.key] })),
    };
    if (lead.notes.trim()) notes.push(lead.notes.trim());
    const items = (await timeline(tx, actor, 'lead', lead.id, { limit: 50 })).data;
    notes.push(...items.filter((i) => i.kind === 'note').slice(0, 5).map((i) => i.summary));
    lastTouches.push(...items.filter((i) => isFirstTouchKind(i.kind)).slice(0, 5).map((i) => ({ kind: i.kind, summary: i.summary, occurredAt: i.occurredAt })));
  }
  const sourcer = sourcingRepId ? await getUser(tx, actor, sourcingRepId).catch(() => null) : null;
  return {
    opportunity: { name: deal.name, amount: deal.amount, currency: deal.currency, closeDate: deal.closeDate },
    lead: lead
      ? { id: lead.id, name: `${lead.firstName} ${lead.lastName}`.trim(), company: lead.company, title: lead.title, email: lead.email, phone: lead.phone, country: lead.country, score: lead.score, source: lead.source }
      : null,
    qualification,
    notes,
    lastTouches,
    sourcedBy: sourcer ? { userId: sourcer.id, name: sourcer.name } : null,
  };
}

export type HandoffRequest = {
  opportunityId: string;
  leadId?: string | null | undefined;
  /** The rep who sourced the deal (default: the lead's owner, else the caller). */
  sourcingRepId?: string | null | undefined;
  /** People who must not get it: an executive who declined, or let the accept clock run out. */
  exclude?: string[] | undefined;
  cause?: string | undefined;
  /** The caller's outbox when it runs the transaction (a lead conversion): mail waits for its commit. */
  outbox?: Outbox | undefined;
};

/**
 * Routes an opportunity by the active lead_qualified rule set inside the caller's transaction:
 * the executive becomes its owner, the sourcing rep stays its `sourcedBy`, and a pending hand-off
 * with the summary waits for the executive to accept (on a clock when the rule set has an SLA).
 * Returns null when no lead_qualified rule set is active (the deal keeps its owner).
 */
export async function routeOpportunity(tx: Db, actor: Actor, request: HandoffRequest): Promise<HandoffView | null> {
  const deal = await getOpportunity(tx, actor, request.opportunityId);
  const leadId = request.leadId ?? deal.sourceLeadId;
  const lead = leadId ? await getLead(tx, actor, leadId) : null;
  const sourcingRepId = request.sourcingRepId ?? deal.sourcedBy ?? lead?.ownerId ?? (actor.userId || null);
  const now = new Date();
  const { placement, routed } = await route(tx, actor, {
    object: 'lead_qualified',
    subject: { type: 'opportunity', id: deal.id },
    record: { ...(lead ?? {}), emailDomain: lead?.email?.split('@')[1] ?? null, amount: deal.amount, currency: deal.currency, opportunityName: deal.name, sourcingRepId, accountId: deal.accountId },
    placeable: lead ?? {},
    account: lead ? () => findAccountForLead(tx, actor, { domain: companyDomain(lead.email, lead.website), company: lead.company }) : undefined,
    kind: 'handoff',
    previousOwnerId: deal.ownerId,
    exclude: request.exclude,
    cause: request.cause,
    now,
  });
  if (!routed) return null;
  const executiveId = routed.decision.ownerId;
  const mails: Outbox = [];
  if (executiveId || sourcingRepId !== deal.sourcedBy) {
    await updateOpportunity(tx, actor, deal.id, { ...(executiveId ? { ownerId: executiveId } : {}), sourcedBy: sourcingRepId }, undefined, { outbox: mails });
  }
  const id = newId();
  const minutes = routed.ruleSet.slaMinutes;
  const clock =
    executiveId && minutes
      ? await startClock(tx, actor, { kind: 'handoff_accept', subjectType: 'handoff', subjectId: id, ownerId: executiveId, ruleSet: routed.ruleSet, minutes, decisionId: routed.decisionId, now })
      : null;
  const summary = await summarise(tx, actor, deal, lead, sourcingRepId);
  const [row] = await tx
    .insert(handoffs)
    .values({
      orgId: actor.orgId,
      id,
      opportunityId: deal.id,
      leadId: lead?.id ?? null,
      fromUserId: sourcingRepId,
      toUserId: executiveId,
      status: 'pending',
      summary,
      decisionId: routed.decisionId,
      acceptDueAt: clock ? new Date(clock.dueAt) : null,
      createdAt: now,
    })
    .returning();
  await recordAudit(tx, actor, { entityType: 'handoff', entityId: id, action: 'create', after: { opportunityId: deal.id, leadId: lead?.id ?? null, toUserId: executiveId, territoryId: placement?.territoryId ?? null }, reason: routed.reason });
  if (executiveId) {
    const answered = summary.qualification ? ` Qualification ${summary.qualification.percent}% (${summary.qualification.framework}).` : '';
    await tell(
      tx,
      actor,
      [executiveId],
      {
        kind: 'handoff',
        title: `Hand-off for you: ${deal.name}${summary.lead ? ` (${summary.lead.company || summary.lead.name})` : ''}`,
        body: `${summary.sourcedBy ? `${summary.sourcedBy.name} qualified this deal.` : ''}${answered}${clock ? ` Accept by ${clock.dueAt.slice(0, 16).replace('T', ' ')} UTC.` : ''}\n${routed.reason}`,
        link: `/handoffs/${id}`,
      },
      mails,
    );
  }
  if (request.outbox) request.outbox.push(...mails);
  else if (mails.length && routingRuntime()?.mailer.configured) await queueInTransaction<MailJob>(tx, MAIL_QUEUE, { mails });
  return toView(row!, clock ? [clock] : []);
}

/** Hands an existing opportunity off (the API's way in until lead conversion calls routeOpportunity itself). */
export async function handOff(db: Db, actor: Actor, request: Omit<HandoffRequest, 'exclude' | 'cause' | 'outbox'>): Promise<HandoffView> {
  assertCan(actor, 'records:write');
  return db.transaction(async (tx) => {
    // Two hand-offs of one deal at once must not both find none waiting.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`handoff|${actor.orgId}|${request.opportunityId}`}, 0))`);
    const [waiting] = await tx
      .select({ id: handoffs.id })
      .from(handoffs)
      .where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.opportunityId, request.opportunityId), eq(handoffs.status, 'pending')));
    if (waiting) throw conflict('This deal already waits for an executive to accept it', 'handoff_pending');
    const handoff = await routeOpportunity(tx, actor, request);
    if (!handoff) throw conflict('No hand-off rule set is active; activate a lead_qualified rule set first', 'no_active_rule_set');
    return handoff;
  });
}

async function lockHandoff(tx: Db, actor: Actor, id: string): Promise<HandoffRow> {
  const [row] = await tx.select().from(handoffs).where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.id, id))).for('update');
  if (!row) throw notFound('Hand-off');
  return row;
}

function assertRecipient(actor: Actor, row: HandoffRow): void {
  if (row.toUserId !== actor.userId && !can(actor.role, 'routing:manage')) throw forbidden('Only the executive it was handed to (or a manager) can answer this hand-off');
  if (row.status !== 'pending') throw conflict(`This hand-off is already ${row.status}`, 'handoff_not_pending');
}

/** The executive takes the deal: the accept clock stops (met, or breached when late). */
export async function acceptHandoff(db: Db, actor: Actor, id: string): Promise<HandoffView> {
  assertCan(actor, 'records:write');
  return db.transaction(async (tx) => {
    const row = await lockHandoff(tx, actor, id);
    assertRecipient(actor, row);
    const at = new Date();
    await stopClocks(tx, actor, 'handoff_accept', id, at, 'accepted');
    const [updated] = await tx.update(handoffs).set({ status: 'accepted', respondedAt: at }).where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.id, id))).returning();
    await recordAudit(tx, actor, { entityType: 'handoff', entityId: id, action: 'accept', before: { status: row.status }, after: { status: 'accepted' } });
    if (row.fromUserId) {
      await tell(tx, actor, [row.fromUserId], { kind: 'handoff_accepted', title: `Your hand-off was accepted: ${(row.summary as HandoffSummary).opportunity.name}`, link: `/opportunities/${row.opportunityId}` });
    }
    return toView(updated!, await clocksOf(tx, actor, id));
  });
}

/** The executive turns it down with a reason: the deal is routed again without them. */
export async function declineHandoff(db: Db, actor: Actor, id: string, reason: string): Promise<{ declined: HandoffView; next: HandoffView | null }> {
  assertCan(actor, 'records:write');
  if (!reason.trim()) throw validationFailed([{ field: 'reason', message: 'Say why you decline' }]);
  return db.transaction(async (tx) => {
    const row = await lockHandoff(tx, actor, id);
    assertRecipient(actor, row);
    await cancelClocks(tx, actor, id, `declined: ${reason.trim()}`, 'handoff_accept');
    const [updated] = await tx
      .update(handoffs)
      .set({ status: 'declined', respondedAt: new Date(), declineReason: reason.trim() })
      .where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'handoff', entityId: id, action: 'decline', before: { status: row.status }, after: { status: 'declined' }, reason: reason.trim() });
    const next = await routeAgain(tx, actor, row, `declined by the executive: ${reason.trim()}`);
    return { declined: toView(updated!, await clocksOf(tx, actor, id)), next };
  });
}

/** Routes a hand-off's deal again without its executive (declined, or the accept clock ran out). */
export async function routeAgain(tx: Db, actor: Actor, row: HandoffRow, cause: string): Promise<HandoffView | null> {
  const earlier = await tx.select({ toUserId: handoffs.toUserId }).from(handoffs).where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.opportunityId, row.opportunityId)));
  const exclude = earlier.map((h) => h.toUserId).filter((userId): userId is string => Boolean(userId));
  const next = await routeOpportunity(tx, actor, { opportunityId: row.opportunityId, leadId: row.leadId, sourcingRepId: row.fromUserId, exclude, cause });
  if (!next) await recordDecision(tx, actor, { subjectType: 'opportunity', subjectId: row.opportunityId, kind: 'handoff', ruleSet: null, reason: `${cause}; no hand-off rule set is active`, ownerId: row.toUserId, previousOwnerId: row.toUserId });
  return next;
}

/** The accept clock ran out: this hand-off expires and the deal goes to the next executive. */
export async function expireHandoff(tx: Db, actor: Actor, handoffId: string, cause: string, reassign: boolean): Promise<HandoffView | null> {
  const row = await lockHandoff(tx, actor, handoffId);
  if (row.status !== 'pending') return null;
  if (!reassign) return null;
  await tx.update(handoffs).set({ status: 'expired', respondedAt: new Date() }).where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.id, handoffId)));
  await recordAudit(tx, actor, { entityType: 'handoff', entityId: handoffId, action: 'expire', before: { status: 'pending' }, after: { status: 'expired' }, reason: cause });
  return routeAgain(tx, actor, row, cause);
}

export async function getHandoff(db: Db, actor: Actor, id: string): Promise<HandoffView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(handoffs).where(and(eq(handoffs.orgId, actor.orgId), eq(handoffs.id, id)));
  if (!row) throw notFound('Hand-off');
  return toView(row, await clocksOf(db, actor, id));
}

export async function listHandoffs(
  db: Db,
  actor: Actor,
  filter: { status?: HandoffStatus | undefined; toUserId?: string | undefined; opportunityId?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: HandoffView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(handoffs.orgId, actor.orgId)];
  if (filter.status) conditions.push(eq(handoffs.status, filter.status));
  if (filter.toUserId) conditions.push(eq(handoffs.toUserId, filter.toUserId));
  if (filter.opportunityId) conditions.push(eq(handoffs.opportunityId, filter.opportunityId));
  if (filter.cursor) conditions.push(lt(handoffs.id, decodeCursor(filter.cursor).id));
  const rows = await db.select().from(handoffs).where(and(...conditions)).orderBy(desc(handoffs.id)).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { data: page.map((row) => toView(row)), nextCursor: rows.length > filter.limit && last ? encodeCursor({ v: null, id: last.id }) : null };
}
