// A routing decision as one pure function over the rule set, the record, who is who, and the
// current counters. The live assignment, the dry run and the benchmark all call `decide`, so a
// dry run shows exactly what assignment would do from the same counters.
import { distribute, emptyRotation, poolKey, recordAssignment, unavailableBecause, type Candidate, type CandidateNote, type Counters, type Rotation } from './distribution.model.ts';
import { firstMatchingRule, type RoutableRecord, type Rule, type RuleObject, type RuleSet } from './rules.model.ts';
import type { Placement, TerritoryRole } from './territories.model.ts';

/** Who is who: the people, team members and territory members a rule set can point at. */
export type Directory = {
  people: Record<string, Candidate>;
  teams: Record<string, string[]>;
  territoryMembers: Record<string, { userId: string; role: TerritoryRole }[]>;
  territoryParents: Record<string, string | null>;
  territoryNames: Record<string, string>;
};

/** A record arriving for routing: its fields, the territory it resolved to, and its known account. */
export type Arrival = {
  record: RoutableRecord;
  territory: Placement | null;
  account: { id: string; name: string; ownerId: string | null } | null;
};

export type Decision = {
  ownerId: string | null;
  ruleId: string | null;
  ruleIndex: number | null;
  ruleName: string | null;
  reason: string;
  candidates: CandidateNote[];
  /** The rotation to store after this decision, under its key. */
  rotationKey: string | null;
  rotation: Rotation | null;
  territoryId: string | null;
};

/** Who works records of this object in a territory: reps for leads and accounts, executives for opportunities. */
export const memberRoleFor = (object: RuleObject): TerritoryRole => (object === 'lead_qualified' ? 'executive' : 'rep');

/** The people a rule points at for this record, and the key their rotation is kept under. */
// A territory's people in a role, per directory: the same lists serve every decision.
const membersByDirectory = new WeakMap<Directory, Map<string, string[]>>();
function territoryMembersOf(directory: Directory, territoryId: string, role: TerritoryRole): string[] {
  let cache = membersByDirectory.get(directory);
  if (!cache) {
    cache = new Map();
    membersByDirectory.set(directory, cache);
  }
  const key = `${territoryId}:${role}`;
  let members = cache.get(key);
  if (!members) {
    members = (directory.territoryMembers[territoryId] ?? []).filter((m) => m.role === role).map((m) => m.userId);
    cache.set(key, members);
  }
  return members;
}

export function poolFor(rule: Rule, object: RuleObject, arrival: Arrival, directory: Directory): { pool: string[]; key: string; label: string } {
  const role = memberRoleFor(object);
  const membersOf = (territoryId: string) => territoryMembersOf(directory, territoryId, role);
  switch (rule.target.type) {
    case 'team':
      return { pool: directory.teams[rule.target.teamId] ?? [], key: `team:${rule.target.teamId}`, label: 'the team' };
    case 'users':
      return { pool: rule.target.userIds, key: `users:${poolKey(rule.target.userIds)}`, label: 'the listed users' };
    case 'territory': {
      const id = rule.target.territoryId;
      return { pool: membersOf(id), key: `territory:${id}:${role}`, label: `territory ${directory.territoryNames[id] ?? id}` };
    }
    case 'record_territory': {
      // The nearest territory up the tree that has people in the role: DACH mid-market without
      // its own reps is worked by DACH's.
      const seen = new Set<string>();
      for (let id = arrival.territory?.territoryId ?? null; id && !seen.has(id); id = directory.territoryParents[id] ?? null) {
        seen.add(id);
        const pool = membersOf(id);
        if (pool.length) return { pool, key: `territory:${id}:${role}`, label: `territory ${directory.territoryNames[id] ?? id}` };
      }
      return { pool: [], key: 'territory:none', label: arrival.territory ? `territory ${arrival.territory.name} (no ${role}s)` : 'the record’s territory (none)' };
    }
  }
}

export type DecideOptions = {
  now: Date;
  /** People who must not get the record: the rep who breached its SLA, the rep who is leaving. */
  exclude?: readonly string[] | undefined;
};

/**
 * Who gets the record, and why: the first matching rule picks the pool and the strategy; the
 * account owner goes first where the rule says so; nobody available (or no rule matching) falls
 * to the rule set's fallback owner; if the fallback cannot take it either, it stays unassigned.
 */
export function decide(ruleSet: RuleSet, arrival: Arrival, directory: Directory, counters: Counters, options: DecideOptions): Decision {
  const { now } = options;
  const excluded = new Set(options.exclude ?? []);
  const people = directory.people;
  const territoryId = arrival.territory?.territoryId ?? null;
  const match = firstMatchingRule(ruleSet.rules, arrival.record);
  if (!match) {
    const parts = [ruleSet.rules.length ? 'no rule matched' : 'the rule set has no rules'];
    return fallback(ruleSet, parts, { ownerId: null, ruleId: null, ruleIndex: null, ruleName: null, reason: '', candidates: [], rotationKey: null, rotation: null, territoryId }, people, counters, now, excluded);
  }
  const { rule, index, evidence } = match;
  const parts = [`rule ${index + 1} "${rule.name}" matched${evidence.length ? `: ${evidence.join(', ')}` : ' (no conditions)'}`];
  // Every decision is built with the same fields in the same order: one object shape, cheap to make.
  const made = (ownerId: string | null, candidates: CandidateNote[], rotationKey: string | null, rotation: Rotation | null): Decision => ({
    ownerId,
    ruleId: rule.id,
    ruleIndex: index,
    ruleName: rule.name,
    reason: parts.join('; '),
    candidates,
    rotationKey,
    rotation,
    territoryId,
  });

  const accountOwner = arrival.account?.ownerId;
  if (rule.accountOwnerFirst && arrival.account && accountOwner && !excluded.has(accountOwner)) {
    const why = unavailableBecause(people[accountOwner], now, counters);
    const ownerName = people[accountOwner]?.name ?? accountOwner;
    if (why === null) {
      parts.push(`account owner first → ${ownerName} (owner of ${arrival.account.name})`);
      return made(accountOwner, [{ userId: accountOwner, name: ownerName, available: true, note: 'account owner' }], null, null);
    }
    parts.push(`account owner ${ownerName} (${arrival.account.name}) cannot take it (${why})`);
  }

  const { pool, key, label } = poolFor(rule, ruleSet.object, arrival, directory);
  const choice = distribute({
    strategy: rule.strategy,
    pool,
    exclude: excluded,
    weights: rule.weights,
    rotation: counters.rotations[key] ?? emptyRotation(),
    people,
    counters,
    now,
  });
  if (choice.ownerId) {
    parts.push(choice.how);
    return made(choice.ownerId, choice.considered, key, choice.rotation);
  }
  parts.push(pool.length ? choice.how : `nobody in ${label}`);
  return fallback(ruleSet, parts, made(null, choice.considered, null, null), people, counters, now, excluded);
}

function fallback(ruleSet: RuleSet, parts: string[], decision: Decision, people: Record<string, Candidate>, counters: Counters, now: Date, excluded: Set<string>): Decision {
  const fallbackId = ruleSet.fallbackOwnerId;
  if (!fallbackId) return { ...decision, ownerId: null, reason: [...parts, 'no fallback owner; left unassigned'].join('; ') };
  const name = people[fallbackId]?.name ?? fallbackId;
  const why = excluded.has(fallbackId) ? 'excluded' : unavailableBecause(people[fallbackId], now, counters);
  if (why !== null) return { ...decision, ownerId: null, reason: [...parts, `fallback owner ${name} cannot take it (${why}); left unassigned`].join('; ') };
  const candidates = [...decision.candidates, { userId: fallbackId, name, available: true, note: 'fallback owner' }];
  return { ...decision, candidates, ownerId: fallbackId, reason: [...parts, `fallback owner → ${name}`].join('; ') };
}

/** Moves the counters as the decision does: the rotation turns, the owner has one more today and one more open. */
export function applyDecision(counters: Counters, decision: Decision, directory: Directory, now: Date): void {
  if (decision.rotationKey && decision.rotation) counters.rotations[decision.rotationKey] = decision.rotation;
  if (decision.ownerId) recordAssignment(counters, decision.ownerId, directory.people[decision.ownerId], now);
}

/** A deep copy, so a dry run never moves the counters it started from. */
export function copyCounters(counters: Counters): Counters {
  return structuredClone(counters);
}

/** Routes records one after another from a copy of the counters: what a dry run shows. */
export function simulate(ruleSet: RuleSet, arrivals: readonly Arrival[], directory: Directory, counters: Counters, options: DecideOptions): Decision[] {
  const running = copyCounters(counters);
  return arrivals.map((arrival) => {
    const decision = decide(ruleSet, arrival, directory, running, options);
    applyDecision(running, decision, directory, options.now);
    return decision;
  });
}
