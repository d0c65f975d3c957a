// Lead rules that need no database: statuses, sort keys and how input is tidied.
export const LEAD_STATUSES = ['new', 'working', 'nurture', 'qualified', 'disqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const LEAD_SOURCES = ['manual', 'web_form', 'import', 'api', 'outbound', 'referral', 'partner', 'event', 'customer', 'other'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const LEAD_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'lastName', '-lastName', 'company', '-company', 'score', '-score'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];
export type LeadSortKey = 'createdAt' | 'updatedAt' | 'lastName' | 'company' | 'score';

export function parseSort(sort: LeadSort): { key: LeadSortKey; descending: boolean } {
  const descending = sort.startsWith('-');
  return { key: (descending ? sort.slice(1) : sort) as LeadSortKey, descending };
}

/** The display name of a lead: the person if known, else the company, else the email. */
export function leadDisplayName(lead: { firstName: string; lastName: string; company: string; email: string | null }): string {
  const person = `${lead.firstName} ${lead.lastName}`.trim();
  return person || lead.company || lead.email || 'Unnamed lead';
}

/** Trims text, turns blank optional fields into null and upper-cases country codes. */
export function tidyLeadInput<T extends Record<string, unknown>>(input: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== 'string') {
      out[key] = value;
      continue;
    }
    const trimmed = value.trim();
    if (key === 'country') out[key] = trimmed ? trimmed.toUpperCase() : null;
    else if (key === 'email') out[key] = trimmed ? trimmed.toLowerCase() : null;
    else if (NOT_NULL_TEXT.has(key)) out[key] = trimmed;
    else out[key] = trimmed === '' ? null : trimmed;
  }
  return out as T;
}

const NOT_NULL_TEXT = new Set(['firstName', 'lastName', 'company', 'notes', 'status', 'source']);

/** A lead must name someone: a person, a company or an email. */
export function identifiesSomeone(lead: { firstName?: string | null; lastName?: string | null; company?: string | null; email?: string | null }): boolean {
  return Boolean(lead.firstName || lead.lastName || lead.company || lead.email);
}

/**
 * The lead lifecycle: a lead is worked before it is judged. new → working → qualified, nurture or
 * disqualified; nurture returns to working when the timing is right; a qualified lead is converted
 * (into an opportunity); a disqualified lead goes back to new only by recycling. A new lead may be
 * disqualified straight away: junk, students and competitors are spotted without a first call.
 */
export const LEAD_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['working', 'disqualified'],
  working: ['qualified', 'disqualified', 'nurture'],
  nurture: ['working'],
  qualified: ['converted'],
  disqualified: ['new'],
  converted: [],
};

/** Why a status change is not allowed, naming the statuses the lead can move to; null when it is. */
export function statusChangeProblem(from: LeadStatus, to: LeadStatus): string | null {
  if (from === to || LEAD_TRANSITIONS[from].includes(to)) return null;
  const next = LEAD_TRANSITIONS[from];
  const allowed = next.length === 0 ? 'it is final' : `it can move to ${next.join(', ')}`;
  return `A ${from} lead cannot move to ${to}: ${allowed}`;
}

/** Why a disqualification reason is refused (missing, or not on the org's list); null when it is fine. */
export function disqualificationProblem(reason: string | null | undefined, allowedReasons: readonly string[]): string | null {
  if (!reason?.trim()) return `Disqualifying needs a reason: ${allowedReasons.join(', ')}`;
  if (!allowedReasons.includes(reason.trim())) return `Not one of the disqualification reasons: ${allowedReasons.join(', ')}`;
  return null;
}

export type LifecycleFields = { disqualifiedReason: string | null; disqualifiedAt: Date | null; recycleAt: Date | null; qualifiedAt: Date | null };

const DAY_MS = 86_400_000;

/**
 * What a lead records on a status change. Disqualifying stamps the reason, the time and when the
 * lead returns to the pool (never, when the org switched recycling off). Leaving disqualified (a
 * recycle) ends the wait but keeps the reason and time: the next rep should know why it was dropped.
 * Becoming qualified stamps when (the funnel's lead → qualified time); converting keeps that stamp.
 */
export function lifecycleFields(from: LeadStatus | null, to: LeadStatus, reason: string | null, now: Date, recycleAfterDays: number | null): Partial<LifecycleFields> {
  if (to === 'qualified' && from !== 'qualified') return { qualifiedAt: now };
  if (to === 'disqualified' && from !== 'disqualified') {
    const recycleAt = recycleAfterDays === null ? null : new Date(now.getTime() + recycleAfterDays * DAY_MS);
    return { disqualifiedReason: reason, disqualifiedAt: now, recycleAt };
  }
  if (from === 'disqualified' && to !== 'disqualified') return { recycleAt: null };
  return {};
}
