// Distribution without a database: among the people a rule points at, who is available now
// (not out of office, inside their working hours, under their daily cap), and whose turn it is
// by round-robin, weighted round-robin or fewest open records, with the account owner first.
import { isOpen, localDay, type WeeklyHours } from './hours.model.ts';
import type { Strategy } from './rules.model.ts';

/** A person routing may assign to, with what decides whether they can take a record now. */
export type Candidate = {
  userId: string;
  name: string;
  active: boolean;
  timeZone: string;
  /** Epoch milliseconds; out of office until then. */
  outOfOfficeUntil: number | null;
  /** Null: no working hours set, available around the clock. */
  workingHours: WeeklyHours | null;
  /** Most new records a day (in the person's time zone); null: no cap. */
  dailyCap: number | null;
};

/** Where a rotation stands: who had the last turn, and the weighted round-robin credits. */
export type Rotation = { last: string | null; credits: Record<string, number> };

/** The counters routing reads and moves: rotations by pool, today's assignments, open load. */
export type Counters = {
  rotations: Record<string, Rotation>;
  assignedToday: Record<string, { day: string; count: number }>;
  openLoad: Record<string, number>;
};

export const emptyCounters = (): Counters => ({ rotations: {}, assignedToday: {}, openLoad: {} });
export const emptyRotation = (): Rotation => ({ last: null, credits: {} });

export function assignedOn(counters: Counters, userId: string, day: string): number {
  const entry = counters.assignedToday[userId];
  return entry && entry.day === day ? entry.count : 0;
}

/** Why someone cannot take a record right now (with `extra` more today), or null when they can. */
export function unavailableBecause(candidate: Candidate | undefined, now: Date, counters: Counters, extra = 0): string | null {
  if (!candidate) return 'not a user here';
  if (!candidate.active) return 'deactivated';
  if (candidate.outOfOfficeUntil !== null && candidate.outOfOfficeUntil > now.getTime()) {
    return `out of office until ${new Date(candidate.outOfOfficeUntil).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
  if (candidate.workingHours && !isOpen(now, candidate.timeZone, candidate.workingHours)) return 'outside working hours';
  if (candidate.dailyCap !== null && assignedOn(counters, candidate.userId, localDay(now, candidate.timeZone)) + extra >= candidate.dailyCap) {
    return `daily cap of ${candidate.dailyCap} reached`;
  }
  return null;
}

export type CandidateNote = { userId: string; name: string; available: boolean; note: string | null };

export type Choice = {
  ownerId: string | null;
  /** "round-robin → Anna, next is Ben"; or why nobody was picked. */
  how: string;
  considered: CandidateNote[];
  /** The rotation after this pick, to store under the pool's key. */
  rotation: Rotation | null;
};

export type Distribution = {
  strategy: Strategy;
  /** Who the rule points at; order does not matter, turns go by user id. */
  pool: readonly string[];
  weights?: Record<string, number> | undefined;
  rotation: Rotation;
  /** People who must not get this record (the rep who breached its SLA); their turns stay as they were. */
  exclude?: ReadonlySet<string> | undefined;
  people: Readonly<Record<string, Candidate>>;
  counters: Counters;
  now: Date;
};

const STRATEGY_NAMES: Record<Strategy, string> = {
  round_robin: 'round-robin',
  weighted_round_robin: 'weighted round-robin',
  load_balanced: 'load-balanced',
};

const nameOf = (people: Readonly<Record<string, Candidate>>, userId: string) => people[userId]?.name ?? userId;

// Pools are the same few arrays decision after decision (a team, a territory's reps): sorted once.
const sortedPools = new WeakMap<readonly string[], string[]>();
function sortedPool(pool: readonly string[]): string[] {
  let sorted = sortedPools.get(pool);
  if (!sorted) {
    sorted = [...new Set(pool)].sort();
    sortedPools.set(pool, sorted);
  }
  return sorted;
}

/** Turns go by user id: the first turn is the first person after the one who had the last. */
function turnStart(sorted: readonly string[], last: string | null): number {
  if (last === null) return 0;
  const start = sorted.findIndex((id) => id > last);
  return start < 0 ? 0 : start;
}

function choose(strategy: Strategy, order: readonly string[], weights: Record<string, number> | undefined, rotation: Rotation, loadOf: (id: string) => number): { ownerId: string; rotation: Rotation } | null {
  if (order.length === 0) return null;
  if (strategy === 'round_robin') return { ownerId: order[0]!, rotation: { last: order[0]!, credits: rotation.credits } };
  if (strategy === 'load_balanced') {
    // Fewest open records first; among equals, whoever is next in turn.
    let best = order[0]!;
    for (const id of order) if (loadOf(id) < loadOf(best)) best = id;
    return { ownerId: best, rotation: { last: best, credits: rotation.credits } };
  }
  // Smooth weighted round-robin (as nginx does it): everyone available earns their weight, the
  // richest takes the turn and pays the total back. Over one cycle of sum(weights) turns each
  // person gets exactly their weight, spread out rather than in runs.
  const credits: Record<string, number> = { ...rotation.credits };
  let total = 0;
  let best: string | null = null;
  for (const id of order) {
    const weight = weights?.[id] ?? 1;
    total += weight;
    credits[id] = (credits[id] ?? 0) + weight;
    if (best === null || credits[id]! > credits[best]!) best = id;
  }
  credits[best!] = credits[best!]! - total;
  return { ownerId: best!, rotation: { last: best!, credits } };
}

/** Who gets the record among the pool, by the strategy, skipping whoever cannot take it now. */
export function distribute(input: Distribution): Choice {
  const { people, counters, now, exclude } = input;
  const sorted = sortedPool(input.pool);
  const size = sorted.length;
  const considered: CandidateNote[] = [];
  const available: string[] = [];
  const start = turnStart(sorted, input.rotation.last);
  for (let i = 0; i < size; i += 1) {
    const id = sorted[(start + i) % size]!;
    const why = exclude?.has(id) ? 'excluded' : unavailableBecause(people[id], now, counters);
    const note = why ?? (input.strategy === 'load_balanced' ? `${counters.openLoad[id] ?? 0} open` : null);
    considered.push({ userId: id, name: nameOf(people, id), available: why === null, note });
    if (why === null) available.push(id);
  }
  // Credits of people who left the pool would distort the others' shares.
  const rotation: Rotation =
    input.strategy === 'weighted_round_robin'
      ? { last: input.rotation.last, credits: Object.fromEntries(Object.entries(input.rotation.credits).filter(([id]) => sorted.includes(id))) }
      : input.rotation;
  const loadOf = (id: string) => counters.openLoad[id] ?? 0;
  const chosen = choose(input.strategy, available, input.weights, rotation, loadOf);
  if (!chosen) {
    const how = size === 0 ? 'nobody to assign to' : `nobody available (${considered.map((c) => `${c.name}: ${c.note}`).join('; ')})`;
    return { ownerId: null, how, considered, rotation: null };
  }
  // Who would be next, were another record to arrive now (with this one counted): the rep can see the queue move.
  const owner = chosen.ownerId;
  const nextAvailable: string[] = [];
  const nextStart = turnStart(sorted, owner);
  for (let i = 0; i < size; i += 1) {
    const id = sorted[(nextStart + i) % size]!;
    if (!exclude?.has(id) && unavailableBecause(people[id], now, counters, id === owner ? 1 : 0) === null) nextAvailable.push(id);
  }
  const next = choose(input.strategy, nextAvailable, input.weights, chosen.rotation, (id) => loadOf(id) + (id === owner ? 1 : 0));
  const nextText = next ? `, next is ${nameOf(people, next.ownerId)}` : ', then nobody is available';
  return { ownerId: owner, how: `${STRATEGY_NAMES[input.strategy]} → ${nameOf(people, owner)}${nextText}`, considered, rotation: chosen.rotation };
}

/** Counts a new record for its owner: one more today (in their time zone) and one more open. */
export function recordAssignment(counters: Counters, userId: string, candidate: Pick<Candidate, 'timeZone'> | undefined, now: Date): Counters {
  const day = localDay(now, candidate?.timeZone ?? 'UTC');
  const entry = counters.assignedToday[userId];
  counters.assignedToday[userId] = { day, count: entry && entry.day === day ? entry.count + 1 : 1 };
  counters.openLoad[userId] = (counters.openLoad[userId] ?? 0) + 1;
  return counters;
}

const poolKeys = new WeakMap<readonly string[], string>();

/** A short stable key for a list of people, so a rotation over the same people continues. */
export function poolKey(userIds: readonly string[]): string {
  let key = poolKeys.get(userIds);
  if (key === undefined) {
    let hash = 0x811c9dc5;
    for (const char of sortedPool(userIds).join(',')) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    key = hash.toString(16).padStart(8, '0');
    poolKeys.set(userIds, key);
  }
  return key;
}
