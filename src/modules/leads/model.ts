// Lead rules that need no database: statuses, sort keys and how input is tidied.
export const LEAD_STATUSES = ['new', 'working', 'nurture', 'qualified', 'disqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const LEAD_SOURCES = ['manual', 'web_form', 'import', 'api', 'outbound', 'referral', 'partner', 'event', 'customer', 'other'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const LEAD_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'lastName', '-lastName', 'company', '-company'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

export function parseSort(sort: LeadSort): { key: 'createdAt' | 'updatedAt' | 'lastName' | 'company'; descending: boolean } {
  const descending = sort.startsWith('-');
  return { key: (descending ? sort.slice(1) : sort) as 'createdAt' | 'updatedAt' | 'lastName' | 'company', descending };
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
