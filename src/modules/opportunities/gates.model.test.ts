import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApprovalStanding } from './approvals.model.ts';
import { describeMissing, GATE_REQUIREMENTS, gatingStages, missingForMove, type DealFacts, type GateRequirement, type GateStage } from './gates.model.ts';

// The default new-business pipeline's shape.
const stage = (id: string, position: number, outcome: GateStage['outcome'], gates: GateRequirement[] = []): GateStage => ({ id, name: id, position, outcome, gates });
const Q = stage('Qualification', 0, 'open');
const D = stage('Discovery', 1, 'open', ['next_step']);
const P = stage('Proposal', 2, 'open', ['decision_maker', 'amount']);
const N = stage('Negotiation', 3, 'open', ['approvals']);
const W = stage('Won', 4, 'won', ['products', 'approvals']);
const L = stage('Lost', 5, 'lost');
const STAGES = [Q, D, P, N, W, L];

const approval = (state: ApprovalStanding['state']): ApprovalStanding => ({ kind: 'discount', level: 'finance', value: 3000, reason: 'a 30 % discount', state, requestId: state === 'missing' ? null : 'r1' });

const ready: DealFacts = {
  amount: 10_000,
  nextStep: 'Send the proposal',
  contactRoles: ['decision_maker', 'economic_buyer', 'champion'],
  lineItemCount: 2,
  approvals: [approval('approved')],
  lossReason: null,
};
const bare: DealFacts = { amount: 0, nextStep: null, contactRoles: [], lineItemCount: 0, approvals: [approval('missing')], lossReason: null };

const codes = (from: GateStage, to: GateStage, facts: DealFacts) => missingForMove(STAGES, from, to, facts).map((m) => m.requirement);

describe('which stages gate a move', () => {
  test('forward: the target and every open stage before it', () => {
    assert.deepEqual(gatingStages(STAGES, Q, P).map((s) => s.id), ['Qualification', 'Discovery', 'Proposal']);
    assert.deepEqual(gatingStages(STAGES, P, W).map((s) => s.id), ['Qualification', 'Discovery', 'Proposal', 'Negotiation', 'Won']);
  });

  test('back between open stages, staying put, or to lost: none', () => {
    assert.deepEqual(gatingStages(STAGES, N, D), []);
    assert.deepEqual(gatingStages(STAGES, P, P), []);
    assert.deepEqual(gatingStages(STAGES, Q, L), []);
  });

  test('reopening a closed deal passes the gates of where it lands', () => {
    assert.deepEqual(gatingStages(STAGES, L, P).map((s) => s.id), ['Qualification', 'Discovery', 'Proposal']);
    assert.deepEqual(gatingStages(STAGES, W, D).map((s) => s.id), ['Qualification', 'Discovery']);
  });
});

describe('what a move is missing', () => {
  test('no "Proposal" without a decision maker among the contact roles and an amount', () => {
    const missing = missingForMove(STAGES, D, P, { ...ready, contactRoles: ['champion'], amount: 0 });
    assert.deepEqual(missing, [
      { requirement: 'decision_maker', stage: 'Proposal', message: 'A decision maker among the contact roles' },
      { requirement: 'amount', stage: 'Proposal', message: 'An amount (add line items or set the amount)' },
    ]);
    assert.equal(describeMissing('Proposal', missing), 'Cannot move to Proposal: missing a decision maker among the contact roles and an amount (add line items or set the amount)');
  });

  test('no "Closed won" without products', () => {
    assert.deepEqual(codes(N, W, { ...ready, lineItemCount: 0 }), ['products']);
  });

  test('skipping stages does not skip their requirements', () => {
    assert.deepEqual(codes(Q, N, bare), ['next_step', 'decision_maker', 'amount', 'approvals']);
    assert.deepEqual(codes(Q, W, bare), ['next_step', 'decision_maker', 'amount', 'approvals', 'products']);
  });

  test('a requirement asked by two stages is reported once, by the first', () => {
    const missing = missingForMove(STAGES, P, W, { ...ready, approvals: [approval('pending')] });
    assert.deepEqual(missing.map((m) => [m.requirement, m.stage]), [['approvals', 'Negotiation']]);
  });

  test('each approval not yet given is its own line, saying where it stands', () => {
    const approvals: ApprovalStanding[] = [
      approval('approved'),
      { ...approval('pending'), level: 'manager' },
      { ...approval('rejected'), level: 'finance' },
      { kind: 'payment_terms', level: 'legal', value: 60, reason: 'payment terms of 60 days', state: 'missing', requestId: null },
    ];
    assert.deepEqual(
      missingForMove(STAGES, P, N, { ...ready, approvals }).map((m) => m.message),
      [
        'Manager approval of a 30 % discount (waiting for a decision)',
        'Finance approval of a 30 % discount (rejected; change the terms or ask again)',
        'Legal approval of payment terms of 60 days (not requested yet)',
      ],
    );
  });

  test('a deal needing no approval passes the approvals gate', () => {
    assert.deepEqual(codes(P, N, { ...ready, approvals: [] }), []);
  });

  test('lost needs a loss reason and nothing else', () => {
    assert.deepEqual(codes(N, L, { ...bare, lossReason: null }), ['loss_reason']);
    assert.deepEqual(codes(N, L, { ...bare, lossReason: '   ' }), ['loss_reason']);
    assert.deepEqual(codes(N, L, { ...bare, lossReason: 'Went with a competitor' }), []);
  });

  test('a blank next step is no next step', () => {
    assert.deepEqual(codes(Q, D, { ...ready, nextStep: '  ' }), ['next_step']);
  });

  test('economic buyer and champion gates read the contact roles', () => {
    const gated = [Q, stage('Commit', 1, 'open', ['economic_buyer', 'champion']), W, L];
    const run = (roles: string[]) => missingForMove(gated, Q, gated[1]!, { ...ready, contactRoles: roles }).map((m) => m.message);
    assert.deepEqual(run([]), ['An economic buyer among the contact roles', 'A champion among the contact roles']);
    assert.deepEqual(run(['champion']), ['An economic buyer among the contact roles']);
    assert.deepEqual(run(['economic_buyer', 'champion', 'blocker']), []);
  });

  test('exhaustively: every single gate blocks exactly when its fact is missing, on every forward move', () => {
    const unmetFacts: Record<GateRequirement, Partial<DealFacts>> = {
      amount: { amount: 0 },
      next_step: { nextStep: null },
      decision_maker: { contactRoles: ['champion', 'economic_buyer'] },
      economic_buyer: { contactRoles: ['champion', 'decision_maker'] },
      champion: { contactRoles: ['decision_maker', 'economic_buyer'] },
      products: { lineItemCount: 0 },
      approvals: { approvals: [approval('pending')] },
    };
    let cases = 0;
    for (const requirement of GATE_REQUIREMENTS) {
      for (let gatedAt = 0; gatedAt < 4; gatedAt++) {
        const pipeline = [0, 1, 2, 3].map((i) => stage(`S${i}`, i, 'open', i === gatedAt ? [requirement] : [])).concat([stage('W', 4, 'won'), stage('L', 5, 'lost')]);
        for (const from of pipeline) {
          for (const to of pipeline) {
            for (const met of [true, false]) {
              const facts = met ? ready : { ...ready, ...unmetFacts[requirement] };
              const got = missingForMove(pipeline, from, to, facts).map((m) => m.requirement);
              const forward = from.id !== to.id && to.outcome !== 'lost' && !(from.outcome === 'open' && to.outcome === 'open' && to.position < from.position);
              const passesGate = forward && gatedAt <= to.position;
              const expected = to.outcome === 'lost' && from.id !== to.id ? ['loss_reason'] : passesGate && !met ? [requirement] : [];
              assert.deepEqual(got, expected, `${requirement} at S${gatedAt}, ${from.id} → ${to.id}, ${met ? 'met' : 'unmet'}`);
              cases++;
            }
          }
        }
      }
    }
    assert.equal(cases, GATE_REQUIREMENTS.length * 4 * 6 * 6 * 2);
  });
});
