import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountHealth, type HealthFacts } from './health.model.ts';

const healthy: HealthFacts = {
  daysSinceLastTouch: 3,
  openDeals: 1,
  overdueDeals: 0,
  closeDatePushes: 0,
  lostLast90Days: 0,
  wonLast365Days: 0,
  escalationsLast30Days: 0,
  hasChampion: true,
  isCustomer: false,
};

test('a worked account with a champion and no trouble is healthy at 100', () => {
  assert.deepEqual(accountHealth(healthy), { score: 100, status: 'healthy', reasons: [] });
});

test('silence costs more the longer it lasts', () => {
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 30 }).score, 100);
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 31 }).score, 80);
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 61 }).score, 65);
  assert.deepEqual(accountHealth({ ...healthy, daysSinceLastTouch: null }).reasons, [{ points: -30, reason: 'Nobody has called, emailed, met or noted anything on this account' }]);
});

test('each kind of trouble is capped, and the reasons say what they cost', () => {
  const health = accountHealth({ ...healthy, overdueDeals: 5, closeDatePushes: 2, lostLast90Days: 1, escalationsLast30Days: 3, hasChampion: false });
  assert.deepEqual(health.reasons, [
    { points: -30, reason: '5 open deal(s) past their close date' },
    { points: -10, reason: 'Close dates pushed 2 time(s) in 90 days' },
    { points: -10, reason: '1 deal(s) lost in 90 days' },
    { points: -30, reason: '3 escalation(s) in 30 days' },
    { points: -10, reason: 'Open deals but no champion among the key players' },
  ]);
  assert.deepEqual([health.score, health.status], [10, 'critical']);
});

test('status bands: 70 and up healthy, 40 to 69 at risk, below critical; the score stays within 0–100', () => {
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 31, closeDatePushes: 2 }).status, 'healthy');
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 31, closeDatePushes: 3 }).status, 'at_risk');
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 61, overdueDeals: 3 }).status, 'critical');
  assert.equal(accountHealth({ ...healthy, daysSinceLastTouch: 61, overdueDeals: 9, closeDatePushes: 9, lostLast90Days: 9, escalationsLast30Days: 9, hasChampion: false }).score, 0);
  assert.equal(accountHealth({ ...healthy, isCustomer: true, wonLast365Days: 2 }).score, 100);
});

test('a champion only matters while there are open deals', () => {
  assert.equal(accountHealth({ ...healthy, openDeals: 0, hasChampion: false }).score, 100);
});
