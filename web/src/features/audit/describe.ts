import type { AuditEntry } from '../../api/types.ts';

// Turns audit rows into sentences a sales rep reads at a glance:
// "Ada changed status: New → Working". Pure, so the wording is easy to test.

export type AuditLine = { field: string; from: string; to: string };
export type AuditStory = { who: string; verb: string; lines: AuditLine[]; reason: string | null };

export type AuditContext = {
  nameOf: (userId: string | null | undefined) => string;
  /** A field's value as people say it (status labels, owner names); undefined = default. */
  valueOf?: (field: string, value: unknown) => string | undefined;
  noun: string;
};

const FIELD_NAMES: Record<string, string> = {
  ownerId: 'owner',
  accountId: 'account',
  parentAccountId: 'parent account',
  lifecycleStage: 'lifecycle stage',
  employeeCount: 'employees',
  deletedAt: 'deleted',
  firstName: 'first name',
  lastName: 'last name',
  title: 'job title',
};

export const fieldName = (field: string): string =>
  FIELD_NAMES[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

export function plainValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ') || 'empty';
  if (isMoney(value)) return money(value);
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 77)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

type Money = { amount: number; currency: string };
const isMoney = (value: unknown): value is Money =>
  typeof value === 'object' && value !== null && typeof (value as Money).amount === 'number' && typeof (value as Money).currency === 'string' && Object.keys(value).length === 2;
function money({ amount, currency }: Money): string {
  try {
    const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount / 10 ** digits);
  } catch {
    return `${currency} ${amount}`;
  }
}

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

export function describeAudit(entry: AuditEntry, context: AuditContext): AuditStory {
  const who = entry.actorId ? context.nameOf(entry.actorId) : 'Leadflow';
  const show = (field: string, value: unknown) =>
    value === null || value === undefined || value === '' ? 'empty' : (context.valueOf?.(field, value) ?? plainValue(value));
  const base = { who, reason: entry.reason };

  switch (entry.action) {
    case 'create':
      return { ...base, verb: `created this ${context.noun}`, lines: [] };
    case 'delete':
      return { ...base, verb: `moved this ${context.noun} to the trash`, lines: [] };
    case 'restore':
      return { ...base, verb: `restored this ${context.noun} from the trash`, lines: [] };
    case 'update': {
      const before = asRecord(entry.before);
      const after = asRecord(entry.after);
      const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((field) => field !== 'deletedAt');
      // Custom field values are one column on the record: each value that changed reads as its own line, by key.
      const lines = fields.flatMap((field) => {
        if (field !== 'custom') return [{ field: fieldName(field), from: show(field, before[field]), to: show(field, after[field]) }];
        const was = asRecord(before.custom);
        const is = asRecord(after.custom);
        return [...new Set([...Object.keys(was), ...Object.keys(is)])]
          .filter((key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]))
          .map((key) => ({ field: key.replaceAll('_', ' '), from: show(`custom.${key}`, was[key]), to: show(`custom.${key}`, is[key]) }));
      });
      return { ...base, verb: 'changed', lines };
    }
    default:
      return { ...base, verb: entry.action.replaceAll('_', ' '), lines: [] };
  }
}
