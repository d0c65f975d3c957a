import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expiryFrom, expiryStep, normaliseDomain, partnerNumbers, partnerReport, type PartnerDeal } from './model.ts';

test('normaliseDomain: what a partner types becomes the bare host', () => {
  const cases: [string | null, string | null][] = [
    ['globex.com', 'globex.com'],
    ['https://www.Globex.com/about?x=1', 'globex.com'],
    ['http://shop.globex.co.uk:8080', 'shop.globex.co.uk'],
    ['  WWW.initech.example  ', 'initech.example'],
    ['not a domain', null],
    ['localhost', null],
    ['', null],
    [null, null],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseDomain(input), expected, String(input));
});

test('expiry: a pending registration lapses at its time; decided ones never', () => {
  const at = new Date('2026-05-01T12:00:00Z');
  assert.equal(expiryFrom(new Date('2026-04-01T12:00:00Z'), 30).toISOString(), '2026-05-01T12:00:00.000Z');
  const cases: [string, string, 'expire' | 'later' | 'done'][] = [
    ['pending', '2026-05-01T12:00:00Z', 'expire'],
    ['pending', '2026-04-30T00:00:00Z', 'expire'],
    ['pending', '2026-05-01T12:00:01Z', 'later'],
    ['approved', '2026-04-01T00:00:00Z', 'done'],
    ['rejected', '2026-04-01T00:00:00Z', 'done'],
    ['expired', '2026-04-01T00:00:00Z', 'done'],
  ];
  for (const [status, expiresAt, expected] of cases) {
    assert.equal(expiryStep({ status: status as 'pending', expiresAt: new Date(expiresAt) }, at), expected, `${status} ${expiresAt}`);
  }
});

const d = (partnerId: string, status: PartnerDeal['status'], amount: number, created: string, closed: string | null, currency = 'USD'): PartnerDeal => ({
  partnerId,
  status,
  amount,
  currency,
  createdAt: new Date(created),
  closedAt: closed ? new Date(closed) : null,
});

test('partnerNumbers: pipeline and revenue per currency, win rate over closed deals, mean cycle of won deals', () => {
  assert.deepEqual(partnerNumbers([]), { openDeals: 0, wonDeals: 0, lostDeals: 0, pipeline: {}, wonRevenue: {}, winRate: null, averageCycleDays: null });
  const numbers = partnerNumbers([
    d('a', 'open', 100, '2026-01-01', null),
    d('a', 'open', 50, '2026-01-01', null, 'EUR'),
    d('a', 'won', 1000, '2026-01-01', '2026-01-04'),
    d('a', 'won', 500, '2026-01-01', '2026-01-08', 'EUR'),
    d('a', 'lost', 999, '2026-01-01', '2026-01-02'),
  ]);
  // Cycles 3 and 7 days → 5; two won of three closed.
  assert.deepEqual(numbers, { openDeals: 2, wonDeals: 2, lostDeals: 1, pipeline: { USD: 100, EUR: 50 }, wonRevenue: { USD: 1000, EUR: 500 }, winRate: 0.667, averageCycleDays: 5 });
  assert.equal(partnerNumbers([d('a', 'lost', 1, '2026-01-01', '2026-01-02')]).winRate, 0);
  assert.equal(partnerNumbers([d('a', 'won', 1, '2026-01-01T00:00:00Z', '2026-01-01T12:00:00Z')]).averageCycleDays, 0.5);
});

test('partnerReport: every partner (deal-less too), tiers in order, and a "No tier" row only when needed', () => {
  const partners = [
    { id: 'b', name: 'Beta', tierId: 't2' },
    { id: 'a', name: 'Alpha', tierId: 't1' },
    { id: 'c', name: 'Gamma', tierId: 't1' },
  ];
  const tiers = [
    { id: 't2', name: 'Silver', position: 1 },
    { id: 't1', name: 'Gold', position: 0 },
  ];
  const report = partnerReport(partners, tiers, [d('a', 'won', 10, '2026-01-01', '2026-01-11'), d('c', 'lost', 5, '2026-01-01', '2026-01-02'), d('b', 'open', 7, '2026-01-01', null), d('zz', 'won', 1, '2026-01-01', '2026-01-02')]);
  assert.deepEqual(report.partners.map((p) => [p.name, p.wonDeals, p.lostDeals, p.openDeals]), [['Alpha', 1, 0, 0], ['Beta', 0, 0, 1], ['Gamma', 0, 1, 0]]);
  assert.deepEqual(report.tiers.map((t) => [t.name, t.partners, t.wonDeals, t.lostDeals, t.winRate, t.averageCycleDays]), [['Gold', 2, 1, 1, 0.5, 10], ['Silver', 1, 0, 0, null, null]]);
  const untiered = partnerReport([{ id: 'x', name: 'X', tierId: null }], [], [d('x', 'won', 3, '2026-01-01', '2026-01-03')]);
  assert.deepEqual(untiered.tiers.map((t) => [t.name, t.tierId, t.wonDeals]), [['No tier', null, 1]]);
});
