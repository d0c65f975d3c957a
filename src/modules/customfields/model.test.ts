import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyChanges, cellOf, checkValues, coerceValue, customObjectSchema, definitionProblems, keyFromLabel, parseFilter, valueFits, type FieldDefinition } from './model.ts';

const def = (over: Partial<FieldDefinition>): FieldDefinition => ({
  id: 'f',
  object: 'lead',
  key: 'k',
  label: 'K',
  type: 'text',
  options: [],
  lookupObject: null,
  required: false,
  unique: false,
  helpText: '',
  position: 0,
  archivedAt: null,
  ...over,
});
const csv = { from: 'text' as const, usersByEmail: new Map([['ann@example.com', '019a0000-0000-7000-8000-0000000000aa']]) };
const value = (result: ReturnType<typeof coerceValue>) => ('value' in result ? result.value : `error: ${result.error}`);
const failed = (result: ReturnType<typeof coerceValue>) => 'error' in result;

describe('custom field values', () => {
  test('text and url', () => {
    assert.equal(value(coerceValue(def({ type: 'text' }), '  Enterprise  ')), 'Enterprise');
    assert.ok(failed(coerceValue(def({ type: 'text' }), 42)), 'JSON text must be a string');
    assert.ok(failed(coerceValue(def({ type: 'text' }), 'x'.repeat(10_001))));
    assert.equal(value(coerceValue(def({ type: 'url' }), 'https://acme.example/pricing')), 'https://acme.example/pricing');
    assert.equal(value(coerceValue(def({ type: 'url' }), 'acme.example')), 'https://acme.example');
    assert.ok(failed(coerceValue(def({ type: 'url' }), 'javascript:alert(1)')));
    assert.ok(failed(coerceValue(def({ type: 'url' }), 'not a url')));
  });

  test('numbers: JSON numbers; CSV decimals with optional thousands commas', () => {
    const number = def({ type: 'number' });
    assert.equal(value(coerceValue(number, 12.5)), 12.5);
    assert.ok(failed(coerceValue(number, '12.5')), 'the API takes a number, not a string');
    assert.equal(value(coerceValue(number, '1,234.5', csv)), 1234.5);
    assert.equal(value(coerceValue(number, '-3', csv)), -3);
    assert.ok(failed(coerceValue(number, '12abc', csv)));
    assert.ok(failed(coerceValue(number, '1,5', csv)), 'a decimal comma is ambiguous and refused');
    assert.ok(failed(coerceValue(number, Number.POSITIVE_INFINITY)));
  });

  test('currency: minor units with an ISO code; CSV as "EUR 12.50" or "12.50 EUR"', () => {
    const money = def({ type: 'currency' });
    assert.deepEqual(value(coerceValue(money, { amount: 1250, currency: 'eur' })), { amount: 1250, currency: 'EUR' });
    assert.ok(failed(coerceValue(money, { amount: 12.5, currency: 'EUR' })), 'minor units are whole');
    assert.ok(failed(coerceValue(money, { amount: 100, currency: 'XYZ' })));
    assert.ok(failed(coerceValue(money, { amount: 100, currency: 'EUR', note: 1 })));
    assert.ok(failed(coerceValue(money, 1250)));
    assert.deepEqual(value(coerceValue(money, 'EUR 12.50', csv)), { amount: 1250, currency: 'EUR' });
    assert.deepEqual(value(coerceValue(money, '1,000 JPY', csv)), { amount: 1000, currency: 'JPY' });
    assert.ok(failed(coerceValue(money, '12.555 EUR', csv)), 'EUR has two decimal places');
    assert.ok(failed(coerceValue(money, '12.50', csv)), 'an amount without a currency is refused');
    assert.equal(cellOf(money, { amount: 1250, currency: 'EUR' }, new Map()), 'EUR 12.50');
  });

  test('dates are calendar dates', () => {
    const date = def({ type: 'date' });
    assert.equal(value(coerceValue(date, '2026-02-28')), '2026-02-28');
    assert.ok(failed(coerceValue(date, '2026-02-30')));
    assert.ok(failed(coerceValue(date, '28.02.2026')));
    assert.equal(value(coerceValue(date, '2026-02-28T10:00:00Z', csv)), '2026-02-28');
  });

  test('picklists take their options (case aside) and store the option as defined', () => {
    const pick = def({ type: 'picklist', options: ['SMB', 'Mid-Market', 'Enterprise'] });
    assert.equal(value(coerceValue(pick, 'enterprise')), 'Enterprise');
    assert.match(String(value(coerceValue(pick, 'Huge'))), /not an option/);
    const multi = def({ type: 'multi_picklist', options: ['Email', 'Phone', 'Chat'] });
    assert.deepEqual(value(coerceValue(multi, ['chat', 'Email', 'chat'])), ['Email', 'Chat'], 'deduplicated, in the options’ order');
    assert.deepEqual(value(coerceValue(multi, 'Phone; email', csv)), ['Email', 'Phone']);
    assert.ok(failed(coerceValue(multi, 'Email')), 'the API takes a list');
    assert.ok(failed(coerceValue(multi, ['Fax'])));
    assert.equal(value(coerceValue(multi, [])), null, 'an empty list clears the value');
    assert.equal(cellOf(multi, ['Email', 'Phone'], new Map()), 'Email;Phone');
  });

  test('checkboxes, users and lookups', () => {
    const box = def({ type: 'checkbox' });
    assert.equal(value(coerceValue(box, true)), true);
    assert.ok(failed(coerceValue(box, 'true')), 'the API takes a boolean');
    assert.equal(value(coerceValue(box, 'Yes', csv)), true);
    assert.equal(value(coerceValue(box, '0', csv)), false);
    assert.ok(failed(coerceValue(box, 'maybe', csv)));
    const user = def({ type: 'user' });
    assert.equal(value(coerceValue(user, '019A0000-0000-7000-8000-0000000000AA')), '019a0000-0000-7000-8000-0000000000aa');
    assert.equal(value(coerceValue(user, 'Ann@Example.com', csv)), '019a0000-0000-7000-8000-0000000000aa');
    assert.ok(failed(coerceValue(user, 'bob@example.com', csv)));
    assert.ok(failed(coerceValue(user, 'ann@example.com')), 'the API takes a user id');
    assert.ok(failed(coerceValue(def({ type: 'lookup', lookupObject: 'account' }), 'acme')));
  });

  test('null, blank and missing values clear; required fields must be filled on create and may not be cleared', () => {
    const fields = [def({ key: 'segment', label: 'Segment', type: 'picklist', options: ['SMB'], required: true }), def({ key: 'notes2', label: 'More notes' })];
    const missing = checkValues(fields, { notes2: 'x' }, { creating: true });
    assert.deepEqual(missing.errors, [{ field: 'custom.segment', message: 'Segment is required' }]);
    assert.deepEqual(checkValues(fields, { notes2: 'x' }, { creating: false }).errors, [], 'an edit may leave a required field as it is');
    assert.deepEqual(checkValues(fields, { segment: null }, { creating: false }).errors, [{ field: 'custom.segment', message: 'Segment is required' }]);
    const good = checkValues(fields, { segment: 'smb', notes2: '' }, { creating: true });
    assert.deepEqual(good, { changes: { segment: 'SMB', notes2: null }, errors: [] });
    assert.deepEqual(applyChanges({ notes2: 'old', other: 1 }, good.changes), { other: 1, segment: 'SMB' });
  });

  test('unknown and archived keys are refused by name', () => {
    const fields = [def({ key: 'old_score', label: 'Old', archivedAt: '2026-01-01T00:00:00.000Z' })];
    const { errors } = checkValues(fields, { old_score: 'x', nope: 1 }, { creating: false });
    assert.deepEqual(errors.map((e) => e.field), ['custom.old_score', 'custom.nope']);
    assert.match(errors[0]!.message, /archived/);
  });
});

describe('custom field definitions', () => {
  const base = { key: 'segment', label: 'Segment', type: 'picklist' as const, options: ['A', 'B'], lookupObject: null, required: false, unique: false, helpText: '' };
  test('keys, options, lookups and flags', () => {
    assert.deepEqual(definitionProblems(base, new Set()), []);
    assert.deepEqual(definitionProblems({ ...base, key: 'Segment!' }, new Set()).map((p) => p.field), ['key']);
    assert.deepEqual(definitionProblems(base, new Set(['segment'])).map((p) => p.field), ['key']);
    assert.deepEqual(definitionProblems({ ...base, options: [] }, new Set()).map((p) => p.field), ['options']);
    assert.deepEqual(definitionProblems({ ...base, options: ['A', 'a'] }, new Set()).map((p) => p.field), ['options']);
    assert.deepEqual(definitionProblems({ ...base, type: 'text' }, new Set()).map((p) => p.field), ['options']);
    assert.deepEqual(definitionProblems({ ...base, type: 'lookup', options: [] }, new Set()).map((p) => p.field), ['lookupObject']);
    assert.deepEqual(definitionProblems({ ...base, type: 'checkbox', options: [], required: true, unique: true }, new Set()).map((p) => p.field), ['unique', 'required']);
    assert.equal(keyFromLabel('Industry Segment (2026)'), 'industry_segment_2026');
    assert.equal(keyFromLabel('2nd Owner'), 'f_2nd_owner');
  });

  test('a stored value fits a changed definition only when it reads the same under it', () => {
    assert.ok(valueFits({ type: 'picklist', options: ['A', 'B'] }, 'A'));
    assert.ok(!valueFits({ type: 'picklist', options: ['B'] }, 'A'), 'a removed option in use does not fit');
    assert.ok(valueFits({ type: 'text', options: [] }, 'A'), 'picklist → text keeps the value');
    assert.ok(!valueFits({ type: 'number', options: [] }, 'A'));
    assert.ok(!valueFits({ type: 'text', options: [] }, 12), 'a number is not text');
  });

  test('list filters', () => {
    const pick = def({ type: 'picklist', options: ['SMB', 'Enterprise'] });
    assert.deepEqual(parseFilter(pick, 'smb,Enterprise'), { key: 'k', kind: 'any_of', values: ['SMB', 'Enterprise'] });
    assert.ok('error' in parseFilter(pick, 'Huge'));
    assert.deepEqual(parseFilter(def({ type: 'number' }), '10..'), { key: 'k', kind: 'range', min: 10, max: null, path: 'value' });
    assert.deepEqual(parseFilter(def({ type: 'date' }), '..2026-12-31'), { key: 'k', kind: 'range', min: null, max: '2026-12-31', path: 'value' });
    assert.deepEqual(parseFilter(def({ type: 'checkbox' }), 'yes'), { key: 'k', kind: 'equals', value: true });
    assert.deepEqual(parseFilter(def({ type: 'text' }), ''), { key: 'k', kind: 'blank' });
  });

  test('JSON Schema of an object’s custom values leaves archived fields out', () => {
    const schema = customObjectSchema(
      'lead',
      [def({ key: 'segment', type: 'picklist', options: ['SMB'], required: true }), def({ key: 'gone', archivedAt: '2026-01-01T00:00:00Z' }), def({ key: 'acct', object: 'account' })],
      () => 'GET /x',
    );
    assert.deepEqual(Object.keys(schema.properties as object), ['segment']);
    assert.deepEqual(schema.required, ['segment']);
    assert.equal(schema.additionalProperties, false);
  });
});
