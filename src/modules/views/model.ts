import { z } from 'zod';
import type { FieldError } from '../../core/errors.ts';
import { instantOf, wallClock } from '../routing/hours.model.ts';

// Saved views: a small typed filter language over one kind of record (field, operator, value;
// relative dates; activity conditions), its validation and its date arithmetic. The service
// compiles a checked filter to parameterised SQL over whitelisted columns only.

export const VIEW_OBJECTS = ['lead', 'contact', 'account', 'opportunity'] as const;
export type ViewObject = (typeof VIEW_OBJECTS)[number];

export type FieldType = 'text' | 'number' | 'date' | 'day' | 'bool' | 'enum' | 'user' | 'ref';
/** `sortable` fields are never null, so a keyset cursor over them needs no null handling. */
export type FieldSpec = { type: FieldType; label: string; sortable?: boolean; values?: readonly string[] };

const LEAD_STATUSES = ['new', 'working', 'nurture', 'qualified', 'disqualified', 'converted'] as const;
const LIFECYCLE_STAGES = ['prospect', 'customer', 'former_customer'] as const;
const OPPORTUNITY_STATUSES = ['open', 'won', 'lost'] as const;

const created = { createdAt: { type: 'date', label: 'Created', sortable: true }, updatedAt: { type: 'date', label: 'Updated', sortable: true } } as const;

/** Every field a view may filter, sort or show, per object: the keys are the tables' column keys. */
export const VIEW_FIELDS: Record<ViewObject, Record<string, FieldSpec>> = {
  lead: {
    firstName: { type: 'text', label: 'First name', sortable: true },
    lastName: { type: 'text', label: 'Last name', sortable: true },
    email: { type: 'text', label: 'Email' },
    phone: { type: 'text', label: 'Phone' },
    company: { type: 'text', label: 'Company', sortable: true },
    title: { type: 'text', label: 'Title' },
    website: { type: 'text', label: 'Website' },
    industry: { type: 'text', label: 'Industry' },
    employeeCount: { type: 'number', label: 'Employees' },
    country: { type: 'text', label: 'Country' },
    region: { type: 'text', label: 'Region' },
    city: { type: 'text', label: 'City' },
    postcode: { type: 'text', label: 'Postcode' },
    status: { type: 'enum', label: 'Status', values: LEAD_STATUSES, sortable: true },
    source: { type: 'text', label: 'Source', sortable: true },
    ownerId: { type: 'user', label: 'Owner' },
    territoryId: { type: 'ref', label: 'Territory' },
    doNotCall: { type: 'bool', label: 'Do not call' },
    score: { type: 'number', label: 'Score', sortable: true },
    disqualifiedReason: { type: 'text', label: 'Disqualified reason' },
    disqualifiedAt: { type: 'date', label: 'Disqualified' },
    recycleAt: { type: 'date', label: 'Recycles' },
    ...created,
  },
  contact: {
    firstName: { type: 'text', label: 'First name', sortable: true },
    lastName: { type: 'text', label: 'Last name', sortable: true },
    email: { type: 'text', label: 'Email' },
    phone: { type: 'text', label: 'Phone' },
    title: { type: 'text', label: 'Title' },
    accountId: { type: 'ref', label: 'Account' },
    ownerId: { type: 'user', label: 'Owner' },
    doNotCall: { type: 'bool', label: 'Do not call' },
    ...created,
  },
  account: {
    name: { type: 'text', label: 'Name', sortable: true },
    domain: { type: 'text', label: 'Domain' },
    industry: { type: 'text', label: 'Industry' },
    employeeCount: { type: 'number', label: 'Employees' },
    country: { type: 'text', label: 'Country' },
    region: { type: 'text', label: 'Region' },
    city: { type: 'text', label: 'City' },
    phone: { type: 'text', label: 'Phone' },
    lifecycleStage: { type: 'enum', label: 'Lifecycle stage', values: LIFECYCLE_STAGES, sortable: true },
    ownerId: { type: 'user', label: 'Owner' },
    territoryId: { type: 'ref', label: 'Territory' },
    parentAccountId: { type: 'ref', label: 'Parent account' },
    ...created,
  },
  opportunity: {
    name: { type: 'text', label: 'Name', sortable: true },
    accountId: { type: 'ref', label: 'Account' },
    ownerId: { type: 'user', label: 'Owner' },
    pipelineId: { type: 'ref', label: 'Pipeline' },
    stageId: { type: 'ref', label: 'Stage' },
    amount: { type: 'number', label: 'Amount (minor units)', sortable: true },
    currency: { type: 'text', label: 'Currency' },
    closeDate: { type: 'day', label: 'Close date', sortable: true },
    probability: { type: 'number', label: 'Probability', sortable: true },
    forecastCategory: { type: 'text', label: 'Forecast category' },
    status: { type: 'enum', label: 'Status', values: OPPORTUNITY_STATUSES, sortable: true },
    source: { type: 'text', label: 'Source' },
    nextStep: { type: 'text', label: 'Next step' },
    stageEnteredAt: { type: 'date', label: 'Entered stage', sortable: true },
    closedAt: { type: 'date', label: 'Closed' },
    ...created,
  },
};

/** The columns a new view shows when it names none. */
export const DEFAULT_COLUMNS: Record<ViewObject, string[]> = {
  lead: ['firstName', 'lastName', 'company', 'email', 'status', 'ownerId', 'createdAt'],
  contact: ['firstName', 'lastName', 'email', 'phone', 'accountId', 'ownerId'],
  account: ['name', 'domain', 'industry', 'lifecycleStage', 'ownerId'],
  opportunity: ['name', 'amount', 'currency', 'closeDate', 'status', 'ownerId'],
};

/** Custom fields are named `custom.<key>` and read from the record's `custom` jsonb column. */
export const CUSTOM_PREFIX = 'custom.';
const CUSTOM_KEY = /^[a-z][a-z0-9_]{0,62}$/;

// ------------------------------------------------------------------ the filter language

const RANGE_KINDS = ['today', 'yesterday', 'this_week', 'last_week', 'this_month', 'last_month', 'this_quarter', 'last_n_days', 'next_n_days', 'between'] as const;

export const dateRangeSchema = z.strictObject({
  kind: z.enum(RANGE_KINDS),
  n: z.number().int().min(1).max(3650).optional().describe('With last_n_days and next_n_days'),
  from: z.iso.datetime({ offset: true }).optional().describe('With between'),
  to: z.iso.datetime({ offset: true }).optional().describe('With between'),
});
export type DateRange = z.infer<typeof dateRangeSchema>;

export const FIELD_OPS = [
  'eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'gt', 'gte', 'lt', 'lte',
  'is_empty', 'is_not_empty', 'within', 'not_within', 'older_than_days',
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

export const ACTIVITY_KINDS = ['call', 'call_connected', 'email_sent', 'email_opened', 'email_clicked', 'email_replied', 'meeting', 'note', 'any'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

const fieldCondition = z.strictObject({
  field: z.string().min(1).max(80),
  op: z.enum(FIELD_OPS),
  value: z.union([scalar, z.array(scalar).max(200), dateRangeSchema]).optional(),
});
const activityCondition = z.strictObject({
  activity: z.enum(ACTIVITY_KINDS),
  has: z.boolean().describe('true: at least one such activity in the range; false: none (e.g. "no call in 14 days")'),
  range: dateRangeSchema,
});

export const conditionSchema = z.union([fieldCondition, activityCondition]);
export type FieldCondition = z.infer<typeof fieldCondition>;
export type ActivityCondition = z.infer<typeof activityCondition>;
export type Condition = z.infer<typeof conditionSchema>;

export const filtersSchema = z.strictObject({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(conditionSchema).max(30).default([]),
});
export type ViewFilters = z.infer<typeof filtersSchema>;

export const sortSchema = z.strictObject({ field: z.string().min(1).max(80), direction: z.enum(['asc', 'desc']) });
export type ViewSort = z.infer<typeof sortSchema>;

export const DEFAULT_SORT: ViewSort = { field: 'createdAt', direction: 'desc' };

const OPS_BY_TYPE: Record<FieldType, readonly FieldOp[]> = {
  text: ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'is_empty', 'is_not_empty'],
  number: ['eq', 'neq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'is_empty', 'is_not_empty'],
  date: ['gt', 'gte', 'lt', 'lte', 'within', 'not_within', 'older_than_days', 'is_empty', 'is_not_empty'],
  day: ['eq', 'gt', 'gte', 'lt', 'lte', 'within', 'not_within', 'older_than_days'],
  bool: ['eq', 'neq'],
  enum: ['eq', 'neq', 'in', 'not_in'],
  user: ['eq', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  ref: ['eq', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'],
};
// Custom fields hold what their definitions say; the filter treats their values as text, or as
// numbers and dates when compared that way.
const CUSTOM_OPS: readonly FieldOp[] = [...new Set([...OPS_BY_TYPE.text, ...OPS_BY_TYPE.number, ...OPS_BY_TYPE.date])];

export type FieldRef = { kind: 'column'; key: string; spec: FieldSpec } | { kind: 'custom'; key: string };

/** What a field name stands for on an object, or null when it names nothing a view may read. */
export function resolveField(object: ViewObject, name: string, customFields: boolean): FieldRef | null {
  if (name.startsWith(CUSTOM_PREFIX)) {
    const key = name.slice(CUSTOM_PREFIX.length);
    return customFields && CUSTOM_KEY.test(key) ? { kind: 'custom', key } : null;
  }
  const spec = Object.hasOwn(VIEW_FIELDS[object], name) ? VIEW_FIELDS[object][name] : undefined;
  return spec ? { kind: 'column', key: name, spec } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function rangeProblem(range: DateRange): string | null {
  if ((range.kind === 'last_n_days' || range.kind === 'next_n_days') && range.n === undefined) return `${range.kind} needs n (a number of days)`;
  if (range.kind === 'between' && !range.from && !range.to) return 'between needs from, to or both';
  if (range.kind === 'between' && range.from && range.to && Date.parse(range.from) > Date.parse(range.to)) return 'from is after to';
  return null;
}

const isRange = (value: unknown): value is DateRange => typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value;

function valueProblem(type: FieldType | 'custom', op: FieldOp, value: FieldCondition['value']): string | null {
  if (op === 'is_empty' || op === 'is_not_empty') return value === undefined ? null : `${op} takes no value`;
  if (value === undefined) return `${op} needs a value`;
  if (op === 'within' || op === 'not_within') return isRange(value) ? rangeProblem(value) : `${op} needs a date range ({ "kind": "last_n_days", "n": 7 }…)`;
  if (isRange(value)) return 'A date range goes with within or not_within only';
  if (op === 'older_than_days') return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? null : 'older_than_days needs a whole number of days';
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(value) || value.length === 0) return `${op} needs a list of values`;
    for (const item of value) {
      const problem = scalarProblem(type, op, item);
      if (problem) return problem;
    }
    return null;
  }
  if (Array.isArray(value)) return `${op} takes one value, not a list`;
  return scalarProblem(type, op, value);
}

function scalarProblem(type: FieldType | 'custom', op: FieldOp, value: string | number | boolean): string | null {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? null : 'Must be text';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'Must be a number';
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : 'Must be a date and time (ISO 8601)';
    case 'day':
      return typeof value === 'string' && DAY.test(value) ? null : 'Must be a date (YYYY-MM-DD)';
    case 'bool':
      return typeof value === 'boolean' ? null : 'Must be true or false';
    case 'enum':
      return null;
    case 'user':
      return value === 'me' || (typeof value === 'string' && UUID.test(value)) ? null : 'Must be a user id or "me"';
    case 'ref':
      return typeof value === 'string' && UUID.test(value) ? null : 'Must be an id';
    case 'custom':
      if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
        return typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Date.parse(value))) ? null : 'Compare with a number or a date';
      }
      return null;
  }
}

/**
 * What is wrong with a view's filters, sort and columns for this object, as field errors under
 * `prefix` (empty when the view can run). Custom fields are accepted when the object has them.
 */
export function viewProblems(
  object: ViewObject,
  view: { filters: ViewFilters; sort?: ViewSort | undefined; columns?: string[] | undefined },
  options: { customFields: boolean; prefix?: string },
): FieldError[] {
  const prefix = options.prefix ?? '';
  const problems: FieldError[] = [];
  view.filters.conditions.forEach((condition, i) => {
    const at = `${prefix}filters.conditions.${i}`;
    if ('activity' in condition) {
      const problem = rangeProblem(condition.range);
      if (problem) problems.push({ field: `${at}.range`, message: problem });
      return;
    }
    const ref = resolveField(object, condition.field, options.customFields);
    if (!ref) {
      problems.push({ field: `${at}.field`, message: `${object} has no field ${condition.field}` });
      return;
    }
    const type = ref.kind === 'custom' ? 'custom' : ref.spec.type;
    const allowed = ref.kind === 'custom' ? CUSTOM_OPS : OPS_BY_TYPE[ref.spec.type];
    if (!allowed.includes(condition.op)) {
      problems.push({ field: `${at}.op`, message: `${condition.field} takes ${allowed.join(', ')}` });
      return;
    }
    const problem = valueProblem(type, condition.op, condition.value);
    if (problem) problems.push({ field: `${at}.value`, message: problem });
    else if (ref.kind === 'column' && ref.spec.type === 'enum') {
      const values = Array.isArray(condition.value) ? condition.value : [condition.value];
      const unknown = values.find((v) => !ref.spec.values!.includes(String(v)));
      if (unknown !== undefined) problems.push({ field: `${at}.value`, message: `One of ${ref.spec.values!.join(', ')}` });
    }
  });
  if (view.sort) {
    const spec = VIEW_FIELDS[object][view.sort.field];
    if (!spec?.sortable) {
      const sortable = Object.entries(VIEW_FIELDS[object]).filter(([, s]) => s.sortable).map(([k]) => k);
      problems.push({ field: `${prefix}sort.field`, message: `Sort by one of ${sortable.join(', ')}` });
    }
  }
  view.columns?.forEach((column, i) => {
    if (!resolveField(object, column, options.customFields)) problems.push({ field: `${prefix}columns.${i}`, message: `${object} has no field ${column}` });
  });
  return problems;
}

// ------------------------------------------------------------------ relative dates

const DAY_MS = 86_400_000;

/** Midnight starting the local day `offset` days from the one `now` falls in, as an instant. */
function localMidnight(now: Date, timeZone: string, offsetDays = 0): Date {
  const wall = wallClock(now.getTime(), timeZone);
  const midnight = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + offsetDays);
  return new Date(instantOf(midnight, timeZone));
}

function localMonthStart(now: Date, timeZone: string, offsetMonths: number): Date {
  const wall = wallClock(now.getTime(), timeZone);
  return new Date(instantOf(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + offsetMonths, 1), timeZone));
}

/**
 * The instants a relative range covers at `now` in the user's time zone: `from` inclusive, `to`
 * exclusive, null for open-ended. Calendar ranges (today, this week — Monday first —, this month,
 * this quarter) follow local midnights; `last_n_days` is the rolling N×24 hours up to now and
 * `next_n_days` the N×24 hours from now.
 */
export function resolveRange(range: DateRange, now: Date, timeZone: string): { from: Date | null; to: Date | null } {
  switch (range.kind) {
    case 'today':
      return { from: localMidnight(now, timeZone), to: localMidnight(now, timeZone, 1) };
    case 'yesterday':
      return { from: localMidnight(now, timeZone, -1), to: localMidnight(now, timeZone) };
    case 'this_week':
    case 'last_week': {
      const weekday = (wallClock(now.getTime(), timeZone).getUTCDay() + 6) % 7;
      const start = -weekday + (range.kind === 'last_week' ? -7 : 0);
      return { from: localMidnight(now, timeZone, start), to: localMidnight(now, timeZone, start + 7) };
    }
    case 'this_month':
      return { from: localMonthStart(now, timeZone, 0), to: localMonthStart(now, timeZone, 1) };
    case 'last_month':
      return { from: localMonthStart(now, timeZone, -1), to: localMonthStart(now, timeZone, 0) };
    case 'this_quarter': {
      const month = wallClock(now.getTime(), timeZone).getUTCMonth();
      const back = -(month % 3);
      return { from: localMonthStart(now, timeZone, back), to: localMonthStart(now, timeZone, back + 3) };
    }
    case 'last_n_days':
      return { from: new Date(now.getTime() - range.n! * DAY_MS), to: now };
    case 'next_n_days':
      return { from: now, to: new Date(now.getTime() + range.n! * DAY_MS) };
    case 'between':
      return { from: range.from ? new Date(range.from) : null, to: range.to ? new Date(range.to) : null };
  }
}

/** The calendar day an instant falls on in a zone ("2026-11-23"): ranges over date-only fields. */
export function dayIn(at: Date, timeZone: string): string {
  return wallClock(at.getTime(), timeZone).toISOString().slice(0, 10);
}

/** Activity kinds as stored on the timeline, with the extra check an outbound email needs. */
export const ACTIVITY_KIND_MAP: Record<Exclude<ActivityKind, 'any'>, readonly string[]> = {
  call: ['call', 'call_connected'],
  call_connected: ['call_connected'],
  email_sent: ['email'],
  email_opened: ['email_opened'],
  email_clicked: ['email_clicked'],
  email_replied: ['email_replied'],
  meeting: ['meeting', 'meeting_booked', 'meeting_held'],
  note: ['note'],
};

// ------------------------------------------------------------------ who may see and change a view

export type ViewAccess = { ownerId: string; shared: boolean };

/** A personal view is its owner's alone; a shared one everyone in the org may use. */
export const canSeeView = (view: ViewAccess, userId: string): boolean => view.shared || view.ownerId === userId;

/** Its owner changes a view; a shared view also those who may share views (managers, admins). */
export const canChangeView = (view: ViewAccess, userId: string, mayShare: boolean): boolean => view.ownerId === userId || (view.shared && mayShare);

/** What a capped count shows: the exact number, or the cap with "+" when there are more. */
export function countLabel(count: number, cap: number): string {
  return count > cap ? `${cap.toLocaleString('en-US')}+` : count.toLocaleString('en-US');
}
