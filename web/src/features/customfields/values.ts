// Custom values between the API's JSON and the text the inline fields edit.
import type { CustomField } from './api.ts';

type Money = { amount: number; currency: string };

const digitsOf = (currency: string): number => {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

/** The value as the edit control holds it. */
export function toText(field: CustomField, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (field.type) {
    case 'currency': {
      const { amount, currency } = value as Money;
      const digits = digitsOf(currency);
      return `${currency} ${(amount / 10 ** digits).toFixed(digits)}`;
    }
    case 'multi_picklist':
      return (value as string[]).join('; ');
    case 'checkbox':
      return value ? 'yes' : 'no';
    default:
      return String(value);
  }
}

/** The value to send for the control's text: empty clears it; what cannot be read goes as typed, for the API to refuse by name. */
export function fromText(field: CustomField, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  switch (field.type) {
    case 'number': {
      const n = Number(trimmed.replaceAll(',', ''));
      return Number.isFinite(n) ? n : trimmed;
    }
    case 'currency': {
      const match = /^(?:([A-Za-z]{3})\s*([\d.,]+)|([\d.,]+)\s*([A-Za-z]{3}))$/.exec(trimmed);
      if (!match) return trimmed;
      const currency = (match[1] ?? match[4])!.toUpperCase();
      const amount = Number((match[2] ?? match[3])!.replaceAll(',', ''));
      return Number.isFinite(amount) ? { amount: Math.round(amount * 10 ** digitsOf(currency)), currency } : trimmed;
    }
    case 'multi_picklist':
      return trimmed
        .split(/[;,]/)
        .map((part) => part.trim())
        .filter(Boolean);
    case 'checkbox':
      return trimmed === 'yes';
    default:
      return trimmed;
  }
}

/** How a value reads on a record page. */
export function shown(field: CustomField, value: unknown, userName: (id: string) => string): string | null {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return null;
  switch (field.type) {
    case 'currency': {
      const { amount, currency } = value as Money;
      return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount / 10 ** digitsOf(currency));
    }
    case 'number':
      return (value as number).toLocaleString();
    case 'multi_picklist':
      return (value as string[]).join(', ');
    case 'checkbox':
      return value ? 'Yes' : 'No';
    case 'user':
      return userName(value as string);
    default:
      return String(value);
  }
}
