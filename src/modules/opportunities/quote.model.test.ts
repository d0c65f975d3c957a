import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuote, quoteNumber, type QuoteInput } from './quote.model.ts';

const input: QuoteInput = {
  dealName: 'Globex platform',
  dealId: '01912345-6789-7abc-8def-0123456789ab',
  dealVersion: 7,
  currency: 'EUR',
  paymentTermsDays: 30,
  issuedOn: '2026-05-04',
  pendingApprovals: [],
  lines: [
    { name: 'Platform', sku: 'PLAT', billing: 'recurring', quantity: 10, unitPrice: 5_000, discountPercent: 20, termMonths: 12, total: 480_000 },
    { name: 'Onboarding', sku: 'ONB', billing: 'one_time', quantity: 1, unitPrice: 250_000, discountPercent: 0, termMonths: null, total: 250_000 },
  ],
};

test('a quote lists each line as the prospect reads it, with one-time and subscription totals', () => {
  const quote = buildQuote(input);
  assert.equal(quote.number, 'Q-01912345-7');
  assert.equal(quote.validUntil, '2026-06-03');
  assert.equal(quote.draft, false);
  assert.deepEqual(quote.rows[0], { product: 'Platform', sku: 'PLAT', terms: 'per month × 12 months', quantity: '10', unitPrice: '€50.00', discount: '20 %', total: '€4,800.00' });
  assert.deepEqual(quote.rows[1]!.terms, 'one-time');
  assert.deepEqual(quote.rows[1]!.discount, '—');
  assert.deepEqual([quote.oneTimeTotal, quote.recurringTotal, quote.grandTotal], ['€2,500.00', '€4,800.00', '€7,300.00']);
  assert.equal(quote.paymentTerms, 'Payment due within 30 days of invoice');
  assert.deepEqual(quote.notes, []);
});

test('a quote whose terms wait for approval is a draft and says what it waits for', () => {
  const quote = buildQuote({ ...input, pendingApprovals: ['finance approval of a 30 % discount'], paymentTermsDays: 0 });
  assert.equal(quote.draft, true);
  assert.deepEqual(quote.notes, ['Draft: awaiting finance approval of a 30 % discount. Not valid until approved.']);
  assert.equal(quote.paymentTerms, 'Payment due on receipt');
});

test('the quote number changes with every version of the deal', () => {
  assert.notEqual(quoteNumber(input.dealId, 7), quoteNumber(input.dealId, 8));
});
