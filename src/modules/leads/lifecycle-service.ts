import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { conflict, validationFailed } from '../../core/errors.ts';
import { recordAuditMany } from '../audit/service.ts';
import { listOrganizations } from '../orgs/service.ts';
import { getOrgSettings } from '../orgs/settings-service.ts';
import { disqualificationProblem, lifecycleFields, statusChangeProblem, type LeadStatus, type LifecycleFields } from './model.ts';
import { leads } from './schema.ts';

/** What a caller may send beside a status change. */
export type LifecycleInput = { disqualifiedReason?: string | null | undefined };

/** Refuses a move the lifecycle does not allow (409), naming where the lead can go instead. */
export function assertStatusChange(from: LeadStatus, to: LeadStatus): void {
  const problem = statusChangeProblem(from, to);
  if (problem) throw conflict(problem, 'invalid_transition');
}

/**
 * Checks a lead's status change (`from` is null for a new lead) against the lifecycle and the
 * org's disqualification reasons, and returns the lifecycle columns to write with it.
 */
export async function statusChangeFields(
  db: Db,
  actor: Actor,
  from: LeadStatus | null,
  to: LeadStatus | undefined,
  reason: string | null | undefined,
  now: Date,
): Promise<Partial<LifecycleFields>> {
  const target = to ?? from ?? 'new';
  if (from && target !== from) assertStatusChange(from, target);
  // A converted lead points at the account, contact and deal it became; a status alone would not.
  if (from && from !== 'converted' && target === 'converted') {
    throw conflict('Convert the lead with POST /api/v1/leads/{id}/convert: it makes the account, contact and deal', 'convert_required');
  }
  if (target !== 'disqualified') {
    if (reason) throw validationFailed([{ field: 'disqualifiedReason', message: 'Give a disqualification reason only when disqualifying the lead' }]);
    return lifecycleFields(from, target, null, now, null);
  }
  // Still disqualified and no new reason: nothing to check or stamp.
  if (from === 'disqualified' && reason === undefined) return {};
  const settings = await getOrgSettings(db, actor);
  const problem = disqualificationProblem(reason, settings.disqualificationReasons);
  if (problem) throw validationFailed([{ field: 'disqualifiedReason', message: problem }]);
  if (from === 'disqualified') return { disqualifiedReason: reason!.trim() };
  return lifecycleFields(from, target, reason!.trim(), now, settings.recycleAfterDays);
}

const RECYCLE_BATCH = 500;

/**
 * Returns the org's disqualified leads whose recycle time has come (as of `now`) to the pool:
 * status new and no owner, audited with the reason "recycled". The rep who disqualified a lead has
 * made up their mind about it, and months later may work another territory or have left; a lead
 * coming back deserves fresh eyes, so it goes to the unassigned pool like any new lead (routing and
 * managers assign it from there). It keeps its last disqualification reason for the next rep.
 * Leads someone is editing right now are skipped and come back on the next run.
 */
export async function recycleDueLeads(db: Db, actor: Actor, now: Date): Promise<number> {
  let recycled = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: leads.id, ownerId: leads.ownerId, recycleAt: leads.recycleAt })
        .from(leads)
        .where(and(eq(leads.orgId, actor.orgId), eq(leads.status, 'disqualified'), isNull(leads.deletedAt), lte(leads.recycleAt, now)))
        .orderBy(asc(leads.recycleAt))
        .limit(RECYCLE_BATCH)
        .for('update', { skipLocked: true });
      if (due.length === 0) return 0;
      const back = { status: 'new', ownerId: null, recycleAt: null };
      await tx
        .update(leads)
        .set({ ...back, version: sql`${leads.version} + 1`, updatedAt: new Date() })
        .where(and(eq(leads.orgId, actor.orgId), inArray(leads.id, due.map((lead) => lead.id))));
      await recordAuditMany(
        tx,
        actor,
        due.map((lead) => ({
          entityType: 'lead',
          entityId: lead.id,
          action: 'update',
          before: { status: 'disqualified', ownerId: lead.ownerId, recycleAt: lead.recycleAt },
          after: back,
          reason: 'recycled',
        })),
      );
      return due.length;
    });
    recycled += batch;
    if (batch < RECYCLE_BATCH) return recycled;
  }
}

/** The recycle run over every organisation on the installation; returns how many leads came back. */
export async function recycleDueLeadsEverywhere(db: Db, now: Date): Promise<number> {
  let recycled = 0;
  for (const org of await listOrganizations(db)) recycled += await recycleDueLeads(db, systemActor(org.id, ''), now);
  return recycled;
}
