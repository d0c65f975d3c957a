// Price book rules. Pure.
import type { FieldError } from '../../core/errors.ts';

export const BILLINGS = ['recurring', 'one_time'] as const;
export type ProductBilling = (typeof BILLINGS)[number];

export type Price = { currency: string; unitPrice: number };

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** A product has at most one list price per currency, in a real ISO currency, never negative. */
export function priceProblems(prices: readonly Price[]): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  prices.forEach((price, i) => {
    if (!CURRENCIES.has(price.currency)) problems.push({ field: `prices.${i}.currency`, message: `${price.currency} is not an ISO 4217 currency code` });
    if (seen.has(price.currency)) problems.push({ field: `prices.${i}.currency`, message: `Two prices in ${price.currency}` });
    seen.add(price.currency);
    if (!Number.isSafeInteger(price.unitPrice) || price.unitPrice < 0) problems.push({ field: `prices.${i}.unitPrice`, message: 'A whole number of minor units (cents), 0 or more' });
  });
  return problems;
}

/** SKUs are matched without regard to case or surrounding space: "wid-1 " is "WID-1". */
export const normaliseSku = (sku: string): string => sku.trim().toUpperCase();
