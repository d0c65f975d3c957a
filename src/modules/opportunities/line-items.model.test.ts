import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, addMonths, formatMoney, isCurrency, lineTotal, minorDigits, rollUp } from './line-items.model.ts';

test('a one-time line is quantity × price less the discount, rounded half up to the cent', () => {
  assert.equal(lineTotal({ billing: 'one_time', quantity: 3, unitPrice: 10_000, discountBp: 0, termMonths: null }), 30_000);
  assert.equal(lineTotal({ billing: 'one_time', quantity: 1, unitPrice: 999, discountBp: 1250, termMonths: null }), 874, '874.125 → 874');
  assert.equal(lineTotal({ billing: 'one_time', quantity: 1, unitPrice: 1, discountBp: 5000, termMonths: null }), 1, '0.5 → 1');
  assert.equal(lineTotal({ billing: 'one_time', quantity: 7, unitPrice: 12_345, discountBp: 10_000, termMonths: null }), 0, 'free');
});

test('a recurring line is priced per month over its term', () => {
  assert.equal(lineTotal({ billing: 'recurring', quantity: 10, unitPrice: 5_000, discountBp: 2000, termMonths: 12 }), 480_000);
  assert.equal(lineTotal({ billing: 'recurring', quantity: 1, unitPrice: 5_000, discountBp: 0, termMonths: 36 }), 180_000);
});

test('totals stay exact for large deals and refuse what no safe integer holds', () => {
  assert.equal(lineTotal({ billing: 'recurring', quantity: 100_000, unitPrice: 9_999_999, discountBp: 3333, termMonths: 60 }), 40_001_995_999_800);
  assert.equal(lineTotal({ billing: 'recurring', quantity: 1_000_000, unitPrice: 1e13, discountBp: 0, termMonths: 120 }), null);
});

test('the amount rolls up from the line totals', () => {
  assert.equal(rollUp([]), 0);
  assert.equal(rollUp([{ total: 480_000 }, { total: 874 }]), 480_874);
});

test('terms end the same day months later, or the month\'s last day', () => {
  assert.equal(addMonths('2026-01-15', 12), '2027-01-15');
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
  assert.equal(addMonths('2028-01-31', 1), '2028-02-29');
  assert.equal(addMonths('2026-11-30', 3), '2027-02-28');
  assert.equal(addMonths('2026-03-31', -1), '2026-02-28');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});

test('money prints with the currency\'s own minor unit', () => {
  assert.equal(minorDigits('EUR'), 2);
  assert.equal(minorDigits('JPY'), 0);
  assert.equal(minorDigits('KWD'), 3);
  assert.equal(formatMoney(1_234_567, 'EUR'), '€12,345.67');
  assert.equal(formatMoney(1_234_567, 'JPY'), '¥1,234,567');
  assert.equal(formatMoney(1_234_567, 'KWD'), 'KWD\u00a01,234.567');
  assert.equal(formatMoney(5, 'USD'), '$0.05');
  assert.ok(isCurrency('CHF'));
  assert.ok(!isCurrency('XYZ') && !isCurrency('usd'));
});
