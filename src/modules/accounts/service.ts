import { and, asc, eq, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { companyFirstWordSql, phoneTailSql } from '../../core/match-keys.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit, recordAuditMany } from '../audit/service.ts';
import { placeAccount, routeAccount } from '../routing/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { visibleRecords } from '../visibility/records.ts';
import { customFilterConditions, prepareCustomValues } from '../customfields/service.ts';
import { createsCycle, normaliseDomain, type LifecycleStage } from './model.ts';
import { accounts, contacts } from './schema.ts';

type AccountRow = typeof accounts.$inferSelect;
type ContactRow = typeof contacts.$inferSelect;

/** Custom field values as the API sends them (checked against the org's fields by the customfields module). */
type CustomInput = { custom?: Record<string, unknown> | undefined };

export type AccountFields = {
  name?: string | undefined;
  domain?: string | null | undefined;
  industry?: string | null | undefined;
  employeeCount?: number | null | undefined;
  country?: string | null | undefined;
  region?: string | null | undefined;
  city?: string | null | undefined;
  phone?: string | null | undefined;
  parentAccountId?: string | null | undefined;
  lifecycleStage?: LifecycleStage | undefined;
  ownerId?: string | null | undefined;
  notes?: string | undefined;
};

export type ContactFields = {
  accountId?: string | null | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  title?: string | null | undefined;
  timeZone?: string | null | undefined;
  doNotCall?: boolean | undefined;
  ownerId?: string | null | undefined;
  notes?: string | undefined;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toAccountView(row: AccountRow) {
  const { orgId: _org, searchText: _search, customArchived: _archived, ...rest } = row;
  return { ...rest, lifecycleStage: rest.lifecycleStage as LifecycleStage, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(), deletedAt: iso(row.deletedAt) };
}
export type AccountView = ReturnType<typeof toAccountView>;

export function toContactView(row: ContactRow) {
  const { orgId: _org, searchText: _search, customArchived: _archived, ...rest } = row;
  return { ...rest, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(), deletedAt: iso(row.deletedAt) };
}
export type ContactView = ReturnType<typeof toContactView>;

const auditable = (row: AccountRow | ContactRow) => {
  const { orgId: _org, searchText: _search, createdAt: _c, updatedAt: _u, version: _v, customArchived: _a, ...rest } = row;
  return rest;
};

function tidy<T extends Record<string, unknown>>(input: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== 'string') out[key] = value;
    else if (key === 'domain') out[key] = normaliseDomain(value);
    else if (key === 'email') out[key] = value.trim().toLowerCase() || null;
    else if (key === 'country') out[key] = value.trim().toUpperCase() || null;
    else if (['name', 'firstName', 'lastName', 'notes', 'lifecycleStage'].includes(key)) out[key] = value.trim();
    else out[key] = value.trim() || null;
  }
  return out as T;
}

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function assertAccountExists(db: Db, actor: Actor, accountId: string | null | undefined, field: string): Promise<void> {
  if (!accountId) return;
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.orgId, actor.orgId), eq(accounts.id, accountId), isNull(accounts.deletedAt)));
  if (!row) throw validationFailed([{ field, message: 'No such account in your organisation' }]);
}

export async function createAccount(db: Db, actor: Actor, input: AccountFields & { name: string } & CustomInput): Promise<AccountView> {
  assertCan(actor, 'records:write');
  const { custom: customInput, ...fields } = tidy(input);
  if (!fields.name) throw validationFailed([{ field: 'name', message: 'An account needs a name' }]);
  const ownerId = fields.ownerId === undefined ? actor.userId : fields.ownerId;
  return db.transaction(async (tx) => {
    if (ownerId) await assertActiveUser(tx, actor, ownerId, 'ownerId');
    await assertAccountExists(tx, actor, fields.parentAccountId, 'parentAccountId');
    const custom = (await prepareCustomValues(tx, actor, 'account', customInput, { id: null, current: null }))!;
    const [row] = await tx.insert(accounts).values({ ...fields, custom, name: fields.name, ownerId, orgId: actor.orgId, id: newId() }).returning();
    await recordAudit(tx, actor, { entityType: 'account', entityId: row!.id, action: 'create', after: auditable(row!) });
    // Into its territory; and, with no owner given, to whoever the active routing rules pick.
    return routeAccount(tx, actor, toAccountView(row!), { explicitOwner: fields.ownerId !== undefined });
  });
}

export async function getAccount(db: Db, actor: Actor, id: string): Promise<AccountView & { contacts: ContactView[]; children: AccountView[] }> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(accounts).where(and(eq(accounts.orgId, actor.orgId), eq(accounts.id, id), visibleRecords(actor, 'accounts')));
  if (!row) throw notFound('Account');
  const [people, children] = await Promise.all([
    db.select().from(contacts).where(and(eq(contacts.orgId, actor.orgId), eq(contacts.accountId, id), isNull(contacts.deletedAt), visibleRecords(actor, 'contacts'))).orderBy(asc(contacts.lastName)),
    db.select().from(accounts).where(and(eq(accounts.orgId, actor.orgId), eq(accounts.parentAccountId, id), isNull(accounts.deletedAt), visibleRecords(actor, 'accounts'))).orderBy(asc(accounts.name)),
  ]);
  return { ...toAccountView(row), contacts: people.map(toContactView), children: children.map(toAccountView) };
}

type ListFilter = { q?: string | undefined; ownerId?: string | undefined; custom?: Record<string, string> | undefined; cursor?: string | undefined; limit: number };

/** Lists sorted by a text column with keyset pagination on (column, id). */
async function listByName<Row extends { id: string }>(
  db: Db,
  table: typeof accounts | typeof contacts,
  sortColumn: typeof accounts.name | typeof contacts.lastName,
  conditions: SQL[],
  filter: ListFilter,
  sortValue: (row: Row) => string,
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    conditions.push(sql`(${sortColumn}, ${table.id}) > (${cursor.v}, ${cursor.id}::uuid)`);
  }
  const rows = (await db
    .select()
    .from(table)
    .where(and(...conditions))
    .orderBy(asc(sortColumn), asc(table.id))
    .limit(filter.limit + 1)) as unknown as Row[];
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > filter.limit && last ? encodeCursor({ v: sortValue(last), id: last.id }) : null };
}

export async function listAccounts(db: Db, actor: Actor, filter: ListFilter & { lifecycleStage?: LifecycleStage | undefined }) {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(accounts.orgId, actor.orgId), isNull(accounts.deletedAt), visibleRecords(actor, 'accounts')];
  if (filter.q?.trim()) conditions.push(ilike(accounts.searchText, likePattern(filter.q.trim())));
  if (filter.ownerId) conditions.push(eq(accounts.ownerId, filter.ownerId));
  if (filter.lifecycleStage) conditions.push(eq(accounts.lifecycleStage, filter.lifecycleStage));
  conditions.push(...(await customFilterConditions(db, actor, 'account', filter.custom)));
  const { rows, nextCursor } = await listByName<AccountRow>(db, accounts, accounts.name, conditions, filter, (row) => row.name);
  return { data: rows.map(toAccountView), nextCursor };
}

export async function listContacts(db: Db, actor: Actor, filter: ListFilter & { accountId?: string | undefined }) {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(contacts.orgId, actor.orgId), isNull(contacts.deletedAt), visibleRecords(actor, 'contacts')];
  if (filter.q?.trim()) conditions.push(ilike(contacts.searchText, likePattern(filter.q.trim())));
  if (filter.ownerId) conditions.push(eq(contacts.ownerId, filter.ownerId));
  if (filter.accountId) conditions.push(eq(contacts.accountId, filter.accountId));
  conditions.push(...(await customFilterConditions(db, actor, 'contact', filter.custom)));
  const { rows, nextCursor } = await listByName<ContactRow>(db, contacts, contacts.lastName, conditions, filter, (row) => row.lastName);
  return { data: rows.map(toContactView), nextCursor };
}

export async function updateAccount(db: Db, actor: Actor, id: string, changes: AccountFields & CustomInput, expected: ExpectedVersion): Promise<AccountView> {
  assertCan(actor, 'records:write');
  const { custom: customInput, ...fields } = tidy(changes);
  if (fields.name !== undefined && !fields.name) throw validationFailed([{ field: 'name', message: 'An account needs a name' }]);
  return db.transaction(async (tx) => {
    const where = and(eq(accounts.orgId, actor.orgId), eq(accounts.id, id));
    const [row] = await tx.select().from(accounts).where(and(where, isNull(accounts.deletedAt), visibleRecords(actor, 'accounts'))).for('update');
    if (!row) throw notFound('Account');
    assertVersion(expected, row.version);
    if (fields.ownerId && fields.ownerId !== row.ownerId) await assertActiveUser(tx, actor, fields.ownerId, 'ownerId');
    if (fields.parentAccountId) {
      await assertAccountExists(tx, actor, fields.parentAccountId, 'parentAccountId');
      const all = await tx.select({ id: accounts.id, parent: accounts.parentAccountId }).from(accounts).where(and(eq(accounts.orgId, actor.orgId), sql`${accounts.parentAccountId} is not null`));
      if (createsCycle(id, fields.parentAccountId, new Map(all.map((a) => [a.id, a.parent])))) {
        throw validationFailed([{ field: 'parentAccountId', message: 'An account cannot sit under itself or its own subsidiaries' }]);
      }
    }
    const custom = await prepareCustomValues(tx, actor, 'account', customInput, { id, current: row.custom });
    const [updated] = await tx.update(accounts).set({ ...fields, ...(custom ? { custom } : {}), version: row.version + 1, updatedAt: new Date() }).where(where).returning();
    await recordAudit(tx, actor, { entityType: 'account', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    return placeAccount(tx, actor, toAccountView(updated!), fields);
  });
}

export async function deleteAccount(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'records:delete');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(accounts)
      .set({ deletedAt: new Date(), version: sql`${accounts.version} + 1`, updatedAt: new Date() })
      .where(and(eq(accounts.orgId, actor.orgId), eq(accounts.id, id), isNull(accounts.deletedAt), visibleRecords(actor, 'accounts')))
      .returning({ id: accounts.id });
    if (!row) throw notFound('Account');
    await recordAudit(tx, actor, { entityType: 'account', entityId: id, action: 'delete' });
  });
}

export async function createContact(db: Db, actor: Actor, input: ContactFields & CustomInput): Promise<ContactView> {
  assertCan(actor, 'records:write');
  const { custom: customInput, ...fields } = tidy(input);
  if (!fields.firstName && !fields.lastName && !fields.email) {
    throw validationFailed([{ field: 'lastName', message: 'Give at least a name or an email' }]);
  }
  const ownerId = fields.ownerId === undefined ? actor.userId : fields.ownerId;
  return db.transaction(async (tx) => {
    if (ownerId) await assertActiveUser(tx, actor, ownerId, 'ownerId');
    await assertAccountExists(tx, actor, fields.accountId, 'accountId');
    const custom = (await prepareCustomValues(tx, actor, 'contact', customInput, { id: null, current: null }))!;
    const [row] = await tx.insert(contacts).values({ ...fields, custom, ownerId, orgId: actor.orgId, id: newId() }).returning();
    await recordAudit(tx, actor, { entityType: 'contact', entityId: row!.id, action: 'create', after: auditable(row!) });
    return toContactView(row!);
  });
}

export async function getContact(db: Db, actor: Actor, id: string): Promise<ContactView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(contacts).where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, id), visibleRecords(actor, 'contacts')));
  if (!row) throw notFound('Contact');
  return toContactView(row);
}

export async function updateContact(db: Db, actor: Actor, id: string, changes: ContactFields & CustomInput, expected: ExpectedVersion): Promise<ContactView> {
  assertCan(actor, 'records:write');
  const { custom: customInput, ...fields } = tidy(changes);
  return db.transaction(async (tx) => {
    const where = and(eq(contacts.orgId, actor.orgId), eq(contacts.id, id));
    const [row] = await tx.select().from(contacts).where(and(where, isNull(contacts.deletedAt), visibleRecords(actor, 'contacts'))).for('update');
    if (!row) throw notFound('Contact');
    assertVersion(expected, row.version);
    if (fields.ownerId && fields.ownerId !== row.ownerId) await assertActiveUser(tx, actor, fields.ownerId, 'ownerId');
    await assertAccountExists(tx, actor, fields.accountId, 'accountId');
    const merged = { ...row, ...fields };
    if (!merged.firstName && !merged.lastName && !merged.email) {
      throw validationFailed([{ field: 'lastName', message: 'Give at least a name or an email' }]);
    }
    const custom = await prepareCustomValues(tx, actor, 'contact', customInput, { id, current: row.custom });
    const [updated] = await tx.update(contacts).set({ ...fields, ...(custom ? { custom } : {}), version: row.version + 1, updatedAt: new Date() }).where(where).returning();
    await recordAudit(tx, actor, { entityType: 'contact', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    return toContactView(updated!);
  });
}

export async function deleteContact(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'records:delete');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(contacts)
      .set({ deletedAt: new Date(), version: sql`${contacts.version} + 1`, updatedAt: new Date() })
      .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, id), isNull(contacts.deletedAt), visibleRecords(actor, 'contacts')))
      .returning({ id: contacts.id });
    if (!row) throw notFound('Contact');
    await recordAudit(tx, actor, { entityType: 'contact', entityId: id, action: 'delete' });
  });
}

async function reassignOwned(db: Db, actor: Actor, table: typeof accounts | typeof contacts, entityType: string, fromUserId: string, toUserId: string, reason: string): Promise<number> {
  assertCan(actor, 'records:reassign');
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(table)
      .set({ ownerId: toUserId, version: sql`${table.version} + 1`, updatedAt: new Date() })
      .where(and(eq(table.orgId, actor.orgId), eq(table.ownerId, fromUserId), isNull(table.deletedAt)))
      .returning({ id: table.id });
    await recordAuditMany(tx, actor, moved.map((row) => ({ entityType, entityId: row.id, action: 'update', before: { ownerId: fromUserId }, after: { ownerId: toUserId }, reason })));
    return moved.length;
  });
}

export const reassignAccountsOfOwner = (db: Db, actor: Actor, from: string, to: string, reason: string) =>
  reassignOwned(db, actor, accounts, 'account', from, to, reason);
export const reassignContactsOfOwner = (db: Db, actor: Actor, from: string, to: string, reason: string) =>
  reassignOwned(db, actor, contacts, 'contact', from, to, reason);

/** Names of accounts by id, for showing a contact's company without a second round trip. */
export async function accountNames(db: Db, actor: Actor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(and(eq(accounts.orgId, actor.orgId), inArray(accounts.id, ids)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// Duplicate look-ups and merges. The rules of who or what is the same live in the duplicates
// module; these functions only read and write account and contact rows for it.

export type ContactCandidate = ContactView & { accountDomain: string | null; accountCountry: string | null };

/** Live contacts that might be this person (same email, phone ending or name), with their account's domain and country. */
export async function contactMatchCandidates(
  db: Db,
  actor: Actor,
  probe: { email: string | null; phoneTail: string | null; firstName: string | null; lastName: string | null },
): Promise<ContactCandidate[]> {
  const alternatives: SQL[] = [];
  if (probe.email) alternatives.push(sql`lower(${contacts.email}) = ${probe.email.toLowerCase()}`);
  if (probe.phoneTail) alternatives.push(sql`${phoneTailSql(contacts.phone)} = ${probe.phoneTail}`);
  if (probe.firstName && probe.lastName) {
    alternatives.push(sql`lower(${contacts.lastName}) = ${probe.lastName.toLowerCase()} and lower(${contacts.firstName}) = ${probe.firstName.toLowerCase()}`);
  }
  if (alternatives.length === 0) return [];
  const rows = await db
    .select({ contact: contacts, accountDomain: accounts.domain, accountCountry: accounts.country })
    .from(contacts)
    .leftJoin(accounts, and(eq(accounts.orgId, contacts.orgId), eq(accounts.id, contacts.accountId)))
    .where(and(eq(contacts.orgId, actor.orgId), isNull(contacts.deletedAt), or(...alternatives)))
    .orderBy(asc(contacts.createdAt))
    .limit(100);
  return rows.map((r) => ({ ...toContactView(r.contact), accountDomain: r.accountDomain, accountCountry: r.accountCountry }));
}

const CANDIDATE_CAP = 5000;

/** Contacts sharing an email, a phone ending or a first and last name, for the duplicates rules to confirm. */
export async function contactDuplicateCandidates(db: Db, actor: Actor) {
  assertCan(actor, 'records:read');
  const live = and(eq(contacts.orgId, actor.orgId), isNull(contacts.deletedAt), visibleRecords(actor, 'contacts'));
  const emailKey = sql<string>`lower(${contacts.email})`;
  const sameEmail = await db
    .select({ value: emailKey, ids: sql<string[]>`array_agg(${contacts.id} order by ${contacts.createdAt}, ${contacts.id})` })
    .from(contacts)
    .where(and(live, isNotNull(contacts.email)))
    .groupBy(emailKey)
    .having(sql`count(*) > 1`)
    .limit(CANDIDATE_CAP);

  const tail = phoneTailSql(contacts.phone);
  const sharedTails = db
    .select({ tail: sql`${tail}`.as('tail') })
    .from(contacts)
    .where(and(live, sql`${contacts.phone} is not null`, sql`${tail} <> ''`))
    .groupBy(tail)
    .having(sql`count(*) > 1`)
    .as('shared_tails');
  const withAccount = and(eq(accounts.orgId, contacts.orgId), eq(accounts.id, contacts.accountId));
  const samePhoneTail = await db
    .select({ id: contacts.id, phone: contacts.phone, country: accounts.country })
    .from(contacts)
    .innerJoin(sharedTails, sql`${tail} = ${sharedTails.tail}`)
    .leftJoin(accounts, withAccount)
    .where(live)
    .orderBy(asc(contacts.createdAt), asc(contacts.id))
    .limit(CANDIDATE_CAP);

  const first = sql`lower(${contacts.firstName})`;
  const last = sql`lower(${contacts.lastName})`;
  const sharedNames = db
    .select({ first: sql`${first}`.as('first'), last: sql`${last}`.as('last') })
    .from(contacts)
    .where(and(live, sql`${contacts.firstName} <> ''`, sql`${contacts.lastName} <> ''`))
    .groupBy(first, last)
    .having(sql`count(*) > 1`)
    .as('shared_names');
  const sameName = await db
    .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.email, accountId: contacts.accountId, domain: accounts.domain })
    .from(contacts)
    .innerJoin(sharedNames, and(sql`${last} = ${sharedNames.last}`, sql`${first} = ${sharedNames.first}`))
    .leftJoin(accounts, withAccount)
    .where(live)
    .orderBy(asc(contacts.createdAt), asc(contacts.id))
    .limit(CANDIDATE_CAP);

  return { sameEmail, samePhoneTail, sameName };
}

/** Accounts sharing a domain, and pairs with similar names (pg_trgm similarity among names starting with the same word). */
export async function accountDuplicateCandidates(db: Db, actor: Actor, minSimilarity: number) {
  assertCan(actor, 'records:read');
  const live = and(eq(accounts.orgId, actor.orgId), isNull(accounts.deletedAt), visibleRecords(actor, 'accounts'));
  const domainKey = sql<string>`lower(${accounts.domain})`;
  const sameDomain = await db
    .select({ value: domainKey, ids: sql<string[]>`array_agg(${accounts.id} order by ${accounts.createdAt}, ${accounts.id})` })
    .from(accounts)
    .where(and(live, isNotNull(accounts.domain)))
    .groupBy(domainKey)
    .having(sql`count(*) > 1`)
    .limit(CANDIDATE_CAP);

  // Names are compared only within the same first word, hashed once per account.
  const similar = await db.execute(sql`
    with blocked as (
      select ${accounts.id} as id, ${accounts.name} as name, ${companyFirstWordSql(accounts.name)} as block
      from ${accounts}
      where ${accounts.orgId} = ${actor.orgId} and ${accounts.deletedAt} is null and ${visibleRecords(actor, 'accounts')}
    )
    select a.id as a, b.id as b, similarity(lower(a.name), lower(b.name)) as similarity, a.name as name
    from blocked a join blocked b on b.block = a.block and b.id > a.id
    where similarity(lower(a.name), lower(b.name)) >= ${minSimilarity}
    order by similarity desc
    limit ${CANDIDATE_CAP}`);
  const similarName = (similar as unknown as { rows: { a: string; b: string; similarity: number; name: string }[] }).rows;

  return { sameDomain, similarName };
}

/** Whole accounts, trash included; `lock` holds them for the caller's merge (or undo) transaction. */
export async function accountSnapshots(db: Db, actor: Actor, ids: string[], lock = false): Promise<AccountView[]> {
  if (ids.length === 0) return [];
  const query = db.select().from(accounts).where(and(eq(accounts.orgId, actor.orgId), inArray(accounts.id, ids), visibleRecords(actor, 'accounts')));
  return (lock ? await query.for('update') : await query).map(toAccountView);
}

/** Whole contacts, trash included; `lock` holds them for the caller's merge (or undo) transaction. */
export async function contactSnapshots(db: Db, actor: Actor, ids: string[], lock = false): Promise<ContactView[]> {
  if (ids.length === 0) return [];
  const query = db.select().from(contacts).where(and(eq(contacts.orgId, actor.orgId), inArray(contacts.id, ids), visibleRecords(actor, 'contacts')));
  return (lock ? await query.for('update') : await query).map(toContactView);
}

type Editable<T> = { [K in keyof T]-?: Exclude<T[K], undefined> } & { deletedAt: string | null };
export type AccountState = Editable<AccountFields>;
export type ContactState = Editable<ContactFields>;

/**
 * Sets a record to a merge's outcome or back to a snapshot: every editable field and its trash
 * state. Audited as an update (with the changed fields), a delete or a restore, with the reason.
 */
async function writeState(
  tx: Db,
  actor: Actor,
  table: typeof accounts | typeof contacts,
  entityType: 'account' | 'contact',
  id: string,
  state: AccountState | ContactState,
  reason: string,
): Promise<AccountRow | ContactRow> {
  const where = and(eq(table.orgId, actor.orgId), eq(table.id, id));
  const [row] = await tx.select().from(table).where(where).for('update');
  if (!row) throw notFound(entityType === 'account' ? 'Account' : 'Contact');
  const { deletedAt, ...fields } = state;
  const [updated] = await tx
    .update(table)
    .set({ ...fields, deletedAt: deletedAt ? new Date(deletedAt) : null, version: row.version + 1, updatedAt: new Date() })
    .where(where)
    .returning();
  const action = !row.deletedAt && updated!.deletedAt ? 'delete' : row.deletedAt && !updated!.deletedAt ? 'restore' : 'update';
  await recordAudit(tx, actor, {
    entityType,
    entityId: id,
    action,
    ...(action === 'update' ? { before: auditable(row), after: auditable(updated!) } : {}),
    reason,
  });
  return updated!;
}

export const writeAccountState = async (tx: Db, actor: Actor, id: string, state: AccountState, reason: string) =>
  toAccountView((await writeState(tx, actor, accounts, 'account', id, state, reason)) as AccountRow);
export const writeContactState = async (tx: Db, actor: Actor, id: string, state: ContactState, reason: string) =>
  toContactView((await writeState(tx, actor, contacts, 'contact', id, state, reason)) as ContactRow);

export type Relink = { id: string; from: string; to: string };

/** Live contacts and subsidiaries of some accounts: what moves when those accounts merge away. */
export async function dependantsOfAccounts(tx: Db, actor: Actor, accountIds: string[]): Promise<{ contacts: { id: string; accountId: string }[]; subsidiaries: { id: string; parentAccountId: string }[] }> {
  if (accountIds.length === 0) return { contacts: [], subsidiaries: [] };
  const [people, children] = await Promise.all([
    tx
      .select({ id: contacts.id, accountId: sql<string>`${contacts.accountId}` })
      .from(contacts)
      .where(and(eq(contacts.orgId, actor.orgId), inArray(contacts.accountId, accountIds), isNull(contacts.deletedAt))),
    tx
      .select({ id: accounts.id, parentAccountId: sql<string>`${accounts.parentAccountId}` })
      .from(accounts)
      .where(and(eq(accounts.orgId, actor.orgId), inArray(accounts.parentAccountId, accountIds), isNull(accounts.deletedAt))),
  ]);
  return { contacts: people, subsidiaries: children };
}

/**
 * Moves contacts (or subsidiaries) from one account to another, each only if it is still on the
 * account it is moved from — so an undo never drags back a contact someone has moved since.
 * Every move is audited; returns the ids that moved.
 */
async function relink(tx: Db, actor: Actor, kind: 'contact' | 'account', moves: Relink[], reason: string): Promise<string[]> {
  const moved: string[] = [];
  for (const move of moves) {
    const rows =
      kind === 'contact'
        ? await tx
            .update(contacts)
            .set({ accountId: move.to, version: sql`${contacts.version} + 1`, updatedAt: new Date() })
            .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, move.id), eq(contacts.accountId, move.from)))
            .returning({ id: contacts.id })
        : await tx
            .update(accounts)
            .set({ parentAccountId: move.to, version: sql`${accounts.version} + 1`, updatedAt: new Date() })
            .where(and(eq(accounts.orgId, actor.orgId), eq(accounts.id, move.id), eq(accounts.parentAccountId, move.from)))
            .returning({ id: accounts.id });
    if (rows.length > 0) moved.push(move.id);
  }
  const field = kind === 'contact' ? 'accountId' : 'parentAccountId';
  const done = new Set(moved);
  await recordAuditMany(
    tx,
    actor,
    moves.filter((m) => done.has(m.id)).map((m) => ({ entityType: kind, entityId: m.id, action: 'update', before: { [field]: m.from }, after: { [field]: m.to }, reason })),
  );
  return moved;
}

export const relinkContacts = (tx: Db, actor: Actor, moves: Relink[], reason: string) => relink(tx, actor, 'contact', moves, reason);
export const relinkSubsidiaries = (tx: Db, actor: Actor, moves: Relink[], reason: string) => relink(tx, actor, 'account', moves, reason);

// Routing: the routing module decides owners and territories; these functions only read and
// write account rows for it.

/** A lead's known account: the first live account with the lead's company domain, else with its exact company name. */
export async function findAccountForLead(db: Db, actor: Actor, lead: { domain: string | null; company: string | null }): Promise<{ id: string; name: string; ownerId: string | null } | null> {
  const columns = { id: accounts.id, name: accounts.name, ownerId: accounts.ownerId };
  const live = and(eq(accounts.orgId, actor.orgId), isNull(accounts.deletedAt));
  if (lead.domain) {
    const [byDomain] = await db.select(columns).from(accounts).where(and(live, sql`lower(${accounts.domain}) = ${lead.domain.toLowerCase()}`)).orderBy(asc(accounts.createdAt)).limit(1);
    if (byDomain) return byDomain;
  }
  const company = lead.company?.trim();
  if (!company) return null;
  const [byName] = await db.select(columns).from(accounts).where(and(live, sql`lower(${accounts.name}) = ${company.toLowerCase()}`)).orderBy(asc(accounts.createdAt)).limit(1);
  return byName ?? null;
}

export type AccountMatch = { id: string; name: string; domain: string | null; ownerId: string | null; createdAt: string; similarity: number };

/**
 * Live accounts that may be a lead's company, for a conversion to offer: every account with the
 * company domain, and the closest names by pg_trgm similarity (at least `minSimilarity`). The name
 * search reads every account of the org once; a conversion is one rep's click, not a batch.
 */
export async function accountMatchCandidates(
  db: Db,
  actor: Actor,
  probe: { domain: string | null; company: string | null },
  minSimilarity: number,
): Promise<{ byDomain: AccountMatch[]; bySimilarName: AccountMatch[] }> {
  const live = and(eq(accounts.orgId, actor.orgId), isNull(accounts.deletedAt));
  const columns = { id: accounts.id, name: accounts.name, domain: accounts.domain, ownerId: accounts.ownerId, createdAt: accounts.createdAt };
  const byDomain = probe.domain
    ? await db.select(columns).from(accounts).where(and(live, sql`lower(${accounts.domain}) = ${probe.domain.toLowerCase()}`)).orderBy(asc(accounts.createdAt)).limit(10)
    : [];
  const company = probe.company?.trim().toLowerCase();
  const similarity = sql<number>`similarity(lower(${accounts.name}), ${company ?? ''})`;
  const bySimilarName = company
    ? await db
        .select({ ...columns, similarity })
        .from(accounts)
        .where(and(live, sql`${similarity} >= ${minSimilarity}`))
        .orderBy(sql`${similarity} desc`, asc(accounts.createdAt))
        .limit(5)
    : [];
  const view = (row: { id: string; name: string; domain: string | null; ownerId: string | null; createdAt: Date }, sim: number) => ({ ...row, createdAt: row.createdAt.toISOString(), similarity: sim });
  return { byDomain: byDomain.map((row) => view(row, 1)), bySimilarName: bySimilarName.map((row) => view(row, Number(row.similarity))) };
}

/** Sets the owner and territory routing decided; an owner change is audited with the decision's reason. */
export async function setAccountRouting(tx: Db, actor: Actor, id: string, changes: { ownerId?: string | null; territoryId?: string | null }, reason: string | null): Promise<AccountView> {
  const where = and(eq(accounts.orgId, actor.orgId), eq(accounts.id, id));
  const [row] = await tx.select().from(accounts).where(where).for('update');
  if (!row) throw notFound('Account');
  const ownerChanges = changes.ownerId !== undefined && changes.ownerId !== row.ownerId;
  const territoryChanges = changes.territoryId !== undefined && changes.territoryId !== row.territoryId;
  if (!ownerChanges && !territoryChanges) return toAccountView(row);
  const [updated] = await tx
    .update(accounts)
    .set({
      ...(territoryChanges ? { territoryId: changes.territoryId } : {}),
      ...(ownerChanges ? { ownerId: changes.ownerId, version: row.version + 1, updatedAt: new Date() } : {}),
    })
    .where(where)
    .returning();
  if (ownerChanges) {
    await recordAudit(tx, actor, { entityType: 'account', entityId: id, action: 'update', before: { ownerId: row.ownerId }, after: { ownerId: changes.ownerId }, reason });
  }
  return toAccountView(updated!);
}

/** How many live accounts each person owns (load-balanced account routing), not counting `exceptId`. */
export async function accountCountsByOwner(db: Db, actor: Actor, ownerIds: string[], exceptId?: string): Promise<Record<string, number>> {
  if (ownerIds.length === 0) return {};
  const conditions = [eq(accounts.orgId, actor.orgId), inArray(accounts.ownerId, ownerIds), isNull(accounts.deletedAt)];
  if (exceptId) conditions.push(sql`${accounts.id} <> ${exceptId}::uuid`);
  const rows = await db
    .select({ ownerId: accounts.ownerId, n: sql<number>`count(*)::int` })
    .from(accounts)
    .where(and(...conditions))
    .groupBy(accounts.ownerId);
  return Object.fromEntries(rows.map((r) => [r.ownerId!, r.n]));
}

/** The live accounts a person owns: what a bulk reassignment moves. */
export async function accountIdsOf(db: Db, actor: Actor, ownerId: string): Promise<string[]> {
  const rows = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.orgId, actor.orgId), eq(accounts.ownerId, ownerId), isNull(accounts.deletedAt)))
    .orderBy(asc(accounts.name), asc(accounts.id));
  return rows.map((r) => r.id);
}

export type AccountPlacement = { id: string; country: string | null; region: string | null; industry: string | null; employeeCount: number | null; territoryId: string | null };

/** One batch of live accounts in id order after `afterId`, with what territories look at. */
export async function accountPlacements(db: Db, actor: Actor, afterId: string | null, limit: number): Promise<AccountPlacement[]> {
  const conditions: SQL[] = [eq(accounts.orgId, actor.orgId), isNull(accounts.deletedAt)];
  if (afterId) conditions.push(sql`${accounts.id} > ${afterId}::uuid`);
  return db
    .select({ id: accounts.id, country: accounts.country, region: accounts.region, industry: accounts.industry, employeeCount: accounts.employeeCount, territoryId: accounts.territoryId })
    .from(accounts)
    .where(and(...conditions))
    .orderBy(asc(accounts.id))
    .limit(limit);
}

/** Stores re-resolved territories in one statement. */
export async function setAccountTerritories(db: Db, actor: Actor, changes: { id: string; territoryId: string | null }[]): Promise<void> {
  if (changes.length === 0) return;
  await db.execute(sql`
    update accounts set territory_id = v.territory_id
    from jsonb_to_recordset(${JSON.stringify(changes.map((c) => ({ id: c.id, territory_id: c.territoryId })))}::jsonb) as v(id uuid, territory_id uuid)
    where accounts.org_id = ${actor.orgId} and accounts.id = v.id`);
}

/** The live accounts of some territories, by name, at most `limit`: a rep's territory view. */
export async function accountsInTerritories(db: Db, actor: Actor, territoryIds: string[], limit: number): Promise<AccountView[]> {
  assertCan(actor, 'records:read');
  if (territoryIds.length === 0) return [];
  const rows = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.orgId, actor.orgId), inArray(accounts.territoryId, territoryIds), isNull(accounts.deletedAt)))
    .orderBy(asc(accounts.name), asc(accounts.id))
    .limit(limit);
  return rows.map(toAccountView);
}
