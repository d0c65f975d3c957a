import { eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed, type FieldError } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from './approvals.model.ts';
import { isCurrency } from './line-items.model.ts';
import { DEFAULT_RENEWAL_LEAD_DAYS } from './renewals.model.ts';
import { opportunityPolicies } from './schema.ts';

export type DealPolicy = ApprovalPolicy & { renewalLeadDays: number; defaultCurrency: string };
/** Version 0: the org runs on the defaults and has never changed them. */
export type DealPolicyView = DealPolicy & { version: number; updatedAt: string | null };

export const DEFAULT_DEAL_POLICY: DealPolicy = { ...DEFAULT_APPROVAL_POLICY, renewalLeadDays: DEFAULT_RENEWAL_LEAD_DAYS, defaultCurrency: 'USD' };

export async function readPolicy(db: Db, orgId: string, lock = false): Promise<DealPolicyView> {
  const query = db.select().from(opportunityPolicies).where(eq(opportunityPolicies.orgId, orgId));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) return { ...DEFAULT_DEAL_POLICY, version: 0, updatedAt: null };
  return {
    managerDiscountBp: row.managerDiscountBp,
    financeDiscountBp: row.financeDiscountBp,
    standardPaymentTermsDays: row.standardPaymentTermsDays,
    financeApproverIds: row.financeApproverIds,
    legalApproverIds: row.legalApproverIds,
    renewalLeadDays: row.renewalLeadDays,
    defaultCurrency: row.defaultCurrency,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Everyone who works deals reads the policy: reps see which discount will need whom. */
export async function getDealPolicy(db: Db, actor: Actor): Promise<DealPolicyView> {
  assertCan(actor, 'records:read');
  return readPolicy(db, actor.orgId);
}

export async function updateDealPolicy(db: Db, actor: Actor, changes: Partial<DealPolicy>, expected: ExpectedVersion): Promise<DealPolicyView> {
  assertCan(actor, 'org:settings');
  return db.transaction(async (tx) => {
    const current = await readPolicy(tx, actor.orgId, true);
    assertVersion(expected, current.version);
    const { version: _v, updatedAt: _u, ...before } = current;
    const next: DealPolicy = { ...before, ...changes, defaultCurrency: (changes.defaultCurrency ?? before.defaultCurrency).toUpperCase() };
    const problems: FieldError[] = [];
    if (next.financeDiscountBp < next.managerDiscountBp) {
      problems.push({ field: 'financeDiscountPercent', message: 'The finance threshold cannot be below the manager threshold' });
    }
    if (!isCurrency(next.defaultCurrency)) problems.push({ field: 'defaultCurrency', message: `${next.defaultCurrency} is not an ISO 4217 currency code` });
    if (problems.length) throw validationFailed(problems);
    for (const [field, ids] of [['financeApproverIds', changes.financeApproverIds], ['legalApproverIds', changes.legalApproverIds]] as const) {
      for (const id of ids ?? []) await assertActiveUser(tx, actor, id, field);
    }
    next.financeApproverIds = [...new Set(next.financeApproverIds)];
    next.legalApproverIds = [...new Set(next.legalApproverIds)];
    const values = { ...next, financeApproverIds: [...next.financeApproverIds], legalApproverIds: [...next.legalApproverIds], version: current.version + 1, updatedBy: actor.userId || null, updatedAt: new Date() };
    const [row] = await tx.insert(opportunityPolicies).values({ orgId: actor.orgId, ...values }).onConflictDoUpdate({ target: opportunityPolicies.orgId, set: values }).returning();
    await recordAudit(tx, actor, { entityType: 'deal_policy', entityId: actor.orgId, action: 'update', before, after: next });
    return { ...next, version: row!.version, updatedAt: row!.updatedAt.toISOString() };
  });
}
