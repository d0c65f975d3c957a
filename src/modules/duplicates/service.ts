import type { Actor } from '../../core/actor.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { assertCan } from '../../core/roles.ts';
import {
  accountDuplicateCandidates,
  accountSnapshots,
  contactDuplicateCandidates,
  contactMatchCandidates,
  contactSnapshots,
} from '../accounts/service.ts';
import { leadDuplicateCandidates, leadMatchCandidates, leadSnapshots } from '../leads/service.ts';
import {
  bestMatch,
  emailKey,
  groupPairs,
  phoneTail,
  REASON_SCORE,
  sameNameAndDomainPairs,
  samePhonePairs,
  toE164,
  type DuplicateGroup,
  type DuplicatePair,
  type MatchCandidate,
  type MatchReason,
  type PersonIdentity,
} from './model.ts';

export type PersonMatch = { type: 'lead' | 'contact'; id: string; reason: MatchReason };

/**
 * The stored lead or contact a newly captured person already is, if any: same email, same
 * phone number (E.164, national numbers read in their country), or same name at the same
 * company domain. Run it in the transaction that then creates or updates the record.
 */
export async function findPersonMatch(db: Db, actor: Actor, person: PersonIdentity, defaultCountry: string | null): Promise<PersonMatch | null> {
  const e164 = toE164(person.phone, person.country ?? defaultCountry);
  const probe = {
    email: emailKey(person.email),
    phoneTail: e164 ? phoneTail(e164) : null,
    firstName: person.firstName?.trim() || null,
    lastName: person.lastName?.trim() || null,
  };
  const [leads, contacts] = await Promise.all([leadMatchCandidates(db, actor, probe), contactMatchCandidates(db, actor, probe)]);
  const candidates: MatchCandidate[] = [
    ...leads.map((l) => ({ type: 'lead' as const, id: l.id, createdAt: l.createdAt, email: l.email, phone: l.phone, country: l.country, firstName: l.firstName, lastName: l.lastName, website: l.website })),
    ...contacts.map((c) => ({
      type: 'contact' as const,
      id: c.id,
      createdAt: c.createdAt,
      email: c.email,
      phone: c.phone,
      country: c.accountCountry,
      firstName: c.firstName,
      lastName: c.lastName,
      domain: c.accountDomain,
    })),
  ];
  const match = bestMatch(person, candidates, defaultCountry);
  return match ? { type: match.candidate.type, id: match.candidate.id, reason: match.reason } : null;
}

export type DuplicateType = 'lead' | 'contact' | 'account';

// pg_trgm similarity from which two company or account names count as the same company:
// "Globex Corp" / "Globex Corporation" is 0.55, "Acme" / "Apex" 0.11.
export const MIN_NAME_SIMILARITY = 0.5;

const sameValuePairs = (groups: { value: string; ids: string[] }[], reason: 'email' | 'domain', score: number): DuplicatePair[] =>
  groups.flatMap((g) => g.ids.slice(1).map((id) => ({ a: g.ids[0]!, b: id, reason, score, value: g.value })));

async function duplicatePairs(db: Db, actor: Actor, type: DuplicateType, defaultCountry: string | null): Promise<DuplicatePair[]> {
  if (type === 'lead') {
    const c = await leadDuplicateCandidates(db, actor, MIN_NAME_SIMILARITY);
    return [
      ...sameValuePairs(c.sameEmail, 'email', REASON_SCORE.email),
      ...samePhonePairs(c.samePhoneTail, defaultCountry),
      ...sameNameAndDomainPairs(c.sameName),
      // The same person at a similarly named company (or two company-only leads for one company).
      ...c.similarCompany.map((p) => ({ a: p.a, b: p.b, reason: 'similar_company' as const, score: round(0.8 * Number(p.similarity)), value: p.company })),
    ];
  }
  if (type === 'contact') {
    const c = await contactDuplicateCandidates(db, actor);
    return [
      ...sameValuePairs(c.sameEmail, 'email', REASON_SCORE.email),
      ...samePhonePairs(c.samePhoneTail, defaultCountry),
      ...sameNameAndDomainPairs(c.sameName),
      ...sameAccountPairs(c.sameName),
    ];
  }
  const c = await accountDuplicateCandidates(db, actor, MIN_NAME_SIMILARITY);
  return [
    ...sameValuePairs(c.sameDomain, 'domain', 0.95),
    ...c.similarName.map((p) => ({ a: p.a, b: p.b, reason: 'similar_name' as const, score: round(Number(p.similarity)), value: p.name })),
  ];
}

/** Contacts with the same first and last name on the same account. */
function sameAccountPairs(rows: { id: string; firstName: string; lastName: string; accountId: string | null }[]): DuplicatePair[] {
  const byKey = new Map<string, string[]>();
  for (const row of rows) {
    if (!row.accountId) continue;
    const key = `${row.accountId}|${row.firstName.toLowerCase()}|${row.lastName.toLowerCase()}`;
    byKey.set(key, [...(byKey.get(key) ?? []), row.id]);
  }
  return [...byKey.values()].flatMap((ids) => ids.slice(1).map((id) => ({ a: ids[0]!, b: id, reason: 'same_account' as const, score: 0.85, value: null })));
}

const round = (n: number) => Math.round(n * 100) / 100;

export type DuplicateRecord = { id: string; name: string; email: string | null; phone: string | null; company: string | null };

/**
 * Groups of likely duplicates of one record type, strongest first, each with why (reason,
 * shared value, score) and a short description of every record in it.
 */
export async function findDuplicates(
  db: Db,
  actor: Actor,
  type: DuplicateType,
  query: { defaultCountry?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: (DuplicateGroup & { records: DuplicateRecord[] })[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const groups = groupPairs(await duplicatePairs(db, actor, type, query.defaultCountry?.toUpperCase() ?? null));
  // Groups are recomputed on every call; the cursor is the (score, first id) of the last group shown.
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const start = after ? groups.findIndex((g) => g.score < Number(after.v) || (g.score === Number(after.v) && g.ids[0]! > after.id)) : 0;
  const page = start < 0 ? [] : groups.slice(start, start + query.limit);
  const more = start >= 0 && groups.length > start + query.limit;
  const records = await describeRecords(db, actor, type, page.flatMap((g) => g.ids));
  return {
    data: page.map((g) => ({ ...g, records: g.ids.map((id) => records.get(id)!).filter(Boolean) })),
    nextCursor: more ? encodeCursor({ v: page.at(-1)!.score, id: page.at(-1)!.ids[0]! }) : null,
  };
}

async function describeRecords(db: Db, actor: Actor, type: DuplicateType, ids: string[]): Promise<Map<string, DuplicateRecord>> {
  const person = (first: string, last: string, fallback: string) => `${first} ${last}`.trim() || fallback;
  const described: DuplicateRecord[] =
    type === 'lead'
      ? (await leadSnapshots(db, actor, ids)).map((l) => ({ id: l.id, name: person(l.firstName, l.lastName, l.company || l.email || ''), email: l.email, phone: l.phone, company: l.company || null }))
      : type === 'contact'
        ? (await contactSnapshots(db, actor, ids)).map((c) => ({ id: c.id, name: person(c.firstName, c.lastName, c.email ?? ''), email: c.email, phone: c.phone, company: null }))
        : (await accountSnapshots(db, actor, ids)).map((a) => ({ id: a.id, name: a.name, email: null, phone: a.phone, company: a.domain }));
  return new Map(described.map((r) => [r.id, r]));
}
