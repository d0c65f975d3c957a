import { and, asc, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, notFound, validationFailed } from '../../core/errors.ts';
import { isUuid, newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { randomToken, sameSecret } from '../../core/tokens.ts';
import { logActivity } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { findPersonMatch } from '../duplicates/service.ts';
import { createLead } from '../leads/service.ts';
import { assertActiveUser, getUser } from '../users/service.ts';
import {
  caughtByHoneypot,
  fieldDefinitionErrors,
  newPublicKey,
  orgOfPublicKey,
  readSubmission,
  UTM_KEYS,
  type FormField,
  type UtmKey,
} from './model.ts';
import { formSubmissions, forms } from './schema.ts';

type FormRow = typeof forms.$inferSelect;

export type FormSettings = {
  name?: string | undefined;
  fields?: FormField[] | undefined;
  hiddenFields?: UtmKey[] | undefined;
  consentText?: string | null | undefined;
  leadSource?: string | undefined;
  defaultOwnerId?: string | null | undefined;
  defaultCountry?: string | null | undefined;
  redirectUrl?: string | null | undefined;
  thankYouMessage?: string | undefined;
  active?: boolean | undefined;
};

export function toFormView(row: FormRow) {
  const { orgId: _org, ...rest } = row;
  return { ...rest, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(), deletedAt: row.deletedAt?.toISOString() ?? null };
}
export type FormView = ReturnType<typeof toFormView>;

const auditable = (row: FormRow) => {
  const { orgId: _org, createdAt: _c, updatedAt: _u, version: _v, spamCount: _s, publicKey: _k, ...rest } = row;
  return rest;
};

function tidy(settings: FormSettings): FormSettings {
  const out: FormSettings = { ...settings };
  if (settings.consentText !== undefined) out.consentText = settings.consentText?.trim() || null;
  if (settings.redirectUrl !== undefined) out.redirectUrl = settings.redirectUrl?.trim() || null;
  if (settings.defaultCountry !== undefined) out.defaultCountry = settings.defaultCountry?.trim().toUpperCase() || null;
  if (settings.name !== undefined) out.name = settings.name.trim();
  return out;
}

const byId = (actor: Actor, id: string) => and(eq(forms.orgId, actor.orgId), eq(forms.id, id));

export async function createForm(db: Db, actor: Actor, input: FormSettings & { name: string; fields: FormField[] }): Promise<FormView> {
  assertCan(actor, 'forms:manage');
  const settings = tidy(input);
  const errors = fieldDefinitionErrors(input.fields);
  if (errors.length > 0) throw validationFailed(errors);
  return db.transaction(async (tx) => {
    if (settings.defaultOwnerId) await assertActiveUser(tx, actor, settings.defaultOwnerId, 'defaultOwnerId');
    const [row] = await tx
      .insert(forms)
      .values({
        ...settings,
        name: input.name.trim(),
        fields: input.fields,
        hiddenFields: settings.hiddenFields ?? [...UTM_KEYS],
        orgId: actor.orgId,
        id: newId(),
        publicKey: newPublicKey(actor.orgId, randomToken(18)),
        createdBy: actor.userId || null,
      })
      .returning();
    await recordAudit(tx, actor, { entityType: 'form', entityId: row!.id, action: 'create', after: auditable(row!) });
    return toFormView(row!);
  });
}

export async function getForm(db: Db, actor: Actor, id: string): Promise<FormView> {
  assertCan(actor, 'forms:manage');
  const [row] = await db.select().from(forms).where(and(byId(actor, id), isNull(forms.deletedAt)));
  if (!row) throw notFound('Form');
  return toFormView(row);
}

export async function listForms(db: Db, actor: Actor, page: { cursor?: string | undefined; limit: number }): Promise<{ data: FormView[]; nextCursor: string | null }> {
  assertCan(actor, 'forms:manage');
  const conditions = [eq(forms.orgId, actor.orgId), isNull(forms.deletedAt)];
  if (page.cursor) {
    const cursor = decodeCursor(page.cursor);
    conditions.push(sql`(${forms.name}, ${forms.id}) > (${cursor.v}, ${cursor.id}::uuid)`);
  }
  const rows = await db.select().from(forms).where(and(...conditions)).orderBy(asc(forms.name), asc(forms.id)).limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return { data: shown.map(toFormView), nextCursor: rows.length > page.limit && last ? encodeCursor({ v: last.name, id: last.id }) : null };
}

export async function updateForm(db: Db, actor: Actor, id: string, changes: FormSettings, expected: ExpectedVersion): Promise<FormView> {
  assertCan(actor, 'forms:manage');
  const settings = tidy(changes);
  if (settings.fields) {
    const errors = fieldDefinitionErrors(settings.fields);
    if (errors.length > 0) throw validationFailed(errors);
  }
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(forms).where(and(byId(actor, id), isNull(forms.deletedAt))).for('update');
    if (!row) throw notFound('Form');
    assertVersion(expected, row.version);
    if (settings.defaultOwnerId && settings.defaultOwnerId !== row.defaultOwnerId) await assertActiveUser(tx, actor, settings.defaultOwnerId, 'defaultOwnerId');
    const [updated] = await tx.update(forms).set({ ...settings, version: row.version + 1, updatedAt: new Date() }).where(byId(actor, id)).returning();
    await recordAudit(tx, actor, { entityType: 'form', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    return toFormView(updated!);
  });
}

/** A new public key: the old embed stops working (after a key leaked to a spammer's list). */
export async function rotateFormKey(db: Db, actor: Actor, id: string): Promise<FormView> {
  assertCan(actor, 'forms:manage');
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(forms)
      .set({ publicKey: newPublicKey(actor.orgId, randomToken(18)), version: sql`${forms.version} + 1`, updatedAt: new Date() })
      .where(and(byId(actor, id), isNull(forms.deletedAt)))
      .returning();
    if (!updated) throw notFound('Form');
    await recordAudit(tx, actor, { entityType: 'form', entityId: id, action: 'rotate_key' });
    return toFormView(updated);
  });
}

export async function deleteForm(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'forms:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(forms)
      .set({ deletedAt: new Date(), active: false, version: sql`${forms.version} + 1`, updatedAt: new Date() })
      .where(and(byId(actor, id), isNull(forms.deletedAt)))
      .returning({ id: forms.id });
    if (!row) throw notFound('Form');
    await recordAudit(tx, actor, { entityType: 'form', entityId: id, action: 'delete' });
  });
}

type SubmissionRow = typeof formSubmissions.$inferSelect;
const toSubmissionView = (row: SubmissionRow) => {
  const { orgId: _org, ...rest } = row;
  return { ...rest, consentAt: row.consentAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString() };
};
export type SubmissionView = ReturnType<typeof toSubmissionView>;

export async function listSubmissions(db: Db, actor: Actor, formId: string, page: { cursor?: string | undefined; limit: number }): Promise<{ data: SubmissionView[]; nextCursor: string | null }> {
  await getForm(db, actor, formId);
  const conditions = [eq(formSubmissions.orgId, actor.orgId), eq(formSubmissions.formId, formId)];
  // UUIDv7 ids sort by time, so the id alone is a stable cursor.
  if (page.cursor) conditions.push(lt(formSubmissions.id, page.cursor));
  const rows = await db.select().from(formSubmissions).where(and(...conditions)).orderBy(desc(formSubmissions.id)).limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  return { data: shown.map(toSubmissionView), nextCursor: rows.length > page.limit ? shown.at(-1)!.id : null };
}

export type IncomingSubmission = {
  formId: string;
  key: string | undefined;
  payload: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
};

export type SubmissionOutcome = { thankYouMessage: string; redirectUrl: string | null };

/**
 * A visitor's submission of a public form. Unknown form, wrong key, inactive or deleted form
 * all answer the same 404, so form ids cannot be probed. A bot caught by the honeypot gets the
 * same answer as a person but nothing is stored. Otherwise the person is matched to an existing
 * lead or contact (same email, phone, or name at the same company domain) or becomes a new
 * lead, and the submission lands on that record's timeline with its tracking values.
 */
export async function submitForm(db: Db, incoming: IncomingSubmission): Promise<SubmissionOutcome> {
  const orgId = incoming.key ? orgOfPublicKey(incoming.key) : null;
  if (!orgId || !isUuid(incoming.formId)) throw notFound('Form');
  const [form] = await db.select().from(forms).where(and(eq(forms.orgId, orgId), eq(forms.id, incoming.formId)));
  if (!form || form.deletedAt || !form.active || !sameSecret(form.publicKey, incoming.key!)) throw notFound('Form');
  const outcome = { thankYouMessage: form.thankYouMessage, redirectUrl: form.redirectUrl };

  if (caughtByHoneypot(incoming.payload)) {
    await db.update(forms).set({ spamCount: sql`${forms.spamCount} + 1` }).where(and(eq(forms.orgId, orgId), eq(forms.id, form.id)));
    return outcome;
  }
  const reading = readSubmission(form, incoming.payload);
  if (reading.errors.length > 0) throw validationFailed(reading.errors);

  // No user is behind a public submission: changes are recorded with no actor.
  const actor = systemActor(orgId, '');
  const person = { ...reading.lead, country: reading.lead.country ?? null };
  await db.transaction(async (tx) => {
    // Two quick submissions of the same person (a double click) must not both create a lead.
    const identity = person.email ?? person.phone ?? `${person.firstName ?? ''} ${person.lastName ?? ''} ${person.company ?? ''}`;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${orgId}|${identity.toLowerCase()}`}, 0))`);
    const match = await findPersonMatch(tx, actor, person, form.defaultCountry);
    // Without a default owner, the routing rules decide who gets a new lead (or it waits unassigned).
    const leadId =
      match?.type === 'lead'
        ? match.id
        : match
          ? null
          : (await createLead(tx, actor, { ...reading.lead, source: form.leadSource, ownerId: (await ownerFor(tx, actor, form.defaultOwnerId)) ?? undefined })).id;
    const contactId = match?.type === 'contact' ? match.id : null;
    const submissionId = newId();
    const consentAt = form.consentText ? new Date() : null;
    const outcomeKind = !match ? 'created_lead' : match.type === 'lead' ? 'matched_lead' : 'matched_contact';
    await tx.insert(formSubmissions).values({
      orgId,
      id: submissionId,
      formId: form.id,
      leadId,
      contactId,
      outcome: outcomeKind,
      matchReason: match?.reason ?? null,
      payload: reading.values,
      utm: reading.utm,
      consentText: form.consentText,
      consentAt,
      ip: incoming.ip,
      userAgent: incoming.userAgent?.slice(0, 500) ?? null,
    });
    await logActivity(tx, actor, {
      subjectType: contactId ? 'contact' : 'lead',
      subjectId: (contactId ?? leadId)!,
      kind: 'form_submission',
      summary: `Submitted the form "${form.name}"`,
      details: {
        formId: form.id,
        formName: form.name,
        submissionId,
        answers: form.fields.filter((f) => f.key in reading.values).map((f) => ({ key: f.key, label: f.label, value: reading.values[f.key] })),
        utm: reading.utm,
        consent: consentAt ? { text: form.consentText, at: consentAt.toISOString(), ip: incoming.ip } : null,
        match: match ? { reason: match.reason } : null,
      },
    });
    await recordAudit(tx, actor, { entityType: 'form_submission', entityId: submissionId, action: 'create', after: { formId: form.id, leadId, contactId, outcome: outcomeKind } });
  });
  return outcome;
}

/** The form's default owner, unless that user has since been deactivated (then unassigned). */
async function ownerFor(db: Db, actor: Actor, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  try {
    const user = await getUser(db, actor, userId);
    return user.status === 'deactivated' ? null : user.id;
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return null;
    throw error;
  }
}
