import { ImapFlow } from 'imapflow';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { matchMailboxMessage, messageIdsIn, parseDeliveryStatus, type MailboxMessage } from './model.ts';
import { mailboxesToPoll, recordBounceReport, recordReply, saveMailboxPosition, sentEmailsByMessageId, type EmailContext, type MailboxAccount } from './service.ts';

// Reply and bounce tracking: each rep's mailbox is polled over IMAP for messages newer than the
// last UID seen; a message threaded to one of our emails (Message-ID in In-Reply-To/References)
// is a reply, a delivery-status report naming one is a bounce. Nothing is changed in the mailbox.

const BATCH = 200;

function headerValue(headers: string, name: string): string | null {
  const match = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t]+.*)*)`, 'im').exec(headers);
  return match ? match[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

/** Turns what IMAP returned for one message into the shape the matching rules read. */
export function toMailboxMessage(uid: number, headers: string, envelope: { messageId?: string; inReplyTo?: string; subject?: string; from?: { address?: string }[]; date?: Date } | undefined, source: string | null): MailboxMessage {
  const contentType = headerValue(headers, 'Content-Type') ?? undefined;
  const message: MailboxMessage = {
    uid,
    messageId: envelope?.messageId ?? headerValue(headers, 'Message-ID'),
    inReplyTo: envelope?.inReplyTo ?? headerValue(headers, 'In-Reply-To'),
    references: headerValue(headers, 'References'),
    from: envelope?.from?.[0]?.address?.toLowerCase() ?? null,
    subject: envelope?.subject ?? '',
    date: envelope?.date ?? null,
    contentType,
  };
  if (source) {
    message.deliveryStatus = parseDeliveryStatus(source);
    message.originalMessageIds = [...source.matchAll(/^Message-ID:\s*(<[^>\s]+>)/gim)].map((m) => m[1]!).filter((id) => id !== message.messageId);
  }
  return message;
}

export type PollResult = { seen: number; replies: number; bounces: number; error: string | null };

/** Reads one mailbox from where the last poll stopped and records replies and bounces. */
export async function pollMailbox(db: Db, account: MailboxAccount, options: { timeoutMs?: number } = {}): Promise<PollResult> {
  const client = new ImapFlow({
    host: account.host, port: account.port, secure: account.secure, auth: { user: account.user, pass: account.password },
    logger: false, connectionTimeout: options.timeoutMs ?? 20_000, greetingTimeout: options.timeoutMs ?? 20_000, socketTimeout: 60_000,
    // Loopback and plain-port servers (tests, an in-house relay) offer no TLS upgrade.
    ...(account.secure ? {} : { doSTARTTLS: undefined }),
  });
  client.on('error', () => {});
  const result: PollResult = { seen: 0, replies: 0, bounces: 0, error: null };
  const actor: Actor = { orgId: account.orgId, userId: account.userId, role: 'admin', via: 'system' };
  try {
    await client.connect();
    const lock = await client.getMailboxLock(account.mailbox, { readOnly: true });
    try {
      const mailbox = client.mailbox as { uidValidity: bigint; uidNext: number };
      const validity = String(mailbox.uidValidity);
      // The first poll, or a new UIDVALIDITY (the mailbox was renumbered): start from its present,
      // so old mail is never read as new and a big mailbox is not walked on setup.
      if (account.uidValidity !== validity) {
        await saveMailboxPosition(db, account, { uidValidity: validity, lastUid: Math.max(0, mailbox.uidNext - 1), error: null });
        return result;
      }
      let lastUid = account.lastUid;
      if (mailbox.uidNext - 1 <= lastUid) {
        await saveMailboxPosition(db, account, { lastUid, error: null });
        return result;
      }
      const batch: MailboxMessage[] = [];
      for await (const fetched of client.fetch(`${lastUid + 1}:*`, { uid: true, envelope: true, headers: true }, { uid: true })) {
        if (fetched.uid <= lastUid) continue;
        const headers = fetched.headers?.toString('utf8') ?? '';
        batch.push(toMailboxMessage(fetched.uid, headers, fetched.envelope as never, null));
      }
      // Bounce reports need their body (the delivery-status part and the returned headers).
      for (const message of batch) {
        if (/multipart\/report/i.test(message.contentType ?? '')) {
          const full = await client.fetchOne(String(message.uid), { source: true }, { uid: true });
          if (full && full.source) Object.assign(message, toMailboxMessage(message.uid, full.source.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '', undefined, full.source.toString('utf8')), { subject: message.subject, from: message.from, date: message.date, messageId: message.messageId });
        }
      }
      for (let i = 0; i < batch.length; i += BATCH) {
        const slice = batch.slice(i, i + BATCH);
        const ids = slice.flatMap((m) => [...messageIdsIn(m.inReplyTo), ...messageIdsIn(m.references), ...(m.originalMessageIds ?? [])]);
        const sent = await sentEmailsByMessageId(db, account.orgId, ids);
        for (const message of slice) {
          const match = matchMailboxMessage(message, sent);
          if (match.kind === 'reply' && (await recordReply(db, actor, { emailId: match.emailId, from: match.from, subject: message.subject, messageId: message.messageId, at: message.date }))) result.replies += 1;
          if (match.kind === 'bounce' && (await recordBounceReport(db, actor, match))) result.bounces += 1;
          result.seen += 1;
          lastUid = Math.max(lastUid, message.uid);
        }
        await saveMailboxPosition(db, account, { lastUid, error: null });
      }
    } finally {
      lock.release();
    }
  } catch (error) {
    result.error = (error as Error).message.slice(0, 500);
    await saveMailboxPosition(db, account, { error: result.error });
  } finally {
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  }
  return result;
}

/** One round over every mailbox to poll; a failing mailbox is recorded on its settings and skipped. */
export async function pollAllMailboxes(db: Db, context: EmailContext): Promise<PollResult[]> {
  const accounts = await mailboxesToPoll(db, context);
  const results: PollResult[] = [];
  for (const account of accounts) results.push(await pollMailbox(db, account));
  return results;
}
