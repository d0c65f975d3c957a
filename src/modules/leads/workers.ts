import type { WorkerContext } from '../../workers.ts';
import { recycleDueLeadsEverywhere } from './lifecycle-service.ts';

export const LEAD_RECYCLE_QUEUE = 'lead-recycle';

/** Every 15 minutes, disqualified leads whose recycle time has come go back to the pool. */
export async function startLeadWorkers({ db, jobs, log }: WorkerContext): Promise<void> {
  await jobs.work(LEAD_RECYCLE_QUEUE, async () => {
    const recycled = await recycleDueLeadsEverywhere(db, new Date());
    if (recycled > 0) log(`Recycled ${recycled} disqualified lead(s) back to the pool`);
  });
  await jobs.schedule(LEAD_RECYCLE_QUEUE, '*/15 * * * *');
}
