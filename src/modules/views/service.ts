import { and, asc, desc, eq, getTableColumns, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { forbidden, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan, can } from '../../core/roles.ts';
import { accounts, contacts } from '../accounts/schema.ts';
import { activities } from '../activities/schema.ts';
import { recordAudit } from '../audit/service.ts';
import { leads } from '../leads/schema.ts';
import { opportunities } from '../opportunities/schema.ts';
import { getUser } from '../users/service.ts';
import { visibleRecords } from '../visibility/records.ts';
import {
  ACTIVITY_KIND_MAP,
  canChangeView,
  canSeeView,
  dayIn,
  DEFAULT_COLUMNS,
  DEFAULT_SORT,
  resolveField,
  resolveRange,
  VIEW_FIELDS,
  viewProblems,
  type ActivityCondition,
  type FieldCondition,
  type ViewFilters,
  type ViewObject,
  type ViewSort,
} from './model.ts';
import { savedViews } from './schema.ts';

// Views read the record tables directly, as reports do: a view is a query over any field of
// leads, contacts, accounts or opportunities and their activities, which no single module's list
// function can express. Every query is scoped by org and leaves the trash out; changes made from
// a view (bulk edits, enrollments, call queues, exports) go through the owning modules' services.

const TABLES = { lead: leads, contact: contacts, account: accounts, opportunity: opportunities } as const;
const VISIBILITY_OBJECT = { lead: 'leads', contact: 'contacts', account: 'accounts', opportunity: 'opportunities' } as const;
type RecordTable = (typeof TABLES)[ViewObject];

/** Whether an object's table has the `custom` jsonb column custom fields live in. */
export const hasCustomFields = (object: ViewObject): boolean => 'custom' in getTableColumns(TABLES[object]);

const column = (object: ViewObject, key: string): PgColumn => (getTableColumns(TABLES[object]) as Record<string, PgColumn>)[key]!;

export type ViewQuery = { object: ViewObject; filters: ViewFilters; sort?: ViewSort | undefined };
/** What a filter is evaluated against: who asks (for "me"), when (relative dates) and where (local days). */
export type FilterContext = { userId: string; now: Date; timeZone: string };

/** Refuses a filter that names unknown fields or mismatched values, before anything runs. */
export function assertValidView(object: ViewObject, view: { filters: ViewFilters; sort?: ViewSort | undefined; columns?: string[] | undefined }, prefix = ''): void {
  const problems = viewProblems(object, view, { customFields: hasCustomFields(object), prefix });
  if (problems.length) throw validationFailed(problems);
}

const lowerText = (value: unknown) => sql`lower(${String(value)})`;

function fieldSql(object: ViewObject, condition: FieldCondition, ctx: FilterContext): SQL {
  const ref = resolveField(object, condition.field, hasCustomFields(object))!;
  const value = condition.value;
  if (ref.kind === 'custom') return customFieldSql(object, ref.key, condition, ctx);
  const col = column(object, ref.key);
  const type = ref.spec.type;
  const one = (v: unknown): SQL => {
    if (type === 'user' && v === 'me') return sql`${ctx.userId}::uuid`;
    if (type === 'user' || type === 'ref') return sql`${String(v)}::uuid`;
    if (type === 'date') return sql`${new Date(String(v)).toISOString()}::timestamptz`;
    if (type === 'day') return sql`${String(v)}::date`;
    if (type === 'number') return sql`${Number(v)}`;
    if (type === 'bool') return sql`${Boolean(v)}`;
    return sql`${String(v)}`;
  };
  // Text compares case-insensitively; enums, ids and numbers exactly (so their indexes serve).
  const left = type === 'text' ? sql`lower(${col})` : sql`${col}`;
  const right = (v: unknown) => (type === 'text' ? lowerText(v) : one(v));
  const list = (values: unknown[]) => sql.join(values.map(right), sql`, `);
  switch (condition.op) {
    case 'eq':
      return sql`${left} = ${right(value)}`;
    case 'neq':
      return sql`${left} is distinct from ${right(value)}`;
    case 'in':
      return sql`${left} in (${list(value as unknown[])})`;
    case 'not_in':
      return sql`(${col} is null or ${left} not in (${list(value as unknown[])}))`;
    case 'contains':
      return sql`${col} ilike ${likePattern(String(value), true)}`;
    case 'not_contains':
      return sql`coalesce(${col}, '') not ilike ${likePattern(String(value), true)}`;
    case 'starts_with':
      return sql`${col} ilike ${likePattern(String(value), false)}`;
    case 'gt':
      return sql`${col} > ${one(value)}`;
    case 'gte':
      return sql`${col} >= ${one(value)}`;
    case 'lt':
      return sql`${col} < ${one(value)}`;
    case 'lte':
      return sql`${col} <= ${one(value)}`;
    case 'is_empty':
      return type === 'text' ? sql`(${col} is null or ${col} = '')` : sql`${col} is null`;
    case 'is_not_empty':
      return type === 'text' ? sql`(${col} is not null and ${col} <> '')` : sql`${col} is not null`;
    case 'within':
    case 'not_within': {
      const range = resolveRange(value as Parameters<typeof resolveRange>[0], ctx.now, ctx.timeZone);
      const inside = type === 'day' ? daySpan(sql`${col}`, range, ctx.timeZone) : instantSpan(sql`${col}`, range);
      return condition.op === 'within' ? inside : sql`(${col} is null or not (${inside}))`;
    }
    case 'older_than_days': {
      const cutoff = new Date(ctx.now.getTime() - Number(value) * 86_400_000);
      return type === 'day' ? sql`${col} < ${dayIn(cutoff, ctx.timeZone)}::date` : sql`${col} < ${cutoff.toISOString()}::timestamptz`;
    }
  }
}

function instantSpan(expr: SQL, range: { from: Date | null; to: Date | null }): SQL {
  const parts: SQL[] = [];
  if (range.from) parts.push(sql`${expr} >= ${range.from.toISOString()}::timestamptz`);
  if (range.to) parts.push(sql`${expr} < ${range.to.toISOString()}::timestamptz`);
  return parts.length ? sql.join(parts, sql` and `) : sql`${expr} is not null`;
}

// A date-only field (a close date) is inside a range when its day is: the days from the one the
// range starts on to the one its last instant falls on, in the user's time zone.
function daySpan(expr: SQL, range: { from: Date | null; to: Date | null }, timeZone: string): SQL {
  const parts: SQL[] = [];
  if (range.from) parts.push(sql`${expr} >= ${dayIn(range.from, timeZone)}::date`);
  if (range.to) parts.push(sql`${expr} <= ${dayIn(new Date(range.to.getTime() - 1), timeZone)}::date`);
  return parts.length ? sql.join(parts, sql` and `) : sql`${expr} is not null`;
}

const NUMBER = '^-?[0-9]+([.][0-9]+)?$';
const ISO_TIME = '^[0-9]{4}-[0-9]{2}-[0-9]{2}';

// Custom values are text in jsonb; comparisons as numbers or dates cast only values that look
// like one, so a stray "n/a" in one record cannot fail the whole list.
function customFieldSql(object: ViewObject, key: string, condition: FieldCondition, ctx: FilterContext): SQL {
  const text = sql`(${column(object, 'custom')} ->> ${key})`;
  const asNumber = sql`(case when ${text} ~ ${NUMBER} then (${text})::numeric end)`;
  const asTime = sql`(case when ${text} ~ ${ISO_TIME} then (${text})::timestamptz end)`;
  const value = condition.value;
  const compare = (op: string) =>
    typeof value === 'number' ? sql`${asNumber} ${sql.raw(op)} ${value}` : sql`${asTime} ${sql.raw(op)} ${new Date(String(value)).toISOString()}::timestamptz`;
  switch (condition.op) {
    case 'eq':
      return typeof value === 'number' ? sql`${asNumber} = ${value}` : sql`lower(${text}) = ${lowerText(value)}`;
    case 'neq':
      return typeof value === 'number' ? sql`${asNumber} is distinct from ${value}` : sql`lower(${text}) is distinct from ${lowerText(value)}`;
    case 'in':
      return sql`lower(${text}) in (${sql.join((value as unknown[]).map(lowerText), sql`, `)})`;
    case 'not_in':
      return sql`(${text} is null or lower(${text}) not in (${sql.join((value as unknown[]).map(lowerText), sql`, `)}))`;
    case 'contains':
      return sql`${text} ilike ${likePattern(String(value), true)}`;
    case 'not_contains':
      return sql`coalesce(${text}, '') not ilike ${likePattern(String(value), true)}`;
    case 'starts_with':
      return sql`${text} ilike ${likePattern(String(value), false)}`;
    case 'gt':
      return compare('>');
    case 'gte':
      return compare('>=');
    case 'lt':
      return compare('<');
    case 'lte':
      return compare('<=');
    case 'is_empty':
      return sql`(${text} is null or ${text} = '')`;
    case 'is_not_empty':
      return sql`(${text} is not null and ${text} <> '')`;
    case 'within':
    case 'not_within': {
      const inside = instantSpan(asTime, resolveRange(value as Parameters<typeof resolveRange>[0], ctx.now, ctx.timeZone));
      return condition.op === 'within' ? inside : sql`(${asTime} is null or not (${inside}))`;
    }
    case 'older_than_days':
      return sql`${asTime} < ${new Date(ctx.now.getTime() - Number(value) * 86_400_000).toISOString()}::timestamptz`;
  }
}

// "No call in 14 days", "opened an email today": an activity of the kind on the record's timeline
// in the range, read through the timeline index (org, subject, time).
function activitySql(object: ViewObject, table: RecordTable, condition: ActivityCondition, ctx: FilterContext): SQL {
  const range = resolveRange(condition.range, ctx.now, ctx.timeZone);
  const parts: SQL[] = [
    sql`${activities.orgId} = ${table.orgId}`,
    sql`${activities.subjectType} = ${object}`,
    sql`${activities.subjectId} = ${table.id}`,
  ];
  if (condition.activity !== 'any') parts.push(sql`${activities.kind} in (${sql.join(ACTIVITY_KIND_MAP[condition.activity].map((k) => sql`${k}`), sql`, `)})`);
  if (range.from) parts.push(sql`${activities.occurredAt} >= ${range.from.toISOString()}::timestamptz`);
  if (range.to) parts.push(sql`${activities.occurredAt} < ${range.to.toISOString()}::timestamptz`);
  const exists = sql`exists (select 1 from ${activities} where ${sql.join(parts, sql` and `)})`;
  return condition.has ? exists : sql`not ${exists}`;
}

function likePattern(text: string, anywhere: boolean): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return anywhere ? `%${escaped}%` : `${escaped}%`;
}

/** The WHERE of a view: the org, live records the caller may see, and the view's conditions. */
export function viewConditions(actor: Actor, query: ViewQuery, ctx: FilterContext): SQL {
  const table = TABLES[query.object];
  const conditions = query.filters.conditions.map((c) => ('activity' in c ? activitySql(query.object, table, c, ctx) : fieldSql(query.object, c, ctx)));
  const combined = conditions.length === 0 ? undefined : query.filters.match === 'any' ? or(...conditions) : and(...conditions);
  return and(eq(table.orgId, actor.orgId), isNull(table.deletedAt), visibleRecords(actor, VISIBILITY_OBJECT[query.object]), combined)!;
}

async function filterContext(db: Db, actor: Actor, now: Date | undefined): Promise<FilterContext> {
  const user = actor.userId ? await getUser(db, actor, actor.userId).catch(() => null) : null;
  return { userId: actor.userId, now: now ?? new Date(), timeZone: user?.timeZone ?? 'UTC' };
}

export type ViewRecord = Record<string, unknown> & { id: string };

const HIDDEN = new Set(['orgId', 'searchText', 'scoreExplanation', 'deletedAt']);

function toRecord(row: Record<string, unknown>): ViewRecord {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (HIDDEN.has(key)) continue;
    record[key] = value instanceof Date ? value.toISOString() : value;
  }
  return record as ViewRecord;
}

export type RecordsPage = { data: ViewRecord[]; nextCursor: string | null };

/** One page of the records a view selects, in its sort order; keyset cursor over (sort field, id). */
export async function queryRecords(
  db: Db,
  actor: Actor,
  query: ViewQuery,
  options: { cursor?: string | undefined; limit: number; now?: Date | undefined },
): Promise<RecordsPage> {
  assertCan(actor, 'records:read');
  assertValidView(query.object, query);
  const ctx = await filterContext(db, actor, options.now);
  return recordsPage(db, actor, query, ctx, options);
}

async function recordsPage(db: Db, actor: Actor, query: ViewQuery, ctx: FilterContext, options: { cursor?: string | undefined; limit: number }): Promise<RecordsPage> {
  const table = TABLES[query.object];
  const sort = query.sort ?? DEFAULT_SORT;
  const sortColumn = column(query.object, sort.field);
  const type = VIEW_FIELDS[query.object][sort.field]!.type;
  const where = [viewConditions(actor, query, ctx)];
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    const cast = type === 'date' ? sql`${cursor.v}::timestamptz` : type === 'day' ? sql`${cursor.v}::date` : type === 'number' ? sql`${cursor.v}::numeric` : sql`${cursor.v}`;
    where.push(sort.direction === 'desc' ? sql`(${sortColumn}, ${table.id}) < (${cast}, ${cursor.id}::uuid)` : sql`(${sortColumn}, ${table.id}) > (${cast}, ${cursor.id}::uuid)`);
  }
  const order = sort.direction === 'desc' ? [desc(sortColumn), desc(table.id)] : [asc(sortColumn), asc(table.id)];
  const rows = (await db
    .select()
    .from(table as typeof leads)
    .where(and(...where))
    .orderBy(...order)
    .limit(options.limit + 1)) as Record<string, unknown>[];
  const page = rows.slice(0, options.limit).map(toRecord);
  const last = page.at(-1);
  return { data: page, nextCursor: rows.length > options.limit && last ? encodeCursor({ v: last[sort.field] as string | number, id: last.id }) : null };
}

/** Counts stop at this many: beyond it a view shows "10,000+" instead of scanning every match. */
export const COUNT_CAP = 10_000;

async function countOf(db: Db, actor: Actor, query: ViewQuery, ctx: FilterContext): Promise<number> {
  const table = TABLES[query.object];
  const result = (await db.execute(sql`select count(*)::int as n from (select 1 from ${table} where ${viewConditions(actor, query, ctx)} limit ${COUNT_CAP + 1}) as matches`)) as unknown as {
    rows: { n: number }[];
  };
  return Number(result.rows[0]!.n);
}

/** How many records an unsaved filter selects (the filter builder's preview), capped. */
export async function countRecords(db: Db, actor: Actor, query: ViewQuery, now?: Date): Promise<number> {
  assertCan(actor, 'records:read');
  assertValidView(query.object, query);
  return countOf(db, actor, query, await filterContext(db, actor, now));
}

/** The ids a view selects in its order, at most `max`: what bulk edits, enrollments and call queues act on. */
export async function viewRecordIds(db: Db, actor: Actor, viewId: string, max: number, now?: Date): Promise<{ object: ViewObject; ids: string[] }> {
  const view = await getView(db, actor, viewId);
  const ctx = await filterContext(db, actor, now);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await recordsPage(db, actor, view, ctx, { cursor, limit: Math.min(1000, max - ids.length) });
    ids.push(...page.data.map((r) => r.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < max);
  return { object: view.object, ids };
}

// ------------------------------------------------------------------ saved views

type ViewRow = typeof savedViews.$inferSelect;

export type SavedView = {
  id: string;
  object: ViewObject;
  name: string;
  ownerId: string;
  shared: boolean;
  filters: ViewFilters;
  sort: ViewSort;
  columns: string[];
  position: number;
  version: number;
  createdAt: string;
  updatedAt: string;
};

const toView = (row: ViewRow): SavedView => ({
  id: row.id,
  object: row.object as ViewObject,
  name: row.name,
  ownerId: row.ownerId,
  shared: row.shared,
  filters: row.filters,
  sort: row.sort,
  columns: row.columns.length ? row.columns : DEFAULT_COLUMNS[row.object as ViewObject],
  position: row.position,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const auditable = (view: SavedView) => ({ object: view.object, name: view.name, shared: view.shared, filters: view.filters, sort: view.sort, columns: view.columns });

/** The views the caller may use: their own and the org's shared ones, of one object or all. */
export async function listViews(db: Db, actor: Actor, object?: ViewObject): Promise<SavedView[]> {
  assertCan(actor, 'records:read');
  const conditions = [eq(savedViews.orgId, actor.orgId), or(eq(savedViews.ownerId, actor.userId), eq(savedViews.shared, true))];
  if (object) conditions.push(eq(savedViews.object, object));
  const rows = await db.select().from(savedViews).where(and(...conditions)).orderBy(asc(savedViews.object), asc(savedViews.position), asc(savedViews.name), asc(savedViews.id));
  return rows.map(toView);
}

/** A view the caller may use; another person's personal view is as absent as another org's. */
export async function getView(db: Db, actor: Actor, id: string): Promise<SavedView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(savedViews).where(and(eq(savedViews.orgId, actor.orgId), eq(savedViews.id, id)));
  if (!row || !canSeeView(row, actor.userId)) throw notFound('View');
  return toView(row);
}

export type ViewInput = { object: ViewObject; name: string; shared?: boolean | undefined; filters: ViewFilters; sort?: ViewSort | undefined; columns?: string[] | undefined; position?: number | undefined };

export async function createView(db: Db, actor: Actor, input: ViewInput): Promise<SavedView> {
  assertCan(actor, 'records:read');
  if (input.shared && !can(actor.role, 'views:share')) throw forbidden('Only managers and admins share views with everyone');
  assertValidView(input.object, input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(savedViews)
      .values({
        orgId: actor.orgId,
        id: newId(),
        object: input.object,
        name: input.name.trim(),
        ownerId: actor.userId,
        shared: input.shared ?? false,
        filters: input.filters,
        sort: input.sort ?? DEFAULT_SORT,
        columns: input.columns ?? [],
        position: input.position ?? 0,
      })
      .returning();
    const view = toView(row!);
    await recordAudit(tx, actor, { entityType: 'saved_view', entityId: view.id, action: 'create', after: auditable(view) });
    return view;
  });
}

export type ViewChanges = Partial<Omit<ViewInput, 'object'>>;

export async function updateView(db: Db, actor: Actor, id: string, changes: ViewChanges, expected: ExpectedVersion): Promise<SavedView> {
  assertCan(actor, 'records:read');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(savedViews).where(and(eq(savedViews.orgId, actor.orgId), eq(savedViews.id, id))).for('update');
    if (!row || !canSeeView(row, actor.userId)) throw notFound('View');
    const mayShare = can(actor.role, 'views:share');
    if (!canChangeView(row, actor.userId, mayShare)) throw forbidden('Only its owner, a manager or an admin changes a shared view');
    if (changes.shared && !row.shared && !mayShare) throw forbidden('Only managers and admins share views with everyone');
    assertVersion(expected, row.version);
    const next = { filters: changes.filters ?? row.filters, sort: changes.sort ?? row.sort, columns: changes.columns ?? row.columns };
    assertValidView(row.object as ViewObject, next);
    const [updated] = await tx
      .update(savedViews)
      .set({
        ...next,
        ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
        ...(changes.shared !== undefined ? { shared: changes.shared } : {}),
        ...(changes.position !== undefined ? { position: changes.position } : {}),
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where(and(eq(savedViews.orgId, actor.orgId), eq(savedViews.id, id)))
      .returning();
    const view = toView(updated!);
    await recordAudit(tx, actor, { entityType: 'saved_view', entityId: id, action: 'update', before: auditable(toView(row)), after: auditable(view) });
    return view;
  });
}

export async function deleteView(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'records:read');
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(savedViews).where(and(eq(savedViews.orgId, actor.orgId), eq(savedViews.id, id))).for('update');
    if (!row || !canSeeView(row, actor.userId)) throw notFound('View');
    if (!canChangeView(row, actor.userId, can(actor.role, 'views:share'))) throw forbidden('Only its owner, a manager or an admin deletes a shared view');
    await tx.delete(savedViews).where(and(eq(savedViews.orgId, actor.orgId), eq(savedViews.id, id)));
    await recordAudit(tx, actor, { entityType: 'saved_view', entityId: id, action: 'delete', before: auditable(toView(row)) });
  });
}

/** A saved view's records, page by page. */
export async function viewRecords(db: Db, actor: Actor, id: string, options: { cursor?: string | undefined; limit: number; now?: Date | undefined }): Promise<RecordsPage & { view: SavedView }> {
  const view = await getView(db, actor, id);
  const page = await recordsPage(db, actor, view, await filterContext(db, actor, options.now), options);
  return { ...page, view };
}

/** Each usable view's record count (capped at COUNT_CAP; `capped` says there are more). */
export async function viewCounts(db: Db, actor: Actor, object?: ViewObject, now?: Date): Promise<{ viewId: string; count: number; capped: boolean }[]> {
  const views = await listViews(db, actor, object);
  const ctx = await filterContext(db, actor, now);
  const counts: { viewId: string; count: number; capped: boolean }[] = [];
  // One at a time: PGlite has one connection, and on PostgreSQL a tab strip of views must not take
  // the whole pool.
  for (const view of views) {
    const n = await countOf(db, actor, view, ctx);
    counts.push({ viewId: view.id, count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP });
  }
  return counts;
}
