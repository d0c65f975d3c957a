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
  // A phone number is looked up by its digits only (trigrams of digits match noise), a whole email
  // address by equality (its trigrams are shared by every address on the same domain).
  const fuzzy = !terms.phoneDigits && !email;
  const prefix = `${escapeLike(text)}%`;

  /**
   * One kind of record: candidates found exactly (email, phone, domain: always kept) or by
   * trigrams (at most CANDIDATES), then ranked by the best of their similarity and exact scores.
   */
  const recordPart = (spec: {
    type: SearchType;
    table: typeof leads | typeof contacts | typeof accounts | typeof opportunities;
    visible: SQL;
    haystack: SQL;
    title: SQL;
    subtitle: SQL;
    exact: { when: SQL | null; score: number }[];
  }): SQL | null => {
    const live = sql`${spec.table.orgId} = ${actor.orgId} and ${spec.table.deletedAt} is null and ${spec.visible}`;
    const exact = spec.exact.filter((e): e is { when: SQL; score: number } => e.when !== null);
    const branches: SQL[] = [];
    if (exact.length) branches.push(sql`(select ${spec.table.id} from ${spec.table} where ${live} and (${orEmpty(exact.map((e) => e.when))}) limit ${PER_TYPE * 4})`);
    // The planner would rather walk an (org, …) btree and test every row of the org against the
    // trigram operator than read the trigram index (seen at 20,000 leads: 117 ms against 15 ms).
    // Conditions it cannot match to a btree, and no sequential scans in this transaction, leave it
    // the GIN index; the org and the trash are still checked on each candidate row.
    const fuzzyLive = sql`${spec.table.orgId}::text = ${actor.orgId} and (${spec.table.deletedAt} is null) is true and ${spec.visible}`;
    if (fuzzy) branches.push(sql`(select ${spec.table.id} from ${spec.table} where ${fuzzyLive} and ${text} <% ${spec.haystack} limit ${CANDIDATES})`);
    if (branches.length === 0) return null;
    const similarity = fuzzy ? sql`word_similarity(${text}, ${spec.haystack}) + case when ${spec.haystack} like ${prefix} then 0.05 else 0 end` : sql`0`;
    const scores = [similarity, ...exact.map((e) => sql`case when ${e.when} then ${e.score}::float8 else 0 end`)];
    return sql`(select ${spec.type}::text as type, id, title, subtitle, score, null as subject_type, null::uuid as subject_id from (
      select ${spec.table.id} as id, ${spec.title} as title, ${spec.subtitle} as subtitle, greatest(${sql.join(scores, sql`, `)})::float8 as score
      from ${spec.table} where ${spec.table.orgId} = ${actor.orgId} and ${spec.table.id} in (${sql.join(branches, sql` union all `)})) c
      order by score desc, id limit ${PER_TYPE})`;
  };

  const parts: (SQL | null)[] = [];
  if (wanted.has('lead')) {
    parts.push(recordPart({
      type: 'lead',
      table: leads,
      visible: visibleRecords(actor, 'leads'),
      haystack: sql`${leads.searchText}`,
      title: sql`coalesce(nullif(trim(${leads.firstName} || ' ' || ${leads.lastName}), ''), nullif(${leads.company}, ''), ${leads.email}, 'Lead')`,
      subtitle: sql`concat_ws(' · ', nullif(${leads.company}, ''), ${leads.email}, ${leads.phone})`,
      exact: [{ when: emailMatch(leads.email), score: 1 }, { when: phoneMatch(leads.phone), score: 0.95 }],
    }));
  }
  if (wanted.has('contact')) {
    parts.push(recordPart({
      type: 'contact',
      table: contacts,
      visible: visibleRecords(actor, 'contacts'),
      haystack: sql`${contacts.searchText}`,
      title: sql`coalesce(nullif(trim(${contacts.firstName} || ' ' || ${contacts.lastName}), ''), ${contacts.email}, 'Contact')`,
      subtitle: sql`concat_ws(' · ', ${contacts.title}, ${contacts.email}, ${contacts.phone})`,
      exact: [{ when: emailMatch(contacts.email), score: 1 }, { when: phoneMatch(contacts.phone), score: 0.95 }],
    }));
  }
  if (wanted.has('account')) {
    // An email typed finds its company by domain.
    const domain = email ? email.slice(email.indexOf('@') + 1) : null;
    parts.push(recordPart({
      type: 'account',
      table: accounts,
      visible: visibleRecords(actor, 'accounts'),
      haystack: sql`${accounts.searchText}`,
      title: sql`${accounts.name}`,
      subtitle: sql`concat_ws(' · ', ${accounts.domain}, ${accounts.industry}, ${accounts.phone})`,
      exact: [{ when: domain ? sql`lower(${accounts.domain}) = ${domain}` : null, score: 0.9 }, { when: phoneMatch(accounts.phone), score: 0.95 }],
    }));
  }
  if (wanted.has('opportunity')) {
    parts.push(recordPart({
      type: 'opportunity',
      table: opportunities,
      visible: visibleRecords(actor, 'opportunities'),
      haystack: sql`lower(${opportunities.name})`,
      title: sql`${opportunities.name}`,
      subtitle: sql`concat_ws(' · ', ${opportunities.status}, to_char(${opportunities.closeDate}, 'YYYY-MM-DD'), (${opportunities.amount} / 100)::text || ' ' || ${opportunities.currency})`,
      exact: [],
    }));
  }
  if (wanted.has('note') && tsQuery) {
    // Notes rank below an equally good record match: 0.5 to 1 by full-text rank.
    const vector = sql`to_tsvector('simple', ${activities.summary})`;
    parts.push(sql`(select 'note' as type, id, title, '' as subtitle, score, subject_type, subject_id from (
      select ${activities.id} as id, ${activities.summary} as title, ${activities.subjectType} as subject_type, ${activities.subjectId} as subject_id,
        (0.5 + 0.5 * ts_rank(${vector}, to_tsquery('simple', ${tsQuery}), 32))::float8 as score
      from ${activities} where ${activities.orgId} = ${actor.orgId} and ${activities.kind} = 'note' and ${vector} @@ to_tsquery('simple', ${tsQuery})
      limit ${CANDIDATES}) c order by score desc, id limit ${PER_TYPE})`);
  }
  const queries = parts.filter((p): p is SQL => p !== null);
  if (queries.length === 0) return [];

  const rows = await db.transaction(async (tx) => {
    // The trigram operator's threshold, for this transaction only.
    await tx.execute(sql`select set_config('enable_seqscan', 'off', true)`);
    const run = async (threshold: number) => {
      await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true)`);
      return ((await tx.execute(sql.join(queries, sql` union all `))) as unknown as { rows: Row[] }).rows;
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
