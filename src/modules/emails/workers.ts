import type { WorkerContext } from '../../workers.ts';
import { pollAllMailboxes } from './mailbox.ts';
import { emailContextOf } from './service.ts';

export const MAILBOX_POLL_QUEUE = 'emails.poll-mailboxes';

/** Reply and bounce tracking: every rep's mailbox is read once a minute (pg-boss runs one poll at a time across processes). */
export async function startEmailWorkers({ db, jobs, config, log }: WorkerContext): Promise<void> {
  const context = emailContextOf(config);
  await jobs.work(MAILBOX_POLL_QUEUE, async () => {
    const results = await pollAllMailboxes(db, context);
    const replies = results.reduce((sum, r) => sum + r.replies, 0);
    const bounces = results.reduce((sum, r) => sum + r.bounces, 0);
    if (replies || bounces) log(`Mailboxes: ${replies} repl${replies === 1 ? 'y' : 'ies'}, ${bounces} bounce(s) found`);
  });
  await jobs.schedule(MAILBOX_POLL_QUEUE, '* * * * *');
}
