import type { Config } from './core/config.ts';
import type { Db } from './core/db.ts';
import type { Jobs } from './core/jobs.ts';
import type { Mailer } from './core/mailer.ts';
import { startImportWorkers } from './modules/imports/workers.ts';
import { startLeadWorkers } from './modules/leads/workers.ts';
import { startRenewalWorker } from './modules/opportunities/renewals.service.ts';
import { startRoutingWorkers } from './modules/routing/workers.ts';
import { startScoringWorkers } from './modules/scoring/workers.ts';

export type WorkerContext = { db: Db; jobs: Jobs; config: Config; mailer: Mailer; log: (message: string) => void };

/** Starts every capability's background workers and schedules; one line per capability. */
export async function startWorkers(context: WorkerContext): Promise<void> {
  await startImportWorkers(context);
  await startLeadWorkers(context);
  await startRenewalWorker(context);
  await startRoutingWorkers(context);
  await startScoringWorkers(context);
}
