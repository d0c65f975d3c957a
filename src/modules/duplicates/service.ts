import { and, desc, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import {
  accountDuplicateCandidates,
  accountMatchCandidates,
  accountSnapshots,
  contactDuplicateCandidates,
  contactMatchCandidates,
  contactSnapshots,
} from '../accounts/service.ts';
import { leadCompanyCandidates, leadDuplicateCandidates, leadMatchCandidates, leadSnapshots, type LeadCompanyMatch } from '../leads/service.ts';
import { recordAudit } from '../audit/service.ts';
import { openOpportunityCandidates } from '../opportunities/opportunities.service.ts';
import {
  bestMatch,
  companyDomain,
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
import { duplicateDismissals } from './schema.ts';

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
  const [pairs, dismissed] = await Promise.all([duplicatePairs(db, actor, type, query.defaultCountry?.toUpperCase() ?? null), dismissedPairs(db, actor, type)]);
  const groups = groupPairs(pairs.filter((p) => !dismissed.has(pairKey(p.a, p.b))));
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

// ---------------------------------------------------------------- "not a duplicate"

const normalised = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);
const pairKey = (a: string, b: string) => normalised(a, b).join('|');

async function dismissedPairs(db: Db, actor: Actor, type: DuplicateType): Promise<Set<string>> {
  const rows = await db
    .select({ a: duplicateDismissals.recordA, b: duplicateDismissals.recordB })
    .from(duplicateDismissals)
    .where(and(eq(duplicateDismissals.orgId, actor.orgId), eq(duplicateDismissals.recordType, type)));
  return new Set(rows.map((r) => pairKey(r.a, r.b)));
}

export type Dismissal = { id: string; type: DuplicateType; ids: [string, string]; dismissedBy: string | null; createdAt: string };
const toDismissal = (row: typeof duplicateDismissals.$inferSelect): Dismissal => ({
  id: row.id,
  type: row.recordType as DuplicateType,
  ids: [row.recordA, row.recordB],
  dismissedBy: row.dismissedBy,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Marks records as not duplicates of each other: every pair among `ids` is left out of later
 * scans. Records of another org (or gone) are refused; pairs already dismissed stay as they are.
 */
export async function dismissDuplicates(db: Db, actor: Actor, type: DuplicateType, ids: string[]): Promise<Dismissal[]> {
  assertCan(actor, 'records:write');
  const unique = [...new Set(ids)];
  if (unique.length < 2) throw validationFailed([{ field: 'ids', message: 'Name at least two different records' }]);
  const found = await describeRecords(db, actor, type, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) throw validationFailed([{ field: 'ids', message: `No such ${type} in your organisation: ${missing.join(', ')}` }]);
  const pairs = unique.flatMap((a, i) => unique.slice(i + 1).map((b) => normalised(a, b)));
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(duplicateDismissals)
      .values(pairs.map(([a, b]) => ({ orgId: actor.orgId, id: newId(), recordType: type, recordA: a, recordB: b, dismissedBy: actor.userId || null })))
      .onConflictDoNothing()
      .returning();
    for (const row of rows) await recordAudit(tx, actor, { entityType: 'duplicate_dismissal', entityId: row.id, action: 'create', after: toDismissal(row) });
    return rows.map(toDismissal);
  });
}

/** Undoes a dismissal: the pair shows again in the next scan if it still matches. */
export async function undoDismissal(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'records:write');
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(duplicateDismissals).where(and(eq(duplicateDismissals.orgId, actor.orgId), eq(duplicateDismissals.id, id))).returning();
    if (!row) throw notFound('Dismissal');
    await recordAudit(tx, actor, { entityType: 'duplicate_dismissal', entityId: id, action: 'delete', before: toDismissal(row) });
  });
}

/** The pairs dismissed for a record type, newest first (to undo one). */
export async function listDismissals(db: Db, actor: Actor, type: DuplicateType): Promise<Dismissal[]> {
  assertCan(actor, 'records:read');
  const rows = await db
    .select()
    .from(duplicateDismissals)
    .where(and(eq(duplicateDismissals.orgId, actor.orgId), eq(duplicateDismissals.recordType, type)))
    .orderBy(desc(duplicateDismissals.createdAt))
    .limit(500);
  return rows.map(toDismissal);
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

export type CompanyConflict = {
  type: 'account' | 'lead' | 'opportunity';
  id: string;
  name: string;
  reason: 'domain' | 'similar_name' | 'account';
  similarity: number;
  ownerId: string | null;
  /** For an open deal: the partner already credited with it, if any. */
  partnerId?: string | null;
};

/**
 * The accounts, leads and open deals a company (name and web domain) may already be: same domain,
 * or a pg_trgm-similar name; deals also when they sit on a matching account. A partner's deal
 * registration is checked with this before anyone approves it.
 */
export async function findCompanyConflicts(db: Db, actor: Actor, company: { name: string; domain: string | null }): Promise<CompanyConflict[]> {
  const probe = { domain: company.domain?.trim().toLowerCase() || null, company: company.name };
  const [accountMatches, leadMatches] = await Promise.all([accountMatchCandidates(db, actor, probe, MIN_NAME_SIMILARITY), leadCompanyCandidates(db, actor, probe, MIN_NAME_SIMILARITY)]);
  const accounts = new Map<string, CompanyConflict>();
  for (const a of accountMatches.byDomain) accounts.set(a.id, { type: 'account', id: a.id, name: a.name, reason: 'domain', similarity: 1, ownerId: a.ownerId });
  for (const a of accountMatches.bySimilarName) if (!accounts.has(a.id)) accounts.set(a.id, { type: 'account', id: a.id, name: a.name, reason: 'similar_name', similarity: round(a.similarity), ownerId: a.ownerId });
  const leadDomainMatch = (l: LeadCompanyMatch) => probe.domain !== null && companyDomain(l.email, l.website) === probe.domain;
  const deals = await openOpportunityCandidates(db, actor, { accountIds: [...accounts.keys()], company: company.name }, MIN_NAME_SIMILARITY);
  return [
    ...accounts.values(),
    ...leadMatches.map((l): CompanyConflict => ({
      type: 'lead',
      id: l.id,
      name: l.company || l.email || '',
      reason: leadDomainMatch(l) ? 'domain' : 'similar_name',
      similarity: leadDomainMatch(l) ? 1 : round(l.similarity),
      ownerId: l.ownerId,
    })),
    ...deals.map((d): CompanyConflict => ({
      type: 'opportunity',
      id: d.id,
      name: d.name,
      reason: d.accountId && accounts.has(d.accountId) ? 'account' : 'similar_name',
      similarity: d.accountId && accounts.has(d.accountId) ? 1 : round(d.similarity),
      ownerId: d.ownerId,
      partnerId: d.partnerId,
    })),
  ];
}
