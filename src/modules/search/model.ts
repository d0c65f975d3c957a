// Global search without a database: reading what was typed (words, a phone number, an email) and
// putting the answers of each kind of record in one ranked list.

export const SEARCH_TYPES = ['lead', 'contact', 'account', 'opportunity', 'note'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export type SearchHit = { type: SearchType; id: string; title: string; subtitle: string; score: number; link: string };

/** How many digits a query needs before it is also looked up as a phone number. */
export const PHONE_QUERY_DIGITS = 7;

export type SearchTerms = {
  /** Lower-cased, spaces collapsed: compared with the records' lower-cased search text. */
  text: string;
  /** The digits of a phone-like query ("+1 (555) 123-4567" → "15551234567"), else null. */
  phoneDigits: string | null;
  /** A whole email address typed, lower-cased, else null. */
  email: string | null;
  /** Words for full-text search, each matched as a prefix ("renew" finds "renewal"). */
  words: string[];
};

export function searchTerms(query: string): SearchTerms | null {
  const text = query.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  if (text.length < 2) return null;
  const digits = text.replace(/\D/g, '');
  const phoneLike = /^[\d\s()+./-]+$/.test(text) && digits.length >= PHONE_QUERY_DIGITS;
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? text : null;
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  return { text, phoneDigits: phoneLike ? digits : null, email, words };
}

/** A full-text query matching every word as a prefix, built only from letters and digits. */
export function prefixTsQuery(words: string[]): string | null {
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

// Equal scores keep people before companies before deals before notes: the order reps look for them.
const TYPE_ORDER: Record<SearchType, number> = { lead: 0, contact: 1, account: 2, opportunity: 3, note: 4 };

/** One list from every kind's candidates: best score first, at most `limit`. */
export function rankHits(hits: SearchHit[], limit: number): SearchHit[] {
  return [...hits]
    .sort((a, b) => b.score - a.score || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/** A note's text cut to a line around its start, for a result row. */
export function excerpt(text: string, max = 90): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export const personName = (first: string, last: string, fallback: string) => `${first} ${last}`.trim() || fallback;
