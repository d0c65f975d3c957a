// Lead conversion without a database: who may convert which lead, which existing account and
// contact a lead becomes (or new ones), how lead fields land on the account, contact and deal,
// and which rep gets the credit for qualifying it.
import type { FieldError } from '../../core/errors.ts';
import type { Role } from '../../core/roles.ts';
import { companyDomain, samePersonReason, type MatchReason } from '../duplicates/model.ts';

/** The lead as conversion reads it. */
export type LeadFacts = {
  id: string;
  status: string;
  ownerId: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  company: string;
  website: string | null;
  industry: string | null;
  employeeCount: number | null;
  country: string | null;
  region: string | null;
  city: string | null;
  notes: string;
};

/**
 * Only a qualified lead converts. A working or nurture lead has not passed qualification: letting
 * it convert would put unvetted deals in the pipeline and skip the "qualified" count SDRs are
 * measured by (marking it qualified first is one click). New and disqualified leads are further
 * away still; a converted lead has already become its account, contact and deal.
 */
export const CONVERTIBLE_STATUSES = ['qualified'] as const;

export type Refusal = { status: 403 | 409; code: string; message: string };

/**
 * Why this person may not convert this lead, or null. Managers and admins convert any lead; a rep
 * converts leads they own (or unassigned ones): converting hands the lead's deal on, which is the
 * owner's call, not a colleague's.
 */
export function conversionRefusal(actor: { role: Role; userId: string }, lead: Pick<LeadFacts, 'status' | 'ownerId'>): Refusal | null {
  if (actor.role !== 'admin' && actor.role !== 'manager' && lead.ownerId && lead.ownerId !== actor.userId) {
    return { status: 403, code: 'forbidden', message: 'Reps convert their own leads; ask the lead’s owner or a manager' };
  }
  if (lead.status === 'converted') return { status: 409, code: 'already_converted', message: 'This lead is already converted' };
  if (!(CONVERTIBLE_STATUSES as readonly string[]).includes(lead.status)) {
    return { status: 409, code: 'lead_not_qualified', message: `Only a qualified lead can be converted; this lead is ${lead.status}${lead.status === 'working' ? ': mark it qualified first' : ''}` };
  }
  return null;
}

/** What the caller asks for a record: the best match (default), a new one regardless, or this existing one. */
export type RecordChoice = 'match' | 'new' | { id: string };

export const personName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`.trim();

/** Whether the lead names a person a contact can be made of (contacts need a name or an email). */
export const namesPerson = (lead: Pick<LeadFacts, 'firstName' | 'lastName' | 'email'>) => Boolean(lead.firstName.trim() || lead.lastName.trim() || lead.email?.trim());

// Contacts

export type ContactCandidate = {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  accountId: string | null;
  accountDomain: string | null;
  accountCountry: string | null;
  createdAt: string;
};

export type RankedContact = ContactCandidate & { reason: MatchReason };

const REASON_ORDER: Record<MatchReason, number> = { email: 0, phone: 1, name_and_domain: 2 };

/** The stored contacts that are this lead's person, strongest evidence first (then the oldest). */
export function rankContacts(lead: LeadFacts, candidates: ContactCandidate[]): RankedContact[] {
  const ranked: RankedContact[] = [];
  for (const c of candidates) {
    const reason = samePersonReason(lead, { email: c.email, phone: c.phone, country: c.accountCountry, firstName: c.firstName, lastName: c.lastName, domain: c.accountDomain }, lead.country);
    if (reason) ranked.push({ ...c, reason });
  }
  return ranked.sort((a, b) => REASON_ORDER[a.reason] - REASON_ORDER[b.reason] || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Which contact the lead becomes. Only the same email reuses a contact by itself: a shared phone
 * may be a switchboard and two Jo Müllers may work at one company, so those are offered, not taken.
 */
export function chooseContact(lead: LeadFacts, choice: RecordChoice, ranked: RankedContact[]): { mode: 'existing'; id: string } | { mode: 'new' } | { mode: 'none' } {
  if (typeof choice === 'object') return { mode: 'existing', id: choice.id };
  if (!namesPerson(lead)) return { mode: 'none' };
  if (choice === 'new') return { mode: 'new' };
  const byEmail = ranked.find((c) => c.reason === 'email');
  return byEmail ? { mode: 'existing', id: byEmail.id } : { mode: 'new' };
}

// Accounts

export type AccountCandidate = { id: string; name: string; domain: string | null; ownerId: string | null; createdAt: string; similarity: number };
export type AccountMatchReason = 'contact_account' | 'domain' | 'similar_name';
export type RankedAccount = Omit<AccountCandidate, 'similarity'> & { reason: AccountMatchReason; similarity: number | null };

/** pg_trgm similarity from which an account name counts as the lead's company ("Acme" / "Acme GmbH" is 0.5). */
export const MIN_ACCOUNT_SIMILARITY = 0.5;

/**
 * The stored accounts that may be the lead's company, best first: the account of the contact the
 * lead becomes (the person works there), then the lead's company domain, then similar names.
 */
export function rankAccounts(
  lead: LeadFacts,
  candidates: { byDomain: AccountCandidate[]; bySimilarName: AccountCandidate[]; ofContact: AccountCandidate | null },
): RankedAccount[] {
  const ranked: RankedAccount[] = [];
  const seen = new Set<string>();
  const add = (a: AccountCandidate, reason: AccountMatchReason, similarity: number | null) => {
    if (seen.has(a.id)) return;
    seen.add(a.id);
    ranked.push({ id: a.id, name: a.name, domain: a.domain, ownerId: a.ownerId, createdAt: a.createdAt, reason, similarity });
  };
  if (candidates.ofContact) add(candidates.ofContact, 'contact_account', null);
  const domain = companyDomain(lead.email, lead.website);
  const oldestFirst = (a: AccountCandidate, b: AccountCandidate) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  if (domain) for (const a of [...candidates.byDomain].filter((a) => a.domain?.toLowerCase() === domain).sort(oldestFirst)) add(a, 'domain', null);
  const similar = candidates.bySimilarName.filter((a) => a.similarity >= MIN_ACCOUNT_SIMILARITY).sort((a, b) => b.similarity - a.similarity || oldestFirst(a, b));
  for (const a of similar) add(a, 'similar_name', Math.round(a.similarity * 100) / 100);
  return ranked;
}

/** Which account the lead becomes: the one asked for, a new one, or the best match (else a new one). */
export function chooseAccount(choice: RecordChoice, ranked: RankedAccount[]): { mode: 'existing'; id: string } | { mode: 'new' } {
  if (typeof choice === 'object') return { mode: 'existing', id: choice.id };
  if (choice === 'new' || ranked.length === 0) return { mode: 'new' };
  return { mode: 'existing', id: ranked[0]!.id };
}

/**
 * A reused contact on another account than the one the lead converts into is refused: moving a
 * customer's person to another company by converting a lead would be a surprise. A contact with
 * no account joins the lead's account.
 */
export function contactAccountProblem(contact: { accountId: string | null; name: string } | null, accountId: string | null, accountName: string | null): FieldError | null {
  if (!contact?.accountId || contact.accountId === accountId) return null;
  return {
    field: 'contact',
    message: `${contact.name || 'This contact'} is a contact of another account${accountName ? ` than ${accountName}` : ''}: convert into that account, or choose a new contact`,
  };
}

// Field mapping

/** A new account from the lead: its company (or, for a lead that is only a person, the person). */
export function newAccountFields(lead: LeadFacts) {
  return {
    name: lead.company.trim() || personName(lead) || lead.email || 'Unnamed account',
    domain: companyDomain(lead.email, lead.website),
    industry: lead.industry,
    employeeCount: lead.employeeCount,
    country: lead.country,
    region: lead.region,
    city: lead.city,
  };
}

type AccountBlanks = { domain: string | null; industry: string | null; employeeCount: number | null; country: string | null; region: string | null; city: string | null };

/** What the lead adds to an existing account: only what the account does not know yet; nothing is overwritten. */
export function accountFill(existing: AccountBlanks, lead: LeadFacts): Partial<AccountBlanks> {
  const from = newAccountFields(lead);
  const fill: Partial<AccountBlanks> = {};
  for (const key of ['domain', 'industry', 'employeeCount', 'country', 'region', 'city'] as const) {
    if (existing[key] === null && from[key] !== null) (fill as Record<string, unknown>)[key] = from[key];
  }
  return fill;
}

export function newContactFields(lead: LeadFacts, accountId: string | null) {
  return { firstName: lead.firstName, lastName: lead.lastName, email: lead.email, phone: lead.phone, title: lead.title, accountId, notes: lead.notes };
}

type ContactBlanks = { phone: string | null; title: string | null; accountId: string | null; notes: string };

/** What the lead adds to an existing contact: phone, title and account where blank; the lead's notes appended once. */
export function contactFill(existing: ContactBlanks, lead: LeadFacts, accountId: string | null): Partial<ContactBlanks> {
  const fill: Partial<ContactBlanks> = {};
  if (existing.phone === null && lead.phone) fill.phone = lead.phone;
  if (existing.title === null && lead.title) fill.title = lead.title;
  if (existing.accountId === null && accountId) fill.accountId = accountId;
  const notes = lead.notes.trim();
  if (notes && !existing.notes.includes(notes)) fill.notes = existing.notes.trim() ? `${existing.notes.trim()}\n\n${notes}` : notes;
  return fill;
}

export type QualificationSnapshot = {
  frameworkId: string;
  framework: string;
  percent: number;
  answers: { key: string; question: string; type: string; answer: unknown }[];
};

export type ProposedOpportunity = { name: string; amount: number | null; currency: string | null; closeDate: string | null; description: string };

/**
 * The deal a conversion proposes: named after the account; the amount from the qualification's
 * money answer (BANT's budget) and the close date from its date answer (BANT's timeline) when it
 * lies ahead; the lead's notes as its description, so the executive reads what the rep learned.
 */
export function proposeOpportunity(accountName: string, lead: LeadFacts, qualification: QualificationSnapshot | null, today: string): ProposedOpportunity {
  const money = qualification?.answers.find((a) => a.type === 'money' && isMoney(a.answer))?.answer as { amount: number; currency: string } | undefined;
  const date = qualification?.answers.find((a) => a.type === 'date' && typeof a.answer === 'string' && a.answer > today)?.answer as string | undefined;
  return {
    name: `${accountName} – new business`,
    amount: money?.amount ?? null,
    currency: money?.currency ?? null,
    closeDate: date ?? null,
    description: lead.notes.trim(),
  };
}

const isMoney = (value: unknown): value is { amount: number; currency: string } =>
  typeof value === 'object' && value !== null && typeof (value as { amount?: unknown }).amount === 'number' && typeof (value as { currency?: unknown }).currency === 'string';

// Credit

/** One entry of the lead's audit history, oldest first. */
export type HistoryEntry = { actorId: string | null; after: unknown };

const field = (snapshot: unknown, key: string): { present: boolean; value: unknown } =>
  snapshot && typeof snapshot === 'object' && key in snapshot ? { present: true, value: (snapshot as Record<string, unknown>)[key] } : { present: false, value: undefined };

/**
 * Who gets the SDR credit for the deal: the lead's owner when it became qualified (the rep who
 * worked it, even if a manager clicked the status), else whoever marked it qualified, else its
 * current owner, else the person converting. People no longer active are passed over: a deal's
 * `sourcedBy` must be a current user.
 */
export function qualifyingRep(historyOldestFirst: HistoryEntry[], currentOwnerId: string | null, convertingUserId: string | null, isActive: (userId: string) => boolean): string | null {
  let owner: string | null = null;
  let atQualification: { owner: string | null; actor: string | null } | null = null;
  for (const entry of historyOldestFirst) {
    const ownerChange = field(entry.after, 'ownerId');
    if (ownerChange.present) owner = typeof ownerChange.value === 'string' ? ownerChange.value : null;
    if (field(entry.after, 'status').value === 'qualified') atQualification = { owner, actor: entry.actorId };
  }
  const chain = [atQualification?.owner, atQualification?.actor, currentOwnerId, convertingUserId];
  return chain.find((id): id is string => Boolean(id) && isActive(id!)) ?? null;
}
