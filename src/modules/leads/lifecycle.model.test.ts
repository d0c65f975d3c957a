import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEAD_STATUSES, disqualificationProblem, lifecycleFields, statusChangeProblem, type LeadStatus } from './model.ts';

// Every (from, to) pair: the lifecycle a sales team works by, and nothing else.
const ALLOWED: Record<LeadStatus, LeadStatus[]> = {
  new: ['new', 'working', 'disqualified'],
  working: ['working', 'qualified', 'disqualified', 'nurture'],
  nurture: ['nurture', 'working'],
  qualified: ['qualified', 'converted'],
  disqualified: ['disqualified', 'new'],
  converted: ['converted'],
};

test('the lifecycle allows exactly the transitions of the table', () => {
  for (const from of LEAD_STATUSES) {
    for (const to of LEAD_STATUSES) {
      const problem = statusChangeProblem(from, to);
      assert.equal(problem === null, ALLOWED[from].includes(to), `${from} → ${to}: ${problem}`);
    }
  }
});

test('a refused transition names the statuses the lead can move to', () => {
  assert.equal(statusChangeProblem('new', 'qualified'), 'A new lead cannot move to qualified: it can move to working, disqualified');
  assert.equal(statusChangeProblem('nurture', 'qualified'), 'A nurture lead cannot move to qualified: it can move to working');
  assert.equal(statusChangeProblem('converted', 'working'), 'A converted lead cannot move to working: it is final');
});

test('disqualifying needs a reason from the org list', () => {
  const reasons = ['No budget', 'Competitor'];
  assert.equal(disqualificationProblem(undefined, reasons), 'Disqualifying needs a reason: No budget, Competitor');
  assert.equal(disqualificationProblem('  ', reasons), 'Disqualifying needs a reason: No budget, Competitor');
  assert.equal(disqualificationProblem('Too small', reasons), 'Not one of the disqualification reasons: No budget, Competitor');
  assert.equal(disqualificationProblem('Competitor', reasons), null);
  assert.equal(disqualificationProblem(' No budget ', reasons), null);
});

test('disqualifying stamps reason, time and recycle date; recycling ends the wait and keeps the why', () => {
  const now = new Date('2025-03-01T10:00:00Z');
  assert.deepEqual(lifecycleFields('working', 'disqualified', 'No budget', now, 90), {
    disqualifiedReason: 'No budget',
    disqualifiedAt: now,
    recycleAt: new Date('2025-05-30T10:00:00Z'),
  });
  assert.deepEqual(lifecycleFields(null, 'disqualified', 'Competitor', now, null), { disqualifiedReason: 'Competitor', disqualifiedAt: now, recycleAt: null });
  assert.deepEqual(lifecycleFields('disqualified', 'new', null, now, 90), { recycleAt: null });
  assert.deepEqual(lifecycleFields('disqualified', 'disqualified', 'Competitor', now, 90), {});
  for (const from of [null, ...LEAD_STATUSES.filter((s) => s !== 'disqualified')]) {
    for (const to of LEAD_STATUSES.filter((s) => s !== 'disqualified' && s !== 'qualified')) assert.deepEqual(lifecycleFields(from, to, null, now, 90), {});
  }
});

test('becoming qualified stamps the time once; staying qualified or converting keeps it', () => {
  const now = new Date('2025-03-01T10:00:00Z');
  assert.deepEqual(lifecycleFields('working', 'qualified', null, now, 90), { qualifiedAt: now });
  assert.deepEqual(lifecycleFields(null, 'qualified', null, now, 90), { qualifiedAt: now });
  assert.deepEqual(lifecycleFields('qualified', 'qualified', null, now, 90), {});
  assert.deepEqual(lifecycleFields('qualified', 'converted', null, now, 90), {});
});
