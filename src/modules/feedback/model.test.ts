import assert from 'node:assert/strict';
import { test } from 'node:test';
import { areaPath, createsCycle, moneyCell, rankIdeas, revenueAtStake, toCsv, totalAtStake, type DealFact } from './model.ts';

// Fixture, hand-computed:
//   Acme (a1): open o1 EUR 10,000.00, open o2 USD 5,000.00, won w1 EUR 30,000.00, lost l1 EUR 99.00
//   Globex (a2): won w2 EUR 7,000.00, open o3 EUR 2,000.00 (not cited)
//   Initech (a3): won w3 EUR 1.00, did not ask
const deals: DealFact[] = [
  { id: 'o1', accountId: 'a1', status: 'open', amount: 1_000_000, currency: 'EUR' },
  { id: 'o2', accountId: 'a1', status: 'open', amount: 500_000, currency: 'USD' },
  { id: 'w1', accountId: 'a1', status: 'won', amount: 3_000_000, currency: 'EUR' },
  { id: 'l1', accountId: 'a1', status: 'lost', amount: 9_900, currency: 'EUR' },
  { id: 'w2', accountId: 'a2', status: 'won', amount: 700_000, currency: 'EUR' },
  { id: 'o3', accountId: 'a2', status: 'open', amount: 200_000, currency: 'EUR' },
  { id: 'w3', accountId: 'a3', status: 'won', amount: 100, currency: 'EUR' },
];

test('revenue at stake: cited open deals once, won deals of the accounts that asked, per currency', () => {
  const r = revenueAtStake(
    [
      { accountId: 'a1', opportunityId: 'o1' },
      { accountId: 'a1', opportunityId: 'o1' }, // cited twice: counted once
      { accountId: 'a1', opportunityId: 'o2' },
      { accountId: 'a2', opportunityId: null },
      { accountId: null, opportunityId: 'l1' }, // a lost deal is no pipeline
    ],
    [...deals, deals[0]!], // a deal read twice is still one deal
  );
  assert.deepEqual(r.openPipeline, { EUR: 1_000_000, USD: 500_000 });
  assert.deepEqual(r.wonRevenue, { EUR: 3_700_000 });
  assert.deepEqual(r.accountIds, ['a1', 'a2']);
  assert.equal(r.openDealCount, 2);
  assert.deepEqual(totalAtStake(r), { EUR: 4_700_000, USD: 500_000 });
});

test('revenue at stake: no feedback, no money', () => {
  assert.deepEqual(revenueAtStake([], deals), { openPipeline: {}, wonRevenue: {}, accountIds: [], openDealCount: 0 });
});

test('ideas rank by money in the org currency, not by how many asked', () => {
  const many = { title: 'Many small', openPipeline: { EUR: 100 }, wonRevenue: {}, accountIds: ['a', 'b', 'c', 'd'] };
  const rich = { title: 'One rich', openPipeline: {}, wonRevenue: { EUR: 5_000 }, accountIds: ['a'] };
  const dollars = { title: 'Dollars', openPipeline: { USD: 1_000_000 }, wonRevenue: {}, accountIds: ['a'] };
  const none = { title: 'Nothing', openPipeline: {}, wonRevenue: {}, accountIds: [] };
  assert.deepEqual(rankIdeas([many, none, dollars, rich], 'EUR').map((i) => i.title), ['One rich', 'Many small', 'Dollars', 'Nothing']);
  assert.deepEqual(rankIdeas([many, rich, dollars], 'USD').map((i) => i.title), ['Dollars', 'One rich', 'Many small']);
});

test('area path through parents, and cycle detection', () => {
  const areas = new Map([
    ['r', { name: 'Reporting', parentId: null }],
    ['d', { name: 'Dashboards', parentId: 'r' }],
    ['x', { name: 'Loop', parentId: 'x' }],
  ]);
  assert.equal(areaPath(areas, 'd'), 'Reporting › Dashboards');
  assert.equal(areaPath(areas, null), null);
  assert.equal(areaPath(areas, 'x'), 'Loop');
  assert.equal(createsCycle(areas, 'r', 'd'), true);
  assert.equal(createsCycle(areas, 'd', 'r'), false);
  assert.equal(createsCycle(areas, 'r', null), false);
});

test('CSV quotes commas, quotes and newlines and defuses formulas', () => {
  assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=SUM(A1)', null]]), 'a,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),\r\n');
  assert.equal(moneyCell({ USD: 500_000, EUR: 1_050 }), 'EUR 10.50; USD 5000.00');
});
