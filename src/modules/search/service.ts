import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { phoneTailSql, PHONE_TAIL_DIGITS } from '../../core/match-keys.ts';
import { assertCan } from '../../core/roles.ts';
import { accounts, contacts } from '../accounts/schema.ts';
import { activities } from '../activities/schema.ts';
import { leads } from '../leads/schema.ts';
import { opportunities } from '../opportunities/schema.ts';
import { visibleRecords } from '../visibility/records.ts';
import { excerpt, personName, prefixTsQuery, rankHits, searchTerms, type SearchHit, type SearchType } from './model.ts';

// Global search reads the record tables directly, like reports: one statement asks every kind of
// record at once. Each kind finds candidates through an index — trigrams for names, emails and
// domains (typo tolerant), phone endings for numbers in any format, full text for notes — takes at
// most CANDIDATES of them, and ranks those; the lists then merge by score.

/**
 * How similar a word must be to count (pg_trgm word_similarity). A first pass asks for close
 * matches ("jonathon" finds "jonathan": 0.76); only when it finds few does a second, looser pass
 * look for worse typos (a swapped pair of letters, "smihters" for "smithers", scores 0.38).
 */
export const WORD_SIMILARITY = 0.5;
export const LOOSE_WORD_SIMILARITY = 0.3;
const ENOUGH = 5;
// Each kind ranks at most this many matches: a common name in a million records must not make a
// keystroke rank thousands of rows. Exact email and phone matches are found whatever the cap.
const CANDIDATES = 300;
const PER_TYPE = 8;

type Row = { type: SearchType; id: string; title: string; subtitle: string; score: number; subject_type: string | null; subject_id: string | null };

const orEmpty = (parts: (SQL | null)[]) => sql.join(parts.filter((p): p is SQL => p !== null), sql` or `);

export async function globalSearch(db: Db, actor: Actor, query: string, options: { limit?: number; types?: SearchType[] } = {}): Promise<SearchHit[]> {
  assertCan(actor, 'records:read');
  const terms = searchTerms(query);
  if (!terms) return [];
  const wanted = new Set(options.types ?? ['lead', 'contact', 'account', 'opportunity', 'note']);
  const text = terms.text;
  const tail = terms.phoneDigits ? terms.phoneDigits.slice(-PHONE_TAIL_DIGITS) : null;
  const email = terms.email;
  const tsQuery = prefixTsQuery(terms.words);

  const phoneMatch = (phone: AnyColumn) => (tail ? sql`(${phoneTailSql(phone)} = ${tail} and ${phone} is not null)` : null);
  const emailMatch = (column: AnyColumn) => (email ? sql`lower(${column}) = ${email}` : null);
  const exact = (column: AnyColumn, phone: AnyColumn) =>
    sql`greatest(case when ${emailMatch(column) ?? sql`false`} then 1.0 else 0 end, case when ${phoneMatch(phone) ?? sql`false`} then 0.95 else 0 end)`;

  const parts: SQL[] = [];
  if (wanted.has('lead')) {
    const live = sql`${leads.orgId} = ${actor.orgId} and ${leads.deletedAt} is null and ${visibleRecords(actor, 'leads')}`;
    parts.push(sql`(select 'lead' as type, id, title, subtitle, score, null as subject_type, null::uuid as subject_id from (
      select ${leads.id} as id,
        coalesce(nullif(trim(${leads.firstName} || ' ' || ${leads.lastName}), ''), nullif(${leads.company}, ''), ${leads.email}, 'Lead') as title,
        concat_ws(' · ', nullif(${leads.company}, ''), ${leads.email}, ${leads.phone}) as subtitle,
        greatest(word_similarity(${text}, ${leads.searchText}) + case when ${leads.searchText} like ${`${escapeLike(text)}%`} then 0.05 else 0 end, ${exact(leads.email, leads.phone)}) as score
      from ${leads} where ${live} and (${orEmpty([sql`${text} <% ${leads.searchText}`, emailMatch(leads.email), phoneMatch(leads.phone)])})
      limit ${CANDIDATES}) c order by score desc, id limit ${PER_TYPE})`);
  }
  if (wanted.has('contact')) {
    const live = sql`${contacts.orgId} = ${actor.orgId} and ${contacts.deletedAt} is null and ${visibleRecords(actor, 'contacts')}`;
    parts.push(sql`(select 'contact' as type, id, title, subtitle, score, null as subject_type, null::uuid as subject_id from (
      select ${contacts.id} as id,
        coalesce(nullif(trim(${contacts.firstName} || ' ' || ${contacts.lastName}), ''), ${contacts.email}, 'Contact') as title,
        concat_ws(' · ', ${contacts.title}, ${contacts.email}, ${contacts.phone}) as subtitle,
        greatest(word_similarity(${text}, ${contacts.searchText}) + case when ${contacts.searchText} like ${`${escapeLike(text)}%`} then 0.05 else 0 end, ${exact(contacts.email, contacts.phone)}) as score
      from ${contacts} where ${live} and (${orEmpty([sql`${text} <% ${contacts.searchText}`, emailMatch(contacts.email), phoneMatch(contacts.phone)])})
      limit ${CANDIDATES}) c order by score desc, id limit ${PER_TYPE})`);
  }
  if (wanted.has('account')) {
    const live = sql`${accounts.orgId} = ${actor.orgId} and ${accounts.deletedAt} is null and ${visibleRecords(actor, 'accounts')}`;
    // An email typed finds its company by domain.
    const domain = email ? email.slice(email.indexOf('@') + 1) : null;
    const domainMatch = domain ? sql`lower(${accounts.domain}) = ${domain}` : null;
    parts.push(sql`(select 'account' as type, id, title, subtitle, score, null as subject_type, null::uuid as subject_id from (
      select ${accounts.id} as id, ${accounts.name} as title,
        concat_ws(' · ', ${accounts.domain}, ${accounts.industry}, ${accounts.phone}) as subtitle,
        greatest(word_similarity(${text}, ${accounts.searchText}) + case when ${accounts.searchText} like ${`${escapeLike(text)}%`} then 0.05 else 0 end,
          case when ${domainMatch ?? sql`false`} then 0.9 else 0 end, case when ${phoneMatch(accounts.phone) ?? sql`false`} then 0.95 else 0 end) as score
      from ${accounts} where ${live} and (${orEmpty([sql`${text} <% ${accounts.searchText}`, domainMatch, phoneMatch(accounts.phone)])})
      limit ${CANDIDATES}) c order by score desc, id limit ${PER_TYPE})`);
  }
  if (wanted.has('opportunity')) {
    const live = sql`${opportunities.orgId} = ${actor.orgId} and ${opportunities.deletedAt} is null and ${visibleRecords(actor, 'opportunities')}`;
    parts.push(sql`(select 'opportunity' as type, id, title, subtitle, score, null as subject_type, null::uuid as subject_id from (
      select ${opportunities.id} as id, ${opportunities.name} as title,
        concat_ws(' · ', ${opportunities.status}, to_char(${opportunities.closeDate}, 'YYYY-MM-DD'), (${opportunities.amount} / 100)::text || ' ' || ${opportunities.currency}) as subtitle,
        word_similarity(${text}, lower(${opportunities.name})) + case when lower(${opportunities.name}) like ${`${escapeLike(text)}%`} then 0.05 else 0 end as score
      from ${opportunities} where ${live} and ${text} <% lower(${opportunities.name})
      limit ${CANDIDATES}) c order by score desc, id limit ${PER_TYPE})`);
  }
  if (wanted.has('note') && tsQuery) {
    // Notes rank below an equally good record match: 0.5 to 1 by full-text rank.
    const vector = sql`to_tsvector('simple', ${activities.summary})`;
    parts.push(sql`(select 'note' as type, id, title, '' as subtitle, score, subject_type, subject_id from (
      select ${activities.id} as id, ${activities.summary} as title, ${activities.subjectType} as subject_type, ${activities.subjectId} as subject_id,
        0.5 + 0.5 * ts_rank(${vector}, to_tsquery('simple', ${tsQuery}), 32) as score
      from ${activities} where ${activities.orgId} = ${actor.orgId} and ${activities.kind} = 'note' and ${vector} @@ to_tsquery('simple', ${tsQuery})
      limit ${CANDIDATES}) c order by score desc, id limit ${PER_TYPE})`);
  }
  if (parts.length === 0) return [];

  const rows = await db.transaction(async (tx) => {
    // The trigram operator's threshold, for this transaction only.
    const run = async (threshold: number) => {
      await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true)`);
      return ((await tx.execute(sql.join(parts, sql` union all `))) as unknown as { rows: Row[] }).rows;
    };
    const close = await run(WORD_SIMILARITY);
    if (close.length >= ENOUGH) return close;
    const seen = new Set(close.map((r) => r.id));
    return [...close, ...(await run(LOOSE_WORD_SIMILARITY)).filter((r) => !seen.has(r.id))];
  });
  const notes = rows.filter((r) => r.type === 'note');
  const subjects = await subjectNames(db, actor, notes.map((r) => ({ type: r.subject_type!, id: r.subject_id! })));
  const hits: SearchHit[] = [];
  for (const row of rows) {
    const score = Math.round(Number(row.score) * 1000) / 1000;
    if (row.type !== 'note') {
      hits.push({ type: row.type, id: row.id, title: row.title, subtitle: row.subtitle, score, link: linkOf(row.type, row.id) });
      continue;
    }
    // A note on a record the caller may not see (or one deleted) is left out with its record.
    const subject = subjects.get(`${row.subject_type}:${row.subject_id}`);
    if (!subject) continue;
    hits.push({ type: 'note', id: row.id, title: excerpt(row.title), subtitle: `Note on ${subject}`, score, link: linkOf(row.subject_type as SearchType, row.subject_id!) });
  }
  return rankHits(hits, options.limit ?? 20);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const linkOf = (type: SearchType, id: string) => `/${type === 'opportunity' ? 'opportunities' : `${type}s`}/${id}`;

/** The names of the live records notes are on, among those the caller may see, keyed "type:id". */
async function subjectNames(db: Db, actor: Actor, subjects: { type: string; id: string }[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const idsOf = (type: string) => [...new Set(subjects.filter((s) => s.type === type).map((s) => s.id))];
  const asArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
  const read = async (type: string, query: (ids: string[]) => SQL) => {
    const ids = idsOf(type);
    if (ids.length === 0) return;
    const result = (await db.execute(query(ids))) as unknown as { rows: { id: string; first: string; last: string; fallback: string | null }[] };
    for (const row of result.rows) names.set(`${type}:${row.id}`, personName(row.first, row.last, row.fallback ?? type));
  };
  await read('lead', (ids) => sql`select ${leads.id} as id, ${leads.firstName} as first, ${leads.lastName} as last, coalesce(nullif(${leads.company}, ''), ${leads.email}) as fallback
    from ${leads} where ${leads.orgId} = ${actor.orgId} and ${leads.id} = any(${asArray(ids)}) and ${leads.deletedAt} is null and ${visibleRecords(actor, 'leads')}`);
  await read('contact', (ids) => sql`select ${contacts.id} as id, ${contacts.firstName} as first, ${contacts.lastName} as last, ${contacts.email} as fallback
    from ${contacts} where ${contacts.orgId} = ${actor.orgId} and ${contacts.id} = any(${asArray(ids)}) and ${contacts.deletedAt} is null and ${visibleRecords(actor, 'contacts')}`);
  await read('account', (ids) => sql`select ${accounts.id} as id, ${accounts.name} as first, '' as last, null as fallback
    from ${accounts} where ${accounts.orgId} = ${actor.orgId} and ${accounts.id} = any(${asArray(ids)}) and ${accounts.deletedAt} is null and ${visibleRecords(actor, 'accounts')}`);
  await read('opportunity', (ids) => sql`select ${opportunities.id} as id, ${opportunities.name} as first, '' as last, null as fallback
    from ${opportunities} where ${opportunities.orgId} = ${actor.orgId} and ${opportunities.id} = any(${asArray(ids)}) and ${opportunities.deletedAt} is null and ${visibleRecords(actor, 'opportunities')}`);
  return names;
}
