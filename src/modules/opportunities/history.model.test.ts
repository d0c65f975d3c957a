import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daysInStage, slippage, stageVisits, type HistoryEntry } from './history.model.ts';

const entry = (changedAt: string, stageId: string, more: Partial<HistoryEntry> = {}): HistoryEntry => ({
  changedAt: `${changedAt}T00:00:00.000Z`,
  changes: ['stage'],
  stageId,
  amount: 1000,
  previousAmount: null,
  closeDate: '2026-06-30',
  previousCloseDate: null,
  ...more,
});

const HISTORY: HistoryEntry[] = [
  entry('2026-01-01', 'qualify', { changes: ['created'] }),
  entry('2026-01-11', 'propose'),
  entry('2026-01-15', 'propose', { changes: ['amount'], amount: 1500, previousAmount: 1000 }),
  entry('2026-01-20', 'propose', { changes: ['close_date'], closeDate: '2026-07-31', previousCloseDate: '2026-06-30' }),
  entry('2026-01-25', 'qualify'),
  entry('2026-02-01', 'propose', { changes: ['stage', 'close_date'], closeDate: '2026-07-15', previousCloseDate: '2026-07-31' }),
  entry('2026-02-03', 'propose', { changes: ['close_date', 'amount'], closeDate: '2026-09-15', previousCloseDate: '2026-07-15', amount: 1200, previousAmount: 1500 }),
];

test('each stay in a stage, in order, with its days; the current one runs to now', () => {
  const visits = stageVisits(HISTORY, new Date('2026-02-11T12:00:00Z'));
  assert.deepEqual(
    visits.map((v) => [v.stageId, v.days, v.leftAt?.slice(0, 10) ?? null]),
    [
      ['qualify', 10, '2026-01-11'],
      ['propose', 14, '2026-01-25'],
      ['qualify', 7, '2026-02-01'],
      ['propose', 10.5, null],
    ],
  );
  assert.deepEqual([...daysInStage(visits)], [['qualify', 17], ['propose', 24.5]]);
});

test('pushed close dates count only moves later; amount changes keep their net effect', () => {
  assert.deepEqual(slippage(HISTORY), { closeDatePushes: 2, daysPushed: 31 + 62, amountChanges: 2, amountChange: 200 });
  assert.deepEqual(slippage([]), { closeDatePushes: 0, daysPushed: 0, amountChanges: 0, amountChange: 0 });
});

test('a deal that never moved has one stay', () => {
  assert.deepEqual(stageVisits([HISTORY[0]!], new Date('2026-01-02T00:00:00Z')), [{ stageId: 'qualify', enteredAt: '2026-01-01T00:00:00.000Z', leftAt: null, days: 1 }]);
});
