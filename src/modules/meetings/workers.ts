import type { WorkerContext } from '../../workers.ts';
import { deliverQueuedInvitation, INVITATION_QUEUE, setInvitationWorker, type InvitationJob } from './service.ts';

/** Sends queued meeting invitations; from then on, changes queue their invitations in their transaction. */
export async function startMeetingWorkers({ db, jobs, mailer, log }: WorkerContext): Promise<void> {
  await jobs.work<InvitationJob>(INVITATION_QUEUE, (job) => deliverQueuedInvitation(db, { mailer, log }, job));
  setInvitationWorker({ jobs, mailer });
}
