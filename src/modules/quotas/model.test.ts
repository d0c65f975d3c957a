import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actualInTeam, attainmentOf, businessDays, daysCovered, fiscalYearStart, leaderboard, membershipsOf, parsePeriodKey, periodContaining, proratedQuota, recentPeriods } from './model.ts';

const bounds = (key: string, startMonth: number) => {
  const p = parsePeriodKey(key, startMonth);
  return p && [p.kind, p.start, p.end];
};

describe('fiscal calendar', () => {
  test('periods by key, for years starting in January, February and October', () => {
    const table: [string, number, unknown][] = [
      ['FY2024', 1, ['year', '2024-01-01', '2025-01-01']],
      ['FY2024-M02', 1, ['month', '2024-02-01', '2024-03-01']],
      ['FY2025', 2, ['year', '2024-02-01', '2025-02-01']],
      ['FY2025-M01', 2, ['month', '2024-02-01', '2024-03-01']],
      ['FY2025-Q1', 2, ['quarter', '2024-02-01', '2024-05-01']],
      ['FY2025-Q4', 2, ['quarter', '2024-11-01', '2025-02-01']],
      ['FY2027', 10, ['year', '2026-10-01', '2027-10-01']],
      ['FY2027-Q1', 10, ['quarter', '2026-10-01', '2027-01-01']],
      ['FY2027-Q2', 10, ['quarter', '2027-01-01', '2027-04-01']],
      ['FY2027-M12', 10, ['month', '2027-09-01', '2027-10-01']],
      ['FY2027-Q5', 10, null],
      ['2027', 1, null],
    ];
    for (const [key, start, expected] of table) assert.deepEqual(bounds(key, start), expected, `${key} starting month ${start}`);
    assert.equal(fiscalYearStart(2027, 10), '2026-10-01');
  });

  test('the period containing a day', () => {
    const table: [string, 'month' | 'quarter' | 'year', number, string][] = [
      ['2025-01-15', 'quarter', 2, 'FY2025-Q4'],
      ['2025-02-01', 'quarter', 2, 'FY2026-Q1'],
      ['2024-02-29', 'month', 1, 'FY2024-M02'],
      ['2024-02-29', 'month', 2, 'FY2025-M01'],
      ['2026-09-30', 'year', 10, 'FY2026'],
      ['2026-10-01', 'year', 10, 'FY2027'],
      ['2026-12-31', 'quarter', 10, 'FY2027-Q1'],
      ['2027-03-31', 'month', 10, 'FY2027-M06'],
    ];
    for (const [day, kind, start, key] of table) assert.equal(periodContaining(day, kind, start).key, key, `${day} ${kind} from month ${start}`);
    assert.deepEqual(
      recentPeriods('2027-01-10', 'quarter', 10, 3).map((p) => p.key),
      ['FY2026-Q4', 'FY2027-Q1', 'FY2027-Q2'],
    );
  });

  test('business days are weekdays', () => {
    assert.equal(businessDays('2024-02-01', '2024-03-01'), 21); // leap February starts on a Thursday: 4 weeks + Thu 29th
    assert.equal(businessDays('2025-02-01', '2025-03-01'), 20);
    assert.equal(businessDays('2024-02-03', '2024-02-05'), 0);
  });
});

describe('proration by days in the team', () => {
  const q1Feb = parsePeriodKey('FY2025-Q1', 2)!; // 90 days
  test('a rep joining mid-quarter counts for the days left', () => {
    assert.equal(proratedQuota(90_000, q1Feb, [{ from: '2024-03-16', to: null }]), 46_000);
  });
  test('leap years count 29 February', () => {
    assert.equal(proratedQuota(366_000, parsePeriodKey('FY2024', 1)!, [{ from: '2024-02-29', to: null }]), 307_000);
    assert.equal(proratedQuota(365_000, parsePeriodKey('FY2025', 1)!, [{ from: '2025-03-01', to: null }]), 306_000);
  });
  test('a rep who left, or who was never there, and overlapping stretches count once', () => {
    const feb = parsePeriodKey('FY2024-M02', 1)!;
    assert.equal(proratedQuota(2_900, feb, [{ from: '2023-06-01', to: '2024-02-11' }]), 1_000);
    assert.equal(proratedQuota(2_900, feb, [{ from: '2024-03-01', to: null }]), 0);
    assert.equal(daysCovered(feb, [{ from: '2024-02-01', to: '2024-02-15' }, { from: '2024-02-10', to: '2024-02-20' }]), 19);
    assert.equal(proratedQuota(2_900, feb, [{ from: '2024-02-10', to: '2024-02-20' }, { from: '2024-02-01', to: '2024-02-15' }]), 1_900);
  });
  test('memberships from team moves: left on the 10th, came back on the 20th', () => {
    const moves = [
      { at: '2024-02-10', from: 't1', to: 't2' },
      { at: '2024-02-20', from: 't2', to: 't1' },
    ];
    const stays = membershipsOf('t1', moves, 't1', '2024-01-01');
    assert.deepEqual(stays, [
      { from: '2024-01-01', to: '2024-02-10' },
      { from: '2024-02-20', to: null },
    ]);
    assert.equal(daysCovered(parsePeriodKey('FY2024-M02', 1)!, stays), 19);
    assert.deepEqual(membershipsOf('t2', moves, 't1', '2024-01-01'), [{ from: '2024-02-10', to: '2024-02-20' }]);
    assert.deepEqual(membershipsOf('t1', [], 't1', '2024-01-01'), [{ from: '2024-01-01', to: null }]);
    assert.deepEqual(membershipsOf('t1', [], null, '2024-01-01'), []);
  });
  test("a member's results count for the team only on days in it", () => {
    const daily = [
      { day: '2024-02-05', value: 100 },
      { day: '2024-02-10', value: 20 },
      { day: '2024-02-19', value: 3 },
      { day: '2024-02-20', value: 4_000 },
    ];
    assert.equal(actualInTeam(daily, [{ from: '2024-01-01', to: '2024-02-10' }, { from: '2024-02-20', to: null }]), 4_100);
    assert.equal(actualInTeam(daily, [{ from: '2024-02-10', to: '2024-02-20' }]), 23);
  });
});

describe('attainment and pacing (linear by business days)', () => {
  const feb = parsePeriodKey('FY2024-M02', 1)!; // 21 business days
  test('mid-period: 10 of 21 business days gone', () => {
    assert.deepEqual(attainmentOf(21_000, 8_000, feb, '2024-02-14'), {
      target: 21_000,
      actual: 8_000,
      attainment: 0.381,
      expectedToDate: 10_000,
      pace: 0.8,
      gap: 13_000,
      businessDaysElapsed: 10,
      businessDaysTotal: 21,
    });
  });
  test('a weekend does not raise the bar', () => {
    assert.equal(attainmentOf(21_000, 0, feb, '2024-02-17').expectedToDate, 12_000);
    assert.equal(attainmentOf(21_000, 0, feb, '2024-02-18').expectedToDate, 12_000);
  });
  test('before, after, over and without a target', () => {
    const before = attainmentOf(21_000, 500, feb, '2024-01-20');
    assert.equal(before.expectedToDate, 0);
    assert.equal(before.pace, null);
    const after = attainmentOf(21_000, 25_000, feb, '2024-03-20');
    assert.deepEqual([after.expectedToDate, after.attainment, after.gap, after.pace], [21_000, 1.1905, 0, 1.1905]);
    assert.equal(attainmentOf(0, 5, feb, '2024-02-14').attainment, null);
  });
});

test('leaderboard: attainment, then the larger actual, then name; ties share a rank; no quota last', () => {
  const board = leaderboard([
    { userId: 'a', name: 'Ann', target: 100, actual: 50 },
    { userId: 'b', name: 'Bo', target: 200, actual: 100 },
    { userId: 'c', name: 'Cy', target: 0, actual: 10 },
    { userId: 'd', name: 'Di', target: 100, actual: 120 },
    { userId: 'e', name: 'Eve', target: 100, actual: 50 },
  ]);
  assert.deepEqual(
    board.map((r) => [r.userId, r.rank, r.attainment]),
    [
      ['d', 1, 1.2],
      ['b', 2, 0.5],
      ['a', 3, 0.5],
      ['e', 3, 0.5],
      ['c', 5, null],
    ],
  );
});
