import type { Config } from './core/config.ts';
import type { Db } from './core/db.ts';
import type { Jobs } from './core/jobs.ts';
import type { Mailer } from './core/mailer.ts';
import { startEmailWorkers } from './modules/emails/workers.ts';
import { startImportWorkers } from './modules/imports/workers.ts';
import { startLeadWorkers } from './modules/leads/workers.ts';
import { startMeetingWorkers } from './modules/meetings/workers.ts';
import { startNotificationWorkers } from './modules/notifications/workers.ts';
import { startRenewalWorker } from './modules/opportunities/renewals.service.ts';
import { startPartnerWorkers } from './modules/partners/workers.ts';
import { startReportWorkers } from './modules/reports/digest.ts';
import { startRoutingWorkers } from './modules/routing/workers.ts';
import { startSequenceWorkers } from './modules/sequences/workers.ts';
import { startScoringWorkers } from './modules/scoring/workers.ts';
import { startTaskWorkers } from './modules/tasks/workers.ts';
import { startWebhookWorkers } from './modules/webhooks/workers.ts';

export type WorkerContext = { db: Db; jobs: Jobs; config: Config; mailer: Mailer; log: (message: string) => void };

/** Starts every capability's background workers and schedules; one line per capability. */
export async function startWorkers(context: WorkerContext): Promise<void> {
  await startEmailWorkers(context);
  await startImportWorkers(context);
  await startLeadWorkers(context);
  await startMeetingWorkers(context);
  await startNotificationWorkers(context);
  await startRenewalWorker(context);
  await startPartnerWorkers(context);
  await startReportWorkers(context);
  await startRoutingWorkers(context);
  await startScoringWorkers(context);
  await startSequenceWorkers(context);
  await startTaskWorkers(context);
  await startWebhookWorkers(context);
}
