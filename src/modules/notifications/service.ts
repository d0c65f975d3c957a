import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Mailer, OutgoingMail } from '../../core/mailer.ts';
import { assertCan } from '../../core/roles.ts';
import { getUser } from '../users/service.ts';
import { notifications } from './schema.ts';

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
  const lookup = systemActor(actor.orgId, actor.userId);
  const notified: string[] = [];
  for (const userId of recipients) {
    const user = await getUser(db, lookup, userId).catch(() => null);
    if (!user || user.status === 'deactivated') continue;
    await db.insert(notifications).values({
      orgId: actor.orgId,
      id: newId(),
      userId,
      kind: message.kind,
      title: message.title,
      body: message.body ?? '',
      link: message.link ?? null,
    });
    outbox.push({ to: user.email, subject: message.title, text: message.body ?? message.title, link: message.link });
    notified.push(userId);
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
