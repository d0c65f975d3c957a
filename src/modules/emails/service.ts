import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import { systemActor, type Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Config } from '../../core/config.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, badRequest, conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { secretsOf, type Secrets } from '../../core/secrets.ts';
import { getAccount, getContact } from '../accounts/service.ts';
import type { SubjectType } from '../activities/model.ts';
import { logActivities, logActivity } from '../activities/service.ts';
import { subjectLink } from '../activities/subjects.ts';
import { recordAudit } from '../audit/service.ts';
import { getLead } from '../leads/service.ts';
import { getOrganization } from '../orgs/service.ts';
import { tell } from '../routing/notices.ts';
import { visibleSubjects } from '../visibility/records.ts';
import { getUser } from '../users/service.ts';
import { decorateEmail, isAddress, isTrackableUrl, normalizeAddress, renderTemplate, type MergeContext, type RenderedTemplate } from './model.ts';
import { emailAddresses, emailConsentEvents, emails, emailSettings, emailTemplates, emailUserSettings } from './schema.ts';

/** What sending needs beyond the database: where links point and the server secret. */
export type EmailContext = { config: Config; secrets: Secrets };
export const emailContextOf = (config: Config): EmailContext => ({ config, secrets: secretsOf(config) });

type EmailRow = typeof emails.$inferSelect;
type SettingsRow = typeof emailSettings.$inferSelect;
export type EmailSubjectType = Extract<SubjectType, 'lead' | 'contact'>;

// ---------------------------------------------------------------- org and user settings

export type EmailSettingsView = {
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecure: boolean;
  smtpUser: string | null;
  smtpPasswordSet: boolean;
  fromAddress: string | null;
  trackOpens: boolean;
  trackClicks: boolean;
  trackReplies: boolean;
  postalAddress: string;
  /** Where mail goes out: the org's own server, the server's SMTP_URL, or nowhere yet. */
  transport: 'org' | 'server' | 'none';
  version: number;
};

const DEFAULT_SETTINGS: Omit<SettingsRow, 'orgId' | 'updatedAt' | 'updatedBy'> = {
  smtpHost: null, smtpPort: null, smtpSecure: false, smtpUser: null, smtpPasswordSealed: null, fromAddress: null,
  trackOpens: true, trackClicks: true, trackReplies: true, postalAddress: '', version: 0,
};

async function settingsRow(db: Db, orgId: string): Promise<Omit<SettingsRow, 'orgId' | 'updatedAt' | 'updatedBy'>> {
  const [row] = await db.select().from(emailSettings).where(eq(emailSettings.orgId, orgId));
  return row ?? DEFAULT_SETTINGS;
}

function settingsView(row: Omit<SettingsRow, 'orgId' | 'updatedAt' | 'updatedBy'>, config: Config): EmailSettingsView {
  return {
    smtpHost: row.smtpHost, smtpPort: row.smtpPort, smtpSecure: row.smtpSecure, smtpUser: row.smtpUser, smtpPasswordSet: Boolean(row.smtpPasswordSealed),
    fromAddress: row.fromAddress, trackOpens: row.trackOpens, trackClicks: row.trackClicks, trackReplies: row.trackReplies,
    postalAddress: row.postalAddress, transport: row.smtpHost ? 'org' : config.smtpUrl ? 'server' : 'none', version: row.version,
  };
}

export async function getEmailSettings(db: Db, context: EmailContext, actor: Actor): Promise<EmailSettingsView> {
  assertCan(actor, 'records:read');
  return settingsView(await settingsRow(db, actor.orgId), context.config);
}

export type EmailSettingsChanges = Partial<Omit<EmailSettingsView, 'smtpPasswordSet' | 'transport' | 'version'>> & { smtpPassword?: string | null | undefined };

export async function updateEmailSettings(db: Db, context: EmailContext, actor: Actor, changes: EmailSettingsChanges, expected: ExpectedVersion): Promise<EmailSettingsView> {
  assertCan(actor, 'org:settings');
  if (changes.fromAddress && !isAddress(changes.fromAddress)) throw validationFailed([{ field: 'fromAddress', message: 'Not an email address' }]);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(emailSettings).where(eq(emailSettings.orgId, actor.orgId)).for('update');
    const before = current ?? { ...DEFAULT_SETTINGS, orgId: actor.orgId };
    assertVersion(expected, before.version);
    const { smtpPassword, ...plain } = changes;
    const next = {
      ...before,
      ...Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined)),
      ...(smtpPassword !== undefined ? { smtpPasswordSealed: smtpPassword ? context.secrets.encrypt(smtpPassword) : null } : {}),
      version: before.version + 1,
      updatedBy: actor.userId,
      updatedAt: new Date(),
      orgId: actor.orgId,
    };
    await tx.insert(emailSettings).values(next).onConflictDoUpdate({ target: emailSettings.orgId, set: next });
    // The password itself never reaches the audit log: only that it changed.
    const auditable = (row: typeof next | typeof before) => {
      const { smtpPasswordSealed: _sealed, orgId: _org, version: _v, ...rest } = row as SettingsRow;
      return { ...rest, updatedAt: undefined, updatedBy: undefined, smtpPassword: row.smtpPasswordSealed ? 'set' : 'not set' };
    };
    await recordAudit(tx, actor, { entityType: 'email_settings', entityId: actor.orgId, action: 'update', before: auditable(before), after: auditable(next) });
    return settingsView(next, context.config);
  });
}

export type UserEmailSettingsView = {
  signature: string;
  imapHost: string | null;
  imapPort: number | null;
  imapSecure: boolean;
  imapUser: string | null;
  imapPasswordSet: boolean;
  imapMailbox: string;
  imapPolledAt: string | null;
  imapError: string | null;
};

type UserSettingsRow = typeof emailUserSettings.$inferSelect;

function userSettingsView(row: UserSettingsRow | undefined): UserEmailSettingsView {
  return {
    signature: row?.signature ?? '',
    imapHost: row?.imapHost ?? null,
    imapPort: row?.imapPort ?? null,
    imapSecure: row?.imapSecure ?? true,
    imapUser: row?.imapUser ?? null,
    imapPasswordSet: Boolean(row?.imapPasswordSealed),
    imapMailbox: row?.imapMailbox ?? 'INBOX',
    imapPolledAt: row?.imapPolledAt?.toISOString() ?? null,
    imapError: row?.imapError ?? null,
  };
}

async function userSettingsRow(db: Db, orgId: string, userId: string): Promise<UserSettingsRow | undefined> {
  const [row] = await db.select().from(emailUserSettings).where(and(eq(emailUserSettings.orgId, orgId), eq(emailUserSettings.userId, userId)));
  return row;
}

export async function getMyEmailSettings(db: Db, actor: Actor): Promise<UserEmailSettingsView> {
  return userSettingsView(await userSettingsRow(db, actor.orgId, actor.userId));
}

export type UserEmailSettingsChanges = Partial<Omit<UserEmailSettingsView, 'imapPasswordSet' | 'imapPolledAt' | 'imapError'>> & { imapPassword?: string | null | undefined };

export async function updateMyEmailSettings(db: Db, context: EmailContext, actor: Actor, changes: UserEmailSettingsChanges): Promise<UserEmailSettingsView> {
  return db.transaction(async (tx) => {
    const current = await userSettingsRow(tx, actor.orgId, actor.userId);
    const { imapPassword, ...plain } = changes;
    const mailboxMoved = ['imapHost', 'imapUser', 'imapMailbox'].some((k) => plain[k as keyof typeof plain] !== undefined && plain[k as keyof typeof plain] !== current?.[k as keyof UserSettingsRow]);
    const next = {
      orgId: actor.orgId,
      userId: actor.userId,
      ...(current ?? {}),
      ...Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined)),
      ...(imapPassword !== undefined ? { imapPasswordSealed: imapPassword ? context.secrets.encrypt(imapPassword) : null } : {}),
      // Another mailbox: its UIDs mean nothing against the old one's, start from its present.
      ...(mailboxMoved ? { imapUidValidity: null, imapLastUid: 0, imapError: null } : {}),
      updatedAt: new Date(),
    } as UserSettingsRow;
    await tx.insert(emailUserSettings).values(next).onConflictDoUpdate({ target: [emailUserSettings.orgId, emailUserSettings.userId], set: next });
    await recordAudit(tx, actor, {
      entityType: 'email_user_settings',
      entityId: actor.userId,
      action: 'update',
      after: { ...plain, ...(imapPassword !== undefined ? { imapPassword: imapPassword ? 'set' : 'cleared' } : {}) },
    });
    return userSettingsView(next);
  });
}

// ---------------------------------------------------------------- templates

export type TemplateView = { id: string; name: string; subject: string; body: string; marketing: boolean; version: number; createdBy: string | null; createdAt: string; updatedAt: string };
type TemplateRow = typeof emailTemplates.$inferSelect;
const templateView = (row: TemplateRow): TemplateView => ({
  id: row.id, name: row.name, subject: row.subject, body: row.body, marketing: row.marketing, version: row.version,
  createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
});
export type TemplateFields = { name: string; subject: string; body: string; marketing?: boolean | undefined };

export async function createTemplate(db: Db, actor: Actor, input: TemplateFields): Promise<TemplateView> {
  assertCan(actor, 'emails:templates');
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(emailTemplates).values({ orgId: actor.orgId, id: newId(), ...input, marketing: input.marketing ?? false, createdBy: actor.userId }).returning();
    await recordAudit(tx, actor, { entityType: 'email_template', entityId: row!.id, action: 'create', after: { ...input } });
    return templateView(row!);
  });
}

async function templateRow(db: Db, actor: Actor, id: string): Promise<TemplateRow> {
  const [row] = await db.select().from(emailTemplates).where(and(eq(emailTemplates.orgId, actor.orgId), eq(emailTemplates.id, id), isNull(emailTemplates.deletedAt)));
  if (!row) throw notFound('Email template');
  return row;
}

export async function getTemplate(db: Db, actor: Actor, id: string): Promise<TemplateView> {
  assertCan(actor, 'records:read');
  return templateView(await templateRow(db, actor, id));
}

export async function listTemplates(db: Db, actor: Actor): Promise<TemplateView[]> {
  assertCan(actor, 'records:read');
  const rows = await db.select().from(emailTemplates).where(and(eq(emailTemplates.orgId, actor.orgId), isNull(emailTemplates.deletedAt))).orderBy(asc(emailTemplates.name), asc(emailTemplates.id)).limit(1000);
  return rows.map(templateView);
}

export async function updateTemplate(db: Db, actor: Actor, id: string, changes: Partial<TemplateFields>, expected: ExpectedVersion): Promise<TemplateView> {
  assertCan(actor, 'emails:templates');
  return db.transaction(async (tx) => {
    const row = await templateRow(tx, actor, id);
    assertVersion(expected, row.version);
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const [updated] = await tx.update(emailTemplates).set({ ...set, version: row.version + 1, updatedAt: new Date() }).where(and(eq(emailTemplates.orgId, actor.orgId), eq(emailTemplates.id, id))).returning();
    await recordAudit(tx, actor, { entityType: 'email_template', entityId: id, action: 'update', before: { name: row.name, subject: row.subject, body: row.body, marketing: row.marketing }, after: { name: updated!.name, subject: updated!.subject, body: updated!.body, marketing: updated!.marketing } });
    return templateView(updated!);
  });
}

export async function deleteTemplate(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'emails:templates');
  await db.transaction(async (tx) => {
    await templateRow(tx, actor, id);
    await tx.update(emailTemplates).set({ deletedAt: new Date() }).where(and(eq(emailTemplates.orgId, actor.orgId), eq(emailTemplates.id, id)));
    await recordAudit(tx, actor, { entityType: 'email_template', entityId: id, action: 'delete' });
  });
}

/** The template rows a batch of sequence steps names, by id (deleted ones too: a step keeps working). */
export async function templatesById(db: Db, actor: Actor, ids: string[]): Promise<Map<string, TemplateView>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(emailTemplates).where(and(eq(emailTemplates.orgId, actor.orgId), inArray(emailTemplates.id, ids)));
  return new Map(rows.map((r) => [r.id, templateView(r)]));
}

// ---------------------------------------------------------------- recipients and merge data

export type Recipient = { subjectType: EmailSubjectType; subjectId: string; address: string | null; merge: MergeContext; country: string | null; leadStatus: string | null; ownerId: string | null };

export async function recipientOf(db: Db, actor: Actor, subjectType: EmailSubjectType, subjectId: string): Promise<Recipient> {
  if (subjectType === 'lead') {
    const lead = await getLead(db, actor, subjectId);
    if (lead.deletedAt) throw notFound('Lead');
    return {
      subjectType, subjectId, address: lead.email, country: lead.country, leadStatus: lead.status, ownerId: lead.ownerId,
      merge: { lead: { ...lead }, account: { name: lead.company, website: lead.website, industry: lead.industry } },
    };
  }
  const contact = await getContact(db, actor, subjectId);
  if (contact.deletedAt) throw notFound('Contact');
  const account = contact.accountId ? await getAccount(db, actor, contact.accountId).catch(() => null) : null;
  return {
    subjectType, subjectId, address: contact.email, country: account?.country ?? null, leadStatus: null, ownerId: contact.ownerId,
    merge: { contact: { ...contact }, lead: { ...contact }, account: account ? { ...account } : {} },
  };
}

export async function senderMerge(db: Db, actor: Actor, userId: string): Promise<{ name: string; email: string; signature: string; timeZone: string }> {
  const user = await getUser(db, { ...actor, role: actor.role === 'partner' ? 'rep' : actor.role }, userId);
  const settings = await userSettingsRow(db, actor.orgId, userId);
  return { name: user.name, email: user.email, signature: settings?.signature ?? '', timeZone: user.timeZone };
}

export type ComposeInput = {
  subjectType: EmailSubjectType;
  subjectId: string;
  templateId?: string | undefined;
  subject?: string | undefined;
  body?: string | undefined;
};

export type Preview = RenderedTemplate & { to: string | null; marketing: boolean; suppressed: SuppressionReason | null };

async function compose(db: Db, actor: Actor, input: ComposeInput, senderId: string): Promise<{ rendered: RenderedTemplate; marketing: boolean; templateId: string | null; recipient: Recipient; sender: { name: string; email: string } }> {
  const template = input.templateId ? await templateRow(db, actor, input.templateId) : null;
  const subject = input.subject ?? template?.subject;
  const body = input.body ?? template?.body;
  const problems = [];
  if (!subject?.trim()) problems.push({ field: 'subject', message: 'Give a subject or a template' });
  if (!body?.trim()) problems.push({ field: 'body', message: 'Give a body or a template' });
  if (problems.length) throw validationFailed(problems);
  const recipient = await recipientOf(db, actor, input.subjectType, input.subjectId);
  const sender = await senderMerge(db, actor, senderId);
  const orgName = (await getOrganization(db, actor.orgId))?.name;
  const rendered = renderTemplate({ subject: subject!, body: body! }, { ...recipient.merge, sender: { name: sender.name, email: sender.email }, org: { name: orgName } }, sender.signature);
  return { rendered, marketing: template?.marketing ?? false, templateId: template?.id ?? null, recipient, sender };
}

export async function previewEmail(db: Db, actor: Actor, input: ComposeInput): Promise<Preview> {
  assertCan(actor, 'records:read');
  const { rendered, marketing, recipient } = await compose(db, actor, input, actor.userId);
  return { ...rendered, to: recipient.address, marketing, suppressed: recipient.address ? await suppressionOf(db, actor.orgId, recipient.address) : null };
}

// ---------------------------------------------------------------- suppression and consent

export type SuppressionReason = 'unsubscribed' | 'bounced';

export async function suppressionOf(db: Db, orgId: string, address: string): Promise<SuppressionReason | null> {
  const map = await suppressionsOf(db, orgId, [address]);
  return map.get(normalizeAddress(address)) ?? null;
}

/** Which of these addresses nothing may be sent to, and why. */
export async function suppressionsOf(db: Db, orgId: string, addresses: string[]): Promise<Map<string, SuppressionReason>> {
  const wanted = [...new Set(addresses.filter(Boolean).map(normalizeAddress))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select().from(emailAddresses).where(and(eq(emailAddresses.orgId, orgId), inArray(emailAddresses.address, wanted)));
  const out = new Map<string, SuppressionReason>();
  for (const row of rows) {
    if (row.unsubscribedAt) out.set(row.address, 'unsubscribed');
    else if (row.bouncedAt) out.set(row.address, 'bounced');
  }
  return out;
}

export type AddressStatusView = { address: string; unsubscribedAt: string | null; bouncedAt: string | null; bounceReason: string | null; suppressed: boolean; history: { kind: string; source: string; at: string; actorId: string | null; details: Record<string, unknown> }[] };

export async function addressStatus(db: Db, actor: Actor, address: string): Promise<AddressStatusView> {
  assertCan(actor, 'records:read');
  const key = normalizeAddress(address);
  const [row] = await db.select().from(emailAddresses).where(and(eq(emailAddresses.orgId, actor.orgId), eq(emailAddresses.address, key)));
  const history = await db.select().from(emailConsentEvents).where(and(eq(emailConsentEvents.orgId, actor.orgId), eq(emailConsentEvents.address, key))).orderBy(desc(emailConsentEvents.id)).limit(200);
  return {
    address: key,
    unsubscribedAt: row?.unsubscribedAt?.toISOString() ?? null,
    bouncedAt: row?.bouncedAt?.toISOString() ?? null,
    bounceReason: row?.bounceReason ?? null,
    suppressed: Boolean(row?.unsubscribedAt || row?.bouncedAt),
    history: history.map((h) => ({ kind: h.kind, source: h.source, at: h.createdAt.toISOString(), actorId: h.actorId, details: h.details })),
  };
}

export type EmailEvent = { kind: 'replied' | 'unsubscribed' | 'bounced'; address: string; subjectType: string | null; subjectId: string | null; emailId: string | null };
type EmailEventListener = (tx: Db, actor: Actor, event: EmailEvent) => Promise<void>;
const listeners: EmailEventListener[] = [];

/** Other capabilities (sequences) react to replies, unsubscribes and bounces in the same transaction. */
export function onEmailEvent(listener: EmailEventListener): void {
  listeners.push(listener);
}

async function emit(tx: Db, actor: Actor, event: EmailEvent): Promise<void> {
  for (const listener of listeners) await listener(tx, actor, event);
}

type ConsentChange = { kind: 'unsubscribed' | 'resubscribed' | 'consent_given' | 'bounced' | 'bounce_cleared'; source: string; emailId?: string | null; details?: Record<string, unknown> };

async function changeAddress(tx: Db, actor: Actor, address: string, change: ConsentChange): Promise<void> {
  const key = normalizeAddress(address);
  const now = new Date();
  const set =
    change.kind === 'unsubscribed' ? { unsubscribedAt: now }
    : change.kind === 'resubscribed' || change.kind === 'consent_given' ? { unsubscribedAt: null }
    : change.kind === 'bounced' ? { bouncedAt: now, bounceReason: String(change.details?.reason ?? '').slice(0, 1000) || null }
    : { bouncedAt: null, bounceReason: null };
  // An address already unsubscribed keeps its first date: that is when consent ended.
  if (change.kind === 'unsubscribed') {
    await tx.insert(emailAddresses).values({ orgId: actor.orgId, address: key, unsubscribedAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [emailAddresses.orgId, emailAddresses.address], set: { unsubscribedAt: sql`coalesce(${emailAddresses.unsubscribedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now } });
  } else {
    await tx.insert(emailAddresses).values({ orgId: actor.orgId, address: key, ...set, updatedAt: now }).onConflictDoUpdate({ target: [emailAddresses.orgId, emailAddresses.address], set: { ...set, updatedAt: now } });
  }
  await tx.insert(emailConsentEvents).values({ orgId: actor.orgId, id: newId(), address: key, kind: change.kind, source: change.source, actorId: actor.userId || null, emailId: change.emailId ?? null, details: change.details ?? {} });
}

/** An admin or rep records consent, an unsubscribe or a resubscribe by hand (a phone call, a letter). */
export async function recordConsent(db: Db, actor: Actor, address: string, kind: 'unsubscribed' | 'resubscribed' | 'consent_given' | 'bounce_cleared', note: string | undefined): Promise<AddressStatusView> {
  assertCan(actor, kind === 'unsubscribed' ? 'records:write' : 'emails:suppression');
  if (!isAddress(address)) throw validationFailed([{ field: 'address', message: 'Not an email address' }]);
  await db.transaction(async (tx) => {
    await changeAddress(tx, actor, address, { kind, source: 'api', details: note ? { note } : {} });
    await recordAudit(tx, actor, { entityType: 'email_address', entityId: actor.orgId, action: kind, after: { address: normalizeAddress(address), note: note ?? null } });
    if (kind === 'unsubscribed') await emit(tx, actor, { kind: 'unsubscribed', address: normalizeAddress(address), subjectType: null, subjectId: null, emailId: null });
  });
  return addressStatus(db, actor, address);
}

export async function listSuppressions(db: Db, actor: Actor, page: { cursor?: string | undefined; limit: number }): Promise<{ data: { address: string; reason: SuppressionReason; since: string }[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(emailAddresses.orgId, actor.orgId), sql`(${emailAddresses.unsubscribedAt} is not null or ${emailAddresses.bouncedAt} is not null)`];
  if (page.cursor) conditions.push(sql`${emailAddresses.address} > ${decodeCursor(page.cursor).id}`);
  const rows = await db.select().from(emailAddresses).where(and(...conditions)).orderBy(asc(emailAddresses.address)).limit(page.limit + 1);
  const data = rows.slice(0, page.limit).map((r) => ({ address: r.address, reason: (r.unsubscribedAt ? 'unsubscribed' : 'bounced') as SuppressionReason, since: (r.unsubscribedAt ?? r.bouncedAt)!.toISOString() }));
  return { data, nextCursor: rows.length > page.limit ? encodeCursor({ v: null, id: data.at(-1)!.address }) : null };
}

// ---------------------------------------------------------------- sending

export type EmailView = {
  id: string; subjectType: string; subjectId: string; direction: string; status: string; fromAddress: string; toAddress: string;
  subject: string; bodyText: string; messageId: string; templateId: string | null; enrollmentId: string | null; marketing: boolean;
  senderId: string | null; sentAt: string | null; error: string | null; openCount: number; firstOpenedAt: string | null;
  clickCount: number; firstClickedAt: string | null; repliedAt: string | null; bouncedAt: string | null; createdAt: string;
};
const iso = (d: Date | null) => d?.toISOString() ?? null;
export const emailView = (row: EmailRow): EmailView => ({
  id: row.id, subjectType: row.subjectType, subjectId: row.subjectId, direction: row.direction, status: row.status, fromAddress: row.fromAddress,
  toAddress: row.toAddress, subject: row.subject, bodyText: row.bodyText, messageId: row.messageId, templateId: row.templateId,
  enrollmentId: row.enrollmentId, marketing: row.marketing, senderId: row.senderId, sentAt: iso(row.sentAt), error: row.error,
  openCount: row.openCount, firstOpenedAt: iso(row.firstOpenedAt), clickCount: row.clickCount, firstClickedAt: iso(row.firstClickedAt),
  repliedAt: iso(row.repliedAt), bouncedAt: iso(row.bouncedAt), createdAt: row.createdAt.toISOString(),
});

/** A nodemailer transport for the org: its own SMTP server, else the server's; null when neither is set. */
/** SMTP connections a pooled transport (bulk and sequence sends) keeps open to the server. */
const POOL_CONNECTIONS = 8;

export async function transportFor(db: Db, context: EmailContext, orgId: string, pooled = false): Promise<{ transport: Transporter; settings: Omit<SettingsRow, 'orgId' | 'updatedAt' | 'updatedBy'> } | null> {
  const settings = await settingsRow(db, orgId);
  if (settings.smtpHost) {
    const auth = settings.smtpUser ? { user: settings.smtpUser, pass: settings.smtpPasswordSealed ? context.secrets.decrypt(settings.smtpPasswordSealed) : '' } : undefined;
    const transport = nodemailer.createTransport({
      host: settings.smtpHost, port: settings.smtpPort ?? (settings.smtpSecure ? 465 : 587), secure: settings.smtpSecure,
      ...(auth ? { auth } : {}), ...(pooled ? { pool: true, maxConnections: POOL_CONNECTIONS } : {}), connectionTimeout: 20_000, socketTimeout: 60_000,
    } as nodemailer.TransportOptions);
    return { transport, settings };
  }
  if (context.config.smtpUrl) {
    const url = pooled ? `${context.config.smtpUrl}${context.config.smtpUrl.includes('?') ? '&' : '?'}pool=true&maxConnections=${POOL_CONNECTIONS}` : context.config.smtpUrl;
    return { transport: nodemailer.createTransport(url), settings };
  }
  return null;
}

function messageIdFor(context: EmailContext, id: string): string {
  const host = new URL(context.config.publicUrl).hostname || 'leadflow.local';
  return `<${id}@${host}>`;
}

const linkBase = (context: EmailContext) => context.config.publicUrl.replace(/\/$/, '');
export const openPixelUrl = (context: EmailContext, orgId: string, emailId: string) => `${linkBase(context)}/api/v1/email-tracking/open/${context.secrets.sign({ k: 'o', o: orgId, e: emailId })}.gif`;
export const clickUrl = (context: EmailContext, orgId: string, emailId: string, url: string) => `${linkBase(context)}/api/v1/email-tracking/click/${context.secrets.sign({ k: 'c', o: orgId, e: emailId, u: url })}`;
export const unsubscribeUrl = (context: EmailContext, orgId: string, emailId: string, address: string) => `${linkBase(context)}/api/v1/unsubscribe/${context.secrets.sign({ k: 'u', o: orgId, e: emailId, a: normalizeAddress(address) })}`;

/** A rendered email ready to go: the row to write and the message to hand to SMTP. */
export type PreparedEmail = { row: typeof emails.$inferInsert; message: nodemailer.SendMailOptions };

/** Builds the email row and SMTP message: tracking and, for marketing email, the unsubscribe link and postal address. */
export function prepareEmail(
  context: EmailContext,
  settings: Pick<SettingsRow, 'trackOpens' | 'trackClicks' | 'postalAddress' | 'fromAddress'>,
  input: { orgId: string; subjectType: string; subjectId: string; to: string; sender: { id: string; name: string; email: string }; rendered: { subject: string; text: string; html: string }; marketing: boolean; templateId: string | null; enrollmentId?: string | null; stepId?: string | null; inReplyTo?: string | null },
): PreparedEmail {
  const id = newId();
  const messageId = messageIdFor(context, id);
  const unsubscribe = input.marketing ? unsubscribeUrl(context, input.orgId, id, input.to) : undefined;
  const decorated = decorateEmail(input.rendered, {
    pixelUrl: settings.trackOpens ? openPixelUrl(context, input.orgId, id) : undefined,
    clickUrl: settings.trackClicks ? (url) => clickUrl(context, input.orgId, id, url) : undefined,
    unsubscribeUrl: unsubscribe,
    postalAddress: input.marketing ? settings.postalAddress : undefined,
  });
  const fromAddress = settings.fromAddress ?? input.sender.email;
  const headers: Record<string, string> = {};
  if (unsubscribe) {
    headers['List-Unsubscribe'] = `<${unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    row: {
      orgId: input.orgId, id, subjectType: input.subjectType, subjectId: input.subjectId, direction: 'outbound', status: 'sending',
      fromAddress, toAddress: normalizeAddress(input.to), subject: input.rendered.subject, bodyText: decorated.text, bodyHtml: decorated.html,
      messageId, inReplyTo: input.inReplyTo ?? null, templateId: input.templateId, enrollmentId: input.enrollmentId ?? null, stepId: input.stepId ?? null,
      marketing: input.marketing, senderId: input.sender.id,
    },
    message: {
      from: { name: input.sender.name, address: fromAddress },
      ...(fromAddress !== input.sender.email ? { replyTo: input.sender.email } : {}),
      to: input.to,
      subject: input.rendered.subject,
      text: decorated.text,
      html: decorated.html,
      messageId,
      ...(input.inReplyTo ? { inReplyTo: input.inReplyTo, references: input.inReplyTo } : {}),
      headers,
    },
  };
}

export type DeliveryResult = { emailId: string; status: 'sent' | 'bounced' | 'failed'; error: string | null };

/** SMTP said the recipient does not exist (a permanent 5xx at RCPT): the address bounces. */
function isRecipientRejection(error: unknown): boolean {
  const e = error as { responseCode?: number; command?: string; code?: string; rejected?: unknown[] };
  return (e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode < 600 && (e.command === 'RCPT TO' || e.code === 'EENVELOPE')) || (e.code === 'EENVELOPE' && Array.isArray(e.rejected) && e.rejected.length > 0);
}

/**
 * Hands a written email to SMTP and records the outcome: sent (with a timeline activity), bounced
 * (the address is marked and suppressed), or failed. The row was committed as `sending` first,
 * so a crash in between leaves it visible and never sends it twice.
 */
export async function deliver(db: Db, actor: Actor, transport: Transporter, prepared: PreparedEmail): Promise<DeliveryResult> {
  const row = prepared.row;
  let outcome: DeliveryResult;
  try {
    await transport.sendMail(prepared.message);
    outcome = { emailId: row.id, status: 'sent', error: null };
  } catch (error) {
    const message = (error as Error).message.slice(0, 1000);
    outcome = { emailId: row.id, status: isRecipientRejection(error) ? 'bounced' : 'failed', error: message };
  }
  await db.transaction(async (tx) => {
    const now = new Date();
    await tx.update(emails).set({ status: outcome.status, error: outcome.error, sentAt: outcome.status === 'sent' ? now : null, bouncedAt: outcome.status === 'bounced' ? now : null })
      .where(and(eq(emails.orgId, row.orgId), eq(emails.id, row.id)));
    if (outcome.status === 'sent') {
      await logActivity(tx, actor, { subjectType: row.subjectType as SubjectType, subjectId: row.subjectId, kind: 'email', summary: `Sent "${row.subject}"`, details: { direction: 'outbound', emailId: row.id, subject: row.subject, to: row.toAddress, ...(row.enrollmentId ? { enrollmentId: row.enrollmentId } : {}) } });
    } else if (outcome.status === 'bounced') {
      await markBounced(tx, actor, { emailId: row.id, address: row.toAddress, reason: outcome.error ?? 'rejected', source: 'smtp', subjectType: row.subjectType, subjectId: row.subjectId });
    }
  });
  return outcome;
}

/**
 * Hands many prepared emails of one org to a (pooled) transport, a bounded number in flight, then
 * records every outcome in one transaction: one UPDATE of the statuses, one multi-row insert of
 * the sent emails' timeline activities with their hooks run once for the lot. Bounces (rare) go
 * the one-by-one way, since each changes an address's consent. Same outcomes as `deliver`.
 */
export async function deliverMany(db: Db, actor: Actor, transport: Transporter, list: { actor: Actor; prepared: PreparedEmail }[], concurrency = 16): Promise<DeliveryResult[]> {
  const outcomes: DeliveryResult[] = new Array(list.length);
  let next = 0;
  const sendNext = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++;
      const { prepared } = list[i]!;
      try {
        await transport.sendMail(prepared.message);
        outcomes[i] = { emailId: prepared.row.id, status: 'sent', error: null };
      } catch (error) {
        outcomes[i] = { emailId: prepared.row.id, status: isRecipientRejection(error) ? 'bounced' : 'failed', error: (error as Error).message.slice(0, 1000) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, sendNext));
  if (list.length === 0) return outcomes;
  await db.transaction(async (tx) => {
    const now = new Date();
    for (let start = 0; start < list.length; start += 1000) {
      const values = sql.join(outcomes.slice(start, start + 1000).map((o) => sql`(${o.emailId}::uuid, ${o.status}, ${o.error})`), sql`, `);
      await tx.execute(sql`update emails e set status = v.status, error = v.error,
          sent_at = case when v.status = 'sent' then ${now.toISOString()}::timestamptz end, bounced_at = case when v.status = 'bounced' then ${now.toISOString()}::timestamptz end
        from (values ${values}) as v(id, status, error) where e.org_id = ${actor.orgId}::uuid and e.id = v.id`);
    }
    const sent = list.filter((_, i) => outcomes[i]!.status === 'sent').map(({ prepared: { row } }) => ({
      subjectType: row.subjectType as SubjectType, subjectId: row.subjectId, kind: 'email', summary: `Sent "${row.subject}"`, occurredAt: now, actorId: row.senderId ?? null,
      details: { direction: 'outbound', emailId: row.id, subject: row.subject, to: row.toAddress, ...(row.enrollmentId ? { enrollmentId: row.enrollmentId } : {}) },
    }));
    await logActivities(tx, actor, sent);
    for (let i = 0; i < list.length; i += 1) {
      const outcome = outcomes[i]!;
      if (outcome.status !== 'bounced') continue;
      const row = list[i]!.prepared.row;
      await markBounced(tx, list[i]!.actor, { emailId: row.id, address: row.toAddress, reason: outcome.error ?? 'rejected', source: 'smtp', subjectType: row.subjectType, subjectId: row.subjectId });
    }
  });
  return outcomes;
}

async function markBounced(tx: Db, actor: Actor, bounce: { emailId: string; address: string; reason: string; source: 'smtp' | 'dsn'; subjectType: string; subjectId: string }): Promise<void> {
  await tx.update(emails).set({ status: 'bounced', bouncedAt: new Date() }).where(and(eq(emails.orgId, actor.orgId), eq(emails.id, bounce.emailId)));
  await changeAddress(tx, actor, bounce.address, { kind: 'bounced', source: bounce.source, emailId: bounce.emailId, details: { reason: bounce.reason } });
  await logActivity(tx, actor, { subjectType: bounce.subjectType as SubjectType, subjectId: bounce.subjectId, kind: 'email_bounced', summary: `Email to ${bounce.address} bounced`, details: { emailId: bounce.emailId, address: bounce.address, reason: bounce.reason } });
  await emit(tx, actor, { kind: 'bounced', address: bounce.address, subjectType: bounce.subjectType, subjectId: bounce.subjectId, emailId: bounce.emailId });
}

export type SendInput = ComposeInput & { to?: string | undefined; marketing?: boolean | undefined; inReplyToEmailId?: string | undefined };

/** Sends one email from Leadflow to a lead or contact, as the signed-in user. */
export async function sendEmail(db: Db, context: EmailContext, actor: Actor, input: SendInput): Promise<EmailView> {
  assertCan(actor, 'emails:send');
  const composed = await compose(db, actor, input, actor.userId);
  const to = input.to ?? composed.recipient.address;
  if (!to || !isAddress(to)) throw validationFailed([{ field: 'to', message: `This ${input.subjectType} has no email address` }]);
  const suppressed = await suppressionOf(db, actor.orgId, to);
  if (suppressed) throw new AppError(422, 'address_suppressed', suppressed === 'unsubscribed' ? `${to} has unsubscribed: nothing more may be sent to it` : `${to} bounces: nothing more is sent to it until the bounce is cleared`);
  const transport = await transportFor(db, context, actor.orgId);
  if (!transport) throw conflict('No SMTP server is set up: set one in the email settings, or SMTP_URL on the server', 'smtp_not_configured');
  let inReplyTo: string | null = null;
  if (input.inReplyToEmailId) {
    const [original] = await db.select().from(emails).where(and(eq(emails.orgId, actor.orgId), eq(emails.id, input.inReplyToEmailId)));
    if (!original) throw notFound('Email');
    inReplyTo = original.messageId;
  }
  const prepared = prepareEmail(context, transport.settings, {
    orgId: actor.orgId, subjectType: input.subjectType, subjectId: input.subjectId, to,
    sender: { id: actor.userId, ...composed.sender }, rendered: composed.rendered, marketing: input.marketing ?? composed.marketing,
    templateId: composed.templateId, inReplyTo,
  });
  await db.transaction(async (tx) => {
    await tx.insert(emails).values(prepared.row);
    await recordAudit(tx, actor, { entityType: 'email', entityId: prepared.row.id, action: 'send', after: { to, subject: prepared.row.subject, subjectType: input.subjectType, subjectId: input.subjectId, templateId: composed.templateId } });
  });
  const result = await deliver(db, actor, transport.transport, prepared);
  transport.transport.close();
  if (result.status === 'bounced') throw new AppError(422, 'recipient_rejected', `The mail server refused ${to}: ${result.error}. The address is now marked as bouncing.`);
  if (result.status === 'failed') throw new AppError(502, 'smtp_failed', `The mail server did not take the email: ${result.error}`);
  return getEmail(db, actor, prepared.row.id);
}

export type BulkSendResult = { sent: { subjectType: string; subjectId: string; emailId: string }[]; skipped: { subjectType: string; subjectId: string; reason: string }[] };

/**
 * A templated email to many leads or contacts at once. Bulk email is marketing-style whatever the
 * template says: each carries the unsubscribe link and the postal address. Suppressed, address-less
 * and rejected recipients are skipped with the reason; the others are sent one by one.
 */
export async function sendBulkEmail(db: Db, context: EmailContext, actor: Actor, input: { templateId: string; targets: { subjectType: EmailSubjectType; subjectId: string }[] }): Promise<BulkSendResult> {
  assertCan(actor, 'emails:send');
  await templateRow(db, actor, input.templateId);
  const result: BulkSendResult = { sent: [], skipped: [] };
  for (const target of input.targets) {
    try {
      const email = await sendEmail(db, context, actor, { ...target, templateId: input.templateId, marketing: true });
      result.sent.push({ ...target, emailId: email.id });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.code === 'smtp_not_configured') throw error;
      result.skipped.push({ ...target, reason: error.code === 'validation_failed' ? 'no_email_address' : error.code });
    }
  }
  return result;
}

export type LoggedEmailInput = {
  subjectType: EmailSubjectType; subjectId: string; direction: 'outbound' | 'inbound'; from?: string | undefined; to?: string | undefined;
  subject: string; body?: string | undefined; sentAt?: string | undefined; messageId?: string | undefined; inReplyTo?: string | undefined;
};

/** Records an email sent or received outside Leadflow (a mail client, a BCC forwarder) on the record's timeline. */
export async function logEmail(db: Db, actor: Actor, input: LoggedEmailInput): Promise<EmailView> {
  assertCan(actor, 'records:write');
  const recipient = await recipientOf(db, actor, input.subjectType, input.subjectId);
  const user = await senderMerge(db, actor, actor.userId);
  const prospect = recipient.address ?? '';
  const from = input.from ?? (input.direction === 'outbound' ? user.email : prospect);
  const to = input.to ?? (input.direction === 'outbound' ? prospect : user.email);
  const problems = [];
  if (from && !isAddress(from)) problems.push({ field: 'from', message: 'Not an email address' });
  if (to && !isAddress(to)) problems.push({ field: 'to', message: 'Not an email address' });
  if (problems.length) throw validationFailed(problems);
  const id = newId();
  const at = input.sentAt ? new Date(input.sentAt) : new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(emails).values({
      orgId: actor.orgId, id, subjectType: input.subjectType, subjectId: input.subjectId, direction: input.direction,
      status: input.direction === 'outbound' ? 'logged' : 'received', fromAddress: normalizeAddress(from), toAddress: normalizeAddress(to),
      subject: input.subject, bodyText: input.body ?? '', messageId: input.messageId ?? `<${id}@logged.leadflow>`, inReplyTo: input.inReplyTo ?? null,
      senderId: actor.userId, sentAt: at,
    }).returning();
    const kind = input.direction === 'outbound' ? 'email' : 'email_replied';
    await logActivity(tx, actor, { subjectType: input.subjectType, subjectId: input.subjectId, kind, occurredAt: at, summary: `${input.direction === 'outbound' ? 'Sent' : 'Received'} "${input.subject}"`, details: { direction: input.direction, emailId: id, subject: input.subject, logged: true } });
    await recordAudit(tx, actor, { entityType: 'email', entityId: id, action: 'log', after: { direction: input.direction, subject: input.subject, subjectType: input.subjectType, subjectId: input.subjectId } });
    if (input.direction === 'inbound') await emit(tx, actor, { kind: 'replied', address: normalizeAddress(from), subjectType: input.subjectType, subjectId: input.subjectId, emailId: id });
    return emailView(row!);
  });
}

export async function getEmail(db: Db, actor: Actor, id: string): Promise<EmailView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(emails).where(and(eq(emails.orgId, actor.orgId), eq(emails.id, id)));
  if (!row) throw notFound('Email');
  return emailView(row);
}

export async function listEmails(db: Db, actor: Actor, filter: { subjectType?: string | undefined; subjectId?: string | undefined; cursor?: string | undefined; limit: number }): Promise<{ data: EmailView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  // Only emails about records the actor may see (visibility/records.ts).
  const conditions: SQL[] = [eq(emails.orgId, actor.orgId), visibleSubjects(actor, { type: emails.subjectType, id: emails.subjectId })];
  if (filter.subjectType) conditions.push(eq(emails.subjectType, filter.subjectType));
  if (filter.subjectId) conditions.push(eq(emails.subjectId, filter.subjectId));
  if (filter.cursor) conditions.push(sql`${emails.id} < ${decodeCursor(filter.cursor).id}::uuid`);
  const rows = await db.select().from(emails).where(and(...conditions)).orderBy(desc(emails.id)).limit(filter.limit + 1);
  const data = rows.slice(0, filter.limit).map(emailView);
  return { data, nextCursor: rows.length > filter.limit ? encodeCursor({ v: null, id: data.at(-1)!.id }) : null };
}

// ---------------------------------------------------------------- tracking (public routes)

type OpenToken = { k: 'o'; o: string; e: string };
type ClickToken = { k: 'c'; o: string; e: string; u: string };
type UnsubscribeToken = { k: 'u'; o: string; e: string; a: string };

const trackingActor = (orgId: string, userId: string | null): Actor => ({ orgId, userId: userId ?? '', role: 'admin', via: 'system' });

async function trackedEmail(db: Db, orgId: string, emailId: string): Promise<EmailRow | null> {
  const [row] = await db.select().from(emails).where(and(eq(emails.orgId, orgId), eq(emails.id, emailId)));
  return row ?? null;
}

/**
 * An open pixel was loaded. Every load counts on the email; the timeline gets one email_opened
 * per email (the first), as reps want "opened" once, not each time a mail client re-renders.
 * A disabled switch stops recording even for emails sent before it was turned off.
 */
export async function recordOpen(db: Db, context: EmailContext, token: string): Promise<void> {
  const claims = context.secrets.verify<OpenToken>(token);
  if (!claims || claims.k !== 'o') return;
  const settings = await settingsRow(db, claims.o);
  if (!settings.trackOpens) return;
  await db.transaction(async (tx) => {
    const [row] = await tx.update(emails).set({ openCount: sql`${emails.openCount} + 1`, firstOpenedAt: sql`coalesce(${emails.firstOpenedAt}, now())` })
      .where(and(eq(emails.orgId, claims.o), eq(emails.id, claims.e))).returning({ openCount: emails.openCount, subjectType: emails.subjectType, subjectId: emails.subjectId, subject: emails.subject, senderId: emails.senderId });
    if (row && row.openCount === 1) {
      await logActivity(tx, trackingActor(claims.o, row.senderId), { subjectType: row.subjectType as SubjectType, subjectId: row.subjectId, kind: 'email_opened', summary: `Opened "${row.subject}"`, details: { emailId: claims.e, subject: row.subject } });
    }
  });
}

/** A tracked link was clicked: where to send the browser, or null for a token we did not issue. */
export async function recordClick(db: Db, context: EmailContext, token: string): Promise<string | null> {
  const claims = context.secrets.verify<ClickToken>(token);
  if (!claims || claims.k !== 'c' || !isTrackableUrl(claims.u)) return null;
  const settings = await settingsRow(db, claims.o);
  if (!settings.trackClicks) return claims.u;
  await db.transaction(async (tx) => {
    const [row] = await tx.update(emails).set({ clickCount: sql`${emails.clickCount} + 1`, firstClickedAt: sql`coalesce(${emails.firstClickedAt}, now())` })
      .where(and(eq(emails.orgId, claims.o), eq(emails.id, claims.e))).returning({ clickCount: emails.clickCount, subjectType: emails.subjectType, subjectId: emails.subjectId, subject: emails.subject, senderId: emails.senderId });
    if (row && row.clickCount === 1) {
      await logActivity(tx, trackingActor(claims.o, row.senderId), { subjectType: row.subjectType as SubjectType, subjectId: row.subjectId, kind: 'email_clicked', summary: `Clicked a link in "${row.subject}"`, details: { emailId: claims.e, url: claims.u } });
    }
  });
  return claims.u;
}

export function readUnsubscribeToken(context: EmailContext, token: string): { address: string } | null {
  const claims = context.secrets.verify<UnsubscribeToken>(token);
  return claims && claims.k === 'u' ? { address: claims.a } : null;
}

/** The recipient unsubscribed through the link (or one-click): suppressed at once. */
export async function unsubscribe(db: Db, context: EmailContext, token: string, source: 'link' | 'one_click'): Promise<{ address: string } | null> {
  const claims = context.secrets.verify<UnsubscribeToken>(token);
  if (!claims || claims.k !== 'u') return null;
  const email = await trackedEmail(db, claims.o, claims.e);
  const actor = trackingActor(claims.o, null);
  await db.transaction(async (tx) => {
    await changeAddress(tx, actor, claims.a, { kind: 'unsubscribed', source, emailId: claims.e });
    if (email) {
      await logActivity(tx, actor, { subjectType: email.subjectType as SubjectType, subjectId: email.subjectId, kind: 'email_unsubscribed', summary: `${claims.a} unsubscribed`, details: { emailId: email.id, address: claims.a, source } });
    }
    await emit(tx, actor, { kind: 'unsubscribed', address: claims.a, subjectType: email?.subjectType ?? null, subjectId: email?.subjectId ?? null, emailId: claims.e });
  });
  return { address: claims.a };
}

// ---------------------------------------------------------------- replies and bounces found in a mailbox

/** Our sent emails among these Message-IDs, for matching a mailbox's messages. */
export async function sentEmailsByMessageId(db: Db, orgId: string, messageIds: string[]): Promise<Map<string, { id: string; messageId: string; toAddress: string }>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db.select({ id: emails.id, messageId: emails.messageId, toAddress: emails.toAddress }).from(emails)
    .where(and(eq(emails.orgId, orgId), eq(emails.direction, 'outbound'), inArray(emails.messageId, [...new Set(messageIds)])));
  return new Map(rows.map((r) => [r.messageId, r]));
}

/** A reply to one of our emails arrived in the sender's mailbox: on the timeline, and sequences stop. */
export async function recordReply(db: Db, actor: Actor, reply: { emailId: string; from: string | null; subject: string; messageId: string | null; at: Date | null }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [original] = await tx.select().from(emails).where(and(eq(emails.orgId, actor.orgId), eq(emails.id, reply.emailId))).for('update');
    if (!original) return false;
    if (reply.messageId) {
      const [seen] = await tx.select({ id: emails.id }).from(emails).where(and(eq(emails.orgId, actor.orgId), eq(emails.messageId, reply.messageId), eq(emails.direction, 'inbound')));
      if (seen) return false;
    }
    const id = newId();
    await tx.insert(emails).values({
      orgId: actor.orgId, id, subjectType: original.subjectType, subjectId: original.subjectId, direction: 'inbound', status: 'received',
      fromAddress: normalizeAddress(reply.from ?? original.toAddress), toAddress: original.fromAddress, subject: reply.subject, messageId: reply.messageId ?? `<${id}@reply.leadflow>`,
      inReplyTo: original.messageId, replyToEmailId: original.id, enrollmentId: original.enrollmentId, senderId: original.senderId, sentAt: reply.at ?? new Date(),
    });
    await tx.update(emails).set({ repliedAt: sql`coalesce(${emails.repliedAt}, now())` }).where(and(eq(emails.orgId, actor.orgId), eq(emails.id, original.id)));
    await logActivity(tx, actor, { subjectType: original.subjectType as SubjectType, subjectId: original.subjectId, kind: 'email_replied', occurredAt: reply.at ?? undefined, summary: `Replied "${reply.subject}"`, details: { direction: 'inbound', emailId: id, inReplyTo: original.id, subject: reply.subject } });
    await emit(tx, actor, { kind: 'replied', address: original.toAddress, subjectType: original.subjectType, subjectId: original.subjectId, emailId: original.id });
    // The sender hears of it; told by the system, since the mailbox polled is the sender's own.
    await tell(tx, systemActor(actor.orgId, ''), [original.senderId], {
      kind: 'email_replied',
      title: `${normalizeAddress(reply.from ?? original.toAddress)} replied: ${reply.subject}`,
      body: `A reply to "${original.subject}" arrived.`,
      link: subjectLink(original.subjectType as SubjectType, original.subjectId),
    });
    return true;
  });
}

/** A delivery-status report in the sender's mailbox says one of our emails bounced. */
export async function recordBounceReport(db: Db, actor: Actor, bounce: { emailId: string; address: string; reason: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [original] = await tx.select().from(emails).where(and(eq(emails.orgId, actor.orgId), eq(emails.id, bounce.emailId))).for('update');
    if (!original || original.status === 'bounced') return false;
    await markBounced(tx, actor, { ...bounce, source: 'dsn', subjectType: original.subjectType, subjectId: original.subjectId });
    return true;
  });
}

export type MailboxAccount = { orgId: string; userId: string; host: string; port: number; secure: boolean; user: string; password: string; mailbox: string; uidValidity: string | null; lastUid: number };

/** The mailboxes to poll: users with IMAP set up, in orgs that track replies. */
export async function mailboxesToPoll(db: Db, context: EmailContext): Promise<MailboxAccount[]> {
  const rows = await db.select({ user: emailUserSettings, trackReplies: emailSettings.trackReplies }).from(emailUserSettings)
    .leftJoin(emailSettings, eq(emailSettings.orgId, emailUserSettings.orgId))
    .where(sql`${emailUserSettings.imapHost} is not null and ${emailUserSettings.imapUser} is not null`);
  return rows
    .filter((r) => r.trackReplies !== false)
    .map(({ user: u }) => ({
      orgId: u.orgId, userId: u.userId, host: u.imapHost!, port: u.imapPort ?? (u.imapSecure ? 993 : 143), secure: u.imapSecure, user: u.imapUser!,
      password: u.imapPasswordSealed ? context.secrets.decrypt(u.imapPasswordSealed) : '', mailbox: u.imapMailbox, uidValidity: u.imapUidValidity, lastUid: u.imapLastUid,
    }));
}

export async function saveMailboxPosition(db: Db, account: Pick<MailboxAccount, 'orgId' | 'userId'>, position: { uidValidity?: string | null; lastUid?: number; error: string | null }): Promise<void> {
  await db.update(emailUserSettings).set({
    ...(position.uidValidity !== undefined ? { imapUidValidity: position.uidValidity } : {}),
    ...(position.lastUid !== undefined ? { imapLastUid: position.lastUid } : {}),
    imapError: position.error, imapPolledAt: new Date(),
  }).where(and(eq(emailUserSettings.orgId, account.orgId), eq(emailUserSettings.userId, account.userId)));
}

export const badToken = () => badRequest('This link is not one Leadflow issued');
