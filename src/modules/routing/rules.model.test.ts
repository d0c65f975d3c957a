import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { conditionHolds, describeCondition, firstMatchingRule, needsAccount, ruleSetProblems, type Condition, type Rule } from './rules.model.ts';

const lead = { country: 'DE', employeeCount: 250, industry: 'Software', title: 'VP Sales', score: 72, email: 'anna@acme.de', region: null, tags: ['event', 'webinar'] };
const holds = (condition: Condition, record: Record<string, unknown> = lead) => conditionHolds(condition, record);

describe('conditions', () => {
  const cases: [Condition, boolean][] = [
    [{ field: 'country', op: 'equals', value: 'de' }, true],
    [{ field: 'country', op: 'equals', value: 'AT' }, false],
    [{ field: 'region', op: 'equals', value: 'Bayern' }, false],
    [{ field: 'employeeCount', op: 'equals', value: '250' }, true],
    [{ field: 'country', op: 'not_equals', value: 'AT' }, true],
    [{ field: 'country', op: 'not_equals', value: 'DE' }, false],
    [{ field: 'region', op: 'not_equals', value: 'Bayern' }, true],
    [{ field: 'country', op: 'in', values: ['AT', 'DE', 'CH'] }, true],
    [{ field: 'country', op: 'in', values: ['FR'] }, false],
    [{ field: 'region', op: 'in', values: ['Bayern'] }, false],
    [{ field: 'country', op: 'not_in', values: ['FR', 'GB'] }, true],
    [{ field: 'country', op: 'not_in', values: ['DE'] }, false],
    [{ field: 'region', op: 'not_in', values: ['Bayern'] }, true],
    [{ field: 'employeeCount', op: 'range', min: 100, max: 999 }, true],
    [{ field: 'employeeCount', op: 'range', min: 250, max: 250 }, true],
    [{ field: 'employeeCount', op: 'range', min: 251 }, false],
    [{ field: 'employeeCount', op: 'range', max: 249 }, false],
    [{ field: 'region', op: 'range', min: 0 }, false],
    [{ field: 'title', op: 'contains', value: 'sales' }, true],
    [{ field: 'title', op: 'contains', value: 'marketing' }, false],
    [{ field: 'tags', op: 'contains', value: 'Webinar' }, true],
    [{ field: 'region', op: 'contains', value: 'x' }, false],
    [{ field: 'email', op: 'exists' }, true],
    [{ field: 'region', op: 'exists' }, false],
    [{ field: 'phone', op: 'exists' }, false],
    [{ field: 'region', op: 'not_exists' }, true],
    [{ field: 'email', op: 'not_exists' }, false],
    [{ field: 'score', op: 'above', value: 71 }, true],
    [{ field: 'score', op: 'above', value: 72 }, false],
    [{ field: 'region', op: 'above', value: 0 }, false],
    [{ field: 'score', op: 'below', value: 73 }, true],
    [{ field: 'score', op: 'below', value: 72 }, false],
  ];
  for (const [condition, expected] of cases) {
    test(`${describeCondition(condition)} → ${expected}`, () => assert.equal(holds(condition), expected));
  }

  test('an empty string counts as missing', () => {
    assert.equal(holds({ field: 'region', op: 'exists' }, { region: '' }), false);
    assert.equal(holds({ field: 'region', op: 'equals', value: '' }, { region: '' }), false);
  });

  // The documented comparison, written plainly: the compiled conditions must agree with it.
  function same(actual: unknown, expected: string | number | boolean): boolean {
    if (typeof actual === 'string' && typeof expected === 'string') return actual.trim().toLowerCase() === expected.trim().toLowerCase();
    if (typeof actual === 'number' && typeof expected === 'string') return expected.trim() !== '' && actual === Number(expected);
    if (typeof actual === 'string' && typeof expected === 'number') return actual.trim() !== '' && Number(actual) === expected;
    return actual === expected;
  }
  const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

  test('equals, in and their negations compare text without case, and numbers with their text, for any values', () => {
    const value = fc.oneof(fc.constantFrom('DE', ' de ', 'Ab', '', '10', ' 10', '1e1', 'x'), fc.integer({ min: -3, max: 12 }), fc.boolean(), fc.constant(null));
    const expected = fc.oneof(fc.constantFrom('DE', 'de', 'ab', '10', ' ', '0010'), fc.integer({ min: -3, max: 12 }), fc.boolean());
    fc.assert(
      fc.property(value, expected, fc.array(expected, { minLength: 1, maxLength: 4 }), (actual, one, list) => {
        const record = { f: actual };
        assert.equal(holds({ field: 'f', op: 'equals', value: one }, record), !blank(actual) && same(actual, one));
        assert.equal(holds({ field: 'f', op: 'in', values: list }, record), !blank(actual) && list.some((v) => same(actual, v)));
        assert.equal(holds({ field: 'f', op: 'not_in', values: list }, record), blank(actual) || !list.some((v) => same(actual, v)));
      }),
      { numRuns: 2000 },
    );
  });

  test('negations are exact complements of their tests', () => {
    const value = fc.oneof(fc.constantFrom('DE', 'de', 'AT', '', '10', 'x'), fc.integer({ min: -5, max: 20 }), fc.constant(null));
    fc.assert(
      fc.property(value, fc.constantFrom('DE', 'AT', '10', 10, 3), fc.array(fc.constantFrom('DE', 'AT', 10, 'y'), { minLength: 1, maxLength: 3 }), (actual, expected, list) => {
        const record = { f: actual };
        assert.equal(holds({ field: 'f', op: 'equals', value: expected }, record), !holds({ field: 'f', op: 'not_equals', value: expected }, record));
        assert.equal(holds({ field: 'f', op: 'in', values: list }, record), !holds({ field: 'f', op: 'not_in', values: list }, record));
        assert.equal(holds({ field: 'f', op: 'exists' }, record), !holds({ field: 'f', op: 'not_exists' }, record));
      }),
    );
  });
});

const rule = (id: string, name: string, conditions: Condition[], match: 'all' | 'any' = 'all'): Rule => ({
  id,
  name,
  match,
  conditions,
  strategy: 'round_robin',
  target: { type: 'users', userIds: ['u1'] },
});

describe('rule order', () => {
  const rules = [
    rule('r1', 'Enterprise', [{ field: 'employeeCount', op: 'range', min: 1000 }]),
    rule('r2', 'Hot leads anywhere', [{ field: 'score', op: 'above', value: 90 }, { field: 'source', op: 'equals', value: 'referral' }], 'any'),
    rule('r3', 'DACH mid-market', [{ field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] }, { field: 'employeeCount', op: 'range', min: 100, max: 999 }]),
    rule('r4', 'Everyone else', []),
  ];

  test('the first matching rule wins, with the fields that made it match', () => {
    const match = firstMatchingRule(rules, lead);
    assert.equal(match?.index, 2);
    assert.deepEqual(match?.evidence, ['country=DE', 'employeeCount=250']);
    assert.equal(firstMatchingRule(rules, { ...lead, employeeCount: 5000 })?.rule.name, 'Enterprise');
    assert.equal(firstMatchingRule(rules, { ...lead, country: 'FR' })?.rule.name, 'Everyone else');
    assert.deepEqual(firstMatchingRule(rules, { ...lead, country: 'FR' })?.evidence, []);
  });

  test('an "any" rule shows only the conditions that held', () => {
    const match = firstMatchingRule(rules, { ...lead, source: 'referral' });
    assert.equal(match?.rule.name, 'Hot leads anywhere');
    assert.deepEqual(match?.evidence, ['source=referral']);
  });

  test('no rules, or none matching, is no match', () => {
    assert.equal(firstMatchingRule([], lead), null);
    assert.equal(firstMatchingRule(rules.slice(0, 1), lead), null);
  });

  test('the winner is always the lowest-numbered rule whose conditions hold', () => {
    const condition = fc.record({ field: fc.constantFrom('country', 'score'), op: fc.constantFrom('equals' as const, 'above' as const), value: fc.constantFrom('DE', 50, 80) });
    fc.assert(
      fc.property(fc.array(fc.record({ conditions: fc.array(condition, { maxLength: 3 }), match: fc.constantFrom('all' as const, 'any' as const) }), { maxLength: 8 }), (specs) => {
        const list = specs.map((s, i) => rule(`r${i}`, `Rule ${i}`, s.conditions, s.match));
        const expected = list.findIndex((r) => r.conditions.length === 0 || (r.match === 'all' ? r.conditions.every((c) => holds(c)) : r.conditions.some((c) => holds(c))));
        assert.equal(firstMatchingRule(list, lead)?.index ?? -1, expected);
      }),
    );
  });
});

describe('the rule index', () => {
  test('indexed matching picks exactly the rule plain ordered matching picks, for any rules and records', () => {
    const word = fc.constantFrom('DE', ' de', 'AT', 'Software', 'software ', 'Retail', '10', '');
    const value = fc.oneof(word, fc.integer({ min: 0, max: 20 }), fc.boolean());
    const condition = fc.oneof(
      fc.record({ field: fc.constantFrom('country', 'industry', 'size'), op: fc.constant('equals' as const), value }),
      fc.record({ field: fc.constantFrom('country', 'industry', 'size'), op: fc.constant('in' as const), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ field: fc.constantFrom('country', 'industry'), op: fc.constant('not_in' as const), values: fc.array(word, { minLength: 1, maxLength: 2 }) }),
      fc.record({ field: fc.constant('size'), op: fc.constant('range' as const), min: fc.integer({ min: 0, max: 10 }), max: fc.integer({ min: 10, max: 20 }) }),
      fc.record({ field: fc.constantFrom('country', 'size'), op: fc.constantFrom('exists' as const, 'not_exists' as const) }),
    );
    const record = fc.record({ country: fc.oneof(word, fc.constant(null)), industry: fc.oneof(word, fc.constant(null), fc.integer({ min: 0, max: 20 })), size: fc.oneof(fc.integer({ min: 0, max: 20 }), word, fc.constant(null)) });
    fc.assert(
      fc.property(fc.array(fc.record({ conditions: fc.array(condition, { maxLength: 3 }), match: fc.constantFrom('all' as const, 'any' as const) }), { maxLength: 12 }), fc.array(record, { minLength: 1, maxLength: 5 }), (specs, records) => {
        const list = specs.map((spec, i) => rule(`r${i}`, `Rule ${i}`, spec.conditions as Condition[], spec.match));
        for (const r of records) {
          const plain = list.findIndex((x) => x.conditions.length === 0 || (x.match === 'all' ? x.conditions.every((c) => holds(c, r)) : x.conditions.some((c) => holds(c, r))));
          assert.equal(firstMatchingRule(list, r)?.index ?? -1, plain);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rule set validation', () => {
  test('unknown fields, missing values and bad weights are named', () => {
    const problems = ruleSetProblems({
      object: 'lead_create',
      slaMinutes: 0,
      businessHours: null,
      rules: [
        { ...rule('a', '', [{ field: 'favouriteColour', op: 'equals', value: 'blue' }, { field: 'score', op: 'above', value: 'high' }]) },
        { ...rule('a', 'Weighted', [{ field: 'country', op: 'in', values: [] }, { field: 'employeeCount', op: 'range', min: 10, max: 1 }]), strategy: 'weighted_round_robin', weights: { u1: 0 } },
        { ...rule('c', 'Nobody', [{ field: 'employeeCount', op: 'range' }]), target: { type: 'users', userIds: [] }, weights: { u1: 2 } },
      ],
    });
    assert.deepEqual(problems.map((p) => p.field), [
      'rules.0.name',
      'rules.0.conditions.0.field',
      'rules.0.conditions.1.value',
      'rules.1.id',
      'rules.1.conditions.0.values',
      'rules.1.conditions.1.max',
      'rules.1.weights.u1',
      'rules.2.conditions.0.min',
      'rules.2.target.userIds',
      'rules.2.weights',
      'slaMinutes',
    ]);
  });

  test('opportunity rules may test the opportunity, account rules only account fields', () => {
    const amount: Condition = { field: 'amount', op: 'above', value: 1_000_000 };
    assert.deepEqual(ruleSetProblems({ object: 'lead_qualified', slaMinutes: 60, businessHours: null, rules: [rule('a', 'Big deals', [amount])] }), []);
    assert.equal(ruleSetProblems({ object: 'account', slaMinutes: null, businessHours: null, rules: [rule('a', 'Big deals', [amount])] }).length, 1);
  });

  test('the account is looked up only when a rule needs it', () => {
    assert.equal(needsAccount([rule('a', 'x', [])]), false);
    assert.equal(needsAccount([{ ...rule('a', 'x', []), accountOwnerFirst: true }]), true);
    assert.equal(needsAccount([rule('a', 'x', [{ field: 'knownAccount', op: 'exists' }])]), true);
  });
});
