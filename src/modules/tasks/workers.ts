import type { WorkerContext } from '../../workers.ts';
import { REMINDER_QUEUE, setTaskRuntime } from './runtime.ts';
import { dueReminders, sendReminder } from './service.ts';

export const REMINDER_SWEEP_QUEUE = 'task-reminder-sweep';

/**
 * One durable job per reminder, due at its time; and a sweep each minute (and on start) for
 * reminders that came due with no job queued — a task written while no worker ran, or while the
 * server was down. The task row decides, so a reminder fires once however many jobs look at it.
 */
export async function startTaskWorkers({ db, jobs, config, mailer, log }: WorkerContext): Promise<void> {
  const delivery = { mailer, publicUrl: config.publicUrl, log };
  await jobs.work<{ orgId: string; taskId: string; remindAt: string }>(REMINDER_QUEUE, async ({ orgId, taskId, remindAt }) => {
    await sendReminder(db, delivery, orgId, taskId, remindAt);
  });
  const sweep = async () => {
    for (const task of await dueReminders(db, new Date(), 500)) await sendReminder(db, delivery, task.orgId, task.id, null);
  };
  await jobs.work(REMINDER_SWEEP_QUEUE, sweep);
  await jobs.schedule(REMINDER_SWEEP_QUEUE, '* * * * *');
  setTaskRuntime({ jobs, mailer, publicUrl: config.publicUrl, log });
  await sweep();
}
