import { systemActor } from '../../core/actor.ts';
import type { WorkerContext } from '../../workers.ts';
import { deliver } from '../notifications/service.ts';
import { handleDueClock, sweepClocks } from './escalations.service.ts';
import { MAIL_QUEUE, type MailJob } from './notices.ts';
import { setRoutingRuntime } from './runtime.ts';
import { SLA_QUEUE } from './sla.service.ts';
import { REALIGN_QUEUE, realignTerritories } from './territories.service.ts';

export const SLA_SWEEP_QUEUE = 'lead-sla-sweep';

/**
 * Breach jobs for SLA clocks, routing's emails, territory re-alignment, and a sweep every minute
 * for clocks no job was queued for. The runtime is registered last: routing queues jobs inside
 * other transactions only once every queue exists.
 */
export async function startRoutingWorkers({ db, jobs, config, mailer, log }: WorkerContext): Promise<void> {
  // A breach that came due while the server was down is picked up as soon as its worker exists;
  // it must wait for the runtime, or the escalation could not queue its own jobs and mail.
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  await jobs.work<{ orgId: string; timerId: string }>(SLA_QUEUE, async ({ orgId, timerId }) => {
    await ready;
    await handleDueClock(db, orgId, timerId);
  });
  await jobs.work<MailJob>(MAIL_QUEUE, async ({ mails }) => deliver({ mailer, publicUrl: config.publicUrl, log }, mails));
  await jobs.work<{ orgId: string }>(REALIGN_QUEUE, async ({ orgId }) => {
    const moved = await realignTerritories(db, systemActor(orgId, ''));
    if (moved.leads.moved + moved.accounts.moved > 0) log(`Territories re-aligned: ${moved.leads.moved} leads and ${moved.accounts.moved} accounts moved`);
  });
  await jobs.work(SLA_SWEEP_QUEUE, async () => {
    await ready;
    await sweepClocks(db, new Date(), log);
  });
  await jobs.schedule(SLA_SWEEP_QUEUE, '* * * * *');
  setRoutingRuntime({ jobs, mailer, publicUrl: config.publicUrl, log });
  markReady();
  await sweepClocks(db, new Date(), log);
}
