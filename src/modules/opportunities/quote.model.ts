// What a quote says, worked out from the deal: lines, totals and terms as the prospect reads them. Pure.
import type { Billing } from './line-items.model.ts';
import { addDays, formatMoney } from './line-items.model.ts';

export type QuoteLine = { name: string; sku: string; billing: Billing; quantity: number; unitPrice: number; discountPercent: number; termMonths: number | null; total: number };

export type QuoteInput = {
  dealName: string;
  dealId: string;
  dealVersion: number;
  currency: string;
  paymentTermsDays: number;
  lines: readonly QuoteLine[];
  issuedOn: string;
  /** Approvals the terms still need: such a quote is a draft and says so. */
  pendingApprovals: readonly string[];
};

export type Quote = {
  number: string;
  title: string;
  issuedOn: string;
  validUntil: string;
  draft: boolean;
  rows: { product: string; sku: string; terms: string; quantity: string; unitPrice: string; discount: string; total: string }[];
  oneTimeTotal: string | null;
  recurringTotal: string | null;
  grandTotal: string;
  paymentTerms: string;
  notes: string[];
};

export const QUOTE_VALID_DAYS = 30;

/** Q-<first 8 of the deal id>-<version>: a new number whenever the deal changes, so two quotes of different terms never share one. */
export const quoteNumber = (dealId: string, version: number): string => `Q-${dealId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${version}`;

export function buildQuote(input: QuoteInput): Quote {
  const money = (minor: number) => formatMoney(minor, input.currency);
  const oneTime = input.lines.filter((l) => l.billing === 'one_time').reduce((sum, l) => sum + l.total, 0);
  const recurring = input.lines.filter((l) => l.billing === 'recurring').reduce((sum, l) => sum + l.total, 0);
  const draft = input.pendingApprovals.length > 0;
  return {
    number: quoteNumber(input.dealId, input.dealVersion),
    title: input.dealName,
    issuedOn: input.issuedOn,
    validUntil: addDays(input.issuedOn, QUOTE_VALID_DAYS),
    draft,
    rows: input.lines.map((line) => ({
      product: line.name,
      sku: line.sku,
      terms: line.billing === 'recurring' ? `per month × ${line.termMonths} months` : 'one-time',
      quantity: String(line.quantity),
      unitPrice: money(line.unitPrice),
      discount: line.discountPercent ? `${line.discountPercent.toLocaleString('en-US', { maximumFractionDigits: 2 })} %` : '—',
      total: money(line.total),
    })),
    oneTimeTotal: oneTime ? money(oneTime) : null,
    recurringTotal: recurring ? money(recurring) : null,
    grandTotal: money(oneTime + recurring),
    paymentTerms: input.paymentTermsDays === 0 ? 'Payment due on receipt' : `Payment due within ${input.paymentTermsDays} days of invoice`,
    notes: draft ? [`Draft: awaiting ${input.pendingApprovals.join('; ')}. Not valid until approved.`] : [],
  };
}
