import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assignedOn, distribute, emptyCounters, emptyRotation, poolKey, recordAssignment, unavailableBecause, type Candidate, type Counters, type Rotation } from './distribution.model.ts';
import { localDay } from './hours.model.ts';
import type { Strategy } from './rules.model.ts';

// Monday 16 June 2025, 10:00 in Berlin.
const NOW = new Date('2025-06-16T08:00:00Z');
const person = (userId: string, name: string, extra: Partial<Candidate> = {}): Candidate => ({
  userId,
  name,
  active: true,
  timeZone: 'Europe/Berlin',
  outOfOfficeUntil: null,
  workingHours: null,
  dailyCap: null,
  ...extra,
});
const PEOPLE: Record<string, Candidate> = {
  a: person('a', 'Anna'),
  b: person('b', 'Ben'),
  c: person('c', 'Chloe'),
};
const ids = Object.keys(PEOPLE);

/** Routes `n` records one after another, moving the counters as assignment does. */
function run(n: number, strategy: Strategy, people: Record<string, Candidate>, options: { weights?: Record<string, number>; counters?: Counters; now?: Date } = {}) {
  const counters = options.counters ?? emptyCounters();
  let rotation: Rotation = emptyRotation();
  const owners: (string | null)[] = [];
  for (let i = 0; i < n; i += 1) {
    const choice = distribute({ strategy, pool: Object.keys(people), weights: options.weights, rotation, people, counters, now: options.now ?? NOW });
    owners.push(choice.ownerId);
    if (choice.ownerId) {
      rotation = choice.rotation!;
      recordAssignment(counters, choice.ownerId, people[choice.ownerId], options.now ?? NOW);
    }
  }
  return { owners, counters };
}

const tally = (owners: (string | null)[]) => owners.reduce<Record<string, number>>((acc, id) => ((acc[id ?? 'none'] = (acc[id ?? 'none'] ?? 0) + 1), acc), {});

describe('availability', () => {
  test('deactivated, out of office, outside working hours and at the daily cap are each named', () => {
    const counters = emptyCounters();
    assert.equal(unavailableBecause(PEOPLE.a, NOW, counters), null);
    assert.equal(unavailableBecause(undefined, NOW, counters), 'not a user here');
    assert.equal(unavailableBecause(person('x', 'X', { active: false }), NOW, counters), 'deactivated');
    assert.equal(unavailableBecause(person('x', 'X', { outOfOfficeUntil: Date.parse('2025-06-20T00:00:00Z') }), NOW, counters), 'out of office until 2025-06-20 00:00 UTC');
    assert.equal(unavailableBecause(person('x', 'X', { outOfOfficeUntil: Date.parse('2025-06-16T07:00:00Z') }), NOW, counters), null, 'back from holiday');
    const office = { mon: [['09:00', '17:00']] as [string, string][] };
    assert.equal(unavailableBecause(person('x', 'X', { workingHours: office }), NOW, counters), null, '10:00 in Berlin');
    assert.equal(unavailableBecause(person('x', 'X', { workingHours: office, timeZone: 'America/New_York' }), NOW, counters), 'outside working hours', '04:00 in New York');
    recordAssignment(counters, 'x', { timeZone: 'Europe/Berlin' }, NOW);
    recordAssignment(counters, 'x', { timeZone: 'Europe/Berlin' }, NOW);
    assert.equal(unavailableBecause(person('x', 'X', { dailyCap: 2 }), NOW, counters), 'daily cap of 2 reached');
    assert.equal(unavailableBecause(person('x', 'X', { dailyCap: 3 }), NOW, counters), null);
  });

  test('the daily count starts again at the person’s own midnight', () => {
    const counters = emptyCounters();
    const lateSunday = new Date('2025-06-15T21:30:00Z'); // 23:30 in Berlin
    recordAssignment(counters, 'x', { timeZone: 'Europe/Berlin' }, lateSunday);
    assert.equal(assignedOn(counters, 'x', localDay(lateSunday, 'Europe/Berlin')), 1);
    const afterMidnight = new Date('2025-06-15T22:30:00Z'); // 00:30 Monday in Berlin, still Sunday in UTC
    assert.equal(unavailableBecause(person('x', 'X', { dailyCap: 1 }), afterMidnight, counters), null);
    assert.equal(unavailableBecause(person('x', 'X', { dailyCap: 1, timeZone: 'UTC' }), afterMidnight, { ...counters, assignedToday: { x: { day: '2025-06-15', count: 1 } } }), 'daily cap of 1 reached');
  });
});

describe('round-robin', () => {
  test('turns go in user order and say who is next', () => {
    const first = distribute({ strategy: 'round_robin', pool: ['c', 'a', 'b'], rotation: emptyRotation(), people: PEOPLE, counters: emptyCounters(), now: NOW });
    assert.equal(first.ownerId, 'a');
    assert.equal(first.how, 'round-robin → Anna, next is Ben');
    const second = distribute({ strategy: 'round_robin', pool: ['c', 'a', 'b'], rotation: first.rotation!, people: PEOPLE, counters: emptyCounters(), now: NOW });
    assert.equal(second.ownerId, 'b');
    const wrap = distribute({ strategy: 'round_robin', pool: ['a', 'b', 'c'], rotation: { last: 'c', credits: {} }, people: PEOPLE, counters: emptyCounters(), now: NOW });
    assert.equal(wrap.ownerId, 'a');
  });

  test('someone away is skipped, and the turn continues after whoever took it', () => {
    const people = { ...PEOPLE, b: person('b', 'Ben', { outOfOfficeUntil: Date.parse('2025-07-01T00:00:00Z') }) };
    const choice = distribute({ strategy: 'round_robin', pool: ids, rotation: { last: 'a', credits: {} }, people, counters: emptyCounters(), now: NOW });
    assert.equal(choice.ownerId, 'c');
    assert.equal(choice.how, 'round-robin → Chloe, next is Anna');
    assert.deepEqual(choice.considered.map((c) => [c.name, c.available]), [['Ben', false], ['Chloe', true], ['Anna', true]]);
  });

  test('a person who left the pool does not stall the rotation', () => {
    const choice = distribute({ strategy: 'round_robin', pool: ['a', 'c'], rotation: { last: 'b', credits: {} }, people: PEOPLE, counters: emptyCounters(), now: NOW });
    assert.equal(choice.ownerId, 'c');
  });

  test('excluded people keep their turn but do not get this record', () => {
    const choice = distribute({ strategy: 'round_robin', pool: ids, rotation: emptyRotation(), exclude: new Set(['a']), people: PEOPLE, counters: emptyCounters(), now: NOW });
    assert.equal(choice.ownerId, 'b');
    assert.equal(choice.considered.find((c) => c.userId === 'a')?.note, 'excluded');
  });

  test('fair over any number of assignments: counts never differ by more than one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 200 }), (size, n) => {
        const people = Object.fromEntries(Array.from({ length: size }, (_, i) => [`u${i}`, person(`u${i}`, `User ${i}`)]));
        const { owners } = run(n, 'round_robin', people);
        const counts = Object.keys(people).map((id) => owners.filter((o) => o === id).length);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, JSON.stringify(counts));
        // Every window of `size` consecutive turns gives everyone exactly one.
        for (let i = 0; i + size <= owners.length; i += size) assert.equal(new Set(owners.slice(i, i + size)).size, size);
      }),
    );
  });
});

describe('weighted round-robin', () => {
  test('each person gets exactly their weight per cycle, spread out', () => {
    const { owners } = run(12, 'weighted_round_robin', PEOPLE, { weights: { a: 3, b: 2, c: 1 } });
    assert.deepEqual(tally(owners), { a: 6, b: 4, c: 2 });
    assert.deepEqual(owners.slice(0, 6), ['a', 'b', 'c', 'a', 'b', 'a'], 'smooth: Anna never twice in a row here');
  });

  test('over whole cycles the shares are exact for any weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 }), (weightList, cycles) => {
        const people = Object.fromEntries(weightList.map((_, i) => [`u${i}`, person(`u${i}`, `User ${i}`)]));
        const weights = Object.fromEntries(weightList.map((w, i) => [`u${i}`, w]));
        const total = weightList.reduce((sum, w) => sum + w, 0);
        const counts = tally(run(total * cycles, 'weighted_round_robin', people, { weights }).owners);
        for (const [id, weight] of Object.entries(weights)) assert.equal(counts[id], weight * cycles);
      }),
    );
  });
});

describe('load-balanced', () => {
  test('fewest open records first; among equals, whoever is next in turn', () => {
    const counters = { ...emptyCounters(), openLoad: { a: 5, b: 2, c: 2 } };
    const choice = distribute({ strategy: 'load_balanced', pool: ids, rotation: { last: 'b', credits: {} }, people: PEOPLE, counters, now: NOW });
    assert.equal(choice.ownerId, 'c');
    assert.equal(choice.how, 'load-balanced → Chloe, next is Ben');
    assert.deepEqual(choice.considered.map((c) => c.note), ['2 open', '5 open', '2 open']);
  });

  test('evens out the load it started from', () => {
    const { counters } = run(9, 'load_balanced', PEOPLE, { counters: { ...emptyCounters(), openLoad: { a: 6, b: 3, c: 0 } } });
    assert.deepEqual(counters.openLoad, { a: 6, b: 6, c: 6 });
  });
});

describe('capacity and ownership, for any strategy, caps and absences', () => {
  const scenario = fc.record({
    strategy: fc.constantFrom<Strategy>('round_robin', 'weighted_round_robin', 'load_balanced'),
    people: fc.array(
      fc.record({ cap: fc.option(fc.integer({ min: 0, max: 6 })), away: fc.boolean(), active: fc.boolean(), weight: fc.integer({ min: 1, max: 4 }), load: fc.nat(10) }),
      { minLength: 0, maxLength: 6 },
    ),
    arrivals: fc.integer({ min: 1, max: 60 }),
  });

  test('every record gets one owner while anyone can take it, and no cap is ever exceeded', () => {
    fc.assert(
      fc.property(scenario, ({ strategy, people: specs, arrivals }) => {
        const people = Object.fromEntries(
          specs.map((s, i) => [`u${i}`, person(`u${i}`, `User ${i}`, { dailyCap: s.cap, active: s.active, outOfOfficeUntil: s.away ? NOW.getTime() + 3_600_000 : null })]),
        );
        const weights = Object.fromEntries(specs.map((s, i) => [`u${i}`, s.weight]));
        const counters: Counters = { ...emptyCounters(), openLoad: Object.fromEntries(specs.map((s, i) => [`u${i}`, s.load])) };
        const { owners } = run(arrivals, strategy, people, { weights, counters });
        const counts = tally(owners);
        for (const [id, p] of Object.entries(people)) {
          if (p.dailyCap !== null) assert.ok((counts[id] ?? 0) <= p.dailyCap, `${id} got ${counts[id]} over a cap of ${p.dailyCap}`);
          if (!p.active || p.outOfOfficeUntil !== null) assert.equal(counts[id] ?? 0, 0, `${id} was away but got records`);
        }
        // Unassigned only once nobody can take more.
        const firstUnassigned = owners.indexOf(null);
        if (firstUnassigned >= 0) {
          const capacity = Object.values(people).reduce((sum, p) => sum + (!p.active || p.outOfOfficeUntil !== null ? 0 : (p.dailyCap ?? Infinity)), 0);
          assert.equal(firstUnassigned, capacity, 'the first unassigned record comes exactly when the capacity is used up');
          assert.ok(owners.slice(firstUnassigned).every((o) => o === null));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('nobody to choose from says so', () => {
    assert.equal(distribute({ strategy: 'round_robin', pool: [], rotation: emptyRotation(), people: PEOPLE, counters: emptyCounters(), now: NOW }).how, 'nobody to assign to');
    const away = { a: person('a', 'Anna', { dailyCap: 0 }) };
    assert.equal(distribute({ strategy: 'round_robin', pool: ['a'], rotation: emptyRotation(), people: away, counters: emptyCounters(), now: NOW }).how, 'nobody available (Anna: daily cap of 0 reached)');
  });
});

test('a pool key does not depend on order or repeats', () => {
  assert.equal(poolKey(['b', 'a']), poolKey(['a', 'b', 'a']));
  assert.notEqual(poolKey(['a', 'b']), poolKey(['a', 'c']));
});
