import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  callError,
  findNode,
  meanAbsoluteError,
  prng,
  rollup,
  simulate,
  totalsByCurrency,
  usersUnder,
  visibleTree,
  trainWinRates,
  weekOverWeek,
  winProbability,
  type ForecastDeal,
  type Totals,
} from './model.ts';

const deal = (id: string, ownerId: string, amount: number, currency: string, probability: number, forecastCategory: ForecastDeal['forecastCategory'], status: ForecastDeal['status'] = 'open'): ForecastDeal => ({
  id,
  ownerId,
  amount,
  currency,
  probability,
  forecastCategory,
  status,
});

describe('category totals', () => {
  test('each deal counts once in its own category, per currency; weighted rounds once', () => {
    const totals = totalsByCurrency([
      deal('a', 'u1', 1_000, 'EUR', 90, 'commit'),
      deal('b', 'u1', 500, 'EUR', 40, 'best_case'),
      deal('c', 'u1', 300, 'EUR', 10, 'pipeline'),
      deal('d', 'u1', 2_000, 'EUR', 100, 'closed', 'won'),
      deal('e', 'u1', 700, 'EUR', 0, 'omitted', 'lost'),
      deal('f', 'u1', 1_234, 'USD', 33, 'pipeline'),
    ]);
    assert.deepEqual(totals, {
      EUR: { closed: 2_000, commit: 1_000, bestCase: 500, pipeline: 300, weighted: 1_130, deals: 4 },
      USD: { closed: 0, commit: 0, bestCase: 0, pipeline: 1_234, weighted: 407, deals: 1 },
    });
  });
  test('an owner override to omitted takes an open deal out of the forecast', () => {
    assert.deepEqual(totalsByCurrency([deal('a', 'u1', 1_000, 'EUR', 60, 'omitted')]), {});
  });
});

describe('roll-up of the team hierarchy', () => {
  const t = (closed: number, commit: number): Record<string, Totals> => ({ EUR: { closed, commit, bestCase: 0, pipeline: 0, weighted: 0, deals: 1 } });
  const teams = [
    { id: 'sales', name: 'Sales', parentTeamId: null, managerId: 'vp' },
    { id: 'east', name: 'East', parentTeamId: 'sales', managerId: 'm1' },
    { id: 'west', name: 'West', parentTeamId: 'sales', managerId: 'm2' },
    { id: 'orphan', name: 'Orphan', parentTeamId: 'gone', managerId: null },
  ];
  const members = [
    { id: 'vp', name: 'Vera', teamId: 'sales' },
    { id: 'r1', name: 'Rex', teamId: 'east' },
    { id: 'r2', name: 'Ria', teamId: 'east' },
    { id: 'r3', name: 'Ron', teamId: 'west' },
    { id: 'r4', name: 'Ray', teamId: null },
  ];
  const byOwner = new Map([
    ['vp', t(1, 0)],
    ['r1', t(10, 100)],
    ['r2', t(20, 200)],
    ['r3', t(40, 400)],
    ['r4', t(1_000, 1_000)],
  ]);
  const tree = rollup(teams, members, byOwner);
  test('teams sum their reps and sub-teams; a team with a missing parent is a root', () => {
    assert.deepEqual(
      tree.map((n) => [n.name, n.totals.EUR?.closed ?? 0, n.totals.EUR?.commit ?? 0]),
      [
        ['Orphan', 0, 0],
        ['Sales', 71, 700],
      ],
    );
    assert.deepEqual(findNode(tree, 'team', 'east')!.totals.EUR, { closed: 30, commit: 300, bestCase: 0, pipeline: 0, weighted: 0, deals: 2 });
    assert.deepEqual(
      findNode(tree, 'team', 'sales')!.children.map((c) => c.name),
      ['East', 'West', 'Vera'],
    );
    assert.equal(findNode(tree, 'user', 'r4'), null);
  });
  test('what a viewer sees: a visible team with all below it, else visible users on their own', () => {
    const names = (nodes: ReturnType<typeof visibleTree>) => nodes.map((n) => n.name);
    assert.deepEqual(names(visibleTree(tree, (id) => id === 'east', () => false)), ['East']);
    assert.deepEqual(names(visibleTree(tree, () => false, (id) => id === 'r3' || id === 'r1')), ['Rex', 'Ron']);
    assert.deepEqual(usersUnder(findNode(tree, 'team', 'sales')!).sort(), ['r1', 'r2', 'r3', 'vp']);
  });
  test('a cycle in the tree does not loop', () => {
    const looped = rollup(
      [
        { id: 'a', name: 'A', parentTeamId: 'b', managerId: null },
        { id: 'b', name: 'B', parentTeamId: 'a', managerId: null },
      ],
      [{ id: 'r1', name: 'Rex', teamId: 'a' }],
      byOwner,
    );
    assert.equal(looped.length, 1);
    assert.equal(looped[0]!.totals.EUR!.closed, 10);
  });
});

describe('calls', () => {
  test("this week's call against the last one made before this week", () => {
    const wow = weekOverWeek([
      { submittedAt: '2026-11-16T10:00:00Z', commit: 100, bestCase: 200 },
      { submittedAt: '2026-11-23T09:00:00Z', commit: 150, bestCase: 260 },
      { submittedAt: '2026-11-18T10:00:00Z', commit: 120, bestCase: 210 },
    ]);
    assert.equal(wow.current!.commit, 150);
    assert.equal(wow.previous!.commit, 120);
    assert.deepEqual([wow.commitChange, wow.bestCaseChange], [30, 50]);
    assert.equal(weekOverWeek([{ submittedAt: '2026-11-23T09:00:00Z', commit: 1, bestCase: 1 }]).previous, null);
  });
  test('accuracy: the call against what closed', () => {
    assert.equal(callError(120_000, 100_000), 0.2);
    assert.equal(callError(90_000, 120_000), -0.25);
    assert.equal(callError(5, 0), null);
    assert.equal(
      meanAbsoluteError([
        { period: 'a', predicted: 0, actual: 0, error: 0.2, deals: 1 },
        { period: 'b', predicted: 0, actual: 0, error: -0.1, deals: 1 },
        { period: 'c', predicted: 0, actual: 0, error: null, deals: 0 },
      ]),
      0.15,
    );
  });
});

describe('statistical forecast', () => {
  const model = trainWinRates([
    { stageId: 's1', daysInStage: 3, won: true },
    { stageId: 's1', daysInStage: 10, won: true },
    { stageId: 's1', daysInStage: 14, won: false },
    { stageId: 's1', daysInStage: 60, won: false },
    { stageId: 's2', daysInStage: 1, won: true },
    { stageId: 's2', daysInStage: 2, won: true },
  ]);
  test('win rates by stage × age band shrink toward the stage, the stage toward the org', () => {
    assert.equal(model.global, 0.625); // (4 + 1) / (6 + 2)
    assert.equal(model.stages.s1!.prior, 0.5893); // (2 + 10 × 0.625) / (4 + 10)
    assert.equal(model.stages.s1!.bands['0-14']!.rate, 0.6072); // (2 + 10 × 0.5893) / (3 + 10)
    assert.equal(model.stages.s1!.bands['45-89']!.rate, 0.5357); // (0 + 5.893) / 11
    assert.equal(model.stages.s2!.prior, 0.6875);
    assert.equal(model.stages.s2!.bands['0-14']!.rate, 0.7396);
  });
  test('an open deal takes its cell, else its stage, else the org rate', () => {
    assert.deepEqual(winProbability(model, 's1', 7), { probability: 0.6072, basis: 'stage_age' });
    assert.deepEqual(winProbability(model, 's1', 120), { probability: 0.5893, basis: 'stage' });
    assert.deepEqual(winProbability(model, 's9', 1), { probability: 0.625, basis: 'org' });
    assert.equal(trainWinRates([]).global, 0.5);
  });
  test('a rep\'s own record in the stage moves their deals by its odds against the stage', () => {
    const withReps = trainWinRates([
      { stageId: 's1', daysInStage: 3, won: true, ownerId: 'ann' },
      { stageId: 's1', daysInStage: 10, won: true, ownerId: 'ann' },
      { stageId: 's1', daysInStage: 14, won: false, ownerId: 'bob' },
      { stageId: 's1', daysInStage: 60, won: false, ownerId: 'bob' },
      { stageId: 's2', daysInStage: 1, won: true, ownerId: 'ann' },
      { stageId: 's2', daysInStage: 2, won: true, ownerId: 'bob' },
    ]);
    // The stage × age rates are the same as without owners.
    assert.deepEqual(withReps.stages, model.stages);
    assert.equal(withReps.reps.ann!.s1!.rate, 0.6578); // (2 + 10 × 0.5893) / (2 + 10)
    assert.equal(withReps.reps.bob!.s1!.rate, 0.4911); // (0 + 5.893) / 12
    // Ann's 7-day-old deal in s1: odds 0.6072/0.3928 × (0.6578/0.3422) / (0.5893/0.4107) = 2.0709 → 0.6744.
    assert.deepEqual(winProbability(withReps, 's1', 7, 'ann'), { probability: 0.6744, basis: 'stage_age', repRate: 0.6578 });
    assert.deepEqual(winProbability(withReps, 's1', 7, 'bob'), { probability: 0.5097, basis: 'stage_age', repRate: 0.4911 });
    // Without the cell the stage's rate is moved to the rep's own; a rep with no history there, or no owner, is not moved.
    assert.deepEqual(winProbability(withReps, 's1', 120, 'ann'), { probability: 0.6578, basis: 'stage', repRate: 0.6578 });
    assert.deepEqual(winProbability(withReps, 's1', 7, 'cid'), { probability: 0.6072, basis: 'stage_age' });
    assert.deepEqual(winProbability(withReps, 's1', 7, null), { probability: 0.6072, basis: 'stage_age' });
    assert.deepEqual(winProbability(withReps, 's9', 1, 'ann'), { probability: 0.625, basis: 'org' });
  });
  test('the PRNG repeats with its seed', () => {
    const r = prng(42);
    assert.deepEqual([r(), r(), r()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });
  test('Monte Carlo with seed 42: P10/P50/P90 and the deals that move the number', () => {
    const sim = simulate(
      10_000,
      [
        { id: 'a', name: 'Acme', amount: 50_000, probability: 0.5 },
        { id: 'b', name: 'Birch', amount: 20_000, probability: 0.9 },
        { id: 'c', name: 'Cobalt', amount: 80_000, probability: 0.2 },
        { id: 'd', name: 'Delta', amount: 5_000, probability: 0.6 },
      ],
      1_000,
      42,
    );
    assert.deepEqual([sim.expected, sim.p10, sim.p50, sim.p90], [72_000, 30_000, 80_000, 145_000]);
    assert.equal(sim.histogram.reduce((s, h) => s + h.trials, 0), 1_000);
    assert.deepEqual(
      sim.movers.map((m) => [m.name, m.swing]),
      [
        ['Cobalt', 32_000],
        ['Acme', 25_000],
        ['Birch', 6_000],
        ['Delta', 2_449],
      ],
    );
  });
  test('sure and hopeless deals: every trial the same, nothing moves', () => {
    const sim = simulate(100, [
      { id: 'a', name: 'Sure', amount: 50, probability: 1 },
      { id: 'b', name: 'Hopeless', amount: 70, probability: 0 },
    ], 200, 7);
    assert.deepEqual([sim.p10, sim.p50, sim.p90, sim.movers.length], [150, 150, 150, 0]);
  });
});
