import { and, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Mailer, OutgoingMail } from '../../core/mailer.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { getUser } from '../users/service.ts';
import { channelsFor, DEFAULT_PREFERENCES, digestMail, DIGEST_HOUR, localDayAndHour, NOTIFICATION_EVENTS, withDefaults, type Channels, type NotificationEvent, type NotificationPreferences } from './model.ts';
import { notificationDigests, notificationPreferences, notifications } from './schema.ts';

export type NotificationMessage = { kind: string; title: string; body?: string | undefined; link?: string | undefined };

export type NotificationView = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
};

/** Emails waiting for the transaction that wrote their notifications to commit. */
export type Outbox = (OutgoingMail & { link?: string | undefined })[];

/**
 * How mail leaves after a commit: through the mailer, with links made absolute on the public
 * URL — or, when the caller runs the transaction (a lead conversion creating a deal), into the
 * caller's outbox, for the caller to deliver after its own commit.
 */
export type Delivery = { mailer?: Mailer | undefined; publicUrl?: string | undefined; log?: ((message: string) => void) | undefined; outbox?: Outbox | undefined };

/**
 * Notifies people in the org: one in-app notification each, written in the caller's transaction,
 * and an email each queued in the outbox. The actor is not notified of their own doing;
 * deactivated users are skipped. Returns who was notified.
 */
export async function notify(db: Db, actor: Actor, userIds: readonly (string | null)[], message: NotificationMessage, outbox: Outbox): Promise<string[]> {
  const recipients = [...new Set(userIds)].filter((id): id is string => Boolean(id) && id !== actor.userId);
  if (recipients.length === 0) return [];
  const lookup = systemActor(actor.orgId, actor.userId);
  const stored = await db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.orgId, actor.orgId), inArray(notificationPreferences.userId, recipients)));
  const preferences = new Map(stored.map((row) => [row.userId, withDefaults(row)]));
  const notified: string[] = [];
  for (const userId of recipients) {
    // Each person's preferences route the event: in the app, by email, both or neither.
    const channels = channelsFor(preferences.get(userId) ?? DEFAULT_PREFERENCES, message.kind);
    if (!channels.inApp && !channels.email) continue;
    const user = await getUser(db, lookup, userId).catch(() => null);
    if (!user || user.status === 'deactivated') continue;
    if (channels.email) outbox.push({ to: user.email, subject: message.title, text: message.body ?? message.title, link: message.link });
    notified.push(userId);
    if (!channels.inApp) continue;
    await db.insert(notifications).values({
      orgId: actor.orgId,
      id: newId(),
      userId,
      kind: message.kind,
      title: message.title,
      body: message.body ?? '',
      link: message.link ?? null,
    });
  }
  return notified;
}

/** Sends the outbox after the commit. A mail server that is down must not undo the change: the in-app notification stands. */
export async function deliver(delivery: Delivery | undefined, outbox: Outbox): Promise<void> {
  if (!delivery || outbox.length === 0) return;
  if (delivery.outbox) {
    delivery.outbox.push(...outbox);
    return;
  }
  if (!delivery.mailer) return;
  for (const { link, ...mail } of outbox) {
    const url = link && delivery.publicUrl ? `\n\n${delivery.publicUrl.replace(/\/$/, '')}${link}` : '';
    try {
      await delivery.mailer.send({ ...mail, text: `${mail.text}${url}` });
    } catch (error) {
      delivery.log?.(`notification email to ${mail.to} failed: ${(error as Error).message}`);
    }
  }
}

/** Runs `work` in a transaction that may notify, then delivers its mail once committed. */
export async function withNotifications<T>(db: Db, delivery: Delivery | undefined, work: (tx: Db, outbox: Outbox) => Promise<T>): Promise<T> {
  const outbox: Outbox = [];
  const result = await db.transaction((tx) => work(tx, outbox));
  await deliver(delivery, outbox);
  return result;
}

const toView = (row: typeof notifications.$inferSelect): NotificationView => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  link: row.link,
  readAt: row.readAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

/** The caller's own notifications, newest first; ids are UUIDv7, so the id is the cursor. */
export async function listNotifications(
  db: Db,
  actor: Actor,
  filter: { unread?: boolean | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: NotificationView[]; nextCursor: string | null; unread: number }> {
  assertCan(actor, 'notifications:own');
  const mine = and(eq(notifications.orgId, actor.orgId), eq(notifications.userId, actor.userId));
  const conditions = [mine];
  if (filter.unread) conditions.push(isNull(notifications.readAt));
  if (filter.cursor) conditions.push(lt(notifications.id, filter.cursor));
  const rows = await db.select().from(notifications).where(and(...conditions)).orderBy(desc(notifications.id)).limit(filter.limit + 1);
  const unread = await db.$count(notifications, and(mine, isNull(notifications.readAt)));
  const page = rows.slice(0, filter.limit);
  return { data: page.map(toView), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null, unread };
}

export async function markRead(db: Db, actor: Actor, id: string): Promise<NotificationView> {
  assertCan(actor, 'notifications:own');
  const mine = and(eq(notifications.orgId, actor.orgId), eq(notifications.userId, actor.userId), eq(notifications.id, id));
  const [row] = await db.select().from(notifications).where(mine);
  if (!row) throw notFound('Notification');
  if (row.readAt) return toView(row);
  const [updated] = await db.update(notifications).set({ readAt: new Date() }).where(mine).returning();
  return toView(updated!);
}

export async function markAllRead(db: Db, actor: Actor): Promise<number> {
  assertCan(actor, 'notifications:own');
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.orgId, actor.orgId), eq(notifications.userId, actor.userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** Marks read the caller's unread notifications of one kind about one thing (a deal's page, say): the work they asked for is done. */
export async function markReadAbout(db: Db, actor: Actor, kind: string, link: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.orgId, actor.orgId), eq(notifications.userId, actor.userId), eq(notifications.kind, kind), eq(notifications.link, link), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

// Preferences -----------------------------------------------------------------------------------

/** The caller's notification preferences (the defaults until they change any). */
export async function getPreferences(db: Db, actor: Actor): Promise<NotificationPreferences> {
  assertCan(actor, 'notifications:own');
  const [row] = await db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.orgId, actor.orgId), eq(notificationPreferences.userId, actor.userId)));
  return withDefaults(row);
}

export type PreferencesChange = { events?: Partial<Record<NotificationEvent, Partial<Channels>>> | undefined; dailyDigest?: boolean | undefined };

/** Changes some of the caller's preferences; events and channels left out keep their setting. */
export async function setPreferences(db: Db, actor: Actor, change: PreferencesChange): Promise<NotificationPreferences> {
  assertCan(actor, 'notifications:own');
  return db.transaction(async (tx) => {
    const key = and(eq(notificationPreferences.orgId, actor.orgId), eq(notificationPreferences.userId, actor.userId));
    const [row] = await tx.select().from(notificationPreferences).where(key).for('update');
    const before = withDefaults(row);
    const events = { ...before.events };
    for (const event of NOTIFICATION_EVENTS) {
      const c = change.events?.[event];
      if (c) events[event] = { inApp: c.inApp ?? events[event].inApp, email: c.email ?? events[event].email };
    }
    const after: NotificationPreferences = { events, dailyDigest: change.dailyDigest ?? before.dailyDigest };
    const values = { events: after.events, dailyDigest: after.dailyDigest, updatedAt: new Date() };
    await tx
      .insert(notificationPreferences)
      .values({ orgId: actor.orgId, userId: actor.userId, ...values })
      .onConflictDoUpdate({ target: [notificationPreferences.orgId, notificationPreferences.userId], set: values });
    await recordAudit(tx, actor, { entityType: 'notification_preferences', entityId: actor.userId, action: 'update', before, after });
    return after;
  });
}

// The daily digest ----------------------------------------------------------------------------

/**
 * Emails each person who asked for the daily digest a summary of their unread notifications of
 * the last day, once per local day from DIGEST_HOUR in their time zone. The day is claimed before
 * sending and given back if the mail fails, so an hourly run retries and never sends twice; a day
 * with nothing unread sends nothing. Returns how many digests went out.
 */
export async function sendDailyDigests(db: Db, mailer: Mailer, now: Date, publicUrl?: string): Promise<number> {
  if (!mailer.configured) return 0;
  const people = ((await db.execute(sql`
    select p.org_id, p.user_id, u.email, u.name, u.time_zone
    from notification_preferences p join users u on u.org_id = p.org_id and u.id = p.user_id
    where p.daily_digest and u.status = 'active'`)) as unknown as { rows: { org_id: string; user_id: string; email: string; name: string; time_zone: string }[] }).rows;
  let sent = 0;
  for (const person of people) {
    const { day, hour } = localDayAndHour(now, person.time_zone);
    if (hour < DIGEST_HOUR) continue;
    const [done] = await db
      .select({ day: notificationDigests.day })
      .from(notificationDigests)
      .where(and(eq(notificationDigests.orgId, person.org_id), eq(notificationDigests.userId, person.user_id), eq(notificationDigests.day, day)));
    if (done) continue;
    const unread = await db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.orgId, person.org_id),
          eq(notifications.userId, person.user_id),
          isNull(notifications.readAt),
          gt(notifications.createdAt, new Date(now.getTime() - 24 * 3600_000)),
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(50);
    if (unread.length === 0) continue;
    const claimed = await db.insert(notificationDigests).values({ orgId: person.org_id, userId: person.user_id, day, items: unread.length }).onConflictDoNothing().returning();
    if (claimed.length === 0) continue;
    try {
      await mailer.send({ to: person.email, ...digestMail(person.name, unread, publicUrl) });
      sent += 1;
    } catch (error) {
      await db
        .delete(notificationDigests)
        .where(and(eq(notificationDigests.orgId, person.org_id), eq(notificationDigests.userId, person.user_id), eq(notificationDigests.day, day)));
      throw error;
    }
  }
  return sent;
}
