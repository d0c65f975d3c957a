// Telling people what routing did: an in-app notification in the routing transaction, and the
// email queued in that same transaction, sent by a worker once it has committed.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notify, type NotificationMessage, type Outbox } from '../notifications/service.ts';
import { queueInTransaction, routingRuntime } from './runtime.ts';

export const MAIL_QUEUE = 'routing-mail';

export type MailJob = { mails: Outbox };

/** Notifies the people in-app and by email; the caller's outbox, when given, takes the emails instead. */
export async function tell(tx: Db, actor: Actor, userIds: readonly (string | null)[], message: NotificationMessage, outbox?: Outbox): Promise<string[]> {
  const mails: Outbox = [];
  const notified = await notify(tx, actor, userIds, message, mails);
  if (outbox) outbox.push(...mails);
  // Without an SMTP server the mailer only logs; no job is worth queueing for that.
  else if (mails.length && routingRuntime()?.mailer.configured) await queueInTransaction<MailJob>(tx, MAIL_QUEUE, { mails });
  return notified;
}
