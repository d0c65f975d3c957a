import { and, asc, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { systemActor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Jobs } from '../../core/jobs.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accountBrief } from '../accounts/customers.service.ts';
import { createAccount, createContact } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { findCompanyConflicts, type CompanyConflict } from '../duplicates/service.ts';
import { notify, withNotifications, type Delivery } from '../notifications/service.ts';
import { createOpportunity, partnerDealFacts } from '../opportunities/opportunities.service.ts';
import { ensurePartnerPipeline } from '../opportunities/pipelines.service.ts';
import { routeOpportunity } from '../routing/handoffs.service.ts';
import { transactionExecutor } from '../routing/runtime.ts';
import { assertActiveUser, getUser, inviteUser, listUsers } from '../users/service.ts';
import {
  DEFAULT_EXPIRY_DAYS,
  expiryFrom,
  expiryStep,
  isOpen,
  normaliseDomain,
  partnerReport as computeReport,
  type PartnerKind,
  type PartnerReportRow,
  type RegistrationStatus,
  type TierReportRow,
} from './model.ts';
import { dealRegistrations, partnerMembers, partnerPrograms, partners, partnerTiers, registrationNotes } from './schema.ts';

export const REGISTRATION_EXPIRY_QUEUE = 'partner-registration-expiry';
export const REGISTRATION_SWEEP_QUEUE = 'partner-registration-sweep';

// Internal users manage the programme; a partner user acts only inside their own partner org.
const isPartner = (actor: Actor) => actor.role === 'partner';
const iso = (d: Date | null) => d?.toISOString() ?? null;

// ---------------------------------------------------------------- programme and tiers

export type ProgramView = { registrationExpiryDays: number };

export async function getProgram(db: Db, actor: Actor): Promise<ProgramView> {
  const [row] = await db.select().from(partnerPrograms).where(eq(partnerPrograms.orgId, actor.orgId));
  return { registrationExpiryDays: row?.registrationExpiryDays ?? DEFAULT_EXPIRY_DAYS };
}

export async function updateProgram(db: Db, actor: Actor, changes: { registrationExpiryDays: number }): Promise<ProgramView> {
  assertCan(actor, 'partners:manage');
  return db.transaction(async (tx) => {
    const before = await getProgram(tx, actor);
    await tx
      .insert(partnerPrograms)
      .values({ orgId: actor.orgId, registrationExpiryDays: changes.registrationExpiryDays, updatedAt: now() })
      .onConflictDoUpdate({ target: partnerPrograms.orgId, set: { registrationExpiryDays: changes.registrationExpiryDays, updatedAt: now() } });
    await recordAudit(tx, actor, { entityType: 'partner_program', entityId: actor.orgId, action: 'update', before, after: changes });
    return getProgram(tx, actor);
  });
}

export type TierView = { id: string; name: string; position: number };

export async function listTiers(db: Db, actor: Actor): Promise<TierView[]> {
  assertCan(actor, 'partners:read');
  return db.select({ id: partnerTiers.id, name: partnerTiers.name, position: partnerTiers.position }).from(partnerTiers).where(eq(partnerTiers.orgId, actor.orgId)).orderBy(asc(partnerTiers.position), asc(partnerTiers.name));
}

export async function createTier(db: Db, actor: Actor, input: { name: string; position?: number | undefined }): Promise<TierView> {
  assertCan(actor, 'partners:manage');
  const name = input.name.trim();
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: partnerTiers.id }).from(partnerTiers).where(and(eq(partnerTiers.orgId, actor.orgId), sql`lower(${partnerTiers.name}) = lower(${name})`));
    if (taken) throw conflict(`A tier called "${name}" exists already`, 'tier_name_taken');
    const [last] = await tx.select({ n: sql<number>`coalesce(max(${partnerTiers.position}), -1)` }).from(partnerTiers).where(eq(partnerTiers.orgId, actor.orgId));
    const [row] = await tx
      .insert(partnerTiers)
      .values({ orgId: actor.orgId, id: newId(), name, position: input.position ?? Number(last?.n ?? -1) + 1 })
      .returning({ id: partnerTiers.id, name: partnerTiers.name, position: partnerTiers.position });
    await recordAudit(tx, actor, { entityType: 'partner_tier', entityId: row!.id, action: 'create', after: row! });
    return row!;
  });
}

/** Removes a tier; its partners keep going without one. */
export async function deleteTier(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'partners:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(partnerTiers).where(and(eq(partnerTiers.orgId, actor.orgId), eq(partnerTiers.id, id))).returning();
    if (!row) throw notFound('Tier');
    await tx.update(partners).set({ tierId: null, updatedAt: now() }).where(and(eq(partners.orgId, actor.orgId), eq(partners.tierId, id)));
    await recordAudit(tx, actor, { entityType: 'partner_tier', entityId: id, action: 'delete', before: { name: row.name } });
  });
}

// ---------------------------------------------------------------- partner organisations

type PartnerRow = typeof partners.$inferSelect;

export type PartnerView = {
  id: string;
  name: string;
  kind: PartnerKind;
  tierId: string | null;
  managerId: string | null;
  website: string | null;
  active: boolean;
  version: number;
  createdAt: string;
};

const toPartnerView = (row: PartnerRow): PartnerView => ({
  id: row.id,
  name: row.name,
  kind: row.kind as PartnerKind,
  tierId: row.tierId,
  managerId: row.managerId,
  website: row.website,
  active: row.active,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
});

export type PartnerFields = { name?: string | undefined; kind?: PartnerKind | undefined; tierId?: string | null | undefined; managerId?: string | null | undefined; website?: string | null | undefined; active?: boolean | undefined };

async function checkPartnerFields(tx: Db, actor: Actor, fields: PartnerFields): Promise<void> {
  if (fields.tierId) {
    const [tier] = await tx.select({ id: partnerTiers.id }).from(partnerTiers).where(and(eq(partnerTiers.orgId, actor.orgId), eq(partnerTiers.id, fields.tierId)));
    if (!tier) throw validationFailed([{ field: 'tierId', message: 'No such tier' }]);
  }
  if (fields.managerId) {
    await assertActiveUser(tx, actor, fields.managerId, 'managerId');
    const manager = await getUser(tx, systemActor(actor.orgId, actor.userId), fields.managerId);
    if (manager.role === 'partner') throw validationFailed([{ field: 'managerId', message: 'The partner manager is one of your own people, not a partner user' }]);
  }
}

async function assertNameFree(tx: Db, actor: Actor, name: string, exceptId?: string): Promise<void> {
  const [taken] = await tx.select({ id: partners.id }).from(partners).where(and(eq(partners.orgId, actor.orgId), sql`lower(${partners.name}) = lower(${name})`));
  if (taken && taken.id !== exceptId) throw conflict(`A partner called "${name}" exists already`, 'partner_name_taken');
}

export async function createPartner(db: Db, actor: Actor, input: PartnerFields & { name: string; kind: PartnerKind }): Promise<PartnerView> {
  assertCan(actor, 'partners:manage');
  const name = input.name.trim();
  return db.transaction(async (tx) => {
    await checkPartnerFields(tx, actor, input);
    await assertNameFree(tx, actor, name);
    const [row] = await tx
      .insert(partners)
      .values({ orgId: actor.orgId, id: newId(), name, kind: input.kind, tierId: input.tierId ?? null, managerId: input.managerId === undefined ? actor.userId || null : input.managerId, website: input.website?.trim() || null, active: input.active ?? true })
      .returning();
    await recordAudit(tx, actor, { entityType: 'partner', entityId: row!.id, action: 'create', after: toPartnerView(row!) });
    return toPartnerView(row!);
  });
}

export async function updatePartner(db: Db, actor: Actor, id: string, changes: PartnerFields, expectedVersion?: number): Promise<PartnerView> {
  assertCan(actor, 'partners:manage');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(partners).where(and(eq(partners.orgId, actor.orgId), eq(partners.id, id))).for('update');
    if (!row) throw notFound('Partner');
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw new AppError(412, 'precondition_failed', 'Someone changed this partner meanwhile; reload and try again');
    await checkPartnerFields(tx, actor, changes);
    const name = changes.name?.trim();
    if (name) await assertNameFree(tx, actor, name, id);
    const [updated] = await tx
      .update(partners)
      .set({ ...changes, ...(name ? { name } : {}), ...(changes.website !== undefined ? { website: changes.website?.trim() || null } : {}), version: row.version + 1, updatedAt: now() })
      .where(and(eq(partners.orgId, actor.orgId), eq(partners.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'partner', entityId: id, action: 'update', before: toPartnerView(row), after: toPartnerView(updated!) });
    return toPartnerView(updated!);
  });
}

export type PartnerMemberView = { userId: string; name: string; email: string; status: string };

export async function listPartners(db: Db, actor: Actor): Promise<(PartnerView & { members: PartnerMemberView[] })[]> {
  assertCan(actor, 'partners:read');
  const rows = await db.select().from(partners).where(eq(partners.orgId, actor.orgId)).orderBy(asc(partners.name));
  const members = await db.select().from(partnerMembers).where(eq(partnerMembers.orgId, actor.orgId));
  const users = new Map((await listUsers(db, actor)).map((u) => [u.id, u]));
  return rows.map((row) => ({
    ...toPartnerView(row),
    members: members
      .filter((m) => m.partnerId === row.id)
      .flatMap((m) => {
        const user = users.get(m.userId);
        return user ? [{ userId: user.id, name: user.name, email: user.email, status: user.status }] : [];
      }),
  }));
}

export async function getPartner(db: Db, actor: Actor, id: string): Promise<PartnerView & { members: PartnerMemberView[] }> {
  const found = (await listPartners(db, actor)).find((p) => p.id === id);
  if (!found) throw notFound('Partner');
  return found;
}

/** A partner named on a deal or a registration must be one of the org's. */
export async function assertPartner(db: Db, actor: Actor, id: string, field: string): Promise<void> {
  const [row] = await db.select({ id: partners.id }).from(partners).where(and(eq(partners.orgId, actor.orgId), eq(partners.id, id)));
  if (!row) throw validationFailed([{ field, message: 'No such partner in your organisation' }]);
}

/**
 * Invites a partner user: an account with the `partner` role, linked to this partner org. Partner
 * managers may do it though inviting users is otherwise an admin's: the role is fixed to partner,
 * which sees only its own registrations.
 */
export async function invitePartnerUser(db: Db, actor: Actor, partnerId: string, input: { email: string; name: string }): Promise<{ userId: string; inviteToken: string }> {
  assertCan(actor, 'partners:manage');
  await getPartner(db, actor, partnerId);
  return db.transaction(async (tx) => {
    const { user, inviteToken } = await inviteUser(tx, { ...actor, role: 'admin' }, { email: input.email, name: input.name, role: 'partner' });
    await tx.insert(partnerMembers).values({ orgId: actor.orgId, userId: user.id, partnerId });
    await recordAudit(tx, actor, { entityType: 'partner', entityId: partnerId, action: 'add_member', after: { userId: user.id, email: user.email } });
    return { userId: user.id, inviteToken };
  });
}

/** Links an existing partner-role user to a partner org (moving them if they were in another). */
export async function linkPartnerUser(db: Db, actor: Actor, partnerId: string, userId: string): Promise<void> {
  assertCan(actor, 'partners:manage');
  await getPartner(db, actor, partnerId);
  const user = await getUser(db, systemActor(actor.orgId, actor.userId), userId).catch(() => null);
  if (!user || user.role !== 'partner') throw validationFailed([{ field: 'userId', message: 'Only a user with the partner role can belong to a partner' }]);
  await db.transaction(async (tx) => {
    await tx.insert(partnerMembers).values({ orgId: actor.orgId, userId, partnerId }).onConflictDoUpdate({ target: [partnerMembers.orgId, partnerMembers.userId], set: { partnerId } });
    await recordAudit(tx, actor, { entityType: 'partner', entityId: partnerId, action: 'add_member', after: { userId } });
  });
}

/** The partner org a partner user belongs to; null for a partner user not (yet) linked. */
async function partnerIdOf(db: Db, actor: Actor): Promise<string | null> {
  const [row] = await db.select({ partnerId: partnerMembers.partnerId }).from(partnerMembers).where(and(eq(partnerMembers.orgId, actor.orgId), eq(partnerMembers.userId, actor.userId)));
  return row?.partnerId ?? null;
}

export type PortalView = { partner: { id: string; name: string; kind: PartnerKind; tier: string | null } | null };

/** What the portal shows of the caller's own partner org. */
export async function portalProfile(db: Db, actor: Actor): Promise<PortalView> {
  assertCan(actor, 'registrations:access');
  const partnerId = isPartner(actor) ? await partnerIdOf(db, actor) : null;
  if (!partnerId) return { partner: null };
  const [row] = await db
    .select({ id: partners.id, name: partners.name, kind: partners.kind, tier: partnerTiers.name })
    .from(partners)
    .leftJoin(partnerTiers, and(eq(partnerTiers.orgId, partners.orgId), eq(partnerTiers.id, partners.tierId)))
    .where(and(eq(partners.orgId, actor.orgId), eq(partners.id, partnerId)));
  return { partner: row ? { ...row, kind: row.kind as PartnerKind } : null };
}

// ---------------------------------------------------------------- deal registrations

type RegistrationRow = typeof dealRegistrations.$inferSelect;

export type RegistrationView = {
  id: string;
  partnerId: string;
  partnerName: string;
  registeredBy: string | null;
  company: string;
  domain: string | null;
  contactName: string;
  contactEmail: string | null;
  country: string | null;
  amount: number;
  currency: string;
  closeDate: string;
  productNotes: string;
  status: RegistrationStatus;
  decisionReason: string | null;
  decidedAt: string | null;
  expiresAt: string;
  createdAt: string;
  version: number;
  /** Internal only: who decided, and what the approval created. Null for partner users. */
  decidedBy: string | null;
  accountId: string | null;
  opportunityId: string | null;
};

function toRegistrationView(row: RegistrationRow, partnerName: string, forPartner: boolean): RegistrationView {
  return {
    id: row.id,
    partnerId: row.partnerId,
    partnerName,
    registeredBy: row.registeredBy,
    company: row.company,
    domain: row.domain,
    contactName: row.contactName,
    contactEmail: row.contactEmail,
    country: row.country,
    amount: row.amount,
    currency: row.currency,
    closeDate: row.closeDate,
    productNotes: row.productNotes,
    status: row.status as RegistrationStatus,
    decisionReason: row.decisionReason,
    decidedAt: iso(row.decidedAt),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    version: row.version,
    // Record ids and internal people stay on the internal side of the wall.
    decidedBy: forPartner ? null : row.decidedBy,
    accountId: forPartner ? null : row.accountId,
    opportunityId: forPartner ? null : row.opportunityId,
  };
}

export type NewRegistration = {
  partnerId?: string | undefined;
  company: string;
  domain?: string | null | undefined;
  contactName: string;
  contactEmail?: string | null | undefined;
  country?: string | null | undefined;
  amount: number;
  currency: string;
  closeDate: string;
  productNotes?: string | undefined;
};

// The process's job runner, registered when the workers start. Without it (a test without jobs, a
// CLI command) a registration is stored and the hourly sweep expires it once a worker runs.
let expiryJobs: Jobs | null = null;

export function setPartnerJobs(jobs: Jobs | null): void {
  expiryJobs = jobs;
}

/** Queues the expiry check for the registration's current expiry time, with the caller's transaction. */
async function queueExpiry(tx: Db, row: { orgId: string; id: string; expiresAt: Date }): Promise<void> {
  if (!expiryJobs) return;
  await expiryJobs.send(
    REGISTRATION_EXPIRY_QUEUE,
    { orgId: row.orgId, registrationId: row.id },
    { startAfter: row.expiresAt, singletonKey: `registration-${row.id}-${row.expiresAt.toISOString()}`, retryLimit: 5, db: transactionExecutor(tx) },
  );
}

/**
 * A partner user registers a deal for their own partner org; internal partner managers may
 * register on a partner's behalf (naming `partnerId`).
 */
export async function createRegistration(db: Db, actor: Actor, input: NewRegistration, delivery?: Delivery): Promise<RegistrationView> {
  assertCan(actor, 'registrations:access');
  let partnerId: string;
  if (isPartner(actor)) {
    const own = await partnerIdOf(db, actor);
    if (!own) throw new AppError(409, 'not_a_partner_member', 'Your user is not linked to a partner organisation yet; ask your partner manager');
    partnerId = own;
  } else {
    assertCan(actor, 'partners:manage');
    if (!input.partnerId) throw validationFailed([{ field: 'partnerId', message: 'Name the partner this registration is for' }]);
    await assertPartner(db, actor, input.partnerId, 'partnerId');
    partnerId = input.partnerId;
  }
  // A partner the org has switched off may no longer bring deals (its users still read their history).
  const [status] = await db.select({ active: partners.active }).from(partners).where(and(eq(partners.orgId, actor.orgId), eq(partners.id, partnerId)));
  if (!status?.active) throw new AppError(409, 'partner_inactive', 'This partner is inactive and cannot register new deals; ask the partner manager');
  const domain = input.domain ? normaliseDomain(input.domain) : null;
  if (input.domain && !domain) throw validationFailed([{ field: 'domain', message: 'Give the company web domain, e.g. globex.com' }]);
  const program = await getProgram(db, actor);
  return withNotifications(db, delivery, async (tx, outbox) => {
    const at = now();
    const [row] = await tx
      .insert(dealRegistrations)
      .values({
        orgId: actor.orgId,
        id: newId(),
        partnerId,
        registeredBy: actor.userId || null,
        company: input.company.trim(),
        domain,
        contactName: input.contactName.trim(),
        contactEmail: input.contactEmail?.trim().toLowerCase() || null,
        country: input.country?.trim().toUpperCase() || null,
        amount: input.amount,
        currency: input.currency.toUpperCase(),
        closeDate: input.closeDate,
        productNotes: input.productNotes?.trim() ?? '',
        expiresAt: expiryFrom(at, program.registrationExpiryDays),
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    await recordAudit(tx, actor, { entityType: 'deal_registration', entityId: row!.id, action: 'create', after: { company: row!.company, domain, amount: row!.amount, currency: row!.currency } });
    await queueExpiry(tx, row!);
    const [partner] = await tx.select().from(partners).where(and(eq(partners.orgId, actor.orgId), eq(partners.id, partnerId)));
    if (partner?.managerId) {
      await notify(tx, actor, [partner.managerId], { kind: 'deal_registration', title: `${partner.name} registered a deal: ${row!.company}`, link: `/partners/registrations/${row!.id}` }, outbox);
    }
    return toRegistrationView(row!, partner?.name ?? '', isPartner(actor));
  });
}

/** The rows the caller may see: partner users their own partner org's, internal users all. */
async function visibleScope(db: Db, actor: Actor): Promise<SQL | null> {
  const base = eq(dealRegistrations.orgId, actor.orgId);
  if (!isPartner(actor)) return base;
  const partnerId = await partnerIdOf(db, actor);
  return partnerId ? and(base, eq(dealRegistrations.partnerId, partnerId))! : null;
}

export type RegistrationFilter = { status?: RegistrationStatus | undefined; partnerId?: string | undefined; cursor?: string | undefined; limit: number };

export async function listRegistrations(db: Db, actor: Actor, filter: RegistrationFilter): Promise<{ data: RegistrationView[]; nextCursor: string | null }> {
  assertCan(actor, 'registrations:access');
  const scope = await visibleScope(db, actor);
  if (!scope) return { data: [], nextCursor: null };
  const conditions: SQL[] = [scope];
  if (filter.status) conditions.push(eq(dealRegistrations.status, filter.status));
  if (filter.partnerId) conditions.push(eq(dealRegistrations.partnerId, filter.partnerId));
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    conditions.push(or(lt(dealRegistrations.createdAt, new Date(String(c.v))), and(eq(dealRegistrations.createdAt, new Date(String(c.v))), lt(dealRegistrations.id, c.id)))!);
  }
  const rows = await db
    .select({ row: dealRegistrations, partnerName: partners.name })
    .from(dealRegistrations)
    .innerJoin(partners, and(eq(partners.orgId, dealRegistrations.orgId), eq(partners.id, dealRegistrations.partnerId)))
    .where(and(...conditions))
    .orderBy(desc(dealRegistrations.createdAt), desc(dealRegistrations.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => toRegistrationView(r.row, r.partnerName, isPartner(actor))),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ v: last.row.createdAt.toISOString(), id: last.row.id }) : null,
  };
}

async function readRegistration(db: Db, actor: Actor, id: string, lock = false): Promise<{ row: RegistrationRow; partner: PartnerRow }> {
  const scope = await visibleScope(db, actor);
  if (!scope) throw notFound('Registration');
  const query = db
    .select({ row: dealRegistrations, partner: partners })
    .from(dealRegistrations)
    .innerJoin(partners, and(eq(partners.orgId, dealRegistrations.orgId), eq(partners.id, dealRegistrations.partnerId)))
    .where(and(scope, eq(dealRegistrations.id, id)));
  const [found] = lock ? await query.for('update', { of: dealRegistrations }) : await query;
  // Another partner's registration is "not found", exactly like an id that does not exist.
  if (!found) throw notFound('Registration');
  return found;
}

export type RegistrationNoteView = { id: string; authorId: string | null; authorName: string | null; authorSide: 'partner' | 'internal'; body: string; shared: boolean; createdAt: string };

export type RegistrationDetail = RegistrationView & { notes: RegistrationNoteView[]; conflicts: CompanyConflict[] };

export async function getRegistration(db: Db, actor: Actor, id: string): Promise<RegistrationDetail> {
  assertCan(actor, 'registrations:access');
  const { row, partner } = await readRegistration(db, actor, id);
  const noteConditions = [eq(registrationNotes.orgId, actor.orgId), eq(registrationNotes.registrationId, id)];
  if (isPartner(actor)) noteConditions.push(eq(registrationNotes.shared, true));
  const notes = await db.select().from(registrationNotes).where(and(...noteConditions)).orderBy(asc(registrationNotes.createdAt), asc(registrationNotes.id));
  const lookup = systemActor(actor.orgId, actor.userId);
  const authorIds = [...new Set(notes.flatMap((n) => (n.authorId ? [n.authorId] : [])))];
  const authors = new Map<string, string>();
  for (const authorId of authorIds) {
    const user = await getUser(db, lookup, authorId).catch(() => null);
    if (user) authors.set(authorId, user.name);
  }
  // Conflicts name internal records: only the internal side sees them, and only while undecided.
  const conflicts = !isPartner(actor) && isOpen(row.status as RegistrationStatus) ? await findCompanyConflicts(db, actor, { name: row.company, domain: row.domain }) : [];
  return {
    ...toRegistrationView(row, partner.name, isPartner(actor)),
    notes: notes.map((n) => ({
      id: n.id,
      authorId: isPartner(actor) && n.authorSide === 'internal' ? null : n.authorId,
      authorName: n.authorId ? (authors.get(n.authorId) ?? null) : null,
      authorSide: n.authorSide as 'partner' | 'internal',
      body: n.body,
      shared: n.shared,
      createdAt: n.createdAt.toISOString(),
    })),
    conflicts,
  };
}

/**
 * A note on the registration's timeline. A partner's notes are always shared; internal notes are
 * shared only when asked. Any note is progress: a pending registration's expiry moves out.
 */
export async function addRegistrationNote(db: Db, actor: Actor, id: string, input: { body: string; shared?: boolean | undefined }, delivery?: Delivery): Promise<RegistrationNoteView> {
  assertCan(actor, 'registrations:access');
  const program = await getProgram(db, actor);
  return withNotifications(db, delivery, async (tx, outbox) => {
    const { row, partner } = await readRegistration(tx, actor, id, true);
    const side = isPartner(actor) ? 'partner' : 'internal';
    const shared = side === 'partner' ? true : (input.shared ?? false);
    const at = now();
    const [note] = await tx
      .insert(registrationNotes)
      .values({ orgId: actor.orgId, id: newId(), registrationId: id, authorId: actor.userId || null, authorSide: side, body: input.body.trim(), shared, createdAt: at })
      .returning();
    if (isOpen(row.status as RegistrationStatus)) {
      const expiresAt = expiryFrom(at, program.registrationExpiryDays);
      await tx.update(dealRegistrations).set({ expiresAt, updatedAt: at, version: row.version + 1 }).where(and(eq(dealRegistrations.orgId, actor.orgId), eq(dealRegistrations.id, id)));
    }
    await recordAudit(tx, actor, { entityType: 'deal_registration', entityId: id, action: 'note', after: { shared, body: note!.body } });
    if (side === 'partner' && partner.managerId) {
      await notify(tx, actor, [partner.managerId], { kind: 'deal_registration', title: `${partner.name} wrote on ${row.company}`, body: note!.body, link: `/partners/registrations/${id}` }, outbox);
    } else if (shared && row.registeredBy) {
      await notify(tx, actor, [row.registeredBy], { kind: 'deal_registration', title: `New note on your registration ${row.company}`, body: note!.body, link: `/portal/registrations/${id}` }, outbox);
    }
    const user = actor.userId ? await getUser(tx, systemActor(actor.orgId, actor.userId), actor.userId).catch(() => null) : null;
    return { id: note!.id, authorId: note!.authorId, authorName: user?.name ?? null, authorSide: side, body: note!.body, shared, createdAt: at.toISOString() };
  });
}

/** The partner's manager decides; admins and managers may stand in. */
function assertMayDecide(actor: Actor, partner: PartnerRow): void {
  if (isPartner(actor)) throw forbidden();
  if (actor.role === 'admin' || actor.role === 'manager' || partner.managerId === actor.userId) return;
  throw forbidden("Only the partner's manager (or an admin or sales manager) decides its registrations");
}

export type Decision =
  | { decision: 'approve'; reason?: string | undefined; accountId?: string | undefined }
  | { decision: 'reject'; reason: string };

export type DecisionResult = RegistrationView & { handoffId: string | null };

/**
 * Approves or rejects a pending registration. Approval links the account named (or creates one
 * with the registered contact), opens a deal in the partner pipeline credited to the partner
 * as `sourced`, and hands it to the routing engine; rejection needs a reason the partner sees.
 */
export async function decideRegistration(db: Db, actor: Actor, id: string, decision: Decision, delivery?: Delivery): Promise<DecisionResult> {
  assertCan(actor, 'partners:read');
  if (decision.decision === 'reject' && !decision.reason?.trim()) throw validationFailed([{ field: 'reason', message: 'Tell the partner why it is rejected' }]);
  return withNotifications(db, delivery, async (tx, outbox) => {
    const { row, partner } = await readRegistration(tx, actor, id, true);
    assertMayDecide(actor, partner);
    if (!isOpen(row.status as RegistrationStatus)) throw conflict(`This registration is ${row.status} already`, 'registration_decided');
    const at = now();
    const reason = decision.reason?.trim() || null;
    let accountId: string | null = null;
    let opportunityId: string | null = null;
    let handoffId: string | null = null;
    if (decision.decision === 'approve') {
      if (decision.accountId) accountId = (await accountBrief(tx, actor, decision.accountId, 'accountId')).id;
      else {
        const account = await createAccount(tx, actor, { name: row.company, domain: row.domain, country: row.country, ownerId: partner.managerId ?? actor.userId });
        accountId = account.id;
        const [firstName, ...rest] = row.contactName.split(/\s+/);
        await createContact(tx, actor, { accountId, firstName: rest.length ? firstName! : '', lastName: rest.length ? rest.join(' ') : firstName!, email: row.contactEmail, ownerId: partner.managerId ?? actor.userId });
      }
      const pipeline = await ensurePartnerPipeline(tx, actor);
      const deal = await createOpportunity(
        tx,
        actor,
        {
          name: row.company,
          pipelineId: pipeline.id,
          accountId,
          ownerId: partner.managerId ?? actor.userId,
          amount: row.amount,
          currency: row.currency,
          closeDate: row.closeDate,
          source: 'partner',
          partnerId: partner.id,
          partnerRole: 'sourced',
          description: row.productNotes,
        },
        { outbox },
      );
      opportunityId = deal.id;
      const handoff = await routeOpportunity(tx, actor, { opportunityId: deal.id, sourcingRepId: partner.managerId ?? actor.userId, cause: `Partner registration by ${partner.name}`, outbox });
      handoffId = handoff?.id ?? null;
    }
    const status: RegistrationStatus = decision.decision === 'approve' ? 'approved' : 'rejected';
    const [updated] = await tx
      .update(dealRegistrations)
      .set({ status, decisionReason: reason, decidedBy: actor.userId || null, decidedAt: at, accountId, opportunityId, version: row.version + 1, updatedAt: at })
      .where(and(eq(dealRegistrations.orgId, actor.orgId), eq(dealRegistrations.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'deal_registration', entityId: id, action: decision.decision, before: { status: row.status }, after: { status, accountId, opportunityId }, reason });
    if (row.registeredBy) {
      await notify(tx, actor, [row.registeredBy], { kind: 'deal_registration', title: `Your registration ${row.company} was ${status}`, body: reason ?? undefined, link: `/portal/registrations/${id}` }, outbox);
    }
    return { ...toRegistrationView(updated!, partner.name, false), handoffId };
  });
}

/**
 * The partner takes back a pending registration (the deal fell through, registered by mistake):
 * a user of the registering partner, or internally its partner manager (admins and sales managers
 * may stand in). Another partner's registration is not found; a decided one is a 409.
 */
export async function withdrawRegistration(db: Db, actor: Actor, id: string, input: { reason?: string | undefined }, delivery?: Delivery): Promise<RegistrationView> {
  assertCan(actor, 'registrations:access');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const { row, partner } = await readRegistration(tx, actor, id, true);
    if (!isPartner(actor)) assertMayDecide(actor, partner);
    if (!isOpen(row.status as RegistrationStatus)) throw conflict(`This registration is ${row.status} already`, 'registration_decided');
    const at = now();
    const reason = input.reason?.trim() || null;
    const [updated] = await tx
      .update(dealRegistrations)
      .set({ status: 'withdrawn', decisionReason: reason, version: row.version + 1, updatedAt: at })
      .where(and(eq(dealRegistrations.orgId, actor.orgId), eq(dealRegistrations.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'deal_registration', entityId: id, action: 'withdraw', before: { status: row.status }, after: { status: 'withdrawn' }, reason });
    if (isPartner(actor) && partner.managerId) {
      await notify(tx, actor, [partner.managerId], { kind: 'deal_registration', title: `${partner.name} withdrew ${row.company}`, body: reason ?? undefined, link: `/partners/registrations/${id}` }, outbox);
    } else if (!isPartner(actor) && row.registeredBy) {
      await notify(tx, actor, [row.registeredBy], { kind: 'deal_registration', title: `Your registration ${row.company} was withdrawn`, body: reason ?? undefined, link: `/portal/registrations/${id}` }, outbox);
    }
    return toRegistrationView(updated!, partner.name, isPartner(actor));
  });
}

/**
 * The expiry job: a pending registration whose expiry time has come lapses; one that made
 * progress meanwhile is looked at again at its new time. Idempotent: a second run, or a run for
 * a decided registration, changes nothing.
 */
export async function expireRegistration(db: Db, orgId: string, registrationId: string, at = now()): Promise<'expired' | 'later' | 'done'> {
  const actor = systemActor(orgId, '');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(dealRegistrations).where(and(eq(dealRegistrations.orgId, orgId), eq(dealRegistrations.id, registrationId))).for('update');
    if (!row) return 'done';
    const step = expiryStep({ status: row.status as RegistrationStatus, expiresAt: row.expiresAt }, at);
    if (step === 'done') return 'done';
    if (step === 'later') {
      await queueExpiry(tx, row);
      return 'later';
    }
    await tx.update(dealRegistrations).set({ status: 'expired', version: row.version + 1, updatedAt: at }).where(and(eq(dealRegistrations.orgId, orgId), eq(dealRegistrations.id, registrationId)));
    await recordAudit(tx, actor, { entityType: 'deal_registration', entityId: registrationId, action: 'expire', before: { status: 'pending' }, after: { status: 'expired' }, reason: `No progress since ${row.updatedAt.toISOString()}` });
    // In-app only: a background job has no mail delivery of its own here.
    if (row.registeredBy) {
      await notify(tx, actor, [row.registeredBy], { kind: 'deal_registration', title: `Your registration ${row.company} expired`, link: `/portal/registrations/${registrationId}` }, []);
    }
    return 'expired';
  });
}

/** Registrations past their expiry that no job has expired (jobs lost with a restored backup, say). */
export async function overdueRegistrations(db: Db, at: Date, limit = 500): Promise<{ orgId: string; id: string }[]> {
  return db
    .select({ orgId: dealRegistrations.orgId, id: dealRegistrations.id })
    .from(dealRegistrations)
    .where(and(eq(dealRegistrations.status, 'pending'), lt(dealRegistrations.expiresAt, at)))
    .orderBy(asc(dealRegistrations.expiresAt))
    .limit(limit);
}

// ---------------------------------------------------------------- report

export async function partnerReport(db: Db, actor: Actor): Promise<{ partners: PartnerReportRow[]; tiers: TierReportRow[] }> {
  assertCan(actor, 'partners:read');
  const [partnerRows, tiers, deals] = await Promise.all([
    db.select({ id: partners.id, name: partners.name, tierId: partners.tierId }).from(partners).where(eq(partners.orgId, actor.orgId)),
    listTiers(db, actor),
    partnerDealFacts(db, actor),
  ]);
  return computeReport(partnerRows, tiers, deals);
}
