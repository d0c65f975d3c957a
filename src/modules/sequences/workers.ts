import { databaseKindOf } from '../../core/bulk-session.ts';
import type { WorkerContext } from '../../workers.ts';
import { emailContextOf } from '../emails/service.ts';
import { failInterruptedSends, runSchedulerTick } from './service.ts';

export const SEQUENCE_TICK_QUEUE = 'sequences.tick';

/**
 * The sequence scheduler: a durable pg-boss job every minute, and one at start, so steps that
 * fell due while the server was down run as soon as it is back. Each step runs once (see
 * runSchedulerTick); overlapping ticks take disjoint enrollments.
 */
export async function startSequenceWorkers({ db, jobs, config, log }: WorkerContext): Promise<void> {
  const context = emailContextOf(config);
  // On PostgreSQL another process may be handing its emails to SMTP right now: only old ones are
  // known dead. PGlite has one process, this one, which has sent nothing yet: every `sending` is.
  const embedded = databaseKindOf(db) === 'pglite';
  const interrupted = await failInterruptedSends(db, embedded ? new Date() : new Date(Date.now() - 10 * 60_000));
  if (interrupted) log(`Sequences: ${interrupted} email(s) interrupted by a stop were marked failed (not resent)`);
  await jobs.work(SEQUENCE_TICK_QUEUE, async () => {
    const result = await runSchedulerTick(db, context);
    if (result.claimed) log(`Sequences: ${result.claimed} due step(s): ${result.emailsSent} sent, ${result.emailsFailed} failed, ${result.tasks} task(s), ${result.exited} exited, ${result.finished} finished`);
  });
  await jobs.schedule(SEQUENCE_TICK_QUEUE, '* * * * *');
  await jobs.send(SEQUENCE_TICK_QUEUE, {}, { singletonKey: 'start', retryLimit: 0 });
}
