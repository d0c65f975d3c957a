import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLES, type Role } from '../../core/roles.ts';
import {
  APPROVAL_LEVELS,
  approvalStanding,
  approversToNotify,
  decisionRefusal,
  DEFAULT_APPROVAL_POLICY,
  neededApprovals,
  submissionPlan,
  type ApprovalLevel,
  type ApprovalPolicy,
  type ApprovalRecord,
} from './approvals.model.ts';

const policy: ApprovalPolicy = { ...DEFAULT_APPROVAL_POLICY, managerDiscountBp: 1000, financeDiscountBp: 2500, standardPaymentTermsDays: 30 };
const levels = (discountsBp: number[], paymentTermsDays = 30) => neededApprovals(policy, { discountsBp, paymentTermsDays }).map((n) => `${n.kind}:${n.level}:${n.value}`);

describe('which approvals the terms need', () => {
  test('discount thresholds: up to 10 % free, above it a manager, above 25 % finance as well', () => {
    assert.deepEqual(levels([]), []);
    assert.deepEqual(levels([0, 500]), []);
    assert.deepEqual(levels([1000]), [], 'exactly at the threshold needs nobody');
    assert.deepEqual(levels([1001]), ['discount:manager:1001']);
    assert.deepEqual(levels([500, 2500]), ['discount:manager:2500']);
    assert.deepEqual(levels([2501, 300]), ['discount:manager:2501', 'discount:finance:2501']);
    assert.deepEqual(levels([10_000]), ['discount:manager:10000', 'discount:finance:10000']);
  });

  test('the deepest discount on any line decides', () => {
    assert.deepEqual(levels([100, 1500, 200]), ['discount:manager:1500']);
  });

  test('payment terms longer than the standard need legal; shorter never do', () => {
    assert.deepEqual(levels([], 30), []);
    assert.deepEqual(levels([], 0), []);
    assert.deepEqual(levels([], 31), ['payment_terms:legal:31']);
    assert.deepEqual(levels([3000], 90), ['discount:manager:3000', 'discount:finance:3000', 'payment_terms:legal:90']);
  });

  test('the reason reads as a person would say it', () => {
    assert.deepEqual(neededApprovals(policy, { discountsBp: [1250], paymentTermsDays: 45 }).map((n) => n.reason), ['a 12.5 % discount', 'payment terms of 45 days']);
  });

  test('every discount from 0 to 100 % in 0.01 % steps needs exactly the levels its thresholds say', () => {
    for (let bp = 0; bp <= 10_000; bp++) {
      const expected = [...(bp > 1000 ? ['manager'] : []), ...(bp > 2500 ? ['finance'] : [])];
      assert.deepEqual(neededApprovals(policy, { discountsBp: [bp], paymentTermsDays: 30 }).map((n) => n.level), expected, `${bp} bp`);
    }
  });
});

const record = (id: string, level: ApprovalLevel, value: number, status: ApprovalRecord['status'], kind: ApprovalRecord['kind'] = 'discount'): ApprovalRecord => ({ id, kind, level, value, status });

describe('whether the approvals given still cover the deal', () => {
  const needed = neededApprovals(policy, { discountsBp: [2000], paymentTermsDays: 30 });

  test('an approval of a deeper discount covers a shallower one, not the other way round', () => {
    assert.equal(approvalStanding(needed, [record('a', 'manager', 2200, 'approved')])[0]!.state, 'approved');
    assert.equal(approvalStanding(needed, [record('a', 'manager', 1500, 'approved')])[0]!.state, 'missing');
  });

  test('an approval at another level or of another kind does not count', () => {
    assert.equal(approvalStanding(needed, [record('a', 'finance', 3000, 'approved')])[0]!.state, 'missing');
    assert.equal(approvalStanding(needed, [record('a', 'manager', 3000, 'approved', 'payment_terms')])[0]!.state, 'missing');
  });

  test('approved beats pending beats rejected; withdrawn is as good as nothing', () => {
    const state = (records: ApprovalRecord[]) => approvalStanding(needed, records)[0]!;
    assert.deepEqual(state([record('r', 'manager', 2000, 'rejected'), record('p', 'manager', 2000, 'pending')]), { ...needed[0]!, state: 'pending', requestId: 'p' });
    assert.deepEqual(state([record('p', 'manager', 2000, 'pending'), record('a', 'manager', 2000, 'approved')]), { ...needed[0]!, state: 'approved', requestId: 'a' });
    assert.equal(state([record('r', 'manager', 2000, 'rejected')]).state, 'rejected');
    assert.equal(state([record('w', 'manager', 2000, 'withdrawn')]).state, 'missing');
  });

  test('a pending request for less than the deal now needs does not cover it', () => {
    assert.equal(approvalStanding(needed, [record('p', 'manager', 1500, 'pending')])[0]!.state, 'missing');
  });
});

describe('what submitting for approval does', () => {
  test('asks for what is missing, raises an outgrown pending request, leaves given and waiting ones', () => {
    const needed = neededApprovals(policy, { discountsBp: [3000], paymentTermsDays: 60 });
    const plan = submissionPlan(needed, [record('m', 'manager', 3000, 'approved'), record('f', 'finance', 2600, 'pending')]);
    assert.deepEqual(plan.create, [{ kind: 'payment_terms', level: 'legal', value: 60, reason: 'payment terms of 60 days' }]);
    assert.deepEqual(plan.raise, [{ id: 'f', value: 3000, reason: 'a 30 % discount' }]);
    assert.deepEqual(plan.withdraw, []);
  });

  test('asks again after a rejection', () => {
    const needed = neededApprovals(policy, { discountsBp: [1500], paymentTermsDays: 30 });
    const plan = submissionPlan(needed, [record('r', 'manager', 1500, 'rejected')]);
    assert.deepEqual(plan.create.map((c) => c.level), ['manager']);
  });

  test('withdraws waiting requests the terms no longer need', () => {
    const plan = submissionPlan(neededApprovals(policy, { discountsBp: [500], paymentTermsDays: 30 }), [record('m', 'manager', 1500, 'pending'), record('x', 'manager', 1500, 'approved')]);
    assert.deepEqual(plan, { create: [], raise: [], withdraw: ['m'] });
  });

  test('nothing to do when everything is covered', () => {
    const needed = neededApprovals(policy, { discountsBp: [1500], paymentTermsDays: 30 });
    assert.deepEqual(submissionPlan(needed, [record('a', 'manager', 1500, 'approved')]), { create: [], raise: [], withdraw: [] });
  });
});

describe('who may decide', () => {
  const REP = 'rep';
  const OWNER = 'owner';
  const FINANCE = 'finance-person';
  const LEGAL = 'legal-person';
  const named: ApprovalPolicy = { ...policy, financeApproverIds: [FINANCE], legalApproverIds: [LEGAL] };

  test('a rep can never approve their own discount, nor can anyone approve on their own deal', () => {
    for (const role of ROLES) {
      for (const level of APPROVAL_LEVELS) {
        for (const p of [policy, { ...named, financeApproverIds: [REP, OWNER], legalApproverIds: [REP, OWNER] }]) {
          assert.equal(decisionRefusal({ level, requestedBy: REP }, OWNER, { userId: REP, role }, p), 'You cannot decide your own approval request');
          assert.equal(decisionRefusal({ level, requestedBy: REP }, OWNER, { userId: OWNER, role }, p), 'You cannot decide an approval on your own deal');
        }
      }
    }
  });

  // Every level × role × (named finance, named legal, anyone else) × (policy names approvers or not).
  test('the full decision table', () => {
    const allowed = (level: ApprovalLevel, role: Role, who: 'finance' | 'legal' | 'none', policyNames: boolean): boolean => {
      const admin = role === 'admin';
      if (level === 'manager') return role === 'manager' || admin || who === 'finance';
      if (level === 'finance') return who === 'finance' || (admin && !policyNames);
      return who === 'legal' || who === 'finance' || (admin && !policyNames);
    };
    let cases = 0;
    for (const level of APPROVAL_LEVELS) {
      for (const role of ROLES) {
        for (const person of [FINANCE, LEGAL, 'someone']) {
          for (const policyNames of [true, false]) {
            const who = !policyNames ? 'none' : person === FINANCE ? 'finance' : person === LEGAL ? 'legal' : 'none';
            const refusal = decisionRefusal({ level, requestedBy: REP }, OWNER, { userId: person, role }, policyNames ? named : policy);
            assert.equal(refusal === null, allowed(level, role, who, policyNames), `${level} / ${role} / ${person} / names ${policyNames}: ${refusal}`);
            cases++;
          }
        }
      }
    }
    assert.equal(cases, 3 * ROLES.length * 3 * 2);
  });

  test('refusals say who may decide', () => {
    assert.equal(decisionRefusal({ level: 'manager', requestedBy: REP }, OWNER, { userId: 'x', role: 'rep' }, named), 'Only a manager or finance may approve this discount');
    assert.equal(decisionRefusal({ level: 'finance', requestedBy: REP }, OWNER, { userId: 'x', role: 'manager' }, named), 'Only the finance approvers named in the deal policy may approve this');
    assert.equal(decisionRefusal({ level: 'legal', requestedBy: REP }, OWNER, { userId: 'x', role: 'admin' }, named), 'Only the legal or finance approvers named in the deal policy may approve these terms');
  });
});

describe('whom a new request notifies', () => {
  const people = [
    { id: 'rep', role: 'rep' as const, active: true },
    { id: 'boss', role: 'manager' as const, active: true },
    { id: 'other-manager', role: 'manager' as const, active: true },
    { id: 'admin', role: 'admin' as const, active: true },
    { id: 'gone-manager', role: 'manager' as const, active: false },
    { id: 'cfo', role: 'executive' as const, active: true },
  ];
  const who = (level: ApprovalLevel, p: ApprovalPolicy, ownersManagerId: string | null = null, dealOwnerId = 'rep') =>
    approversToNotify(level, p, people, { requestedBy: 'rep', dealOwnerId, ownersManagerId });

  test('a manager-level request goes to the owner\'s own manager when there is one', () => {
    assert.deepEqual(who('manager', policy, 'boss'), ['boss']);
  });

  test('otherwise to every active manager and admin, never the requester', () => {
    assert.deepEqual(who('manager', policy), ['boss', 'other-manager', 'admin']);
  });

  test('a manager who owns the deal is not asked to approve it', () => {
    assert.deepEqual(approversToNotify('manager', policy, people, { requestedBy: 'rep', dealOwnerId: 'boss', ownersManagerId: 'boss' }), ['other-manager', 'admin']);
  });

  test('finance and legal go to the named people; admins stand in while none are named', () => {
    const named = { ...policy, financeApproverIds: ['cfo'] };
    assert.deepEqual(who('finance', named), ['cfo']);
    assert.deepEqual(who('legal', named), ['cfo']);
    assert.deepEqual(who('finance', policy), ['admin']);
    assert.deepEqual(who('legal', policy), ['admin']);
  });
});
