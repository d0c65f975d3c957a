import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ancestry,
  compileTerritories,
  createsLoop,
  criteriaProblems,
  describeCriteria,
  postcodeInRange,
  resolveTerritory,
  withDescendants,
  type Placeable,
  type Territory,
} from './territories.model.ts';

const territory = (id: string, name: string, parentId: string | null, criteria: Territory['criteria'], priority = 100): Territory => ({ id, name, parentId, priority, criteria });

const TREE: Territory[] = [
  territory('emea', 'EMEA', null, { countries: ['DE', 'AT', 'CH', 'FR', 'GB'] }),
  territory('dach', 'DACH', 'emea', { countries: ['DE', 'AT', 'CH'] }),
  territory('dach-mid', 'DACH mid-market', 'dach', { minEmployees: 100, maxEmployees: 999 }),
  territory('de-north', 'Germany North', 'dach', { countries: ['DE'], postcodeRanges: [{ from: '20000', to: '29999' }] }, 50),
  territory('uk-london', 'London', 'emea', { countries: ['GB'], postcodePrefixes: ['EC', 'WC', 'SW1'] }),
  territory('strategic', 'Strategic accounts', null, { accountIds: ['acct-big'] }),
  territory('software', 'Software vertical', null, { industries: ['Software'] }, 10),
];
const map = compileTerritories(TREE);
const placed = (record: Placeable) => resolveTerritory(map, record)?.name ?? null;

describe('territory resolution', () => {
  test('a record lands in the most specific territory it fits', () => {
    assert.equal(placed({ country: 'FR' }), 'EMEA');
    assert.equal(placed({ country: 'at' }), 'DACH', 'country codes compare case-insensitively');
    assert.equal(placed({ country: 'DE', employeeCount: 250 }), 'DACH mid-market');
    assert.equal(placed({ country: 'US', employeeCount: 250 }), null, 'a child only holds what its parent holds');
    assert.equal(placed({ country: 'GB', postcode: 'sw1a 1aa' }), 'London');
    assert.equal(placed({ country: 'GB', postcode: 'M1 1AE' }), 'EMEA');
    assert.equal(placed({ country: 'US' }), null);
  });

  test('tie-break: named account, then depth, then priority, then name', () => {
    // Strategic accounts (depth 0, named) beats DACH mid-market (depth 2).
    assert.equal(placed({ country: 'DE', employeeCount: 250, accountId: 'acct-big' }), 'Strategic accounts');
    // Germany North and DACH mid-market are both depth 2: the lower priority number wins.
    const both = resolveTerritory(map, { country: 'DE', postcode: '20095', employeeCount: 250 });
    assert.equal(both?.name, 'Germany North');
    assert.deepEqual(both?.alsoMatched, ['DACH mid-market', 'DACH', 'EMEA']);
    // Software vertical (depth 0, priority 10) loses to DACH (depth 1) whatever its priority.
    assert.equal(placed({ country: 'DE', industry: 'software' }), 'DACH');
    assert.equal(placed({ country: 'US', industry: 'Software' }), 'Software vertical');
    // Same depth, same priority: the name decides, not the order they were stored in.
    const twins = [territory('b', 'Beta', null, {}), territory('a', 'Alpha', null, {})];
    assert.equal(resolveTerritory(compileTerritories(twins), {})?.name, 'Alpha');
    assert.equal(resolveTerritory(compileTerritories([...twins].reverse()), {})?.name, 'Alpha');
  });

  test('the path names the tree from the root', () => {
    assert.deepEqual(resolveTerritory(map, { country: 'CH', employeeCount: 500 })?.path, ['EMEA', 'DACH', 'DACH mid-market']);
  });

  test('a record without the field a criterion tests does not fit it', () => {
    assert.equal(placed({ country: 'DE', employeeCount: null }), 'DACH');
    assert.equal(placed({ country: 'GB', postcode: null }), 'EMEA');
    assert.equal(placed({ industry: null }), null);
  });

  const criteria = fc.record(
    {
      countries: fc.subarray(['DE', 'AT', 'FR'], { minLength: 1 }),
      industries: fc.subarray(['Software', 'Retail'], { minLength: 1 }),
      minEmployees: fc.integer({ min: 0, max: 500 }),
      maxEmployees: fc.integer({ min: 500, max: 2000 }),
      accountIds: fc.subarray(['a1', 'a2'], { minLength: 1 }),
      postcodePrefixes: fc.subarray(['1', '2', '80'], { minLength: 1 }),
    },
    { requiredKeys: [] },
  );
  const forest = fc
    .array(fc.record({ name: fc.constantFrom('North', 'South', 'East', 'West'), priority: fc.integer({ min: 1, max: 3 }), parent: fc.nat(), hasParent: fc.boolean(), criteria }), { minLength: 1, maxLength: 12 })
    .map((rows) =>
      rows.map((row, i): Territory => ({ id: `t${String(i).padStart(2, '0')}`, name: row.name, priority: row.priority, criteria: row.criteria, parentId: row.hasParent && i > 0 ? `t${String(row.parent % i).padStart(2, '0')}` : null })),
    );
  const record = fc.record({
    country: fc.constantFrom('DE', 'AT', 'FR', 'US', null),
    industry: fc.constantFrom('Software', 'Retail', null),
    employeeCount: fc.option(fc.integer({ min: 0, max: 3000 })),
    accountId: fc.constantFrom('a1', 'a2', null),
    postcode: fc.constantFrom('10115', '20095', '80331', null),
  });

  // An independent statement of the rules: a territory fits when it and all its ancestors fit;
  // the winner is the first fitting one by (named account, depth, priority, name, id).
  function fitsAlone(t: Territory, r: Placeable): boolean {
    const c = t.criteria;
    if (c.countries && !c.countries.includes(r.country ?? '')) return false;
    if (c.industries && !c.industries.includes(r.industry ?? '')) return false;
    if (c.minEmployees !== undefined && (r.employeeCount ?? -1) < c.minEmployees) return false;
    if (c.maxEmployees !== undefined && (r.employeeCount === null || r.employeeCount === undefined || r.employeeCount > c.maxEmployees)) return false;
    if (c.accountIds && !c.accountIds.includes(r.accountId ?? '')) return false;
    if (c.postcodePrefixes && !c.postcodePrefixes.some((p) => (r.postcode ?? '').startsWith(p))) return false;
    return true;
  }

  test('every record gets exactly the territory the documented tie-break names, for any tree', () => {
    fc.assert(
      fc.property(forest, record, (territories, r) => {
        const byId = new Map(territories.map((t) => [t.id, t]));
        const chainOf = (t: Territory) => ancestry(byId, t.id).map((id) => byId.get(id)!);
        const fitting = territories.filter((t) => chainOf(t).every((a) => fitsAlone(a, r)));
        const rank = (t: Territory) => {
          const chain = chainOf(t);
          return [chain.some((a) => a.criteria.accountIds) ? 0 : 1, -(chain.length - 1), t.priority, t.name, t.id] as const;
        };
        fitting.sort((a, b) => {
          const [x, y] = [rank(a), rank(b)];
          for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
          return 0;
        });
        const resolved = resolveTerritory(compileTerritories(territories), r);
        assert.equal(resolved?.territoryId ?? null, fitting[0]?.id ?? null);
        assert.equal(resolved ? resolved.alsoMatched.length : 0, Math.max(0, fitting.length - 1));
        // Storage order never matters.
        assert.equal(resolveTerritory(compileTerritories([...territories].reverse()), r)?.territoryId ?? null, fitting[0]?.id ?? null);
      }),
      { numRuns: 500 },
    );
  });
});

describe('postcodes', () => {
  test('digit-only postcodes compare as numbers, others as text', () => {
    assert.equal(postcodeInRange('10115', { from: '10000', to: '14999' }), true);
    assert.equal(postcodeInRange('1010', { from: '10000', to: '14999' }), false, 'Vienna 1010 is not Berlin');
    assert.equal(postcodeInRange('01067', { from: '01000', to: '09999' }), true);
    assert.equal(postcodeInRange('SW1A 1AA', { from: 'SW1A', to: 'SW1Z' }), true);
    assert.equal(postcodeInRange('EC1A-1BB', { from: 'SW1A', to: 'SW1Z' }), false);
  });
});

describe('the tree', () => {
  const flat = TREE.map(({ id, parentId }) => ({ id, parentId }));
  test('descendants include the territory itself and everything below', () => {
    assert.deepEqual(withDescendants(flat, ['dach']).sort(), ['dach', 'dach-mid', 'de-north']);
    assert.deepEqual(withDescendants(flat, ['emea']).length, 5);
    assert.deepEqual(withDescendants(flat, ['software']), ['software']);
  });

  test('ancestry goes up to the root, nearest first', () => {
    assert.deepEqual(ancestry(new Map(flat.map((t) => [t.id, t])), 'dach-mid'), ['dach-mid', 'dach', 'emea']);
  });

  test('a territory cannot be put under itself or its own descendants', () => {
    const parentOf = new Map(flat.map((t) => [t.id, t.parentId]));
    assert.equal(createsLoop('emea', 'dach-mid', parentOf), true);
    assert.equal(createsLoop('dach', 'dach', parentOf), true);
    assert.equal(createsLoop('dach-mid', 'uk-london', parentOf), false);
    assert.equal(createsLoop('dach', null, parentOf), false);
  });
});

describe('criteria', () => {
  test('problems are named by field', () => {
    const problems = criteriaProblems({ countries: ['Germany'], postcodeRanges: [{ from: '29999', to: '20000' }, { from: 'AB', to: '' }], minEmployees: 500, maxEmployees: 10 });
    assert.deepEqual(problems.map((p) => p.field), ['criteria.countries.0', 'criteria.postcodeRanges.0', 'criteria.postcodeRanges.1', 'criteria.maxEmployees']);
    assert.deepEqual(criteriaProblems({ countries: ['de'], postcodeRanges: [{ from: '9', to: '10' }] }), [], '9–10 is a numeric range');
  });

  test('read as a sentence', () => {
    assert.equal(describeCriteria({ countries: ['DE', 'AT', 'CH'], minEmployees: 100, maxEmployees: 999 }), 'country DE, AT or CH; 100–999 employees');
    assert.equal(describeCriteria({ postcodePrefixes: ['EC'], postcodeRanges: [{ from: '20000', to: '29999' }], accountIds: ['x'] }), 'postcode EC… or 20000–29999; 1 named account');
    assert.equal(describeCriteria({ minEmployees: 1000 }), '1000+ employees');
    assert.equal(describeCriteria({}), 'everything');
  });
});
