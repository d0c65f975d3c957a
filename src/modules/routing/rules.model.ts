// Assignment rules without a database: ordered rules with conditions on a record's fields,
// combined with all/any; the first rule that matches decides who gets the record.
import type { FieldError } from '../../core/errors.ts';
import { calendarProblems, type BusinessCalendar } from './hours.model.ts';

/** Which moment a rule set routes: a new lead, a qualified lead's opportunity (hand-off), or an account. */
export const RULE_OBJECTS = ['lead_create', 'lead_qualified', 'account'] as const;
export type RuleObject = (typeof RULE_OBJECTS)[number];

export const RULE_SET_STATUSES = ['draft', 'active', 'archived'] as const;
export type RuleSetStatus = (typeof RULE_SET_STATUSES)[number];

export const OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'range', 'contains', 'exists', 'not_exists', 'above', 'below'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Scalar = string | number | boolean;
export type Condition = {
  field: string;
  op: Operator;
  /** equals, not_equals, contains, above, below */
  value?: Scalar | undefined;
  /** in, not_in */
  values?: Scalar[] | undefined;
  /** range, both inclusive */
  min?: number | undefined;
  max?: number | undefined;
};

export const STRATEGIES = ['round_robin', 'weighted_round_robin', 'load_balanced'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Whose turn it is: a team, a named territory, the record's own territory, or a list of people. */
export type Target =
  | { type: 'team'; teamId: string }
  | { type: 'territory'; territoryId: string }
  | { type: 'record_territory' }
  | { type: 'users'; userIds: string[] };

export type Rule = {
  id: string;
  name: string;
  match: 'all' | 'any';
  conditions: Condition[];
  strategy: Strategy;
  target: Target;
  /** Weighted round-robin: relative share per user (1 when not listed). */
  weights?: Record<string, number> | undefined;
  /** A record from a known account goes to the account's owner when they can take it. */
  accountOwnerFirst?: boolean | undefined;
};

export type Escalation = { reassign: boolean; notifyManager: boolean };

export type RuleSet = {
  id: string;
  object: RuleObject;
  name: string;
  version: number;
  rules: Rule[];
  fallbackOwnerId: string | null;
  /** Lead rule sets: first touch within N business minutes; hand-off rule sets: accept within N. */
  slaMinutes: number | null;
  businessHours: BusinessCalendar | null;
  escalation: Escalation;
};

const LEAD_FIELDS = [
  'firstName', 'lastName', 'email', 'emailDomain', 'phone', 'company', 'title', 'website', 'industry', 'employeeCount',
  'country', 'region', 'city', 'postcode', 'status', 'source', 'score', 'territoryId', 'accountId', 'knownAccount',
] as const;
const ACCOUNT_FIELDS = ['name', 'domain', 'industry', 'employeeCount', 'country', 'region', 'city', 'lifecycleStage', 'territoryId', 'parentAccountId'] as const;
const OPPORTUNITY_FIELDS = ['amount', 'currency', 'opportunityName', 'sourcingRepId'] as const;

/** The fields a rule may test, per object: anything the record carries, plus derived facts. */
export const RULE_FIELDS: Record<RuleObject, readonly string[]> = {
  lead_create: LEAD_FIELDS,
  account: ACCOUNT_FIELDS,
  lead_qualified: [...LEAD_FIELDS, ...OPPORTUNITY_FIELDS],
};

/** A record as rules see it: field name → value. */
export type RoutableRecord = Record<string, unknown>;

const isBlank = (value: unknown) => value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

function same(actual: unknown, expected: Scalar): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return actual.trim().toLowerCase() === expected.trim().toLowerCase();
  if (typeof actual === 'number' && typeof expected === 'string') return expected.trim() !== '' && actual === Number(expected);
  if (typeof actual === 'string' && typeof expected === 'number') return actual.trim() !== '' && Number(actual) === expected;
  return actual === expected;
}

const numeric = (value: unknown): number | null => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : null);

/** Whether one condition holds for the record. A missing value fails every test but not_equals, not_in and not_exists. */
export function conditionHolds(condition: Condition, record: RoutableRecord): boolean {
  const actual = record[condition.field];
  switch (condition.op) {
    case 'exists':
      return !isBlank(actual);
    case 'not_exists':
      return isBlank(actual);
    case 'equals':
      return !isBlank(actual) && same(actual, condition.value!);
    case 'not_equals':
      return isBlank(actual) || !same(actual, condition.value!);
    case 'in':
      return !isBlank(actual) && condition.values!.some((v) => same(actual, v));
    case 'not_in':
      return isBlank(actual) || !condition.values!.some((v) => same(actual, v));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => same(item, condition.value!));
      return typeof actual === 'string' && actual.toLowerCase().includes(String(condition.value).toLowerCase());
    case 'range': {
      const n = numeric(actual);
      return n !== null && (condition.min === undefined || n >= condition.min) && (condition.max === undefined || n <= condition.max);
    }
    case 'above': {
      const n = numeric(actual);
      return n !== null && n > Number(condition.value);
    }
    case 'below': {
      const n = numeric(actual);
      return n !== null && n < Number(condition.value);
    }
  }
}

export type RuleMatch = { rule: Rule; index: number; evidence: string[] };

const shown = (value: unknown) => (isBlank(value) ? '(empty)' : String(value));

/**
 * The first rule that matches (rules are tried in order), with what made it match: the tested
 * fields and their values, as in `country=DE, employeeCount=250`. A rule without conditions
 * matches everything.
 */
export function firstMatchingRule(rules: readonly Rule[], record: RoutableRecord): RuleMatch | null {
  for (let index = 0; index < rules.length; index += 1) {
    const rule = rules[index]!;
    const conditions = rule.conditions;
    let matched: boolean;
    if (conditions.length === 0) matched = true;
    else if (rule.match === 'all') matched = conditions.every((c) => conditionHolds(c, record));
    else matched = conditions.some((c) => conditionHolds(c, record));
    if (!matched) continue;
    const holding = rule.match === 'all' ? conditions : conditions.filter((c) => conditionHolds(c, record));
    const evidence = [...new Set(holding.map((c) => c.field))].map((field) => `${field}=${shown(record[field])}`);
    return { rule, index, evidence };
  }
  return null;
}

/** "country in DE, AT, CH" — a condition as the editor and the decision log say it. */
export function describeCondition(condition: Condition): string {
  switch (condition.op) {
    case 'exists':
      return `${condition.field} is set`;
    case 'not_exists':
      return `${condition.field} is empty`;
    case 'in':
    case 'not_in':
      return `${condition.field} ${condition.op === 'in' ? 'in' : 'not in'} ${condition.values!.join(', ')}`;
    case 'range':
      return `${condition.field} ${condition.min ?? '…'}–${condition.max ?? '…'}`;
    default:
      return `${condition.field} ${condition.op.replace('_', ' ')} ${String(condition.value)}`;
  }
}

/** Whether any rule needs to know the record's account (so the service looks it up only then). */
export const needsAccount = (rules: readonly Rule[]): boolean =>
  rules.some((rule) => rule.accountOwnerFirst || rule.conditions.some((c) => c.field === 'accountId' || c.field === 'knownAccount'));

const MAX_RULES = 500;

/** What is wrong with a rule set's rules and settings, field by field, for its object. */
export function ruleSetProblems(ruleSet: Pick<RuleSet, 'object' | 'rules' | 'slaMinutes' | 'businessHours'>): FieldError[] {
  const problems: FieldError[] = [];
  const fields = RULE_FIELDS[ruleSet.object];
  if (ruleSet.rules.length > MAX_RULES) problems.push({ field: 'rules', message: `At most ${MAX_RULES} rules` });
  const ids = new Set<string>();
  ruleSet.rules.forEach((rule, i) => {
    const at = `rules.${i}`;
    if (!rule.name.trim()) problems.push({ field: `${at}.name`, message: 'Name the rule' });
    if (ids.has(rule.id)) problems.push({ field: `${at}.id`, message: 'Two rules share this id' });
    ids.add(rule.id);
    rule.conditions.forEach((condition, j) => problems.push(...conditionProblems(condition, fields, `${at}.conditions.${j}`)));
    if (rule.target.type === 'users' && rule.target.userIds.length === 0) problems.push({ field: `${at}.target.userIds`, message: 'Name at least one user' });
    for (const [userId, weight] of Object.entries(rule.weights ?? {})) {
      if (!Number.isInteger(weight) || weight < 1 || weight > 1000) problems.push({ field: `${at}.weights.${userId}`, message: 'Weights are whole numbers from 1 to 1000' });
    }
    if (rule.weights && Object.keys(rule.weights).length && rule.strategy !== 'weighted_round_robin') {
      problems.push({ field: `${at}.weights`, message: 'Weights only apply to weighted round-robin' });
    }
  });
  if (ruleSet.slaMinutes !== null && (!Number.isInteger(ruleSet.slaMinutes) || ruleSet.slaMinutes < 1 || ruleSet.slaMinutes > 60 * 24 * 30)) {
    problems.push({ field: 'slaMinutes', message: 'Give whole minutes from 1 to 43200' });
  }
  if (ruleSet.businessHours) problems.push(...calendarProblems(ruleSet.businessHours, 'businessHours'));
  return problems;
}

export function conditionProblems(condition: Condition, fields: readonly string[], at: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!fields.includes(condition.field)) problems.push({ field: `${at}.field`, message: `Not a field rules can test here; use one of ${fields.join(', ')}` });
  const needs = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field: `${at}.${field}`, message });
  };
  switch (condition.op) {
    case 'equals':
    case 'not_equals':
    case 'contains':
      needs(condition.value !== undefined && condition.value !== '', 'value', `${condition.op} needs a value`);
      break;
    case 'above':
    case 'below':
      needs(typeof condition.value === 'number', 'value', `${condition.op} needs a number`);
      break;
    case 'in':
    case 'not_in':
      needs((condition.values?.length ?? 0) > 0, 'values', `${condition.op} needs at least one value`);
      break;
    case 'range':
      needs(condition.min !== undefined || condition.max !== undefined, 'min', 'A range needs a minimum, a maximum or both');
      if (condition.min !== undefined && condition.max !== undefined) needs(condition.min <= condition.max, 'max', 'The maximum is below the minimum');
      break;
    case 'exists':
    case 'not_exists':
      break;
  }
  return problems;
}
