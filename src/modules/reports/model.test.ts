import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  activityRow,
  funnel,
  improvementHints,
  leakSentence,
  leakiestStep,
  median,
  periodRange,
  pipelineSummary,
  previousRange,
  rate,
  stageConversion,
  toCsv,
  workingDays,
  type SegmentMetrics,
} from './model.ts';

const d = (s: string) => new Date(s);

describe('periods', () => {
  test('calendar periods hold the date, weeks start on Monday, previous is the one before', () => {
    assert.deepEqual(periodRange('month', d('2026-02-14T10:00:00Z')), { from: d('2026-02-01T00:00:00Z'), to: d('2026-03-01T00:00:00Z') });
    assert.deepEqual(periodRange('quarter', d('2026-11-23T10:00:00Z')), { from: d('2026-10-01T00:00:00Z'), to: d('2027-01-01T00:00:00Z') });
    assert.deepEqual(periodRange('year', d('2026-11-23T10:00:00Z')), { from: d('2026-01-01T00:00:00Z'), to: d('2027-01-01T00:00:00Z') });
    // 2026-11-23 is a Monday; the Sunday after still belongs to its week.
    assert.deepEqual(periodRange('week', d('2026-11-29T23:00:00Z')), { from: d('2026-11-23T00:00:00Z'), to: d('2026-11-30T00:00:00Z') });
    assert.deepEqual(previousRange(periodRange('month', d('2026-03-05T00:00:00Z')), 'month'), { from: d('2026-02-01T00:00:00Z'), to: d('2026-03-01T00:00:00Z') });
    assert.deepEqual(previousRange({ from: d('2026-03-10T00:00:00Z'), to: d('2026-03-20T00:00:00Z') }), { from: d('2026-02-28T00:00:00Z'), to: d('2026-03-10T00:00:00Z') });
  });
  test('working days skip weekends', () => {
    assert.equal(workingDays(periodRange('week', d('2026-11-25T00:00:00Z'))), 5);
    assert.equal(workingDays(periodRange('month', d('2026-02-01T00:00:00Z'))), 20);
  });
});

describe('rates and medians', () => {
  test('rate divides, or is null with nothing to divide by', () => {
    assert.equal(rate(1, 4), 0.25);
    assert.equal(rate(3, 0), null);
  });
  test('median of odd and even counts', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 10]), 3.5);
    assert.equal(median([]), null);
  });
});

describe('funnel', () => {
  // 200 leads, 80 qualified, 40 opportunities, 10 won, 8 customers (two wins were the same accounts).
  const rows = funnel({ leads: 200, qualified: 80, opportunities: 40, won: 10, customers: 8 }, { qualified: 3, opportunities: 6.5, won: 41 });
  test('step conversion from the previous step and from the start', () => {
    assert.deepEqual(
      rows.map((r) => [r.step, r.count, r.conversion, r.fromStart, r.medianDays]),
      [
        ['leads', 200, null, null, null],
        ['qualified', 80, 0.4, 0.4, 3],
        ['opportunities', 40, 0.5, 0.2, 6.5],
        ['won', 10, 0.25, 0.05, 41],
        ['customers', 8, 0.8, 0.04, null],
      ],
    );
  });
  test('the leakiest step is the lowest step conversion', () => {
    assert.deepEqual(leakiestStep(rows), { from: 'opportunities', to: 'won', conversion: 0.25 });
    assert.equal(leakSentence(rows), 'The funnel leaks most between opportunities and won: only 25% move on');
  });
  test('an empty funnel has no rates and no leak', () => {
    const empty = funnel({ leads: 0, qualified: 0, opportunities: 0, won: 0, customers: 0 });
    assert.equal(empty[1]!.conversion, null);
    assert.equal(leakiestStep(empty), null);
  });
});

describe('activity against goals', () => {
  test('connect and reply rates; a daily goal scales by the bucket\'s working days', () => {
    const row = activityRow({ calls: 180, connects: 27, emails: 100, replies: 7, meetingsBooked: 4, meetingsHeld: 3 }, { calls: 40, connects: 5, emails: null }, 5);
    assert.equal(row.connectRate, 0.15);
    assert.equal(row.replyRate, 0.07);
    assert.deepEqual(row.goals, { calls: 200, connects: 25, emails: null });
    assert.deepEqual(row.attainment, { calls: 0.9, connects: 1.08, emails: null });
  });
});

describe('pipeline', () => {
  test('win rate, average deal, median cycle, slippage, coverage of the remaining target', () => {
    const s = pipelineSummary(
      { openAmount: 900_000, openDeals: 12, createdDeals: 9, createdAmount: 450_000, wonDeals: 3, wonAmount: 300_000, lostDeals: 5, wonCycleDays: [20, 45, 31], slippedDeals: 4, slippageBase: 16 },
      600_000,
    );
    assert.equal(s.winRate, 3 / 8);
    assert.equal(s.averageDealSize, 100_000);
    assert.equal(s.medianCycleDays, 31);
    assert.equal(s.slippageRate, 0.25);
    assert.equal(s.remainingTarget, 300_000);
    assert.equal(s.coverage, 3);
  });
  test('without a target there is no coverage; a met target leaves nothing to cover', () => {
    const facts = { openAmount: 10, openDeals: 1, createdDeals: 0, createdAmount: 0, wonDeals: 0, wonAmount: 50, lostDeals: 0, wonCycleDays: [], slippedDeals: 0, slippageBase: 0 };
    assert.equal(pipelineSummary(facts, null).coverage, null);
    assert.equal(pipelineSummary(facts, 40).remainingTarget, 0);
    assert.equal(pipelineSummary(facts, 40).coverage, null);
    assert.equal(pipelineSummary(facts, null).winRate, null);
  });
  test('stage conversion: the share of deals reaching a stage that reach the next', () => {
    assert.deepEqual(
      stageConversion([
        { stageId: 'a', name: 'Discovery', reached: 100 },
        { stageId: 'b', name: 'Demo', reached: 60 },
        { stageId: 'c', name: 'Won', reached: 15 },
      ]).map((s) => s.toNext),
      [0.6, 0.25, null],
    );
  });
});

describe('improvement hints', () => {
  const seg = (key: string, connect: [number, number], win?: [number, number]): SegmentMetrics => ({
    kind: 'territory',
    key,
    name: key,
    metrics: { connectRate: { value: connect[0], base: connect[1] }, ...(win ? { winRate: { value: win[0], base: win[1] } } : {}) },
  });
  test('the biggest changes first, as sentences; small bases and small moves stay quiet', () => {
    const hints = improvementHints(
      [seg('DACH', [0.08, 300], [0.3, 40]), seg('Nordics', [0.2, 10]), seg('UK', [0.21, 200])],
      [seg('DACH', [0.14, 250], [0.2, 30]), seg('Nordics', [0.05, 10]), seg('UK', [0.2, 200])],
      'this month',
    );
    assert.deepEqual(
      hints.map((h) => h.text),
      ['Win rate for DACH rose from 20% to 30% this month', 'Connect rate for DACH fell from 14% to 8% this month'],
    );
  });
  test('a segment without a previous period makes no hint', () => {
    assert.deepEqual(improvementHints([seg('New', [0.5, 100])], [], 'this week'), []);
  });
});

describe('csv', () => {
  test('quotes commas, quotes and new lines; formulas are made inert; numbers stay numbers', () => {
    assert.equal(toCsv(['a', 'b'], [{ a: 'x,y', b: -3 }, { a: '=SUM(A1)', b: 'say "hi"\n' }, { a: null }]), 'a,b\r\n"x,y",-3\r\n\'=SUM(A1),"say ""hi""\n"\r\n,\r\n');
  });
});
