// Money on a deal: line totals in integer minor units, the rolled-up amount, terms and dates. Pure.
import type { ProductBilling } from '../products/model.ts';

export type Billing = ProductBilling;

export type PricedLine = { billing: Billing; quantity: number; unitPrice: number; discountBp: number; termMonths: number | null };

/**
 * quantity × list price × (months of the term, for recurring products) × (1 − discount), rounded
 * half up to the minor unit. BigInt keeps large enterprise deals exact; null means
 * the total does not fit a safe integer (the request is refused rather than rounded).
 */
export function lineTotal(line: PricedLine): number | null {
  const periods = line.billing === 'recurring' ? (line.termMonths ?? 0) : 1;
  const gross = BigInt(line.unitPrice) * BigInt(line.quantity) * BigInt(periods);
  const scaled = gross * BigInt(10_000 - line.discountBp);
  const total = (scaled + 5_000n) / 10_000n;
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(total);
}

/** The deal amount once it has line items: their sum. */
export const rollUp = (lines: readonly { total: number }[]): number => lines.reduce((sum, line) => sum + line.total, 0);

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const isCurrency = (code: string): boolean => CURRENCIES.has(code);

/** Digits after the decimal point of a currency's minor unit: 2 for EUR, 0 for JPY, 3 for KWD. */
export const minorDigits = (currency: string): number =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** 1234567 EUR → "€12,345.67". */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
}

/** "2026-01-31" + 1 month → "2026-02-28": the end of a term, clamped to the month's last day. */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The date of an instant in UTC, the calendar close dates are kept in. */
export const dateOf = (instant: Date): string => instant.toISOString().slice(0, 10);
