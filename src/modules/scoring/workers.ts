import type { WorkerContext } from '../../workers.ts';
import { LEAD_RESCORE_QUEUE, runRescoreJob, type RescoreJob } from './service.ts';

/** Rescoring after rules change (queued by the API), and every night for decaying engagement. */
export async function startScoringWorkers({ db, jobs, log }: WorkerContext): Promise<void> {
  await jobs.work<RescoreJob>(LEAD_RESCORE_QUEUE, async (job) => {
    const rescored = await runRescoreJob(db, job, new Date());
    log(`Rescored ${rescored} lead(s)${job.orgId ? ` of org ${job.orgId}` : ' with decaying engagement'}`);
  });
  await jobs.schedule(LEAD_RESCORE_QUEUE, '30 2 * * *');
}
