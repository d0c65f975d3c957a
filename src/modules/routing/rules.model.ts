// Assignment rules without a database: ordered rules with conditions on a record's fields,
// combined with all/any; the first rule that matches decides who gets the record.
import type { FieldError } from '../../core/errors.ts';
import { customKeyOf, ruleValue } from '../customfields/model.ts';
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

/** A record as rules see it: field name → value; custom field values under `custom` (tested as `custom.<key>`). */
export type RoutableRecord = Record<string, unknown>;

/** How a condition reads its field: straight off the record, or a custom value (money as its amount). */
function reader(field: string): (record: RoutableRecord) => unknown {
  const key = customKeyOf(field);
  if (key === null) return (r) => r[field];
  return (r) => ruleValue((r.custom as Record<string, unknown> | undefined)?.[key]);
}

// On the hot path (the rule index, evidence) without a closure per call.
const valueAt = (record: RoutableRecord, field: string): unknown =>
  field.startsWith('custom.') ? ruleValue((record.custom as Record<string, unknown> | undefined)?.[field.slice(7)]) : record[field];

const isBlank = (value: unknown) => value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * How a value compares with what a condition names: text without case or surrounding spaces, a
 * number with its digits as text ("250" = 250), anything else only with itself. Compiled once
 * per list of values, so a rule set is matched without re-reading its conditions.
 */
// A record's text is compared with many rules' values; lower-casing it once per distinct text
// (countries, industries, sources repeat endlessly) keeps matching free of allocations.
const normalised = new Map<string, string>();
function normal(text: string): string {
  let value = normalised.get(text);
  if (value === undefined) {
    value = text.trim().toLowerCase();
    if (normalised.size >= 10_000) normalised.clear();
    normalised.set(text, value);
  }
  return value;
}

function sameAsAnyOf(values: readonly Scalar[]): (actual: unknown) => boolean {
  const texts = new Set(values.filter((v): v is string => typeof v === 'string').map((v) => v.trim().toLowerCase()));
  const textNumbers = new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map(Number).filter((n) => !Number.isNaN(n)));
  const numbers = new Set(values.filter((v): v is number => typeof v === 'number' && !Number.isNaN(v)));
  return (actual) => {
    if (typeof actual === 'string') {
      if (texts.has(normal(actual))) return true;
      return numbers.size > 0 && actual.trim() !== '' && numbers.has(Number(actual));
    }
    if (typeof actual === 'number') return textNumbers.has(actual) || numbers.has(actual);
    return values.includes(actual as Scalar);
  };
}

const numeric = (value: unknown): number | null => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : null);

type Test = (record: RoutableRecord) => boolean;

function compileCondition(condition: Condition): Test {
  const read = reader(condition.field);
  switch (condition.op) {
    case 'exists':
      return (r) => !isBlank(read(r));
    case 'not_exists':
      return (r) => isBlank(read(r));
    case 'equals':
    case 'in': {
      const matches = sameAsAnyOf(condition.op === 'in' ? condition.values! : [condition.value!]);
      return (r) => {
        const actual = read(r);
        return !isBlank(actual) && matches(actual);
      };
    }
    case 'not_equals':
    case 'not_in': {
      const matches = sameAsAnyOf(condition.op === 'not_in' ? condition.values! : [condition.value!]);
      return (r) => {
        const actual = read(r);
        return isBlank(actual) || !matches(actual);
      };
    }
    case 'contains': {
      const matches = sameAsAnyOf([condition.value!]);
      const part = String(condition.value).toLowerCase();
      return (r) => {
        const actual = read(r);
        if (Array.isArray(actual)) return actual.some(matches);
        return typeof actual === 'string' && actual.toLowerCase().includes(part);
      };
    }
    case 'range': {
      const min = condition.min ?? -Infinity;
      const max = condition.max ?? Infinity;
      return (r) => {
        const n = numeric(read(r));
        return n !== null && n >= min && n <= max;
      };
    }
    case 'above':
    case 'below': {
      const bound = Number(condition.value);
      const above = condition.op === 'above';
      return (r) => {
        const n = numeric(read(r));
        return n !== null && (above ? n > bound : n < bound);
      };
    }
  }
}

const compiledConditions = new WeakMap<Condition, Test>();

/** Whether one condition holds for the record. A missing value fails every test but not_equals, not_in and not_exists. */
export function conditionHolds(condition: Condition, record: RoutableRecord): boolean {
  let test = compiledConditions.get(condition);
  if (!test) {
    test = compileCondition(condition);
    compiledConditions.set(condition, test);
  }
  return test(record);
}

export type RuleMatch = { rule: Rule; index: number; evidence: string[] };

const shown = (value: unknown) => (isBlank(value) ? '(empty)' : String(value));

/**
 * The first rule that matches (rules are tried in order), with what made it match: the tested
 * fields and their values, as in `country=DE, employeeCount=250`. A rule without conditions
 * matches everything.
 */
export function firstMatchingRule(rules: readonly Rule[], record: RoutableRecord): RuleMatch | null {
  const compiled = compileRules(rules);
  for (const index of candidateRules(compiled, record)) {
    const { rule, tests } = compiled.rules[index]!;
    let matched = tests.length === 0;
    if (!matched && rule.match === 'all') {
      matched = true;
      for (const test of tests) {
        if (!test(record)) {
          matched = false;
          break;
        }
      }
    } else if (!matched) {
      for (const test of tests) {
        if (test(record)) {
          matched = true;
          break;
        }
      }
    }
    if (!matched) continue;
    const holding = rule.match === 'all' ? rule.conditions : rule.conditions.filter((_, i) => tests[i]!(record));
    const evidence = [...new Set(holding.map((c) => c.field))].map((field) => `${field}=${shown(valueAt(record, field))}`);
    return { rule, index, evidence };
  }
  return null;
}

/**
 * A rule list compiled once, with an index: an "all" rule that requires a field to equal (or be
 * in) some words can only match a record whose field is one of those words, so a record is tried
 * only against the rules its own words point at, plus the rules no index covers, in rule order.
 * With 100 rules by country and industry a lead is tried against a handful, not all 100.
 */
type CompiledRules = {
  rules: { rule: Rule; tests: Test[] }[];
  unindexed: number[];
  byWord: Map<string, Map<string, number[]>>;
};

const compiledRules = new WeakMap<readonly Rule[], CompiledRules>();

/** A condition's words, when it can only hold for a text field equal to one of them. */
function requiredWords(rule: Rule): { field: string; words: string[] } | null {
  if (rule.match !== 'all') return null;
  for (const condition of rule.conditions) {
    if (condition.op !== 'equals' && condition.op !== 'in') continue;
    const values = condition.op === 'in' ? condition.values! : [condition.value!];
    // Text that reads as a number also matches numbers; such a condition is not indexed.
    if (values.every((v) => typeof v === 'string' && v.trim() !== '' && Number.isNaN(Number(v)))) {
      return { field: condition.field, words: (values as string[]).map((v) => v.trim().toLowerCase()) };
    }
  }
  return null;
}

function compileRules(rules: readonly Rule[]): CompiledRules {
  let compiled = compiledRules.get(rules);
  if (compiled) return compiled;
  compiled = { rules: rules.map((rule) => ({ rule, tests: rule.conditions.map(compileCondition) })), unindexed: [], byWord: new Map() };
  rules.forEach((rule, index) => {
    const required = requiredWords(rule);
    if (!required) {
      compiled!.unindexed.push(index);
      return;
    }
    let words = compiled!.byWord.get(required.field);
    if (!words) compiled!.byWord.set(required.field, (words = new Map()));
    for (const word of new Set(required.words)) {
      const list = words.get(word) ?? [];
      list.push(index);
      words.set(word, list);
    }
  });
  compiledRules.set(rules, compiled);
  return compiled;
}

/** The rules that could match the record, in rule order. */
function candidateRules(compiled: CompiledRules, record: RoutableRecord): readonly number[] {
  let lists: (readonly number[])[] | null = null;
  for (const [field, words] of compiled.byWord) {
    const value = valueAt(record, field);
    const list = typeof value === 'string' ? words.get(normal(value)) : undefined;
    if (list) (lists ??= [compiled.unindexed]).push(list);
  }
  if (!lists) return compiled.unindexed;
  return lists.reduce(mergeSorted);
}

/** Two ascending lists of rule numbers as one, without repeats. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (merged.length === 0 || merged[merged.length - 1] !== next) merged.push(next);
  }
  return merged;
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
  if (!fields.includes(condition.field) && customKeyOf(condition.field) === null) {
    problems.push({ field: `${at}.field`, message: `Not a field rules can test here; use one of ${fields.join(', ')} or custom.<key>` });
  }
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
