import { randomUUID } from 'node:crypto';
import { databaseKindOf } from '../../core/bulk-session.ts';
import type { Db } from '../../core/db.ts';
import { AppError } from '../../core/errors.ts';
import type { Jobs } from '../../core/jobs.ts';
import type { WorkerContext } from '../../workers.ts';
import { rescoreOrganization } from '../scoring/service.ts';
import { claimImport, failImport, ImportFileMissing, ImportStopped, releaseImport, releaseQuietImports, runImport } from './run.ts';

export const LEAD_IMPORT_QUEUE = 'lead-import';
const SWEEP_QUEUE = 'lead-import-sweep';
// pg-boss retries a failed run this often; the last failure marks the import failed.
const MAX_ATTEMPTS = 5;

export type ImportJob = { orgId: string; importId: string };

/** Queues a run of an import. Runs hold the import by a claim, so a duplicate job does nothing. */
export async function queueImport(jobs: Jobs, job: ImportJob): Promise<void> {
  // A long import outlives pg-boss's default expiry (15 min); the claim, not the job, says who runs it.
  await jobs.send(LEAD_IMPORT_QUEUE, job, { retryLimit: MAX_ATTEMPTS, retryDelay: 5, retryBackoff: true, expireInSeconds: 12 * 3600 });
}

/**
 * Runs queued imports, and every minute requeues those whose run died (kill -9, a lost machine):
 * the new run resumes from the last committed checkpoint.
 */
export async function startImportWorkers({ db, jobs, config, log }: WorkerContext): Promise<void> {
  await jobs.work<ImportJob>(LEAD_IMPORT_QUEUE, (job) => runImportJob(db, config.dataDir, job, log));
  await jobs.work(SWEEP_QUEUE, async () => {
    await requeueQuietImports(db, jobs, false, log);
  });
  await jobs.schedule(SWEEP_QUEUE, '* * * * *');
  await requeueQuietImports(db, jobs, databaseKindOf(db) === 'pglite', log);
}

async function requeueQuietImports(db: Db, jobs: Jobs, all: boolean, log: (message: string) => void): Promise<void> {
  for (const quiet of await releaseQuietImports(db, all)) {
    log(`Resuming import ${quiet.id}`);
    await queueImport(jobs, { orgId: quiet.orgId, importId: quiet.id });
  }
}

export async function runImportJob(db: Db, dataDir: string, job: ImportJob, log: (message: string) => void): Promise<void> {
  const token = randomUUID();
  const claimed = await claimImport(db, job.orgId, job.importId, token);
  if (!claimed) return;
  try {
    const done = await runImport(db, dataDir, job.orgId, job.importId, token);
    log(`Import ${done.id} of ${done.fileName}: ${done.inserted} inserted, ${done.updated} updated, ${done.skipped} skipped, ${done.rejected} rejected`);
    // New leads are written with their scores; leads an import updated are rescored here.
    if (done.updated > 0) await rescoreOrganization(db, job.orgId, { which: { changedSince: new Date(done.startedAt ?? 0) }, now: new Date() });
  } catch (error) {
    if (error instanceof ImportStopped) return;
    const message = error instanceof Error ? error.message : String(error);
    // A missing file or a bad one stays so on a retry; anything else (the database away) may pass.
    if (error instanceof ImportFileMissing || error instanceof AppError || claimed.attempts >= MAX_ATTEMPTS) {
      await failImport(db, job.orgId, job.importId, token, message);
      return;
    }
    await releaseImport(db, job.orgId, job.importId, token);
    throw error;
  }
}
