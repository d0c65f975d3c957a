import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyDecision, decide, simulate, type Arrival, type Directory } from './decision.model.ts';
import { emptyCounters, type Candidate, type Counters } from './distribution.model.ts';
import type { Rule, RuleSet } from './rules.model.ts';
import { compileTerritories, resolveTerritory, type Territory } from './territories.model.ts';

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

const TERRITORIES: Territory[] = [
  { id: 'emea', name: 'EMEA', parentId: null, priority: 100, criteria: { countries: ['DE', 'AT', 'CH', 'FR'] } },
  { id: 'dach', name: 'DACH', parentId: 'emea', priority: 100, criteria: { countries: ['DE', 'AT', 'CH'] } },
  { id: 'dach-mid', name: 'DACH mid-market', parentId: 'dach', priority: 100, criteria: { minEmployees: 100, maxEmployees: 999 } },
];
const territoryMap = compileTerritories(TERRITORIES);

const directory = (people: Candidate[]): Directory => ({
  people: Object.fromEntries(people.map((p) => [p.userId, p])),
  teams: { inbound: ['anna', 'ben'] },
  territoryMembers: {
    dach: [
      { userId: 'anna', role: 'rep' },
      { userId: 'ben', role: 'rep' },
      { userId: 'erik', role: 'executive' },
    ],
    emea: [{ userId: 'chloe', role: 'rep' }],
  },
  territoryParents: { emea: null, dach: 'emea', 'dach-mid': 'dach' },
  territoryNames: { emea: 'EMEA', dach: 'DACH', 'dach-mid': 'DACH mid-market' },
});
const TEAM = [person('anna', 'Anna'), person('ben', 'Ben'), person('chloe', 'Chloe'), person('erik', 'Erik'), person('fiona', 'Fiona')];
const DIRECTORY = directory(TEAM);

const arrival = (record: Record<string, unknown>, account: Arrival['account'] = null): Arrival => ({
  record,
  territory: resolveTerritory(territoryMap, record),
  account,
});

const rule = (name: string, extra: Partial<Rule>): Rule => ({
  id: name.toLowerCase().replace(/\W+/g, '-'),
  name,
  match: 'all',
  conditions: [],
  strategy: 'round_robin',
  target: { type: 'record_territory' },
  ...extra,
});

const ruleSet = (rules: Rule[], fallbackOwnerId: string | null = 'fiona', object: RuleSet['object'] = 'lead_create'): RuleSet => ({
  id: 'rs',
  object,
  name: 'Inbound',
  version: 3,
  rules,
  fallbackOwnerId,
  slaMinutes: 15,
  businessHours: null,
  escalation: { reassign: true, notifyManager: true },
});

const RULES = ruleSet([
  rule('Enterprise', { conditions: [{ field: 'employeeCount', op: 'range', min: 1000 }], target: { type: 'users', userIds: ['chloe'] } }),
  rule('Known accounts', { conditions: [{ field: 'knownAccount', op: 'exists' }], accountOwnerFirst: true, target: { type: 'team', teamId: 'inbound' } }),
  rule('DACH mid-market', { conditions: [{ field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] }, { field: 'employeeCount', op: 'range', min: 100, max: 999 }] }),
]);

describe('a decision and its reason', () => {
  test('reads like the issue: rule, evidence, strategy, owner, who is next', () => {
    const decision = decide(RULES, arrival({ country: 'DE', employeeCount: 250 }), DIRECTORY, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, 'anna');
    assert.equal(decision.reason, 'rule 3 "DACH mid-market" matched: country=DE, employeeCount=250; round-robin → Anna, next is Ben');
    assert.equal(decision.ruleIndex, 2);
    assert.equal(decision.territoryId, 'dach-mid');
    assert.equal(decision.rotationKey, 'territory:dach:rep', 'DACH mid-market has no reps of its own, so DACH’s work it');
  });

  test('no rule matching goes to the fallback owner', () => {
    const decision = decide(RULES, arrival({ country: 'US', employeeCount: 20 }), DIRECTORY, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, 'fiona');
    assert.equal(decision.reason, 'no rule matched; fallback owner → Fiona');
    assert.equal(decision.ruleId, null);
  });

  test('nobody available in the pool: the fallback owner, with everyone’s reason', () => {
    const people = directory([person('chloe', 'Chloe', { outOfOfficeUntil: Date.parse('2025-06-30T00:00:00Z') }), person('fiona', 'Fiona')]);
    const decision = decide(RULES, arrival({ country: 'US', employeeCount: 5000 }), people, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, 'fiona');
    assert.equal(decision.reason, 'rule 1 "Enterprise" matched: employeeCount=5000; nobody available (Chloe: out of office until 2025-06-30 00:00 UTC); fallback owner → Fiona');
    assert.deepEqual(decision.candidates.map((c) => c.userId), ['chloe', 'fiona']);
  });

  test('when the fallback owner cannot take it either, the record stays unassigned and says why', () => {
    const people = directory([person('fiona', 'Fiona', { dailyCap: 0 })]);
    const decision = decide(RULES, arrival({ country: 'US' }), people, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, null);
    assert.equal(decision.reason, 'no rule matched; fallback owner Fiona cannot take it (daily cap of 0 reached); left unassigned');
    assert.equal(decide(ruleSet(RULES.rules, null), arrival({ country: 'US' }), DIRECTORY, emptyCounters(), { now: NOW }).reason, 'no rule matched; no fallback owner; left unassigned');
  });

  test('a record without a territory has nobody in its territory', () => {
    const decision = decide(ruleSet([rule('Territory', {})]), arrival({ country: 'US' }), DIRECTORY, emptyCounters(), { now: NOW });
    assert.equal(decision.reason, 'rule 1 "Territory" matched (no conditions); nobody in the record’s territory (none); fallback owner → Fiona');
  });

  test('opportunities go to the territory’s executives, not its reps', () => {
    const rules = ruleSet([rule('Territory', {})], null, 'lead_qualified');
    const decision = decide(rules, arrival({ country: 'AT', employeeCount: 300 }), DIRECTORY, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, 'erik');
    assert.equal(decision.rotationKey, 'territory:dach:executive');
  });
});

describe('account owner first', () => {
  const known = (ownerId: string | null) => arrival({ country: 'FR', knownAccount: true }, { id: 'acc', name: 'Acme', ownerId });

  test('a lead from a known account goes to the account’s owner, whatever the rotation', () => {
    const decision = decide(RULES, known('chloe'), DIRECTORY, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, 'chloe');
    assert.equal(decision.reason, 'rule 2 "Known accounts" matched: knownAccount=true; account owner first → Chloe (owner of Acme)');
    assert.equal(decision.rotation, null, 'the rotation does not move');
  });

  test('an owner who cannot take it falls back to the rule’s strategy', () => {
    const people = directory(TEAM.map((p) => (p.userId === 'chloe' ? { ...p, active: false } : p)));
    const decision = decide(RULES, known('chloe'), people, emptyCounters(), { now: NOW });
    assert.equal(decision.ownerId, 'anna');
    assert.equal(decision.reason, 'rule 2 "Known accounts" matched: knownAccount=true; account owner Chloe (Acme) cannot take it (deactivated); round-robin → Anna, next is Ben');
  });

  test('an account without an owner, or an excluded owner, uses the strategy', () => {
    assert.equal(decide(RULES, known(null), DIRECTORY, emptyCounters(), { now: NOW }).ownerId, 'anna');
    assert.equal(decide(RULES, known('chloe'), DIRECTORY, emptyCounters(), { now: NOW, exclude: ['chloe'] }).ownerId, 'anna');
  });
});

describe('exclusions', () => {
  test('an excluded rep gets nothing, not even as fallback owner', () => {
    const decision = decide(RULES, arrival({ country: 'DE', employeeCount: 250 }), DIRECTORY, emptyCounters(), { now: NOW, exclude: ['anna'] });
    assert.equal(decision.ownerId, 'ben');
    const lonely = decide(ruleSet([], 'fiona'), arrival({ country: 'US' }), DIRECTORY, emptyCounters(), { now: NOW, exclude: ['fiona'] });
    assert.equal(lonely.ownerId, null);
  });
});

describe('dry run', () => {
  const leads = fc.array(
    fc.record({ country: fc.constantFrom('DE', 'AT', 'FR', 'US'), employeeCount: fc.option(fc.integer({ min: 1, max: 3000 })), knownAccount: fc.boolean() }),
    { maxLength: 40 },
  );

  test('a simulation equals routing the same records one by one from the same counters, and leaves those counters alone', () => {
    fc.assert(
      fc.property(leads, fc.array(fc.option(fc.integer({ min: 0, max: 5 })), { minLength: 5, maxLength: 5 }), (records, caps) => {
        const people = directory(TEAM.map((p, i) => ({ ...p, dailyCap: caps[i] ?? null })));
        const arrivals = records.map((r) => arrival(r, r.knownAccount ? { id: 'acc', name: 'Acme', ownerId: 'chloe' } : null));
        const start: Counters = { rotations: { 'territory:dach:rep': { last: 'anna', credits: {} } }, assignedToday: { ben: { day: '2025-06-16', count: 1 } }, openLoad: { anna: 3 } };
        const frozen = JSON.stringify(start);
        const simulated = simulate(RULES, arrivals, people, start, { now: NOW });
        assert.equal(JSON.stringify(start), frozen, 'the dry run did not move the real counters');
        const live = structuredClone(start);
        const real = arrivals.map((a) => {
          const decision = decide(RULES, a, people, live, { now: NOW });
          applyDecision(live, decision, people, NOW);
          return decision;
        });
        assert.deepEqual(simulated, real);
      }),
    );
  });
});
