import { PHONE_TAIL_DIGITS } from '../../core/match-keys.ts';

// When two records are the same person or company. Pure rules: the form capture and the
// duplicate finder both decide with these.

// Calling code and national trunk prefix of common countries. The trunk prefix ("0" in
// 030 1234567) is dialled only inside the country and is not part of the E.164 number; Italy
// keeps its leading 0, so it has none.
const CALLING_CODES: Record<string, { code: string; trunk: string | null }> = {
  US: { code: '1', trunk: '1' },
  CA: { code: '1', trunk: '1' },
  GB: { code: '44', trunk: '0' },
  IE: { code: '353', trunk: '0' },
  DE: { code: '49', trunk: '0' },
  AT: { code: '43', trunk: '0' },
  CH: { code: '41', trunk: '0' },
  FR: { code: '33', trunk: '0' },
  BE: { code: '32', trunk: '0' },
  NL: { code: '31', trunk: '0' },
  LU: { code: '352', trunk: null },
  ES: { code: '34', trunk: null },
  PT: { code: '351', trunk: null },
  IT: { code: '39', trunk: null },
  DK: { code: '45', trunk: null },
  NO: { code: '47', trunk: null },
  SE: { code: '46', trunk: '0' },
  FI: { code: '358', trunk: '0' },
  PL: { code: '48', trunk: null },
  CZ: { code: '420', trunk: null },
  AU: { code: '61', trunk: '0' },
  NZ: { code: '64', trunk: '0' },
  IN: { code: '91', trunk: '0' },
  SG: { code: '65', trunk: null },
  JP: { code: '81', trunk: '0' },
  CN: { code: '86', trunk: '0' },
  BR: { code: '55', trunk: '0' },
  MX: { code: '52', trunk: null },
  ZA: { code: '27', trunk: '0' },
  AE: { code: '971', trunk: '0' },
  IL: { code: '972', trunk: '0' },
};

export const knownCallingCountries = (): string[] => Object.keys(CALLING_CODES);

const EXTENSION = /\s*(x|ext\.?)\s*\d+$/i;

/**
 * A phone number in E.164 ("+49301234567"), or null when it cannot be known: "+" or "00" starts
 * an international number; anything else is national and needs the country it was dialled in.
 */
export function toE164(phone: string | null | undefined, country?: string | null): string | null {
  if (!phone) return null;
  const withoutExtension = phone.trim().replace(EXTENSION, '');
  if (/[a-wyz]/i.test(withoutExtension)) return null;
  const international = withoutExtension.startsWith('+');
  // "+44 (0)20 7946 0958": the bracketed trunk 0 is for callers inside the country only.
  const digits = (international ? withoutExtension.replace(/\(0\)/, '') : withoutExtension).replace(/\D/g, '');
  const calling = country ? CALLING_CODES[country.toUpperCase()] : undefined;
  let number: string;
  if (international) number = digits;
  else if (digits.startsWith('00')) number = digits.slice(2);
  else if (digits.startsWith('011') && calling?.code === '1') number = digits.slice(3);
  else if (!calling) return null;
  else if (calling.code === '1') number = digits.length === 10 ? `1${digits}` : digits;
  else number = calling.code + (calling.trunk && digits.startsWith(calling.trunk) ? digits.slice(calling.trunk.length) : digits);
  if (number.length < 8 || number.length > 15 || number.startsWith('0')) return null;
  return `+${number}`;
}

/** The indexed tail of an E.164 number: what the database compares before the exact check. */
export const phoneTail = (e164: string): string => e164.replace(/\D/g, '').slice(-PHONE_TAIL_DIGITS);

// Mailbox providers anyone can sign up with: their domain says nothing about an employer.
const FREE_MAIL = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'rocketmail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'pm.me',
  'gmx.de', 'gmx.net', 'gmx.com', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de', 'mail.com',
  'yandex.ru', 'yandex.com', 'mail.ru', 'zoho.com', 'qq.com', '163.com', '126.com', 'free.fr', 'orange.fr',
  'laposte.net', 'sfr.fr', 'wanadoo.fr', 'libero.it', 'virgilio.it', 'seznam.cz', 'wp.pl', 'o2.pl', 'onet.pl',
  'fastmail.com', 'hey.com', 'tutanota.com', 'tuta.io', 'btinternet.com', 'comcast.net', 'verizon.net', 'att.net',
]);
// Providers with a domain per country (yahoo.co.uk, hotmail.fr, outlook.de…).
const FREE_MAIL_FAMILIES = /^(yahoo|hotmail|outlook|live|gmx|aol)\.[a-z.]+$/;

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain) || FREE_MAIL_FAMILIES.test(domain);
}

/** "https://www.Acme.com/about" → "acme.com". */
export function hostOf(url: string | null | undefined): string | null {
  const trimmed = url?.trim().toLowerCase();
  if (!trimmed) return null;
  const host = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#]/)[0]!.split('@').pop()!.split(':')[0]!;
  return host.replace(/^www\./, '') || null;
}

export const emailKey = (email: string | null | undefined): string | null => email?.trim().toLowerCase() || null;

/** The employer's domain: from a work email, else the website; never a free-mail provider. */
export function companyDomain(email: string | null | undefined, website: string | null | undefined): string | null {
  const fromEmail = emailKey(email)?.split('@')[1];
  if (fromEmail && !isFreeMailDomain(fromEmail)) return fromEmail;
  const fromWebsite = hostOf(website);
  return fromWebsite && !isFreeMailDomain(fromWebsite) ? fromWebsite : null;
}

/** First and last name both given, compared without case and extra spaces; else null. */
export function personKey(firstName: string | null | undefined, lastName: string | null | undefined): string | null {
  const first = firstName?.trim().toLowerCase().replace(/\s+/g, ' ');
  const last = lastName?.trim().toLowerCase().replace(/\s+/g, ' ');
  return first && last ? `${first}|${last}` : null;
}

/** What we know about a person, from a submission or a stored lead or contact. */
export type PersonIdentity = {
  email?: string | null | undefined;
  phone?: string | null | undefined;
  /** The country to read a national phone number in. */
  country?: string | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  website?: string | null | undefined;
  /** A domain known some other way (a contact's account). */
  domain?: string | null | undefined;
};

export type MatchReason = 'email' | 'phone' | 'name_and_domain';
// Stronger evidence first: an email is one person's; a phone may be a shared switchboard.
const REASON_STRENGTH: Record<MatchReason, number> = { email: 3, phone: 2, name_and_domain: 1 };
export const REASON_SCORE: Record<MatchReason, number> = { email: 1, phone: 0.9, name_and_domain: 0.8 };

function domainsOf(person: PersonIdentity): Set<string> {
  const domains = new Set<string>();
  const employer = companyDomain(person.email, person.website);
  if (employer) domains.add(employer);
  const known = hostOf(person.domain);
  if (known && !isFreeMailDomain(known)) domains.add(known);
  return domains;
}

/** The strongest reason two people are the same, or null. */
export function samePersonReason(a: PersonIdentity, b: PersonIdentity, defaultCountry?: string | null): MatchReason | null {
  const emailA = emailKey(a.email);
  if (emailA && emailA === emailKey(b.email)) return 'email';
  const phoneA = toE164(a.phone, a.country ?? defaultCountry);
  if (phoneA && phoneA === toE164(b.phone, b.country ?? defaultCountry)) return 'phone';
  const nameA = personKey(a.firstName, a.lastName);
  if (nameA && nameA === personKey(b.firstName, b.lastName)) {
    const domainsB = domainsOf(b);
    for (const domain of domainsOf(a)) if (domainsB.has(domain)) return 'name_and_domain';
  }
  return null;
}

export type MatchCandidate = PersonIdentity & { type: 'lead' | 'contact'; id: string; createdAt: string };

/**
 * Which stored record a newly captured person is. The strongest reason wins; on a tie a contact
 * (already a customer's person) beats a lead, and then the oldest record — the original — wins.
 */
export function bestMatch(
  person: PersonIdentity,
  candidates: MatchCandidate[],
  defaultCountry?: string | null,
): { candidate: MatchCandidate; reason: MatchReason } | null {
  let best: { candidate: MatchCandidate; reason: MatchReason } | null = null;
  for (const candidate of candidates) {
    const reason = samePersonReason(person, candidate, defaultCountry);
    if (!reason) continue;
    if (!best || outranks({ candidate, reason }, best)) best = { candidate, reason };
  }
  return best;
}

function outranks(a: { candidate: MatchCandidate; reason: MatchReason }, b: { candidate: MatchCandidate; reason: MatchReason }): boolean {
  const strength = REASON_STRENGTH[a.reason] - REASON_STRENGTH[b.reason];
  if (strength !== 0) return strength > 0;
  if (a.candidate.type !== b.candidate.type) return a.candidate.type === 'contact';
  if (a.candidate.createdAt !== b.candidate.createdAt) return a.candidate.createdAt < b.candidate.createdAt;
  return a.candidate.id < b.candidate.id;
}

export type DuplicateReason = MatchReason | 'similar_company' | 'same_account' | 'domain' | 'similar_name';

export type DuplicatePair = { a: string; b: string; reason: DuplicateReason; score: number; value: string | null };

export type DuplicateGroup = {
  ids: string[];
  score: number;
  reasons: { reason: DuplicateReason; ids: [string, string]; score: number; value: string | null }[];
};

/**
 * Pairs of likely duplicates become groups: if A matches B and B matches C, all three are one
 * group (one merge). A group scores as its strongest pair; strongest groups first.
 */
export function groupPairs(pairs: DuplicatePair[]): DuplicateGroup[] {
  const parent = new Map<string, string>();
  const root = (id: string): string => {
    let current = id;
    while (parent.get(current) !== current) current = parent.get(current) ?? current;
    parent.set(id, current);
    return current;
  };
  for (const { a, b } of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = root(a);
    const rb = root(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, DuplicateGroup>();
  const seen = new Set<string>();
  for (const pair of pairs) {
    const [a, b] = pair.a < pair.b ? [pair.a, pair.b] : [pair.b, pair.a];
    const key = `${a}|${b}|${pair.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = root(a);
    const group = groups.get(id) ?? { ids: [], score: 0, reasons: [] };
    for (const member of [a, b]) if (!group.ids.includes(member)) group.ids.push(member);
    group.score = Math.max(group.score, pair.score);
    group.reasons.push({ reason: pair.reason, ids: [a, b], score: pair.score, value: pair.value });
    groups.set(id, group);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, ids: g.ids.sort(), reasons: g.reasons.sort((x, y) => y.score - x.score) }))
    .sort((x, y) => y.score - x.score || (x.ids[0]! < y.ids[0]! ? -1 : 1));
}

/** Confirms phone candidates (equal tails) by their full E.164 numbers, each read in its own country. */
export function samePhonePairs(
  rows: { id: string; phone: string | null; country: string | null }[],
  defaultCountry?: string | null,
): DuplicatePair[] {
  return pairsBy(rows, (row) => toE164(row.phone, row.country ?? defaultCountry), 'phone');
}

/** Confirms name candidates (equal first and last names) by a shared employer domain. */
export function sameNameAndDomainPairs(rows: ({ id: string } & PersonIdentity)[]): DuplicatePair[] {
  const byDomainAndName = new Map<string, string[]>();
  for (const row of rows) {
    const name = personKey(row.firstName, row.lastName);
    if (!name) continue;
    for (const domain of domainsOf(row)) {
      const key = `${domain}|${name}`;
      byDomainAndName.set(key, [...(byDomainAndName.get(key) ?? []), row.id]);
    }
  }
  const pairs: DuplicatePair[] = [];
  for (const [key, ids] of byDomainAndName) {
    const domain = key.slice(0, key.indexOf('|'));
    for (let i = 1; i < ids.length; i += 1) pairs.push({ a: ids[0]!, b: ids[i]!, reason: 'name_and_domain', score: REASON_SCORE.name_and_domain, value: domain });
  }
  return pairs;
}

function pairsBy<T extends { id: string }>(rows: T[], key: (row: T) => string | null, reason: MatchReason): DuplicatePair[] {
  const byKey = new Map<string, string[]>();
  for (const row of rows) {
    const k = key(row);
    if (k) byKey.set(k, [...(byKey.get(k) ?? []), row.id]);
  }
  const pairs: DuplicatePair[] = [];
  for (const [value, ids] of byKey) {
    for (let i = 1; i < ids.length; i += 1) pairs.push({ a: ids[0]!, b: ids[i]!, reason, score: REASON_SCORE[reason], value });
  }
  return pairs;
}
