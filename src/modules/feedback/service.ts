import { and, asc, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accounts, contacts } from '../accounts/schema.ts';
import { accountSnapshots, getContact } from '../accounts/service.ts';
import { activities } from '../activities/schema.ts';
import { leads } from '../leads/schema.ts';
import { opportunities } from '../opportunities/schema.ts';
import { recordAudit } from '../audit/service.ts';
import { notify, withNotifications, type Delivery } from '../notifications/service.ts';
import { dealsCitedOrWon } from '../opportunities/opportunities.service.ts';
import {
  areaPath,
  createsCycle,
  MIN_SIMILARITY,
  moneyCell,
  rankIdeas,
  revenueAtStake,
  toCsv,
  totalAtStake,
  type FeedbackKind,
  type IdeaStatus,
  type Money,
  type SourceType,
} from './model.ts';
import { feedbackAreas, feedbackItems, ideas } from './schema.ts';

// ---- product areas ----------------------------------------------------------------------------

export type AreaView = { id: string; name: string; parentId: string | null; path: string };

async function areaMap(db: Db, actor: Actor) {
  const rows = await db.select().from(feedbackAreas).where(eq(feedbackAreas.orgId, actor.orgId)).orderBy(asc(feedbackAreas.name));
  return new Map(rows.map((r) => [r.id, { name: r.name, parentId: r.parentId }]));
}

export async function listAreas(db: Db, actor: Actor): Promise<AreaView[]> {
  assertCan(actor, 'feedback:read');
  const areas = await areaMap(db, actor);
  return [...areas.entries()].map(([id, a]) => ({ id, name: a.name, parentId: a.parentId, path: areaPath(areas, id)! })).sort((a, b) => a.path.localeCompare(b.path));
}

export async function createArea(db: Db, actor: Actor, input: { name: string; parentId?: string | null | undefined }): Promise<AreaView> {
  assertCan(actor, 'feedback:manage');
  return db.transaction(async (tx) => {
    const areas = await areaMap(tx, actor);
    const parentId = input.parentId ?? null;
    if (parentId && !areas.has(parentId)) throw validationFailed([{ field: 'parentId', message: 'No such product area' }]);
    const name = input.name.trim();
    const clash = [...areas.values()].some((a) => a.parentId === parentId && a.name.toLowerCase() === name.toLowerCase());
    if (clash) throw validationFailed([{ field: 'name', message: 'An area of that name already exists there' }]);
    const id = newId();
    await tx.insert(feedbackAreas).values({ orgId: actor.orgId, id, name, parentId });
    await recordAudit(tx, actor, { entityType: 'feedback_area', entityId: id, action: 'create', after: { name, parentId } });
    areas.set(id, { name, parentId });
    return { id, name, parentId, path: areaPath(areas, id)! };
  });
}

export async function updateArea(db: Db, actor: Actor, id: string, changes: { name?: string | undefined; parentId?: string | null | undefined }): Promise<AreaView> {
  assertCan(actor, 'feedback:manage');
  return db.transaction(async (tx) => {
    const areas = await areaMap(tx, actor);
    const before = areas.get(id);
    if (!before) throw notFound('Product area');
    const parentId = changes.parentId === undefined ? before.parentId : changes.parentId;
    if (parentId && !areas.has(parentId)) throw validationFailed([{ field: 'parentId', message: 'No such product area' }]);
    if (createsCycle(areas, id, parentId)) throw validationFailed([{ field: 'parentId', message: 'An area cannot sit under itself' }]);
    const name = changes.name?.trim() ?? before.name;
    await tx.update(feedbackAreas).set({ name, parentId }).where(and(eq(feedbackAreas.orgId, actor.orgId), eq(feedbackAreas.id, id)));
    await recordAudit(tx, actor, { entityType: 'feedback_area', entityId: id, action: 'update', before, after: { name, parentId } });
    areas.set(id, { name, parentId });
    return { id, name, parentId, path: areaPath(areas, id)! };
  });
}

/** Removing an area leaves its feedback and ideas unfiled, and lifts its children one level up. */
export async function deleteArea(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'feedback:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(feedbackAreas).where(and(eq(feedbackAreas.orgId, actor.orgId), eq(feedbackAreas.id, id))).returning();
    if (!row) throw notFound('Product area');
    await tx.update(feedbackAreas).set({ parentId: row.parentId }).where(and(eq(feedbackAreas.orgId, actor.orgId), eq(feedbackAreas.parentId, id)));
    await tx.update(feedbackItems).set({ areaId: null }).where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.areaId, id)));
    await tx.update(ideas).set({ areaId: null }).where(and(eq(ideas.orgId, actor.orgId), eq(ideas.areaId, id)));
    await recordAudit(tx, actor, { entityType: 'feedback_area', entityId: id, action: 'delete', before: { name: row.name, parentId: row.parentId } });
  });
}

// ---- feedback ---------------------------------------------------------------------------------

type FeedbackRow = typeof feedbackItems.$inferSelect;

export type FeedbackView = {
  id: string;
  quote: string;
  kind: FeedbackKind;
  areaId: string | null;
  area: string | null;
  contactId: string | null;
  saidBy: string | null;
  capturedBy: string | null;
  accountId: string | null;
  accountName: string | null;
  opportunityId: string | null;
  sourceType: SourceType | null;
  sourceId: string | null;
  ideaId: string | null;
  createdAt: string;
};

async function toFeedbackViews(db: Db, actor: Actor, rows: FeedbackRow[]): Promise<FeedbackView[]> {
  const areas = await areaMap(db, actor);
  const accountIds = [...new Set(rows.map((r) => r.accountId).filter((id): id is string => Boolean(id)))];
  const accounts = new Map((await accountSnapshots(db, actor, accountIds)).map((a) => [a.id, a.name]));
  return rows.map((r) => ({
    id: r.id,
    quote: r.quote,
    kind: r.kind as FeedbackKind,
    areaId: r.areaId,
    area: areaPath(areas, r.areaId),
    contactId: r.contactId,
    saidBy: r.saidBy,
    capturedBy: r.capturedBy,
    accountId: r.accountId,
    accountName: r.accountId ? (accounts.get(r.accountId) ?? null) : null,
    opportunityId: r.opportunityId,
    sourceType: r.sourceType as SourceType | null,
    sourceId: r.sourceId,
    ideaId: r.ideaId,
    createdAt: r.createdAt.toISOString(),
  }));
}

export type NewFeedback = {
  quote: string;
  kind: FeedbackKind;
  areaId?: string | null | undefined;
  contactId?: string | null | undefined;
  saidBy?: string | null | undefined;
  accountId?: string | null | undefined;
  opportunityId?: string | null | undefined;
  sourceType?: SourceType | undefined;
  sourceId?: string | null | undefined;
  ideaId?: string | null | undefined;
};

/** Whether the record feedback says it came from is in the org (and not deleted). An API source has no record. */
async function sourceExists(db: Db, actor: Actor, type: SourceType, id: string): Promise<boolean> {
  const probe = async (table: typeof accounts | typeof contacts | typeof leads | typeof opportunities | typeof activities, extra?: SQL) => {
    const rows = await db.select({ id: table.id }).from(table).where(and(eq(table.orgId, actor.orgId), eq(table.id, id), extra)).limit(1);
    return rows.length > 0;
  };
  switch (type) {
    case 'account':
      return probe(accounts, isNull(accounts.deletedAt));
    case 'contact':
      return probe(contacts, isNull(contacts.deletedAt));
    case 'lead':
      return probe(leads, isNull(leads.deletedAt));
    case 'opportunity':
      return probe(opportunities, isNull(opportunities.deletedAt));
    case 'activity':
      return probe(activities);
    case 'api':
      return false;
  }
}

/**
 * Captures a quote. The account follows from the contact or the deal when not given; a contact or
 * deal of another account than the one given is refused, as are unknown ids (422, nothing stored).
 */
export async function captureFeedback(db: Db, actor: Actor, input: NewFeedback): Promise<FeedbackView> {
  assertCan(actor, 'feedback:capture');
  return db.transaction(async (tx) => {
    const errors: { field: string; message: string }[] = [];
    let accountId = input.accountId ?? null;
    if (input.areaId && !(await areaMap(tx, actor)).has(input.areaId)) errors.push({ field: 'areaId', message: 'No such product area' });
    if (input.contactId) {
      const contact = await getContact(tx, actor, input.contactId).catch(() => null);
      if (!contact || contact.deletedAt) errors.push({ field: 'contactId', message: 'No such contact' });
      else if (accountId && contact.accountId && contact.accountId !== accountId) errors.push({ field: 'contactId', message: 'The contact is at another account' });
      else accountId ??= contact.accountId;
    }
    if (input.opportunityId) {
      const [deal] = await dealsCitedOrWon(tx, actor, { ids: [input.opportunityId], wonOfAccountIds: [] });
      if (!deal) errors.push({ field: 'opportunityId', message: 'No such opportunity' });
      else if (accountId && deal.accountId && deal.accountId !== accountId) errors.push({ field: 'opportunityId', message: 'The opportunity is for another account' });
      else accountId ??= deal.accountId;
    }
    if (accountId && input.accountId) {
      const [account] = await accountSnapshots(tx, actor, [accountId]);
      if (!account || account.deletedAt) errors.push({ field: 'accountId', message: 'No such account' });
    }
    if (input.ideaId && !(await ideaRow(tx, actor, input.ideaId).catch(() => null))) errors.push({ field: 'ideaId', message: 'No such idea' });
    if (input.sourceId && !(await sourceExists(tx, actor, input.sourceType ?? 'api', input.sourceId))) errors.push({ field: 'sourceId', message: 'No such record to capture it from' });
    if (!input.contactId && !input.saidBy?.trim() && !accountId) errors.push({ field: 'saidBy', message: 'Say who said it: a contact, a name, or at least the account' });
    if (errors.length) throw validationFailed(errors);
    const [row] = await tx
      .insert(feedbackItems)
      .values({
        orgId: actor.orgId,
        id: newId(),
        quote: input.quote.trim(),
        kind: input.kind,
        areaId: input.areaId ?? null,
        contactId: input.contactId ?? null,
        saidBy: input.saidBy?.trim() || null,
        capturedBy: actor.userId,
        accountId,
        opportunityId: input.opportunityId ?? null,
        sourceType: input.sourceType ?? 'api',
        sourceId: input.sourceId ?? null,
        ideaId: input.ideaId ?? null,
      })
      .returning();
    await recordAudit(tx, actor, { entityType: 'feedback', entityId: row!.id, action: 'create', after: row! });
    return (await toFeedbackViews(tx, actor, [row!]))[0]!;
  });
}

export type FeedbackFilter = {
  accountId?: string | undefined;
  opportunityId?: string | undefined;
  contactId?: string | undefined;
  ideaId?: string | undefined;
  unassigned?: boolean | undefined;
  kind?: FeedbackKind | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** Newest first; ids are UUIDv7, so the last id is the cursor. */
export async function listFeedback(db: Db, actor: Actor, filter: FeedbackFilter): Promise<{ data: FeedbackView[]; nextCursor: string | null }> {
  assertCan(actor, 'feedback:read');
  const where: SQL[] = [eq(feedbackItems.orgId, actor.orgId)];
  if (filter.accountId) where.push(eq(feedbackItems.accountId, filter.accountId));
  if (filter.opportunityId) where.push(eq(feedbackItems.opportunityId, filter.opportunityId));
  if (filter.contactId) where.push(eq(feedbackItems.contactId, filter.contactId));
  if (filter.ideaId) where.push(eq(feedbackItems.ideaId, filter.ideaId));
  if (filter.unassigned) where.push(isNull(feedbackItems.ideaId));
  if (filter.kind) where.push(eq(feedbackItems.kind, filter.kind));
  if (filter.cursor) where.push(lt(feedbackItems.id, filter.cursor));
  const rows = await db.select().from(feedbackItems).where(and(...where)).orderBy(desc(feedbackItems.id)).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { data: await toFeedbackViews(db, actor, page), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}

export async function getFeedback(db: Db, actor: Actor, id: string): Promise<FeedbackView> {
  assertCan(actor, 'feedback:read');
  const [row] = await db.select().from(feedbackItems).where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.id, id)));
  if (!row) throw notFound('Feedback');
  return (await toFeedbackViews(db, actor, [row]))[0]!;
}

export async function deleteFeedback(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'feedback:capture');
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(feedbackItems).where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.id, id)));
    if (!row) throw notFound('Feedback');
    // Reps take back their own words; curating others' feedback is a manager's.
    if (row.capturedBy !== actor.userId) assertCan(actor, 'feedback:manage');
    await tx.delete(feedbackItems).where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.id, id)));
    await recordAudit(tx, actor, { entityType: 'feedback', entityId: id, action: 'delete', before: row });
  });
}

// ---- ideas ------------------------------------------------------------------------------------

type IdeaRow = typeof ideas.$inferSelect;

export type IdeaSummary = {
  id: string;
  title: string;
  description: string;
  status: IdeaStatus;
  areaId: string | null;
  area: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  feedbackCount: number;
  accountIds: string[];
  openPipeline: Money;
  wonRevenue: Money;
  totalAtStake: Money;
  openDealCount: number;
};

export type IdeaDetail = IdeaSummary & {
  accounts: { id: string; name: string; ownerId: string | null; feedbackCount: number }[];
  feedback: FeedbackView[];
};

async function ideaRow(db: Db, actor: Actor, id: string, lock = false): Promise<IdeaRow> {
  const query = db.select().from(ideas).where(and(eq(ideas.orgId, actor.orgId), eq(ideas.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Idea');
  return row;
}

/** Ideas with their money: one read of the feedback links and one of the deals behind them all. */
async function summarize(db: Db, actor: Actor, rows: IdeaRow[]): Promise<IdeaSummary[]> {
  if (rows.length === 0) return [];
  const areas = await areaMap(db, actor);
  const links = await db
    .select({ ideaId: feedbackItems.ideaId, accountId: feedbackItems.accountId, opportunityId: feedbackItems.opportunityId })
    .from(feedbackItems)
    .where(and(eq(feedbackItems.orgId, actor.orgId), inArray(feedbackItems.ideaId, rows.map((r) => r.id))));
  const deals = await dealsCitedOrWon(db, actor, {
    ids: [...new Set(links.map((l) => l.opportunityId).filter((id): id is string => Boolean(id)))],
    wonOfAccountIds: [...new Set(links.map((l) => l.accountId).filter((id): id is string => Boolean(id)))],
  });
  return rows.map((row) => {
    const own = links.filter((l) => l.ideaId === row.id);
    const money = revenueAtStake(own, deals);
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      status: row.status as IdeaStatus,
      areaId: row.areaId,
      area: areaPath(areas, row.areaId),
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      feedbackCount: own.length,
      accountIds: money.accountIds,
      openPipeline: money.openPipeline,
      wonRevenue: money.wonRevenue,
      totalAtStake: totalAtStake(money),
      openDealCount: money.openDealCount,
    };
  });
}

/** The currency holding the most money across the board: the one ideas rank by unless asked otherwise. */
const mainCurrency = (summaries: IdeaSummary[]): string => {
  const sums: Money = {};
  for (const s of summaries) for (const [c, v] of Object.entries(s.totalAtStake)) sums[c] = (sums[c] ?? 0) + v;
  return Object.entries(sums).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'USD';
};

/** The ideas board, ranked by money at stake. */
export async function listIdeas(db: Db, actor: Actor, filter: { status?: IdeaStatus | undefined; currency?: string | undefined }): Promise<{ currency: string; data: IdeaSummary[] }> {
  assertCan(actor, 'feedback:read');
  const where: SQL[] = [eq(ideas.orgId, actor.orgId)];
  if (filter.status) where.push(eq(ideas.status, filter.status));
  const rows = await db.select().from(ideas).where(and(...where)).orderBy(asc(ideas.id)).limit(1000);
  const summaries = await summarize(db, actor, rows);
  const currency = filter.currency ?? mainCurrency(summaries);
  return { currency, data: rankIdeas(summaries, currency) };
}

export async function getIdea(db: Db, actor: Actor, id: string): Promise<IdeaDetail> {
  assertCan(actor, 'feedback:read');
  const row = await ideaRow(db, actor, id);
  const [summary] = await summarize(db, actor, [row]);
  const feedbackRows = await db.select().from(feedbackItems).where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.ideaId, id))).orderBy(desc(feedbackItems.id));
  const feedback = await toFeedbackViews(db, actor, feedbackRows);
  const accounts = (await accountSnapshots(db, actor, summary!.accountIds)).map((a) => ({
    id: a.id,
    name: a.name,
    ownerId: a.ownerId,
    feedbackCount: feedback.filter((f) => f.accountId === a.id).length,
  }));
  return { ...summary!, accounts, feedback };
}

export async function createIdea(
  db: Db,
  actor: Actor,
  input: { title: string; description?: string | undefined; areaId?: string | null | undefined; status?: IdeaStatus | undefined; feedbackIds?: string[] | undefined },
): Promise<IdeaDetail> {
  assertCan(actor, 'feedback:manage');
  const id = await db.transaction(async (tx) => {
    if (input.areaId && !(await areaMap(tx, actor)).has(input.areaId)) throw validationFailed([{ field: 'areaId', message: 'No such product area' }]);
    const id = newId();
    const [row] = await tx
      .insert(ideas)
      .values({ orgId: actor.orgId, id, title: input.title.trim(), description: input.description ?? '', areaId: input.areaId ?? null, status: input.status ?? 'new', createdBy: actor.userId })
      .returning();
    await recordAudit(tx, actor, { entityType: 'idea', entityId: id, action: 'create', after: row! });
    if (input.feedbackIds?.length) await attach(tx, actor, id, input.feedbackIds);
    return id;
  });
  return getIdea(db, actor, id);
}

async function attach(tx: Db, actor: Actor, ideaId: string, feedbackIds: string[]): Promise<void> {
  const ids = [...new Set(feedbackIds)];
  const found = await tx.select({ id: feedbackItems.id, ideaId: feedbackItems.ideaId }).from(feedbackItems).where(and(eq(feedbackItems.orgId, actor.orgId), inArray(feedbackItems.id, ids)));
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length) throw validationFailed(missing.map((id) => ({ field: 'feedbackIds', message: `No such feedback: ${id}` })));
  await tx.update(feedbackItems).set({ ideaId }).where(and(eq(feedbackItems.orgId, actor.orgId), inArray(feedbackItems.id, ids)));
  for (const f of found) await recordAudit(tx, actor, { entityType: 'feedback', entityId: f.id, action: 'update', before: { ideaId: f.ideaId }, after: { ideaId } });
}

/** Files feedback under an idea (moving it from another idea if it was filed elsewhere). */
export async function linkFeedback(db: Db, actor: Actor, ideaId: string, feedbackIds: string[]): Promise<IdeaDetail> {
  assertCan(actor, 'feedback:manage');
  await db.transaction(async (tx) => {
    await ideaRow(tx, actor, ideaId, true);
    await attach(tx, actor, ideaId, feedbackIds);
  });
  return getIdea(db, actor, ideaId);
}

export async function unlinkFeedback(db: Db, actor: Actor, ideaId: string, feedbackId: string): Promise<IdeaDetail> {
  assertCan(actor, 'feedback:manage');
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(feedbackItems)
      .set({ ideaId: null })
      .where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.id, feedbackId), eq(feedbackItems.ideaId, ideaId)))
      .returning({ id: feedbackItems.id });
    if (rows.length === 0) throw notFound('Feedback in this idea');
    await recordAudit(tx, actor, { entityType: 'feedback', entityId: feedbackId, action: 'update', before: { ideaId }, after: { ideaId: null } });
  });
  return getIdea(db, actor, ideaId);
}

/**
 * Changes an idea. A new status tells the reps whose customers asked — the owners of the accounts
 * behind it and whoever captured its feedback — so they can go back to the customer.
 */
export async function updateIdea(
  db: Db,
  actor: Actor,
  id: string,
  changes: { title?: string | undefined; description?: string | undefined; areaId?: string | null | undefined; status?: IdeaStatus | undefined },
  expected: ExpectedVersion,
  delivery?: Delivery,
): Promise<IdeaDetail> {
  assertCan(actor, 'feedback:manage');
  await withNotifications(db, delivery, async (tx, outbox) => {
    const before = await ideaRow(tx, actor, id, true);
    assertVersion(expected, before.version);
    if (changes.areaId && !(await areaMap(tx, actor)).has(changes.areaId)) throw validationFailed([{ field: 'areaId', message: 'No such product area' }]);
    const [after] = await tx
      .update(ideas)
      .set({
        title: changes.title?.trim() ?? before.title,
        description: changes.description ?? before.description,
        areaId: changes.areaId === undefined ? before.areaId : changes.areaId,
        status: changes.status ?? before.status,
        version: before.version + 1,
        updatedAt: new Date(),
      })
      .where(and(eq(ideas.orgId, actor.orgId), eq(ideas.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'idea', entityId: id, action: 'update', before, after: after! });
    if (changes.status && changes.status !== before.status) {
      const asked = await tx
        .select({ accountId: feedbackItems.accountId, capturedBy: feedbackItems.capturedBy })
        .from(feedbackItems)
        .where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.ideaId, id)));
      const accountIds = [...new Set(asked.map((a) => a.accountId).filter((x): x is string => Boolean(x)))];
      const owners = (await accountSnapshots(tx, actor, accountIds)).map((a) => a.ownerId);
      await notify(
        tx,
        actor,
        [...owners, ...asked.map((a) => a.capturedBy)],
        {
          kind: 'idea_status',
          title: `Idea "${after!.title}" is now ${changes.status.replace('_', ' ')}`,
          body: `Your customers asked for "${after!.title}". Its status went from ${before.status.replace('_', ' ')} to ${changes.status.replace('_', ' ')}.`,
          link: `/ideas/${id}`,
        },
        outbox,
      );
    }
  });
  return getIdea(db, actor, id);
}

/** Merges other ideas into one: their feedback moves over and they are removed. */
export async function mergeIdeas(db: Db, actor: Actor, targetId: string, sourceIds: string[]): Promise<IdeaDetail> {
  assertCan(actor, 'feedback:manage');
  const sources = [...new Set(sourceIds)].filter((id) => id !== targetId);
  if (sources.length === 0) throw validationFailed([{ field: 'ideaIds', message: 'Name at least one other idea to merge in' }]);
  await db.transaction(async (tx) => {
    await ideaRow(tx, actor, targetId, true);
    const rows = await tx.select().from(ideas).where(and(eq(ideas.orgId, actor.orgId), inArray(ideas.id, sources)));
    const missing = sources.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw validationFailed(missing.map((id) => ({ field: 'ideaIds', message: `No such idea: ${id}` })));
    await tx.update(feedbackItems).set({ ideaId: targetId }).where(and(eq(feedbackItems.orgId, actor.orgId), inArray(feedbackItems.ideaId, sources)));
    await tx.delete(ideas).where(and(eq(ideas.orgId, actor.orgId), inArray(ideas.id, sources)));
    for (const row of rows) await recordAudit(tx, actor, { entityType: 'idea', entityId: row.id, action: 'delete', before: row, after: { mergedInto: targetId } });
  });
  return getIdea(db, actor, targetId);
}

export async function deleteIdea(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'feedback:manage');
  await db.transaction(async (tx) => {
    const row = await ideaRow(tx, actor, id, true);
    await tx.update(feedbackItems).set({ ideaId: null }).where(and(eq(feedbackItems.orgId, actor.orgId), eq(feedbackItems.ideaId, id)));
    await tx.delete(ideas).where(and(eq(ideas.orgId, actor.orgId), eq(ideas.id, id)));
    await recordAudit(tx, actor, { entityType: 'idea', entityId: id, action: 'delete', before: row });
  });
}

// ---- similarity suggestions (pg_trgm) ---------------------------------------------------------

export type Suggestion = { type: 'idea' | 'feedback'; id: string; text: string; ideaId: string | null; similarity: number };

const round = (n: number) => Math.round(n * 1000) / 1000;

async function similarTo(db: Db, actor: Actor, text: string, exclude: { ideaId?: string; feedbackId?: string }, limit = 10): Promise<Suggestion[]> {
  const probe = text.trim().toLowerCase();
  if (!probe) return [];
  const ideaSim = sql<number>`similarity(lower(${ideas.title} || ' ' || ${ideas.description}), ${probe})`;
  const titleSim = sql<number>`similarity(lower(${ideas.title}), ${probe})`;
  const best = sql<number>`greatest(${ideaSim}, ${titleSim})`;
  const ideaWhere: SQL[] = [eq(ideas.orgId, actor.orgId), sql`${best} >= ${MIN_SIMILARITY}`];
  if (exclude.ideaId) ideaWhere.push(sql`${ideas.id} <> ${exclude.ideaId}`);
  const quoteSim = sql<number>`similarity(lower(${feedbackItems.quote}), ${probe})`;
  const feedbackWhere: SQL[] = [eq(feedbackItems.orgId, actor.orgId), sql`${quoteSim} >= ${MIN_SIMILARITY}`];
  if (exclude.feedbackId) feedbackWhere.push(sql`${feedbackItems.id} <> ${exclude.feedbackId}`);
  if (exclude.ideaId) feedbackWhere.push(sql`${feedbackItems.ideaId} is distinct from ${exclude.ideaId}`);
  const [similarIdeas, similarFeedback] = [
    await db.select({ id: ideas.id, text: ideas.title, similarity: best }).from(ideas).where(and(...ideaWhere)).orderBy(sql`${best} desc`).limit(limit),
    await db
      .select({ id: feedbackItems.id, text: feedbackItems.quote, ideaId: feedbackItems.ideaId, similarity: quoteSim })
      .from(feedbackItems)
      .where(and(...feedbackWhere))
      .orderBy(sql`${quoteSim} desc`)
      .limit(limit),
  ];
  return [
    ...similarIdeas.map((i) => ({ type: 'idea' as const, id: i.id, text: i.text, ideaId: i.id, similarity: round(Number(i.similarity)) })),
    ...similarFeedback.map((f) => ({ type: 'feedback' as const, id: f.id, text: f.text, ideaId: f.ideaId, similarity: round(Number(f.similarity)) })),
  ].sort((a, b) => b.similarity - a.similarity);
}

/** For a quote: the ideas it may belong to and the feedback that says the same. */
export async function feedbackSuggestions(db: Db, actor: Actor, feedbackId: string): Promise<Suggestion[]> {
  const item = await getFeedback(db, actor, feedbackId);
  return similarTo(db, actor, item.quote, { feedbackId });
}

/** For an idea: other ideas to merge it with, and unfiled or elsewhere-filed feedback to link. */
export async function ideaSuggestions(db: Db, actor: Actor, ideaId: string): Promise<Suggestion[]> {
  assertCan(actor, 'feedback:read');
  const idea = await ideaRow(db, actor, ideaId);
  return similarTo(db, actor, idea.title, { ideaId });
}

/** Suggestions for text not yet stored (the capture form's "is this already an idea?"). */
export async function textSuggestions(db: Db, actor: Actor, text: string): Promise<Suggestion[]> {
  assertCan(actor, 'feedback:read');
  return similarTo(db, actor, text, {});
}

// ---- CSV --------------------------------------------------------------------------------------

export async function ideasCsv(db: Db, actor: Actor): Promise<string> {
  assertCan(actor, 'feedback:manage');
  const board = await listIdeas(db, actor, {});
  const accounts = new Map((await accountSnapshots(db, actor, [...new Set(board.data.flatMap((i) => i.accountIds))])).map((a) => [a.id, a.name]));
  return toCsv(
    ['rank', 'id', 'title', 'status', 'area', 'feedback_count', 'accounts', 'open_pipeline', 'won_revenue', 'total_at_stake'],
    board.data.map((i, n) => [
      n + 1,
      i.id,
      i.title,
      i.status,
      i.area,
      i.feedbackCount,
      i.accountIds.map((id) => accounts.get(id) ?? id).join('; '),
      moneyCell(i.openPipeline),
      moneyCell(i.wonRevenue),
      moneyCell(i.totalAtStake),
    ]),
  );
}

const CSV_CAP = 50_000;

export async function feedbackCsv(db: Db, actor: Actor): Promise<string> {
  assertCan(actor, 'feedback:manage');
  const rows = await db.select().from(feedbackItems).where(eq(feedbackItems.orgId, actor.orgId)).orderBy(asc(feedbackItems.id)).limit(CSV_CAP);
  const views = await toFeedbackViews(db, actor, rows);
  const titles = new Map(
    (await db.select({ id: ideas.id, title: ideas.title }).from(ideas).where(eq(ideas.orgId, actor.orgId))).map((i) => [i.id, i.title]),
  );
  return toCsv(
    ['id', 'created_at', 'kind', 'area', 'quote', 'said_by', 'contact_id', 'account', 'account_id', 'opportunity_id', 'idea', 'captured_by', 'source_type', 'source_id'],
    views.map((f) => [f.id, f.createdAt, f.kind, f.area, f.quote, f.saidBy, f.contactId, f.accountName, f.accountId, f.opportunityId, f.ideaId ? (titles.get(f.ideaId) ?? '') : '', f.capturedBy, f.sourceType, f.sourceId]),
  );
}
