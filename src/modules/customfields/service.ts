import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, notFound, validationFailed, type FieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accounts, contacts } from '../accounts/schema.ts';
import { recordAudit } from '../audit/service.ts';
import { leads } from '../leads/schema.ts';
import { opportunities } from '../opportunities/schema.ts';
import { users } from '../users/schema.ts';
import { visibleRecords } from '../visibility/records.ts';
import {
  applyChanges,
  checkValues,
  customObjectSchema,
  definitionProblems,
  MAX_FIELDS_PER_OBJECT,
  parseFilter,
  valueFits,
  type CustomObject,
  type CustomValue,
  type DefinitionInput,
  type FieldDefinition,
  type FieldType,
} from './model.ts';
import { customFields } from './schema.ts';

// The records custom values live on. Values are read and written here only through the `custom`
// and `custom_archived` columns; each record's own service owns everything else about it.
const RECORD_TABLES = { lead: leads, contact: contacts, account: accounts, opportunity: opportunities } as const;
type RecordTable = (typeof RECORD_TABLES)[CustomObject];

type FieldRow = typeof customFields.$inferSelect;

export type FieldView = FieldDefinition & { version: number; createdAt: string; updatedAt: string };

const toView = (row: FieldRow): FieldView => ({
  id: row.id,
  object: row.object as CustomObject,
  key: row.key,
  label: row.label,
  type: row.type as FieldType,
  options: row.options,
  lookupObject: row.lookupObject as CustomObject | null,
  required: row.required,
  unique: row.unique,
  helpText: row.helpText,
  position: row.position,
  archivedAt: row.archivedAt?.toISOString() ?? null,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** Every field of the org (or of one record type), archived ones too, in display order. */
export async function fieldDefinitions(db: Db, actor: Actor, object?: CustomObject): Promise<FieldView[]> {
  const rows = await db
    .select()
    .from(customFields)
    .where(and(eq(customFields.orgId, actor.orgId), object ? eq(customFields.object, object) : undefined))
    .orderBy(asc(customFields.object), asc(customFields.position), asc(customFields.createdAt));
  return rows.map(toView);
}

/** The field list as the API gives it: everyone who reads records reads the definitions. */
export async function listFields(db: Db, actor: Actor, filter: { object?: CustomObject | undefined; archived?: boolean | undefined }): Promise<FieldView[]> {
  assertCan(actor, 'records:read');
  const all = await fieldDefinitions(db, actor, filter.object);
  return filter.archived === undefined ? all : all.filter((f) => Boolean(f.archivedAt) === filter.archived);
}

async function fieldRow(db: Db, actor: Actor, id: string, lock = false): Promise<FieldRow> {
  const query = db.select().from(customFields).where(and(eq(customFields.orgId, actor.orgId), eq(customFields.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Custom field');
  return row;
}

export const getField = async (db: Db, actor: Actor, id: string): Promise<FieldView> => {
  assertCan(actor, 'records:read');
  return toView(await fieldRow(db, actor, id));
};

export type NewField = { object: CustomObject } & Omit<DefinitionInput, 'options' | 'lookupObject' | 'required' | 'unique' | 'helpText'> &
  Partial<Pick<DefinitionInput, 'options' | 'lookupObject' | 'required' | 'unique' | 'helpText'>>;

const auditable = (view: FieldView) => {
  const { version: _v, createdAt: _c, updatedAt: _u, ...rest } = view;
  return rest;
};

export async function createField(db: Db, actor: Actor, input: NewField): Promise<FieldView> {
  assertCan(actor, 'customfields:manage');
  const definition: DefinitionInput = {
    key: input.key,
    label: input.label.trim(),
    type: input.type,
    options: (input.options ?? []).map((o) => o.trim()),
    lookupObject: input.lookupObject ?? null,
    required: input.required ?? false,
    unique: input.unique ?? false,
    helpText: (input.helpText ?? '').trim(),
  };
  return db.transaction(async (tx) => {
    const existing = await fieldDefinitions(tx, actor, input.object);
    const problems = definitionProblems(definition, new Set(existing.map((f) => f.key)));
    if (existing.length >= MAX_FIELDS_PER_OBJECT) problems.push({ field: 'object', message: `At most ${MAX_FIELDS_PER_OBJECT} fields per record type` });
    if (problems.length) throw validationFailed(problems);
    const position = existing.reduce((max, f) => Math.max(max, f.position + 1), 0);
    const [row] = await tx
      .insert(customFields)
      .values({ ...definition, orgId: actor.orgId, id: newId(), object: input.object, position })
      .returning();
    const view = toView(row!);
    await recordAudit(tx, actor, { entityType: 'custom_field', entityId: view.id, action: 'create', after: auditable(view) });
    return view;
  });
}

export type FieldChanges = Partial<Pick<DefinitionInput, 'label' | 'type' | 'options' | 'lookupObject' | 'required' | 'unique' | 'helpText'>> & { position?: number | undefined };

/**
 * Changes a field. The key never changes (the API, imports and rules name it). A new type or
 * new options are taken only when every value records hold still fits them, and uniqueness only
 * when no two live records share a value: a change never makes stored values wrong or lost.
 */
export async function updateField(db: Db, actor: Actor, id: string, changes: FieldChanges, expected: ExpectedVersion): Promise<FieldView> {
  assertCan(actor, 'customfields:manage');
  return db.transaction(async (tx) => {
    const row = await fieldRow(tx, actor, id, true);
    assertVersion(expected, row.version);
    const before = toView(row);
    const next: DefinitionInput = {
      key: before.key,
      label: changes.label?.trim() ?? before.label,
      type: changes.type ?? before.type,
      options: changes.options?.map((o) => o.trim()) ?? (changes.type && changes.type !== 'picklist' && changes.type !== 'multi_picklist' ? [] : before.options),
      lookupObject: changes.lookupObject !== undefined ? changes.lookupObject : changes.type && changes.type !== 'lookup' ? null : before.lookupObject,
      required: changes.required ?? before.required,
      unique: changes.unique ?? before.unique,
      helpText: changes.helpText?.trim() ?? before.helpText,
    };
    const problems = definitionProblems(next, new Set());
    if (problems.length) throw validationFailed(problems);
    if (before.archivedAt && (next.type !== before.type || JSON.stringify(next.options) !== JSON.stringify(before.options) || next.lookupObject !== before.lookupObject)) {
      throw conflict('Restore the field before changing its type or options', 'field_archived');
    }
    const table = RECORD_TABLES[before.object];
    const shapeChanges = next.type !== before.type || JSON.stringify(next.options) !== JSON.stringify(before.options) || next.lookupObject !== before.lookupObject;
    if (shapeChanges) {
      const misfits = await countMisfits(tx, actor, table, { ...before, ...next });
      if (misfits > 0) {
        throw new AppError(409, 'values_do_not_fit', `${misfits} ${before.object}${misfits === 1 ? '' : 's'} hold${misfits === 1 ? 's' : ''} values this change would not fit; change or clear them first`, [
          { field: next.type !== before.type ? 'type' : next.options !== before.options ? 'options' : 'lookupObject', message: `${misfits} stored value(s) would not fit` },
        ]);
      }
    }
    if (next.unique && !before.unique) {
      const shared = await sharedValues(tx, actor, table, before.key);
      if (shared > 0) throw new AppError(409, 'values_not_unique', `${shared} value(s) of ${before.label} are shared by several records; make them unique first`, [{ field: 'unique', message: 'Values are shared' }]);
    }
    const [updated] = await tx
      .update(customFields)
      .set({ ...next, position: changes.position ?? row.position, version: row.version + 1, updatedAt: new Date() })
      .where(and(eq(customFields.orgId, actor.orgId), eq(customFields.id, id)))
      .returning();
    const view = toView(updated!);
    await recordAudit(tx, actor, { entityType: 'custom_field', entityId: id, action: 'update', before: auditable(before), after: auditable(view) });
    return view;
  });
}

/** How many records (live or in the trash) hold a value under the field that the new definition would not take. */
async function countMisfits(tx: Db, actor: Actor, table: RecordTable, def: Pick<FieldDefinition, 'key' | 'type' | 'options'>): Promise<number> {
  let misfits = 0;
  let after: string | null = null;
  // In pages, so a field on a million leads is checked without holding them all.
  for (;;) {
    const page: { id: string; value: unknown }[] = await tx
      .select({ id: table.id, value: sql<unknown>`${table.custom}->${def.key}` })
      .from(table)
      .where(and(eq(table.orgId, actor.orgId), sql`${table.custom} ? ${def.key}`, after ? sql`${table.id} > ${after}::uuid` : undefined))
      .orderBy(asc(table.id))
      .limit(5000);
    misfits += page.filter((r) => !valueFits(def, r.value)).length;
    if (page.length < 5000) return misfits;
    after = page.at(-1)!.id;
  }
}

async function sharedValues(tx: Db, actor: Actor, table: RecordTable, key: string): Promise<number> {
  const rows = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(table)
    .where(and(eq(table.orgId, actor.orgId), isNull(table.deletedAt), sql`${table.custom} ? ${key}`))
    .groupBy(sql`lower(${table.custom}->>${key})`)
    .having(sql`count(*) > 1`);
  return rows.length;
}

/**
 * Archiving hides a field everywhere (forms, lists, the API, imports) and moves its values aside
 * on every record, where they wait; restoring brings the field and the values back.
 */
export async function setArchived(db: Db, actor: Actor, id: string, archived: boolean): Promise<FieldView & { records: number }> {
  assertCan(actor, 'customfields:manage');
  return db.transaction(async (tx) => {
    const row = await fieldRow(tx, actor, id, true);
    if (Boolean(row.archivedAt) === archived) throw conflict(archived ? 'The field is archived already' : 'The field is not archived', archived ? 'already_archived' : 'not_archived');
    const table = RECORD_TABLES[row.object as CustomObject];
    const [from, to] = archived ? [table.custom, table.customArchived] : [table.customArchived, table.custom];
    // Not a change of the records (no new version): their values only move between two columns.
    const moved = await tx
      .update(table)
      .set(
        archived
          ? { customArchived: sql`${to} || jsonb_build_object(${row.key}::text, ${from}->${row.key})`, custom: sql`${from} - ${row.key}::text` }
          : { custom: sql`${to} || jsonb_build_object(${row.key}::text, ${from}->${row.key})`, customArchived: sql`${from} - ${row.key}::text` },
      )
      .where(and(eq(table.orgId, actor.orgId), sql`${from} ? ${row.key}`))
      .returning({ id: table.id });
    const [updated] = await tx
      .update(customFields)
      .set({ archivedAt: archived ? new Date() : null, version: row.version + 1, updatedAt: new Date() })
      .where(and(eq(customFields.orgId, actor.orgId), eq(customFields.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'custom_field', entityId: id, action: archived ? 'archive' : 'restore', after: { key: row.key, object: row.object, records: moved.length } });
    return { ...toView(updated!), records: moved.length };
  });
}

/** Removes a field for good, only when no record (live, in the trash, or archived values) holds a value. */
export async function deleteField(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'customfields:manage');
  await db.transaction(async (tx) => {
    const row = await fieldRow(tx, actor, id, true);
    const table = RECORD_TABLES[row.object as CustomObject];
    const holders = await tx.$count(table, and(eq(table.orgId, actor.orgId), sql`(${table.custom} ? ${row.key} or ${table.customArchived} ? ${row.key})`));
    if (holders > 0) throw conflict(`${holders} record(s) hold values of this field; archive it instead (nothing is lost)`, 'field_has_values');
    await tx.delete(customFields).where(and(eq(customFields.orgId, actor.orgId), eq(customFields.id, id)));
    await recordAudit(tx, actor, { entityType: 'custom_field', entityId: id, action: 'delete', before: auditable(toView(row)) });
  });
}

// ---- values on records ----------------------------------------------------------------------

/**
 * The custom values a record will hold after a create (`current` null) or an edit: checked by
 * type, required and unique, users and lookups found in the org. Throws 400 with `custom.<key>`
 * field errors, so the record's service writes nothing. On an edit without `input` it returns null
 * (leave the column alone). Call inside the record's transaction.
 *
 * Required fields bind creates that say something about custom values: the record routes always
 * pass an object (the API, the UI), and imports check every row. Records other flows make without
 * asking a person for them (web forms, lead conversion, partner registrations) pass no `input` and
 * start without them, rather than fail on a field nobody could fill in.
 */
export async function prepareCustomValues(
  tx: Db,
  actor: Actor,
  object: CustomObject,
  input: Record<string, unknown> | undefined,
  record: { id: string | null; current: Record<string, unknown> | null },
): Promise<Record<string, unknown> | null> {
  const creating = record.current === null;
  if (input === undefined) return creating ? {} : null;
  const definitions = await fieldDefinitions(tx, actor, object);
  if (definitions.length === 0 && Object.keys(input).length === 0) return creating ? {} : null;
  const { changes, errors } = checkValues(definitions, input, { creating });
  if (errors.length === 0) errors.push(...(await referenceProblems(tx, actor, object, definitions, changes, record.id)));
  if (errors.length) throw validationFailed(errors);
  return applyChanges(record.current ?? {}, changes);
}

/** Users and lookups that do not exist in the org, and unique values another record holds. */
async function referenceProblems(
  tx: Db,
  actor: Actor,
  object: CustomObject,
  definitions: readonly FieldDefinition[],
  changes: Record<string, CustomValue | null>,
  recordId: string | null,
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  for (const def of definitions) {
    const value = changes[def.key];
    if (value === undefined || value === null) continue;
    if (def.type === 'user') {
      const [user] = await tx.select({ status: users.status }).from(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, value as string)));
      if (!user) problems.push({ field: `custom.${def.key}`, message: 'No such user in your organisation' });
      else if (user.status === 'deactivated') problems.push({ field: `custom.${def.key}`, message: 'That user is deactivated' });
    }
    if (def.type === 'lookup') {
      const target = RECORD_TABLES[def.lookupObject!];
      const found = await tx.$count(target, and(eq(target.orgId, actor.orgId), eq(target.id, value as string), isNull(target.deletedAt)));
      if (!found) problems.push({ field: `custom.${def.key}`, message: `No such ${def.lookupObject} in your organisation` });
    }
    if (def.unique) {
      const table = RECORD_TABLES[object];
      // One writer per org, record type and field at a time, so two records cannot take one value
      // in parallel (a unique index would need one expression index per field: DDL at run time).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`customfield:${actor.orgId}:${object}:${def.key}`}))`);
      const same = def.type === 'text' || def.type === 'url' ? sql`lower(${table.custom}->>${def.key}) = lower(${value as string})` : sql`${table.custom}->${def.key} = ${JSON.stringify(value)}::jsonb`;
      const taken = await tx.$count(table, and(eq(table.orgId, actor.orgId), isNull(table.deletedAt), same, recordId ? sql`${table.id} <> ${recordId}::uuid` : undefined));
      if (taken) problems.push({ field: `custom.${def.key}`, message: `Another ${object} has this ${def.label}` });
    }
  }
  return problems;
}

/** SQL conditions for `custom.<key>=…` list filters on a record type (400 for unknown fields or bad values). */
export async function customFilterConditions(db: Db, actor: Actor, object: CustomObject, filters: Record<string, string> | undefined): Promise<SQL[]> {
  if (!filters || Object.keys(filters).length === 0) return [];
  const definitions = new Map((await fieldDefinitions(db, actor, object)).filter((d) => !d.archivedAt).map((d) => [d.key, d]));
  const column = RECORD_TABLES[object].custom;
  const errors: FieldError[] = [];
  const conditions: SQL[] = [];
  for (const [key, text] of Object.entries(filters)) {
    const def = definitions.get(key);
    if (!def) {
      errors.push({ field: `custom.${key}`, message: 'No such custom field' });
      continue;
    }
    const filter = parseFilter(def, text);
    if ('error' in filter) {
      errors.push({ field: `custom.${key}`, message: filter.error });
      continue;
    }
    switch (filter.kind) {
      case 'blank':
        conditions.push(sql`not (${column} ? ${key})`);
        break;
      case 'text':
        conditions.push(sql`lower(${column}->>${key}) = lower(${filter.value})`);
        break;
      case 'equals':
        conditions.push(
          def.type === 'checkbox' && filter.value === false ? sql`coalesce(${column}->${key}, 'false'::jsonb) = 'false'::jsonb` : sql`${column}->${key} = ${JSON.stringify(filter.value)}::jsonb`,
        );
        break;
      case 'any_of':
        conditions.push(filter.values.length ? sql`${column}->>${key} in (${sql.join(filter.values.map((v) => sql`${v}`), sql`, `)})` : sql`false`);
        break;
      case 'contains':
        conditions.push(sql`${column}->${key} @> ${JSON.stringify([filter.value])}::jsonb`);
        break;
      case 'range': {
        const value = filter.path === 'amount' ? sql`(${column}->${key}->>'amount')::numeric` : def.type === 'date' ? sql`(${column}->>${key})` : sql`(${column}->>${key})::numeric`;
        if (filter.min !== null) conditions.push(sql`${value} >= ${filter.min}`);
        if (filter.max !== null) conditions.push(sql`${value} <= ${filter.max}`);
        conditions.push(sql`${column} ? ${key}`);
        break;
      }
    }
  }
  if (errors.length) throw validationFailed(errors);
  return conditions;
}

/** The `custom.<key>` query parameters of a list request, as key → text. */
export function customFiltersOf(query: Record<string, unknown>): Record<string, string> | undefined {
  const filters = Object.entries(query).filter(([name]) => name.startsWith('custom.'));
  return filters.length ? Object.fromEntries(filters.map(([name, value]) => [name.slice(7), String(value)])) : undefined;
}

const LIST_ROUTES: Record<CustomObject, string> = {
  lead: 'GET /api/v1/leads',
  contact: 'GET /api/v1/contacts',
  account: 'GET /api/v1/accounts',
  opportunity: 'GET /api/v1/opportunities',
};

/** The org's `custom` objects as JSON Schema, per record type: what this org's API accepts and returns. */
export async function customSchemas(db: Db, actor: Actor): Promise<Record<CustomObject, Record<string, unknown>>> {
  assertCan(actor, 'records:read');
  const definitions = await fieldDefinitions(db, actor);
  const schemaOf = (object: CustomObject) => ({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: `${object} custom fields`, ...customObjectSchema(object, definitions, (o) => LIST_ROUTES[o]) });
  return { lead: schemaOf('lead'), contact: schemaOf('contact'), account: schemaOf('account'), opportunity: schemaOf('opportunity') };
}

/** Active users by lower-cased email, for user fields in CSV. */
export async function usersByEmail(db: Db, actor: Actor): Promise<Map<string, string>> {
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.orgId, actor.orgId), eq(users.status, 'active')));
  return new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
}

// ---- reports ------------------------------------------------------------------------------------

const BREAKDOWN_TYPES: readonly FieldType[] = ['picklist', 'multi_picklist', 'checkbox', 'user'];
const VISIBILITY_OBJECTS = { lead: 'leads', contact: 'contacts', account: 'accounts', opportunity: 'opportunities' } as const;

export type BreakdownRow = { value: string | null; records: number; openAmounts: { currency: string; amount: number }[] };

/**
 * Live records of the field's type grouped by its value (each choice of a multi-picklist counts
 * the record once), with the open pipeline per currency for opportunities: the report a picklist
 * custom field adds. Counts only records the actor may see.
 */
export async function fieldBreakdown(db: Db, actor: Actor, id: string): Promise<{ field: FieldView; data: BreakdownRow[] }> {
  assertCan(actor, 'reports:read');
  const field = toView(await fieldRow(db, actor, id));
  if (!BREAKDOWN_TYPES.includes(field.type)) throw validationFailed([{ field: 'id', message: 'Break down by a picklist, multi-picklist, checkbox or user field' }]);
  if (field.archivedAt) throw conflict('The field is archived; restore it to report on it', 'field_archived');
  const table = RECORD_TABLES[field.object];
  const raw = sql`${table.custom}->${field.key}`;
  const values = field.type === 'multi_picklist' ? sql`case when jsonb_typeof(${raw}) = 'array' then ${raw} else '[null]'::jsonb end` : sql`jsonb_build_array(${raw})`;
  const deal = field.object === 'opportunity';
  const result = await db.execute(sql`
    select v.value #>> '{}' as value, ${deal ? sql`${opportunities.currency}` : sql`''`} as currency, count(*)::int as records,
           ${deal ? sql`coalesce(sum(${opportunities.amount}) filter (where ${opportunities.status} = 'open'), 0)` : sql`0`}::text as open_amount
    from ${table} cross join lateral jsonb_array_elements(${values}) as v(value)
    where ${table.orgId} = ${actor.orgId} and ${table.deletedAt} is null and ${visibleRecords(actor, VISIBILITY_OBJECTS[field.object])}
    group by 1, 2`);
  const rows = (result as unknown as { rows: { value: string | null; currency: string; records: number; open_amount: string }[] }).rows;
  const byValue = new Map<string | null, BreakdownRow>();
  for (const row of rows) {
    const entry = byValue.get(row.value) ?? { value: row.value, records: 0, openAmounts: [] };
    entry.records += row.records;
    if (deal && Number(row.open_amount) > 0) entry.openAmounts.push({ currency: row.currency, amount: Number(row.open_amount) });
    byValue.set(row.value, entry);
  }
  // In the field's order of choices, then the rest (users, checkboxes), records without a value last.
  const rank = (value: string | null) => (value === null ? Number.MAX_SAFE_INTEGER : field.options.includes(value) ? field.options.indexOf(value) : field.options.length);
  return { field, data: [...byValue.values()].sort((a, b) => rank(a.value) - rank(b.value) || b.records - a.records) };
}
