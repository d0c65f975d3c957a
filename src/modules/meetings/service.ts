import { and, asc, eq, gt, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, badRequest, conflict, forbidden, notFound, validationFailed, type FieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Jobs } from '../../core/jobs.ts';
import type { Mailer } from '../../core/mailer.ts';
import { assertCan, can } from '../../core/roles.ts';
import { getContact } from '../accounts/service.ts';
import { logActivity } from '../activities/service.ts';
import type { SubjectType } from '../activities/model.ts';
import { recordAudit } from '../audit/service.ts';
import { findPersonMatch } from '../duplicates/service.ts';
import { createLead, getLead } from '../leads/service.ts';
import { getOpportunity } from '../opportunities/opportunities.service.ts';
import { getAvailability } from '../routing/availability.service.ts';
import { isTimeZone } from '../routing/hours.model.ts';
import { transactionExecutor } from '../routing/runtime.ts';
import { getAccount } from '../accounts/service.ts';
import { getUser } from '../users/service.ts';
import {
  ACTIVITY_OF,
  bookingSettingsProblems,
  changeRefusal,
  DEFAULT_WORKING_HOURS,
  describeWhen,
  freeSlots,
  invitationCalendar,
  slotsByDay,
  slugFrom,
  UPCOMING,
  type BookingSettings,
  type Interval,
  type MeetingChange,
  type MeetingKind,
  type MeetingStatus,
  type SlotDay,
  type SlotRules,
} from './model.ts';
import { bookingPages, meetings, type MeetingAttendee } from './schema.ts';
import { visibleLinks } from '../visibility/records.ts';

type MeetingRow = typeof meetings.$inferSelect;
type BookingPageRow = typeof bookingPages.$inferSelect;

/** Where invitations go out when no worker sends them: after the change commits, so a slow or failing SMTP server loses no meeting. */
export type Delivery = { mailer: Mailer; log: (message: string) => void };

export const INVITATION_QUEUE = 'meeting-invitations';
export type InvitationJob = { orgId: string; meetingId: string; method: 'REQUEST' | 'CANCEL'; sequence: number };

// Set once the invitation worker runs (its queue exists then): invitations are queued in the
// change's own transaction and sent, with retries, once it commits. Without it (a CLI command, a
// test without jobs) they are sent right after the commit.
let invitationWorker: { jobs: Jobs; mailer: Mailer } | null = null;
export function setInvitationWorker(worker: { jobs: Jobs; mailer: Mailer } | null): void {
  invitationWorker = worker;
}

/** Queues the invitation with the transaction; false when the caller must send it after the commit. */
async function queueInvitation(tx: Db, row: MeetingRow, method: 'REQUEST' | 'CANCEL'): Promise<boolean> {
  if (!invitationWorker?.mailer.configured) return false;
  const job: InvitationJob = { orgId: row.orgId, meetingId: row.id, method, sequence: row.sequence };
  await invitationWorker.jobs.send(INVITATION_QUEUE, job, { db: transactionExecutor(tx) });
  return true;
}

/** The worker's side: a job whose meeting has moved on to a newer invitation is skipped (that one is queued too). */
export async function deliverQueuedInvitation(db: Db, delivery: Delivery, job: InvitationJob): Promise<void> {
  const actor = systemActor(job.orgId, '');
  const [row] = await db.select().from(meetings).where(byId(actor, job.meetingId));
  if (!row || row.sequence !== job.sequence) return;
  await sendInvitations(db, actor, row, job.method, delivery, { retry: true });
}

export function toMeetingView(row: MeetingRow) {
  const { orgId: _org, ...rest } = row;
  return {
    ...rest,
    kind: row.kind as MeetingKind,
    status: row.status as MeetingStatus,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type MeetingView = ReturnType<typeof toMeetingView>;

const auditable = (row: MeetingRow) => ({
  kind: row.kind,
  title: row.title,
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  timeZone: row.timeZone,
  organizerId: row.organizerId,
  attendees: row.attendees.map((a) => a.email),
  videoUrl: row.videoUrl,
  leadId: row.leadId,
  contactId: row.contactId,
  accountId: row.accountId,
  opportunityId: row.opportunityId,
  status: row.status,
  outcomeNotes: row.outcomeNotes,
});

const MAX_MINUTES = 24 * 60;
const byId = (actor: Actor, id: string) => and(eq(meetings.orgId, actor.orgId), eq(meetings.id, id));

export type NewMeeting = {
  kind: MeetingKind;
  title: string;
  description?: string | undefined;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  organizerId?: string | undefined;
  attendees?: { email: string; name?: string | undefined }[] | undefined;
  attendeeUserIds?: string[] | undefined;
  videoUrl?: string | null | undefined;
  leadId?: string | null | undefined;
  contactId?: string | null | undefined;
  accountId?: string | null | undefined;
  opportunityId?: string | null | undefined;
};

function timeProblems(startsAt: number, endsAt: number, timeZone: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!isTimeZone(timeZone)) problems.push({ field: 'timeZone', message: 'Must be an IANA time zone like Europe/Berlin' });
  if (endsAt <= startsAt) problems.push({ field: 'endsAt', message: 'Must be after startsAt' });
  else if (endsAt - startsAt > MAX_MINUTES * 60_000) problems.push({ field: 'endsAt', message: 'A meeting lasts at most 24 hours' });
  return problems;
}

/** 404s of linked records become field errors: the request was bad, nothing is missing from the URL. */
async function linked<T>(field: string, problems: FieldError[], read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && error.status === 404) {
      problems.push({ field, message: `No such ${field.replace(/Id$/, '')} in this organisation` });
      return null;
    }
    throw error;
  }
}

const addAttendee = (list: MeetingAttendee[], attendee: MeetingAttendee) => {
  const email = attendee.email.trim();
  if (!email || list.some((a) => a.email.toLowerCase() === email.toLowerCase())) return;
  list.push({ ...attendee, email });
};

/**
 * Schedules a meeting: its records are checked and linked (a contact's or deal's account comes
 * along), the lead's or contact's email joins the attendees, the timelines get `meeting_booked`,
 * and everyone is sent the invitation once the meeting is stored.
 */
export async function scheduleMeeting(db: Db, actor: Actor, input: NewMeeting, delivery: Delivery): Promise<MeetingView> {
  assertCan(actor, 'records:write');
  const startsAt = Date.parse(input.startsAt);
  const endsAt = Date.parse(input.endsAt);
  const problems = timeProblems(startsAt, endsAt, input.timeZone);
  const organizerId = input.organizerId ?? actor.userId;
  if (!organizerId) problems.push({ field: 'organizerId', message: 'Say who organizes the meeting' });
  if (organizerId && organizerId !== actor.userId && !can(actor.role, 'records:reassign')) throw forbidden('Only managers schedule meetings for someone else');

  const attendees: MeetingAttendee[] = [];
  let accountId = input.accountId ?? null;
  const lead = input.leadId ? await linked('leadId', problems, () => getLead(db, actor, input.leadId!)) : null;
  const contact = input.contactId ? await linked('contactId', problems, () => getContact(db, actor, input.contactId!)) : null;
  const opportunity = input.opportunityId ? await linked('opportunityId', problems, () => getOpportunity(db, actor, input.opportunityId!)) : null;
  if (accountId) await linked('accountId', problems, () => getAccount(db, actor, accountId!));
  accountId ??= contact?.accountId ?? opportunity?.accountId ?? null;
  const organizer = organizerId ? await linked('organizerId', problems, () => getUser(db, actor, organizerId)) : null;
  if (organizer && organizer.status !== 'active') problems.push({ field: 'organizerId', message: 'The organizer is not an active user' });
  for (const [i, userId] of (input.attendeeUserIds ?? []).entries()) {
    const user = await linked(`attendeeUserIds.${i}`, problems, () => getUser(db, actor, userId));
    if (user && user.id !== organizerId) addAttendee(attendees, { email: user.email, name: user.name, userId: user.id });
  }
  if (lead?.email) addAttendee(attendees, { email: lead.email, name: `${lead.firstName} ${lead.lastName}`.trim(), userId: null });
  if (contact?.email) addAttendee(attendees, { email: contact.email, name: `${contact.firstName} ${contact.lastName}`.trim(), userId: null });
  for (const a of input.attendees ?? []) addAttendee(attendees, { email: a.email, name: a.name?.trim() ?? '', userId: null });
  if (problems.length) throw validationFailed(problems);

  const { row, queued } = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(meetings)
      .values({
        orgId: actor.orgId,
        id: newId(),
        kind: input.kind,
        title: input.title.trim(),
        description: input.description?.trim() ?? '',
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        timeZone: input.timeZone,
        organizerId: organizerId!,
        attendees,
        videoUrl: input.videoUrl?.trim() || null,
        leadId: lead?.id ?? null,
        contactId: contact?.id ?? null,
        accountId,
        opportunityId: opportunity?.id ?? null,
        createdBy: actor.userId || null,
      })
      .returning();
    await onTimelines(tx, actor, created!, 'booked', `Scheduled ${created!.title}`);
    await recordAudit(tx, actor, { entityType: 'meeting', entityId: created!.id, action: 'create', after: auditable(created!) });
    return { row: created!, queued: await queueInvitation(tx, created!, 'REQUEST') };
  });
  if (!queued) await sendInvitations(db, actor, row, 'REQUEST', delivery);
  return toMeetingView(row);
}

/** Every record the meeting is about shows what happened to it on its timeline. */
async function onTimelines(tx: Db, actor: Actor, row: MeetingRow, change: 'booked' | MeetingChange, summary: string, extra: Record<string, unknown> = {}): Promise<void> {
  const subjects: [SubjectType, string | null][] = [
    ['lead', row.leadId],
    ['contact', row.contactId],
    ['account', row.accountId],
    ['opportunity', row.opportunityId],
  ];
  // A held meeting or a no-show happened at the meeting's time (scoring decays from then).
  const occurredAt = change === 'held' || change === 'no_show' ? row.startsAt : undefined;
  for (const [subjectType, subjectId] of subjects) {
    if (!subjectId) continue;
    await logActivity(tx, actor, {
      subjectType,
      subjectId,
      kind: ACTIVITY_OF[change],
      summary,
      occurredAt,
      details: {
        meetingId: row.id,
        meetingKind: row.kind,
        title: row.title,
        startsAt: row.startsAt.toISOString(),
        endsAt: row.endsAt.toISOString(),
        timeZone: row.timeZone,
        organizerId: row.organizerId,
        videoUrl: row.videoUrl,
        status: row.status,
        ...extra,
      },
    });
  }
}

/**
 * One email per person (organizer included) with the invitation or cancellation as an .ics
 * attachment. Failures are logged; sent right after a commit they are not retried (the
 * meeting stands, and a reschedule or edit sends a fresh copy), from the queue they are.
 */
async function sendInvitations(db: Db, actor: Actor, row: MeetingRow, method: 'REQUEST' | 'CANCEL', delivery: Delivery, options: { retry?: boolean } = {}): Promise<void> {
  const organizer = await getUser(db, systemActor(actor.orgId, ''), row.organizerId);
  const calendar = invitationCalendar({
    method,
    uid: `${row.id}@leadflow`,
    sequence: row.sequence,
    stamp: Date.now(),
    start: row.startsAt.getTime(),
    end: row.endsAt.getTime(),
    timeZone: row.timeZone,
    title: row.title,
    description: [row.description, row.videoUrl ? `Join: ${row.videoUrl}` : ''].filter(Boolean).join('\n\n'),
    videoUrl: row.videoUrl,
    organizer: { name: organizer.name, email: organizer.email },
    attendees: row.attendees.map((a) => ({ name: a.name, email: a.email })),
  });
  const recipients = [{ email: organizer.email, timeZone: organizer.timeZone }, ...row.attendees.map((a) => ({ email: a.email, timeZone: row.timeZone }))];
  const verb = method === 'CANCEL' ? 'Cancelled' : row.sequence > 0 ? 'Updated invitation' : 'Invitation';
  const failed: string[] = [];
  await Promise.all(
    recipients.map(async (to) => {
      const when = describeWhen(row.startsAt.getTime(), row.endsAt.getTime(), to.timeZone);
      const text = [
        `${row.title}`,
        when,
        method === 'CANCEL' ? 'This meeting is cancelled.' : row.videoUrl ? `Join: ${row.videoUrl}` : '',
        `Organizer: ${organizer.name} <${organizer.email}>`,
        row.description,
      ]
        .filter(Boolean)
        .join('\n\n');
      try {
        await delivery.mailer.send({
          to: to.email,
          subject: `${verb}: ${row.title} — ${when}`,
          text,
          attachments: [{ filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: Buffer.from(calendar, 'utf8'), contentType: `text/calendar; charset=utf-8; method=${method}` }],
        });
      } catch (error) {
        failed.push(to.email);
        delivery.log(`Meeting ${row.id}: the invitation to ${to.email} was not sent: ${(error as Error).message}`);
      }
    }),
  );
  // A queued job fails so it is retried; a resent copy of the same UID and SEQUENCE is harmless.
  if (options.retry && failed.length) throw new Error(`Meeting ${row.id}: invitations to ${failed.join(', ')} not sent`);
}

export async function getMeeting(db: Db, actor: Actor, id: string): Promise<MeetingView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(meetings).where(and(byId(actor, id), visibleMeeting(actor)));
  if (!row) throw notFound('Meeting');
  return toMeetingView(row);
}

export type MeetingQuery = {
  from?: string | undefined;
  to?: string | undefined;
  mine?: boolean | undefined;
  organizerId?: string | undefined;
  leadId?: string | undefined;
  contactId?: string | undefined;
  accountId?: string | undefined;
  opportunityId?: string | undefined;
  status?: MeetingStatus[] | undefined;
  cursor?: string | undefined;
  limit: number;
};

/**
 * Meetings by start time, earliest first. `mine` means the caller organizes or attends; `from`/`to`
 * keep meetings that overlap the range (a meeting running at `from` counts as today's).
 */
export async function listMeetings(db: Db, actor: Actor, query: MeetingQuery): Promise<{ data: MeetingView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(meetings.orgId, actor.orgId), visibleMeeting(actor)];
  if (query.from) conditions.push(gt(meetings.endsAt, new Date(query.from)));
  if (query.to) conditions.push(lt(meetings.startsAt, new Date(query.to)));
  if (query.mine) conditions.push(involving(actor.userId));
  if (query.organizerId) conditions.push(eq(meetings.organizerId, query.organizerId));
  if (query.leadId) conditions.push(eq(meetings.leadId, query.leadId));
  if (query.contactId) conditions.push(eq(meetings.contactId, query.contactId));
  if (query.accountId) conditions.push(eq(meetings.accountId, query.accountId));
  if (query.opportunityId) conditions.push(eq(meetings.opportunityId, query.opportunityId));
  if (query.status?.length) conditions.push(inArray(meetings.status, query.status));
  if (query.cursor) {
    const { v, id } = decodeCursor(query.cursor);
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw badRequest('The cursor is not one this API issued', [{ field: 'query.cursor', message: 'Invalid cursor' }]);
    conditions.push(sql`(${meetings.startsAt}, ${meetings.id}) > (${v}::timestamptz, ${id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(meetings)
    .where(and(...conditions))
    .orderBy(asc(meetings.startsAt), asc(meetings.id))
    .limit(query.limit + 1);
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return { data: shown.map(toMeetingView), nextCursor: rows.length > query.limit && last ? encodeCursor({ v: last.startsAt.toISOString(), id: last.id }) : null };
}

const involving = (userId: string): SQL =>
  or(eq(meetings.organizerId, userId), sql`${meetings.attendees} @> ${JSON.stringify([{ userId }])}::jsonb`)!;

/** Meetings one takes part in, or whose lead, contact, account and deal one may see (visibility/records.ts). */
const visibleMeeting = (actor: Actor): SQL =>
  or(involving(actor.userId), visibleLinks(actor, { lead: meetings.leadId, contact: meetings.contactId, account: meetings.accountId, opportunity: meetings.opportunityId }))!;

/** Reps change the meetings they organize or attend; managers and admins change any. */
function assertMayChange(actor: Actor, row: MeetingRow): void {
  assertCan(actor, 'records:write');
  if (can(actor.role, 'records:reassign')) return;
  if (row.organizerId === actor.userId || row.attendees.some((a) => a.userId === actor.userId)) return;
  throw forbidden('Only the organizer, an attendee or a manager changes this meeting');
}

async function lockMeeting(tx: Db, actor: Actor, id: string): Promise<MeetingRow> {
  const [row] = await tx.select().from(meetings).where(byId(actor, id)).for('update');
  if (!row) throw notFound('Meeting');
  assertMayChange(actor, row);
  return row;
}

function refuse(row: MeetingRow, change: MeetingChange, now = Date.now()): void {
  const why = changeRefusal(row.status as MeetingStatus, change, row.startsAt.getTime(), now);
  if (why) throw conflict(why, 'meeting_state');
}

export type MeetingDetails = {
  kind?: MeetingKind | undefined;
  title?: string | undefined;
  description?: string | undefined;
  videoUrl?: string | null | undefined;
  outcomeNotes?: string | undefined;
};

/** Edits details; an upcoming meeting whose invitation text changed sends everyone the new one. */
export async function updateMeeting(db: Db, actor: Actor, id: string, changes: MeetingDetails, expected: ExpectedVersion, delivery: Delivery): Promise<MeetingView> {
  const { row, resend } = await db.transaction(async (tx) => {
    const before = await lockMeeting(tx, actor, id);
    assertVersion(expected, before.version);
    const set = {
      ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
      ...(changes.title !== undefined ? { title: changes.title.trim() } : {}),
      ...(changes.description !== undefined ? { description: changes.description.trim() } : {}),
      ...(changes.videoUrl !== undefined ? { videoUrl: changes.videoUrl?.trim() || null } : {}),
      ...(changes.outcomeNotes !== undefined ? { outcomeNotes: changes.outcomeNotes.trim() } : {}),
    };
    const invitationChanged =
      (set.title !== undefined && set.title !== before.title) ||
      (set.description !== undefined && set.description !== before.description) ||
      (set.videoUrl !== undefined && set.videoUrl !== before.videoUrl);
    const resend = invitationChanged && UPCOMING.includes(before.status as MeetingStatus);
    const [after] = await tx
      .update(meetings)
      .set({ ...set, version: before.version + 1, sequence: before.sequence + (resend ? 1 : 0), updatedAt: new Date() })
      .where(byId(actor, id))
      .returning();
    await recordAudit(tx, actor, { entityType: 'meeting', entityId: id, action: 'update', before: auditable(before), after: auditable(after!) });
    return { row: after!, resend: resend && !(await queueInvitation(tx, after!, 'REQUEST')) };
  });
  if (resend) await sendInvitations(db, actor, row, 'REQUEST', delivery);
  return toMeetingView(row);
}

/** Moves a meeting: same invitation (UID), next SEQUENCE, so calendars update it in place. */
export async function rescheduleMeeting(
  db: Db,
  actor: Actor,
  id: string,
  input: { startsAt: string; endsAt: string; timeZone?: string | undefined; reason?: string | undefined; version?: number | undefined },
  delivery: Delivery,
): Promise<MeetingView> {
  const startsAt = Date.parse(input.startsAt);
  const endsAt = Date.parse(input.endsAt);
  const { row, queued } = await db.transaction(async (tx) => {
    const before = await lockMeeting(tx, actor, id);
    if (input.version !== undefined) assertVersion({ version: input.version, source: 'body' }, before.version);
    const problems = timeProblems(startsAt, endsAt, input.timeZone ?? before.timeZone);
    if (problems.length) throw validationFailed(problems);
    refuse(before, 'rescheduled');
    const [after] = await tx
      .update(meetings)
      .set({
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        timeZone: input.timeZone ?? before.timeZone,
        status: 'rescheduled',
        sequence: before.sequence + 1,
        version: before.version + 1,
        updatedAt: new Date(),
      })
      .where(byId(actor, id))
      .returning();
    const reason = input.reason?.trim() ?? '';
    await onTimelines(tx, actor, after!, 'rescheduled', `Rescheduled ${after!.title}${reason ? `: ${reason}` : ''}`, { previousStartsAt: before.startsAt.toISOString(), reason });
    await recordAudit(tx, actor, { entityType: 'meeting', entityId: id, action: 'reschedule', before: auditable(before), after: auditable(after!), reason: reason || undefined });
    return { row: after!, queued: await queueInvitation(tx, after!, 'REQUEST') };
  });
  if (!queued) await sendInvitations(db, actor, row, 'REQUEST', delivery);
  return toMeetingView(row);
}

export async function cancelMeeting(db: Db, actor: Actor, id: string, input: { reason?: string | undefined; version?: number | undefined }, delivery: Delivery): Promise<MeetingView> {
  const { row, queued } = await db.transaction(async (tx) => {
    const before = await lockMeeting(tx, actor, id);
    if (input.version !== undefined) assertVersion({ version: input.version, source: 'body' }, before.version);
    refuse(before, 'cancelled');
    const [after] = await tx
      .update(meetings)
      .set({ status: 'cancelled', sequence: before.sequence + 1, version: before.version + 1, updatedAt: new Date() })
      .where(byId(actor, id))
      .returning();
    const reason = input.reason?.trim() ?? '';
    await onTimelines(tx, actor, after!, 'cancelled', `Cancelled ${after!.title}${reason ? `: ${reason}` : ''}`, { reason });
    await recordAudit(tx, actor, { entityType: 'meeting', entityId: id, action: 'cancel', before: auditable(before), after: auditable(after!), reason: reason || undefined });
    return { row: after!, queued: await queueInvitation(tx, after!, 'CANCEL') };
  });
  if (!queued) await sendInvitations(db, actor, row, 'CANCEL', delivery);
  return toMeetingView(row);
}

/** Logs what happened: held (scoring counts it as engagement) or a no-show. */
export async function logOutcome(db: Db, actor: Actor, id: string, input: { outcome: 'held' | 'no_show'; notes?: string | undefined; version?: number | undefined }): Promise<MeetingView> {
  const row = await db.transaction(async (tx) => {
    const before = await lockMeeting(tx, actor, id);
    if (input.version !== undefined) assertVersion({ version: input.version, source: 'body' }, before.version);
    refuse(before, input.outcome);
    const notes = input.notes?.trim();
    const [after] = await tx
      .update(meetings)
      .set({ status: input.outcome, ...(notes !== undefined ? { outcomeNotes: notes } : {}), version: before.version + 1, updatedAt: new Date() })
      .where(byId(actor, id))
      .returning();
    const summary = input.outcome === 'held' ? `Held ${after!.title}` : `No-show for ${after!.title}`;
    await onTimelines(tx, actor, after!, input.outcome, notes ? `${summary}: ${notes}` : summary, { notes: notes ?? '' });
    await recordAudit(tx, actor, { entityType: 'meeting', entityId: id, action: input.outcome, before: auditable(before), after: auditable(after!) });
    return after!;
  });
  return toMeetingView(row);
}

// ── Booking pages ────────────────────────────────────────────────────────────────────────────

export type BookingPageView = BookingSettings & {
  userId: string;
  description: string;
  videoUrl: string | null;
  active: boolean;
  version: number;
  /** False for the suggestion shown before the rep first saves. */
  saved: boolean;
};

const toPageView = (row: BookingPageRow): BookingPageView => ({
  userId: row.userId,
  slug: row.slug,
  title: row.title,
  description: row.description,
  meetingTypes: row.meetingTypes,
  bufferMinutes: row.bufferMinutes,
  minNoticeMinutes: row.minNoticeMinutes,
  daysAhead: row.daysAhead,
  videoUrl: row.videoUrl,
  active: row.active,
  version: row.version,
  saved: true,
});

/** The caller's booking page, or what it would be (not saved) before they set one up. */
export async function myBookingPage(db: Db, actor: Actor): Promise<BookingPageView> {
  assertCan(actor, 'booking:own');
  const [row] = await db.select().from(bookingPages).where(and(eq(bookingPages.orgId, actor.orgId), eq(bookingPages.userId, actor.userId)));
  if (row) return toPageView(row);
  const user = await getUser(db, actor, actor.userId);
  return {
    userId: actor.userId,
    slug: slugFrom(user.name),
    title: `Meet ${user.name}`,
    description: '',
    meetingTypes: [{ key: 'demo', name: 'Product demo', minutes: 30 }],
    bufferMinutes: 10,
    minNoticeMinutes: 240,
    daysAhead: 30,
    videoUrl: null,
    active: false,
    version: 0,
    saved: false,
  };
}

export type BookingPageInput = BookingSettings & { description?: string | undefined; videoUrl?: string | null | undefined; active: boolean; version?: number | undefined };

export async function saveBookingPage(db: Db, actor: Actor, input: BookingPageInput): Promise<BookingPageView> {
  assertCan(actor, 'booking:own');
  const settings = { ...input, slug: input.slug.trim().toLowerCase(), title: input.title.trim() };
  const problems = bookingSettingsProblems(settings);
  if (problems.length) throw validationFailed(problems);
  return db.transaction(async (tx) => {
    const where = and(eq(bookingPages.orgId, actor.orgId), eq(bookingPages.userId, actor.userId));
    const [before] = await tx.select().from(bookingPages).where(where).for('update');
    if (input.version !== undefined) assertVersion({ version: input.version, source: 'body' }, before?.version ?? 0);
    const [taken] = await tx
      .select({ orgId: bookingPages.orgId, userId: bookingPages.userId })
      .from(bookingPages)
      .where(and(eq(bookingPages.slug, settings.slug), or(ne(bookingPages.orgId, actor.orgId), ne(bookingPages.userId, actor.userId))));
    if (taken) throw conflict(`The address /book/${settings.slug} is taken; pick another`, 'slug_taken');
    const values = {
      slug: settings.slug,
      title: settings.title,
      description: input.description?.trim() ?? '',
      meetingTypes: settings.meetingTypes,
      bufferMinutes: settings.bufferMinutes,
      minNoticeMinutes: settings.minNoticeMinutes,
      daysAhead: settings.daysAhead,
      videoUrl: input.videoUrl?.trim() || null,
      active: input.active,
      updatedAt: new Date(),
    };
    let after: BookingPageRow | undefined;
    try {
      [after] = before
        ? await tx.update(bookingPages).set({ ...values, version: before.version + 1 }).where(where).returning()
        : await tx.insert(bookingPages).values({ ...values, orgId: actor.orgId, userId: actor.userId }).returning();
    } catch (error) {
      // Two reps racing for the same address: the unique index decides.
      if ((error as { code?: string }).code === '23505') throw conflict(`The address /book/${settings.slug} is taken; pick another`, 'slug_taken');
      throw error;
    }
    const { updatedAt: _u, ...snapshot } = values;
    await recordAudit(tx, actor, { entityType: 'booking_page', entityId: actor.userId, action: before ? 'update' : 'create', after: snapshot });
    return toPageView(after!);
  });
}

type PublicPage = { row: BookingPageRow; actor: Actor; rules: Omit<SlotRules, 'durationMinutes'>; repName: string; outOfOfficeUntil: number | null };

/** An active page by its slug; an unknown, inactive or deactivated rep's page is the same 404. */
async function publicPage(db: Db, slug: string): Promise<PublicPage> {
  const [row] = await db.select().from(bookingPages).where(eq(bookingPages.slug, slug.toLowerCase()));
  if (!row || !row.active) throw notFound('Booking page');
  const actor = systemActor(row.orgId, '');
  const availability = await getAvailability(db, actor, row.userId);
  const rep = await getUser(db, actor, row.userId);
  if (rep.status !== 'active') throw notFound('Booking page');
  return {
    row,
    actor,
    repName: rep.name,
    outOfOfficeUntil: availability.outOfOfficeUntil ? Date.parse(availability.outOfOfficeUntil) : null,
    rules: {
      timeZone: availability.timeZone,
      hours: availability.workingHours ?? DEFAULT_WORKING_HOURS,
      bufferMinutes: row.bufferMinutes,
      minNoticeMinutes: row.minNoticeMinutes,
      daysAhead: row.daysAhead,
    },
  };
}

export async function publicBookingPage(db: Db, slug: string) {
  const page = await publicPage(db, slug);
  return {
    slug: page.row.slug,
    title: page.row.title,
    description: page.row.description,
    repName: page.repName,
    repTimeZone: page.rules.timeZone,
    meetingTypes: page.row.meetingTypes,
    daysAhead: page.row.daysAhead,
  };
}

/** What holds the rep's time: meetings they organize or attend that are not cancelled, and time out of office. */
async function busyTimes(db: Db, page: PublicPage, range: Interval, now: number): Promise<Interval[]> {
  const buffer = page.rules.bufferMinutes * 60_000;
  const rows = await db
    .select({ startsAt: meetings.startsAt, endsAt: meetings.endsAt })
    .from(meetings)
    .where(
      and(
        eq(meetings.orgId, page.row.orgId),
        involving(page.row.userId),
        ne(meetings.status, 'cancelled'),
        lt(meetings.startsAt, new Date(range.end + buffer)),
        gt(meetings.endsAt, new Date(range.start - buffer)),
      ),
    );
  const busy = rows.map((r) => ({ start: r.startsAt.getTime(), end: r.endsAt.getTime() }));
  if (page.outOfOfficeUntil && page.outOfOfficeUntil > now) busy.push({ start: now, end: page.outOfOfficeUntil });
  return busy;
}

const meetingType = (page: PublicPage, key: string | undefined) => {
  const type = key ? page.row.meetingTypes.find((t) => t.key === key) : page.row.meetingTypes[0];
  if (!type) throw validationFailed([{ field: 'type', message: `Pick one of ${page.row.meetingTypes.map((t) => t.key).join(', ')}` }]);
  return type;
};

const MAX_RANGE_DAYS = 62;

/** Free slots of a page's meeting type in [from, to), grouped by the prospect's days. */
export async function publicSlots(db: Db, slug: string, query: { from: string; to: string; type?: string | undefined; timeZone: string }, now = Date.now()): Promise<{ timeZone: string; durationMinutes: number; days: SlotDay[] }> {
  const page = await publicPage(db, slug);
  const range = { start: Date.parse(query.from), end: Date.parse(query.to) };
  const problems: FieldError[] = [];
  if (!isTimeZone(query.timeZone)) problems.push({ field: 'timeZone', message: 'Must be an IANA time zone like Europe/Berlin' });
  if (range.end <= range.start) problems.push({ field: 'to', message: 'Must be after from' });
  else if (range.end - range.start > MAX_RANGE_DAYS * 86_400_000) problems.push({ field: 'to', message: `Ask for at most ${MAX_RANGE_DAYS} days at once` });
  if (problems.length) throw validationFailed(problems);
  const type = meetingType(page, query.type);
  const busy = await busyTimes(db, page, range, now);
  const slots = freeSlots({ ...page.rules, durationMinutes: type.minutes }, range, busy, now);
  return { timeZone: query.timeZone, durationMinutes: type.minutes, days: slotsByDay(slots, query.timeZone) };
}

export type Booking = {
  type?: string | undefined;
  startsAt: string;
  timeZone: string;
  name: string;
  email: string;
  company?: string | undefined;
  notes?: string | undefined;
};

const splitName = (name: string): { firstName: string; lastName: string } => {
  const parts = name.trim().split(/\s+/);
  return parts.length === 1 ? { firstName: '', lastName: parts[0]! } : { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1)! };
};

/**
 * A prospect books a slot. Bookings for one rep are serialised, and the slot is checked free
 * inside that lock: of two prospects racing for the same time, one gets it and the other a 409.
 * The prospect is matched to a lead or contact the way web forms match (email, phone, name at
 * company domain) or becomes a new lead owned by the rep; both get the invitation.
 */
export async function bookSlot(db: Db, slug: string, booking: Booking, delivery: Delivery, now = Date.now()): Promise<MeetingView> {
  const page = await publicPage(db, slug);
  const type = meetingType(page, booking.type);
  const start = Date.parse(booking.startsAt);
  const problems: FieldError[] = [];
  if (!isTimeZone(booking.timeZone)) problems.push({ field: 'timeZone', message: 'Must be an IANA time zone like Europe/Berlin' });
  if (!booking.name.trim()) problems.push({ field: 'name', message: 'Tell us your name' });
  if (problems.length) throw validationFailed(problems);
  const slot = { start, end: start + type.minutes * 60_000 };
  const rules = { ...page.rules, durationMinutes: type.minutes };
  const isSlot = (slots: Interval[]) => slots.some((s) => s.start === slot.start);
  if (!isSlot(freeSlots(rules, slot, [], now))) {
    throw validationFailed([{ field: 'startsAt', message: 'Not a bookable time on this page: pick one of the offered slots' }]);
  }
  const { actor, row: pageRow } = page;
  const { row, queued } = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`meetings|${pageRow.orgId}|${pageRow.userId}`}, 0))`);
    if (!isSlot(freeSlots(rules, slot, await busyTimes(tx, page, slot, now), now))) {
      throw conflict('Someone has just booked this time; please pick another slot', 'slot_taken');
    }
    const person = { ...splitName(booking.name), email: booking.email.trim(), company: booking.company?.trim() || undefined };
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${pageRow.orgId}|${person.email.toLowerCase()}`}, 0))`);
    const match = await findPersonMatch(tx, actor, { ...person, phone: null, country: null }, null);
    const contact = match?.type === 'contact' ? await getContact(tx, actor, match.id) : null;
    const leadId = match?.type === 'lead' ? match.id : match ? null : (await createLead(tx, actor, { ...person, source: 'booking_page', ownerId: pageRow.userId })).id;
    const [created] = await tx
      .insert(meetings)
      .values({
        orgId: pageRow.orgId,
        id: newId(),
        kind: 'demo',
        title: `${type.name}: ${booking.name.trim()}${person.company ? ` (${person.company})` : ''}`,
        description: booking.notes?.trim() ?? '',
        startsAt: new Date(slot.start),
        endsAt: new Date(slot.end),
        timeZone: booking.timeZone,
        organizerId: pageRow.userId,
        attendees: [{ email: person.email, name: booking.name.trim(), userId: null }],
        videoUrl: pageRow.videoUrl,
        leadId,
        contactId: contact?.id ?? null,
        accountId: contact?.accountId ?? null,
        bookedVia: 'booking_page',
      })
      .returning();
    await onTimelines(tx, actor, created!, 'booked', `Booked ${type.name} on the booking page`, { bookedVia: 'booking_page', match: match ? { reason: match.reason } : null });
    await recordAudit(tx, actor, { entityType: 'meeting', entityId: created!.id, action: 'create', after: { ...auditable(created!), bookedVia: 'booking_page' } });
    return { row: created!, queued: await queueInvitation(tx, created!, 'REQUEST') };
  });
  if (!queued) await sendInvitations(db, actor, row, 'REQUEST', delivery);
  return toMeetingView(row);
}
