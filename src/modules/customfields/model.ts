// Custom fields without a database: what a definition may say, how a value (from the API's JSON or
// a CSV cell) becomes the stored value or a reason it cannot, and how values read back out (CSV
// cells, JSON Schema, rule inputs). The service checks what needs the database (users and lookups
// existing, uniqueness).
import type { FieldError } from '../../core/errors.ts';

export const CUSTOM_OBJECTS = ['lead', 'contact', 'account', 'opportunity'] as const;
export type CustomObject = (typeof CUSTOM_OBJECTS)[number];

export const FIELD_TYPES = ['text', 'number', 'currency', 'date', 'picklist', 'multi_picklist', 'checkbox', 'url', 'user', 'lookup'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type CurrencyValue = { amount: number; currency: string };
export type CustomValue = string | number | boolean | string[] | CurrencyValue;
export type CustomValues = Record<string, CustomValue>;

export type FieldDefinition = {
  id: string;
  object: CustomObject;
  key: string;
  label: string;
  type: FieldType;
  options: string[];
  lookupObject: CustomObject | null;
  required: boolean;
  unique: boolean;
  helpText: string;
  position: number;
  archivedAt: string | null;
};

/** What an admin sends to define a field (the service fills in ids and positions). */
export type DefinitionInput = Pick<FieldDefinition, 'key' | 'label' | 'type' | 'options' | 'lookupObject' | 'required' | 'unique' | 'helpText'>;

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_TEXT = 10_000;
export const MAX_URL = 2_000;
export const MAX_OPTIONS = 500;
export const MAX_FIELDS_PER_OBJECT = 200;
const MAX_NUMBER = 1e15;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Types a unique flag makes sense for: one value a record can be told apart by. */
const UNIQUE_TYPES: readonly FieldType[] = ['text', 'number', 'date', 'url', 'picklist', 'user', 'lookup'];

/** A key suggested from a label: "Industry Segment" → industry_segment. */
export function keyFromLabel(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  return /^[a-z]/.test(key) ? key : `f_${key}`.slice(0, 63);
}

/** What is wrong with a definition, field by field. `takenKeys`: the object's other fields' keys, archived ones too. */
export function definitionProblems(input: DefinitionInput, takenKeys: ReadonlySet<string>): FieldError[] {
  const problems: FieldError[] = [];
  if (!KEY_PATTERN.test(input.key)) problems.push({ field: 'key', message: 'Lower-case letters, digits and _, starting with a letter (at most 63)' });
  else if (takenKeys.has(input.key)) problems.push({ field: 'key', message: 'Another field of this record type has this key (archived fields keep theirs)' });
  if (!input.label.trim()) problems.push({ field: 'label', message: 'Give the field a label' });
  const isPicklist = input.type === 'picklist' || input.type === 'multi_picklist';
  if (isPicklist) {
    const options = input.options.map((o) => o.trim());
    if (options.length === 0) problems.push({ field: 'options', message: 'A picklist needs at least one option' });
    if (options.length > MAX_OPTIONS) problems.push({ field: 'options', message: `At most ${MAX_OPTIONS} options` });
    if (options.some((o) => !o || o.length > 200)) problems.push({ field: 'options', message: 'Options are 1 to 200 characters' });
    if (input.type === 'multi_picklist' && options.some((o) => o.includes(';'))) problems.push({ field: 'options', message: 'Multi-picklist options cannot hold ";" (CSV cells separate choices with it)' });
    if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) problems.push({ field: 'options', message: 'Options must differ (case aside)' });
  } else if (input.options.length) {
    problems.push({ field: 'options', message: 'Only picklists have options' });
  }
  if (input.type === 'lookup' && !input.lookupObject) problems.push({ field: 'lookupObject', message: 'Say what the lookup points at (lead, contact, account or opportunity)' });
  if (input.type !== 'lookup' && input.lookupObject) problems.push({ field: 'lookupObject', message: 'Only lookup fields point at records' });
  if (input.unique && !UNIQUE_TYPES.includes(input.type)) problems.push({ field: 'unique', message: `A ${input.type} field cannot be unique` });
  if (input.required && input.type === 'checkbox') problems.push({ field: 'required', message: 'A checkbox is always ticked or not; it cannot be required' });
  if (input.helpText.length > 500) problems.push({ field: 'helpText', message: 'At most 500 characters' });
  return problems;
}

/** Digits after the decimal point of a currency's minor unit: 2 for EUR, 0 for JPY, 3 for KWD. */
const minorDigits = (currency: string): number => new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** A plain decimal in text ("1234.5", "1,234.50", "-3"), or null. */
function parseDecimal(text: string): number | null {
  const compact = text.replace(/\s/g, '');
  const plain = /^-?\d+(\.\d+)?$/.test(compact) ? compact : /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(compact) ? compact.replaceAll(',', '') : null;
  return plain === null ? null : Number(plain);
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function normaliseUrl(text: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.')) return null;
    return withScheme;
  } catch {
    return null;
  }
}

/** Where a value comes from: the API's JSON (typed values) or a CSV cell (text, read leniently). */
export type ValueSource = { from: 'json' } | { from: 'text'; usersByEmail: ReadonlyMap<string, string> };

export type Coerced = { value: CustomValue | null } | { error: string };

const describe = (def: Pick<FieldDefinition, 'type' | 'options'>): string => {
  switch (def.type) {
    case 'text':
      return 'text';
    case 'number':
      return 'a number';
    case 'currency':
      return 'an amount with its currency, as {"amount": minor units, "currency": "EUR"} (in CSV: "EUR 12.50")';
    case 'date':
      return 'a date as YYYY-MM-DD';
    case 'picklist':
      return `one of ${def.options.join(', ')}`;
    case 'multi_picklist':
      return `a list of ${def.options.join(', ')} (in CSV separated by ;)`;
    case 'checkbox':
      return 'true or false';
    case 'url':
      return 'a web address (http or https)';
    case 'user':
      return 'a user id (in CSV the user’s email)';
    case 'lookup':
      return 'a record id';
  }
};

/**
 * One value as the field stores it, or why it cannot be. null, "" and [] clear the value. JSON must
 * carry the type itself (a number, a boolean, an array); CSV text is read as people write it.
 */
export function coerceValue(def: Pick<FieldDefinition, 'type' | 'options'>, raw: unknown, source: ValueSource = { from: 'json' }): Coerced {
  const wrong = (): Coerced => ({ error: `Must be ${describe(def)}` });
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0)) return { value: null };
  const text = source.from === 'text';
  if (text && typeof raw !== 'string') return wrong();
  switch (def.type) {
    case 'text': {
      if (typeof raw !== 'string') return wrong();
      const value = raw.trim();
      return value.length > MAX_TEXT ? { error: `At most ${MAX_TEXT} characters` } : { value };
    }
    case 'number': {
      const value = typeof raw === 'number' ? raw : text ? parseDecimal(raw as string) : null;
      if (value === null || !Number.isFinite(value)) return wrong();
      return Math.abs(value) > MAX_NUMBER ? { error: 'The number is too large' } : { value };
    }
    case 'currency':
      return coerceCurrency(raw, text) ?? wrong();
    case 'date': {
      if (typeof raw !== 'string') return wrong();
      const value = text && /^\d{4}-\d{2}-\d{2}T/.test(raw.trim()) ? raw.trim().slice(0, 10) : raw.trim();
      return isCalendarDate(value) ? { value } : wrong();
    }
    case 'picklist': {
      if (typeof raw !== 'string') return wrong();
      const option = def.options.find((o) => o.toLowerCase() === raw.trim().toLowerCase());
      return option === undefined ? { error: `"${raw.trim()}" is not an option; use one of ${def.options.join(', ')}` } : { value: option };
    }
    case 'multi_picklist': {
      const items = text ? (raw as string).split(';') : raw;
      if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) return wrong();
      const chosen = new Set<string>();
      for (const item of items as string[]) {
        if (!item.trim()) continue;
        const option = def.options.find((o) => o.toLowerCase() === item.trim().toLowerCase());
        if (option === undefined) return { error: `"${item.trim()}" is not an option; use ${def.options.join(', ')}` };
        chosen.add(option);
      }
      // Stored in the options' order, so equal choices are equal values (filters, uniqueness, diffs).
      const value = def.options.filter((o) => chosen.has(o));
      return { value: value.length ? value : null };
    }
    case 'checkbox': {
      if (typeof raw === 'boolean') return { value: raw };
      if (!text) return wrong();
      const word = (raw as string).trim().toLowerCase();
      if (['true', 'yes', 'y', '1', 'x', 'on'].includes(word)) return { value: true };
      if (['false', 'no', 'n', '0', 'off'].includes(word)) return { value: false };
      return wrong();
    }
    case 'url': {
      if (typeof raw !== 'string') return wrong();
      const value = normaliseUrl(raw.trim());
      if (value === null) return wrong();
      return value.length > MAX_URL ? { error: `At most ${MAX_URL} characters` } : { value };
    }
    case 'user': {
      if (typeof raw !== 'string') return wrong();
      if (UUID.test(raw.trim())) return { value: raw.trim().toLowerCase() };
      if (source.from === 'text') {
        const id = source.usersByEmail.get(raw.trim().toLowerCase());
        return id ? { value: id } : { error: `"${raw.trim()}" is not an active user of your organisation (give their email)` };
      }
      return wrong();
    }
    case 'lookup':
      return typeof raw === 'string' && UUID.test(raw.trim()) ? { value: raw.trim().toLowerCase() } : wrong();
  }
}

function coerceCurrency(raw: unknown, text: boolean): Coerced | null {
  if (text) {
    const match = /^\s*(?:([A-Za-z]{3})\s*(.+?)|(.+?)\s*([A-Za-z]{3}))\s*$/.exec(raw as string);
    if (!match) return null;
    const code = (match[1] ?? match[4])!.toUpperCase();
    const amount = parseDecimal((match[2] ?? match[3])!);
    if (amount === null || !CURRENCIES.has(code)) return null;
    const digits = minorDigits(code);
    const minor = Math.round(amount * 10 ** digits);
    if (Math.abs(amount * 10 ** digits - minor) > 1e-6) return { error: `${code} has ${digits} decimal places` };
    return Number.isSafeInteger(minor) ? { value: { amount: minor, currency: code } } : { error: 'The amount is too large' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { amount, currency, ...rest } = raw as Record<string, unknown>;
  if (Object.keys(rest).length || typeof currency !== 'string' || !Number.isSafeInteger(amount)) return null;
  const code = currency.toUpperCase();
  if (!CURRENCIES.has(code)) return { error: `${currency} is not an ISO 4217 currency code` };
  return { value: { amount: amount as number, currency: code } };
}

export type ValuesCheck = {
  /** Key → the value to store, or null to remove it. */
  changes: Record<string, CustomValue | null>;
  errors: FieldError[];
};

/**
 * Checks a record's custom values against its object's fields. Unknown and archived keys are
 * refused, every value is coerced by its field's type. A new record must fill every required field;
 * an edit may leave a required field as it is but not clear it. Errors name `custom.<key>`.
 */
export function checkValues(definitions: readonly FieldDefinition[], input: Record<string, unknown>, options: { creating: boolean; source?: ValueSource }): ValuesCheck {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const changes: Record<string, CustomValue | null> = {};
  const errors: FieldError[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const def = byKey.get(key);
    if (!def) {
      errors.push({ field: `custom.${key}`, message: 'No such custom field' });
      continue;
    }
    if (def.archivedAt) {
      errors.push({ field: `custom.${key}`, message: 'The field is archived; an admin can restore it' });
      continue;
    }
    const coerced = coerceValue(def, raw, options.source);
    if ('error' in coerced) errors.push({ field: `custom.${key}`, message: coerced.error });
    else if (coerced.value === null && def.required && (options.creating || key in input)) errors.push({ field: `custom.${key}`, message: `${def.label} is required` });
    else changes[key] = coerced.value;
  }
  if (options.creating) {
    for (const def of definitions) {
      if (def.required && !def.archivedAt && !(def.key in input)) errors.push({ field: `custom.${def.key}`, message: `${def.label} is required` });
    }
  }
  return { changes, errors };
}

/** The record's values after an edit: changed keys set, cleared keys gone, the rest kept. */
export function applyChanges(current: Readonly<Record<string, unknown>>, changes: Readonly<Record<string, CustomValue | null>>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Whether the values stored under a field still fit it after a change of type or options. */
export const valueFits = (def: Pick<FieldDefinition, 'type' | 'options'>, value: unknown): boolean => {
  const coerced = coerceValue(def, value);
  return 'value' in coerced && coerced.value !== null && JSON.stringify(coerced.value) === JSON.stringify(value);
};

/** A stored value as one CSV cell, so an export imports back as is (users by email). */
export function cellOf(def: Pick<FieldDefinition, 'type'>, value: unknown, userEmails: ReadonlyMap<string, string>): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (def.type) {
    case 'currency': {
      const { amount, currency } = value as CurrencyValue;
      const digits = minorDigits(currency);
      return `${currency} ${(amount / 10 ** digits).toFixed(digits)}`;
    }
    case 'multi_picklist':
      return (value as string[]).join(';');
    case 'user':
      return userEmails.get(value as string) ?? (value as string);
    default:
      return value as string | number | boolean;
  }
}

/** What a rule (routing, scoring) compares: an amount for money, the choices for a multi-picklist, else the value. */
export function ruleValue(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'amount' in value) return (value as CurrencyValue).amount;
  return value;
}

/** `custom.<key>` → key, or null when the name is not a custom field's. */
export const customKeyOf = (field: string): string | null => (field.startsWith('custom.') && KEY_PATTERN.test(field.slice(7)) ? field.slice(7) : null);

/** A list filter's value as the service compares it. */
export type CustomFilter =
  | { key: string; kind: 'blank' }
  | { key: string; kind: 'text'; value: string }
  | { key: string; kind: 'equals'; value: CustomValue }
  | { key: string; kind: 'any_of'; values: string[] }
  | { key: string; kind: 'contains'; value: string }
  | { key: string; kind: 'range'; min: number | string | null; max: number | string | null; path: 'value' | 'amount' };

/**
 * `custom.<key>=<text>` from a list's query string: blank ("") finds records without a value; a
 * picklist takes options separated by commas (any of them); a multi-picklist one option it holds;
 * numbers, currencies (minor units) and dates take a range as `min..max` (either end open).
 */
export function parseFilter(def: FieldDefinition, text: string): CustomFilter | { error: string } {
  const key = def.key;
  if (text.trim() === '') return { key, kind: 'blank' };
  const range = /^(.*)\.\.(.*)$/.exec(text.trim());
  if (range && (def.type === 'number' || def.type === 'currency' || def.type === 'date')) {
    const end = (part: string): number | string | null | undefined => {
      if (part.trim() === '') return null;
      if (def.type === 'date') return isCalendarDate(part.trim()) ? part.trim() : undefined;
      const n = parseDecimal(part);
      return n === null ? undefined : n;
    };
    const min = end(range[1]!);
    const max = end(range[2]!);
    if (min === undefined || max === undefined || (min === null && max === null)) return { error: `Give a range as min..max (${def.type === 'date' ? 'dates as YYYY-MM-DD' : 'numbers'})` };
    return { key, kind: 'range', min, max, path: def.type === 'currency' ? 'amount' : 'value' };
  }
  switch (def.type) {
    case 'text':
    case 'url':
      return { key, kind: 'text', value: text.trim() };
    case 'currency': {
      const n = parseDecimal(text);
      return n === null ? { error: 'Give an amount in minor units, or a range min..max' } : { key, kind: 'range', min: n, max: n, path: 'amount' };
    }
    case 'picklist': {
      const values: string[] = [];
      for (const part of text.split(',')) {
        const coerced = coerceValue(def, part);
        if ('error' in coerced) return coerced;
        if (coerced.value !== null) values.push(coerced.value as string);
      }
      return { key, kind: 'any_of', values };
    }
    case 'multi_picklist': {
      const option = def.options.find((o) => o.toLowerCase() === text.trim().toLowerCase());
      return option === undefined ? { error: `"${text.trim()}" is not an option` } : { key, kind: 'contains', value: option };
    }
    default: {
      const coerced = coerceValue(def, text, { from: 'text', usersByEmail: new Map() });
      if ('error' in coerced) return coerced;
      return { key, kind: 'equals', value: coerced.value! };
    }
  }
}

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of one value of a field, as the API reads and returns it. */
export function valueSchema(def: FieldDefinition, recordIdsOf: (object: CustomObject) => string): JsonSchema {
  const base: JsonSchema = { title: def.label, ...(def.helpText ? { description: def.helpText } : {}) };
  switch (def.type) {
    case 'text':
      return { ...base, type: 'string', maxLength: MAX_TEXT };
    case 'number':
      return { ...base, type: 'number' };
    case 'currency':
      return {
        ...base,
        type: 'object',
        required: ['amount', 'currency'],
        additionalProperties: false,
        properties: { amount: { type: 'integer', description: 'Minor units (cents)' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
      };
    case 'date':
      return { ...base, type: 'string', format: 'date' };
    case 'picklist':
      return { ...base, type: 'string', enum: def.options };
    case 'multi_picklist':
      return { ...base, type: 'array', items: { type: 'string', enum: def.options }, uniqueItems: true };
    case 'checkbox':
      return { ...base, type: 'boolean' };
    case 'url':
      return { ...base, type: 'string', format: 'uri', maxLength: MAX_URL };
    case 'user':
      return { ...base, type: 'string', format: 'uuid', description: [def.helpText, 'A user id (GET /api/v1/users)'].filter(Boolean).join(' — ') };
    case 'lookup':
      return { ...base, type: 'string', format: 'uuid', description: [def.helpText, `A ${def.lookupObject} id (${recordIdsOf(def.lookupObject!)})`].filter(Boolean).join(' — ') };
  }
}

/** The `custom` object of one record type as JSON Schema: what the API accepts (null clears a value). */
export function customObjectSchema(object: CustomObject, definitions: readonly FieldDefinition[], recordIdsOf: (object: CustomObject) => string): JsonSchema {
  const active = definitions.filter((d) => d.object === object && !d.archivedAt);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(active.map((d) => [d.key, { anyOf: [valueSchema(d, recordIdsOf), { type: 'null' }] }])),
    ...(active.some((d) => d.required) ? { required: active.filter((d) => d.required).map((d) => d.key), description: 'Required fields must be given when a record is created' } : {}),
  };
}
