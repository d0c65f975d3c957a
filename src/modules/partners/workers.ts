import type { WorkerContext } from '../../workers.ts';
import { expireRegistration, overdueRegistrations, REGISTRATION_EXPIRY_QUEUE, REGISTRATION_SWEEP_QUEUE, setPartnerJobs } from './service.ts';

/**
 * Registration expiry: one job per registration at its expiry time (queued with the registration),
 * and an hourly sweep for registrations whose job was lost (a restored backup, jobs off).
 */
export async function startPartnerWorkers({ db, jobs, log }: WorkerContext): Promise<void> {
  await jobs.work<{ orgId: string; registrationId: string }>(REGISTRATION_EXPIRY_QUEUE, async ({ orgId, registrationId }) => {
    const outcome = await expireRegistration(db, orgId, registrationId);
    if (outcome === 'expired') log(`deal registration ${registrationId} expired`);
  });
  await jobs.work(REGISTRATION_SWEEP_QUEUE, async () => {
    for (const due of await overdueRegistrations(db, new Date())) await expireRegistration(db, due.orgId, due.id);
  });
  await jobs.schedule(REGISTRATION_SWEEP_QUEUE, '41 * * * *');
  setPartnerJobs(jobs);
}
