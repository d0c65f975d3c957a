// Deal desk rules: which approvals a deal's discounts and payment terms need under the org's
// policy, whether the approvals given still cover the deal, and who may decide. Pure.
import type { Role } from '../../core/roles.ts';

export const APPROVAL_KINDS = ['discount', 'payment_terms'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export const APPROVAL_LEVELS = ['manager', 'finance', 'legal'] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export type ApprovalPolicy = {
  /** A discount above this (basis points) needs a manager. */
  managerDiscountBp: number;
  /** A discount above this also needs finance. */
  financeDiscountBp: number;
  /** Payment terms longer than this many days need legal or finance. */
  standardPaymentTermsDays: number;
  /** Roles are fixed, so finance and legal are people the org names. */
  financeApproverIds: readonly string[];
  legalApproverIds: readonly string[];
};

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  managerDiscountBp: 1000,
  financeDiscountBp: 2500,
  standardPaymentTermsDays: 30,
  financeApproverIds: [],
  legalApproverIds: [],
};

export type DealTerms = { discountsBp: readonly number[]; paymentTermsDays: number };

export type NeededApproval = { kind: ApprovalKind; level: ApprovalLevel; value: number; reason: string };

export const percent = (bp: number) => `${(bp / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;

/**
 * The approvals the terms need. A discount above the manager threshold needs a manager; above
 * the finance threshold it needs finance as well (the manager still owns the deal's economics).
 * Payment terms longer than the standard need legal; shorter ones (prepayment) never do.
 */
export function neededApprovals(policy: ApprovalPolicy, terms: DealTerms): NeededApproval[] {
  const needed: NeededApproval[] = [];
  const deepest = Math.max(0, ...terms.discountsBp);
  const discount = { kind: 'discount' as const, value: deepest, reason: `a ${percent(deepest)} discount` };
  if (deepest > policy.managerDiscountBp) needed.push({ ...discount, level: 'manager' });
  if (deepest > policy.financeDiscountBp) needed.push({ ...discount, level: 'finance' });
  if (terms.paymentTermsDays > policy.standardPaymentTermsDays) {
    needed.push({ kind: 'payment_terms', level: 'legal', value: terms.paymentTermsDays, reason: `payment terms of ${terms.paymentTermsDays} days` });
  }
  return needed;
}

export type ApprovalRecord = { id: string; kind: ApprovalKind; level: ApprovalLevel; value: number; status: ApprovalStatus };

export type ApprovalStanding = NeededApproval & { state: 'approved' | 'pending' | 'rejected' | 'missing'; requestId: string | null };

/** An approval of a 20 % discount also covers 15 %; of net 60 also covers net 45. */
const covers = (record: ApprovalRecord, needed: NeededApproval) =>
  record.kind === needed.kind && record.level === needed.level && record.value >= needed.value;

/** Where each needed approval stands given the requests so far: a covering approval beats a pending request beats a refusal. */
export function approvalStanding(needed: readonly NeededApproval[], records: readonly ApprovalRecord[]): ApprovalStanding[] {
  return needed.map((need) => {
    const find = (status: ApprovalStatus) => records.find((r) => r.status === status && covers(r, need));
    const found = find('approved') ?? find('pending') ?? find('rejected');
    return { ...need, state: found ? (found.status as 'approved' | 'pending' | 'rejected') : 'missing', requestId: found?.id ?? null };
  });
}

export type SubmissionPlan = {
  create: NeededApproval[];
  /** A pending request for less than the deal now needs is raised to what it needs. */
  raise: { id: string; value: number; reason: string }[];
  /** Pending requests the deal no longer needs. */
  withdraw: string[];
};

/**
 * What "submit for approval" does: ask for every approval that is neither given nor waiting
 * (a rejected one is asked again — the rep may have changed the terms or the story), and
 * withdraw pending requests the terms no longer need.
 */
export function submissionPlan(needed: readonly NeededApproval[], records: readonly ApprovalRecord[]): SubmissionPlan {
  const plan: SubmissionPlan = { create: [], raise: [], withdraw: [] };
  const standing = approvalStanding(needed, records);
  for (const need of standing) {
    if (need.state === 'approved' || need.state === 'pending') continue;
    const pending = records.find((r) => r.status === 'pending' && r.kind === need.kind && r.level === need.level);
    if (pending) plan.raise.push({ id: pending.id, value: need.value, reason: need.reason });
    else plan.create.push({ kind: need.kind, level: need.level, value: need.value, reason: need.reason });
  }
  for (const record of records) {
    if (record.status !== 'pending') continue;
    if (!needed.some((n) => n.kind === record.kind && n.level === record.level)) plan.withdraw.push(record.id);
  }
  return plan;
}

export type Decider = { userId: string; role: Role };

/**
 * Who may decide a request. Nobody decides their own request or one on their own deal — a rep
 * can never approve their own discount, and neither can a manager who owns the deal. Managers
 * (and admins) decide manager-level requests; finance approvers outrank them and may too.
 * Finance and legal are the people the policy names; while it names none, admins stand in.
 */
export function decisionRefusal(
  request: { level: ApprovalLevel; requestedBy: string },
  dealOwnerId: string | null,
  decider: Decider,
  policy: ApprovalPolicy,
): string | null {
  if (decider.userId === request.requestedBy) return 'You cannot decide your own approval request';
  if (decider.userId === dealOwnerId) return 'You cannot decide an approval on your own deal';
  const finance = policy.financeApproverIds.includes(decider.userId);
  const legal = policy.legalApproverIds.includes(decider.userId);
  const admin = decider.role === 'admin';
  switch (request.level) {
    case 'manager':
      return decider.role === 'manager' || admin || finance ? null : 'Only a manager or finance may approve this discount';
    case 'finance':
      return finance || (admin && policy.financeApproverIds.length === 0) ? null : 'Only the finance approvers named in the deal policy may approve this';
    case 'legal': {
      const nobodyNamed = policy.legalApproverIds.length === 0 && policy.financeApproverIds.length === 0;
      return legal || finance || (admin && nobodyNamed) ? null : 'Only the legal or finance approvers named in the deal policy may approve these terms';
    }
  }
}

export type OrgPerson = { id: string; role: Role; active: boolean };

/** Whom to notify of a new request: the people who may decide it, never the requester or the owner. */
export function approversToNotify(
  level: ApprovalLevel,
  policy: ApprovalPolicy,
  people: readonly OrgPerson[],
  exclude: { requestedBy: string; dealOwnerId: string | null; ownersManagerId: string | null },
): string[] {
  const eligible = people.filter(
    (p) => p.active && p.id !== exclude.requestedBy && p.id !== exclude.dealOwnerId && decisionRefusal({ level, requestedBy: exclude.requestedBy }, exclude.dealOwnerId, { userId: p.id, role: p.role }, policy) === null,
  );
  // A manager-level request goes to the owner's own manager when they can decide it, not to every manager.
  if (level === 'manager' && exclude.ownersManagerId && eligible.some((p) => p.id === exclude.ownersManagerId)) return [exclude.ownersManagerId];
  if (level === 'manager') return eligible.filter((p) => p.role === 'manager' || p.role === 'admin').map((p) => p.id);
  return eligible.map((p) => p.id);
}
