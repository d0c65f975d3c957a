import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canChangeView, canSeeView, countLabel, dayIn, filtersSchema, resolveRange, viewProblems, type DateRange } from './model.ts';

// Wednesday 18 March 2026, 15:00 UTC; New York is on daylight time (UTC−4) since 8 March.
const NOW = new Date('2026-03-18T15:00:00Z');
const iso = (r: { from: Date | null; to: Date | null }) => ({ from: r.from?.toISOString() ?? null, to: r.to?.toISOString() ?? null });
const range = (value: DateRange, zone = 'UTC') => iso(resolveRange(value, NOW, zone));

describe('relative dates', () => {
  test('calendar ranges follow local midnights, weeks start on Monday', () => {
    assert.deepEqual(range({ kind: 'today' }), { from: '2026-03-18T00:00:00.000Z', to: '2026-03-19T00:00:00.000Z' });
    assert.deepEqual(range({ kind: 'yesterday' }), { from: '2026-03-17T00:00:00.000Z', to: '2026-03-18T00:00:00.000Z' });
    assert.deepEqual(range({ kind: 'this_week' }), { from: '2026-03-16T00:00:00.000Z', to: '2026-03-23T00:00:00.000Z' });
    assert.deepEqual(range({ kind: 'last_week' }), { from: '2026-03-09T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
    assert.deepEqual(range({ kind: 'this_month' }), { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    assert.deepEqual(range({ kind: 'last_month' }), { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    assert.deepEqual(range({ kind: 'this_quarter' }), { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
  });

  test('in the user\'s time zone, across a daylight-saving change', () => {
    assert.deepEqual(range({ kind: 'today' }, 'America/New_York'), { from: '2026-03-18T04:00:00.000Z', to: '2026-03-19T04:00:00.000Z' });
    // The month began in winter time (UTC−5) and ends in summer time (UTC−4).
    assert.deepEqual(range({ kind: 'this_month' }, 'America/New_York'), { from: '2026-03-01T05:00:00.000Z', to: '2026-04-01T04:00:00.000Z' });
    assert.deepEqual(range({ kind: 'today' }, 'Asia/Tokyo'), { from: '2026-03-18T15:00:00.000Z', to: '2026-03-19T15:00:00.000Z' });
    // At 01:00 in Tokyo it is already Thursday: this week still began on Monday the 16th there.
    assert.deepEqual(iso(resolveRange({ kind: 'this_week' }, new Date('2026-03-18T16:00:00Z'), 'Asia/Tokyo')), { from: '2026-03-15T15:00:00.000Z', to: '2026-03-22T15:00:00.000Z' });
  });

  test('rolling and explicit ranges', () => {
    assert.deepEqual(range({ kind: 'last_n_days', n: 14 }), { from: '2026-03-04T15:00:00.000Z', to: '2026-03-18T15:00:00.000Z' });
    assert.deepEqual(range({ kind: 'next_n_days', n: 1 }), { from: '2026-03-18T15:00:00.000Z', to: '2026-03-19T15:00:00.000Z' });
    assert.deepEqual(range({ kind: 'between', from: '2026-01-01T00:00:00Z' }), { from: '2026-01-01T00:00:00.000Z', to: null });
  });

  test('the local day of an instant', () => {
    assert.equal(dayIn(new Date('2026-03-18T02:00:00Z'), 'UTC'), '2026-03-18');
    assert.equal(dayIn(new Date('2026-03-18T02:00:00Z'), 'America/New_York'), '2026-03-17');
  });
});

describe('filter validation', () => {
  const check = (object: 'lead' | 'opportunity', filters: unknown, extra: Record<string, unknown> = {}, customFields = true) =>
    viewProblems(object, { filters: filtersSchema.parse(filters), ...extra }, { customFields });

  test('a sound filter has no problems', () => {
    assert.deepEqual(
      check('lead', {
        match: 'all',
        conditions: [
          { field: 'status', op: 'in', value: ['new', 'working'] },
          { field: 'ownerId', op: 'eq', value: 'me' },
          { field: 'createdAt', op: 'within', value: { kind: 'last_n_days', n: 7 } },
          { field: 'score', op: 'gte', value: 40 },
          { field: 'title', op: 'is_empty' },
          { field: 'custom.tier', op: 'eq', value: 'gold' },
          { activity: 'call', has: false, range: { kind: 'last_n_days', n: 14 } },
        ],
      }, { sort: { field: 'score', direction: 'desc' }, columns: ['firstName', 'custom.tier'] }),
      [],
    );
  });

  test('each mistake names its place', () => {
    const problems = check('lead', {
      conditions: [
        { field: 'salary', op: 'eq', value: 1 },
        { field: 'score', op: 'contains', value: 'x' },
        { field: 'status', op: 'eq', value: 'hot' },
        { field: 'createdAt', op: 'within', value: { kind: 'last_n_days' } },
        { field: 'ownerId', op: 'eq', value: 'someone' },
        { field: 'title', op: 'is_empty', value: 'x' },
        { field: 'score', op: 'in', value: [] },
        { activity: 'email_opened', has: true, range: { kind: 'between' } },
      ],
    }, { sort: { field: 'email', direction: 'asc' }, columns: ['firstName', 'nope'] });
    assert.deepEqual(problems.map((p) => p.field), [
      'filters.conditions.0.field',
      'filters.conditions.1.op',
      'filters.conditions.2.value',
      'filters.conditions.3.value',
      'filters.conditions.4.value',
      'filters.conditions.5.value',
      'filters.conditions.6.value',
      'filters.conditions.7.range',
      'sort.field',
      'columns.1',
    ]);
  });

  test('custom fields only where the object has them; date-only fields take days', () => {
    assert.equal(check('lead', { conditions: [{ field: 'custom.tier', op: 'eq', value: 'gold' }] }, {}, false)[0]?.field, 'filters.conditions.0.field');
    assert.equal(check('lead', { conditions: [{ field: 'custom.Bad-Key', op: 'eq', value: 'x' }] })[0]?.field, 'filters.conditions.0.field');
    assert.deepEqual(check('opportunity', { conditions: [{ field: 'closeDate', op: 'lte', value: '2026-03-31' }] }), []);
    assert.equal(check('opportunity', { conditions: [{ field: 'closeDate', op: 'lte', value: 'soon' }] })[0]?.field, 'filters.conditions.0.value');
  });
});

describe('who sees and changes a view', () => {
  test('personal views are their owner\'s; shared ones everyone\'s, changed by their owner or a manager', () => {
    assert.equal(canSeeView({ ownerId: 'a', shared: false }, 'a'), true);
    assert.equal(canSeeView({ ownerId: 'a', shared: false }, 'b'), false);
    assert.equal(canSeeView({ ownerId: 'a', shared: true }, 'b'), true);
    assert.equal(canChangeView({ ownerId: 'a', shared: true }, 'b', false), false);
    assert.equal(canChangeView({ ownerId: 'a', shared: true }, 'b', true), true);
    assert.equal(canChangeView({ ownerId: 'a', shared: false }, 'b', true), false);
  });

  test('count labels', () => {
    assert.equal(countLabel(1234, 10_000), '1,234');
    assert.equal(countLabel(10_001, 10_000), '10,000+');
  });
});
