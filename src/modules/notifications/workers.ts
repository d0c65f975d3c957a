import type { WorkerContext } from '../../workers.ts';
import { sendDailyDigests } from './service.ts';

export const NOTIFICATION_DIGEST_QUEUE = 'notification-digest';

/** Hourly: whoever's morning it is (07:00 in their time zone) and asked for it gets the daily digest. */
export async function startNotificationWorkers({ db, jobs, config, mailer, log }: WorkerContext): Promise<void> {
  await jobs.work(NOTIFICATION_DIGEST_QUEUE, async () => {
    const sent = await sendDailyDigests(db, mailer, new Date(), config.publicUrl);
    if (sent > 0) log(`Sent ${sent} daily notification digest(s)`);
  });
  await jobs.schedule(NOTIFICATION_DIGEST_QUEUE, '5 * * * *');
}
