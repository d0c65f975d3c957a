import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dayBounds, effectiveGoals, progress, type GoalRow } from './model.ts';

const who = { userId: 'u1', teamId: 't1', orgId: 'o1' };
const goal = (scope: GoalRow['scope'], scopeId: string, calls: number | null, connects: number | null, emails: number | null): GoalRow => ({ scope, scopeId, calls, connects, emails });

describe('daily goals', () => {
  test('a person\'s own goal beats their team\'s, which beats the org\'s, per metric', () => {
    const goals = [goal('org', 'o1', 40, 8, 30), goal('team', 't1', 60, null, null), goal('user', 'u1', null, 12, null), goal('user', 'someone-else', 1, 1, 1)];
    assert.deepEqual(effectiveGoals(goals, who), { calls: { target: 60, from: 'team' }, connects: { target: 12, from: 'user' }, emails: { target: 30, from: 'org' } });
  });
  test('no goal: no target', () => {
    assert.deepEqual(effectiveGoals([], { ...who, teamId: null }).calls, { target: null, from: null });
  });
  test('progress counts every call attempt as a call, conversations as connects, and caps the ratio at 1', () => {
    const result = progress({ call: 30, call_connected: 10, email: 50 }, effectiveGoals([goal('org', 'o1', 50, 8, 40)], who));
    assert.deepEqual(result, [
      { metric: 'calls', done: 40, target: 50, from: 'org', ratio: 0.8 },
      { metric: 'connects', done: 10, target: 8, from: 'org', ratio: 1 },
      { metric: 'emails', done: 50, target: 40, from: 'org', ratio: 1 },
    ]);
    assert.equal(progress({}, effectiveGoals([], who))[0]!.ratio, null);
  });
});

describe('a rep\'s local day', () => {
  test('starts and ends at their midnight', () => {
    const { day, start, end } = dayBounds(new Date('2025-06-16T03:00:00Z'), 'America/Los_Angeles');
    assert.equal(day, '2025-06-15');
    assert.equal(start.toISOString(), '2025-06-15T07:00:00.000Z');
    assert.equal(end.toISOString(), '2025-06-16T07:00:00.000Z');
  });
  test('the day clocks spring forward is 23 hours long, the day they fall back 25', () => {
    const spring = dayBounds(new Date('2025-03-30T12:00:00Z'), 'Europe/Berlin');
    assert.equal(spring.start.toISOString(), '2025-03-29T23:00:00.000Z');
    assert.equal(spring.end.getTime() - spring.start.getTime(), 23 * 3_600_000);
    const fall = dayBounds(new Date('2025-10-26T12:00:00Z'), 'Europe/Berlin');
    assert.equal(fall.end.getTime() - fall.start.getTime(), 25 * 3_600_000);
  });
});
