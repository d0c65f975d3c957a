import type { Db } from '../../core/db.ts';
import type { Jobs } from '../../core/jobs.ts';
import type { Mailer } from '../../core/mailer.ts';
import { transactionExecutor } from '../routing/runtime.ts';

// Reminder jobs are queued inside the transaction that writes the task, by services that know
// nothing of the process's job runner: it is registered here when the workers start. Without it
// (a test without jobs, a CLI command) the task is stored and the minute sweep queues it later.
export type TaskRuntime = { jobs: Jobs; mailer: Mailer; publicUrl: string; log: (message: string) => void };

let current: TaskRuntime | null = null;

export const taskRuntime = (): TaskRuntime | null => current;

export function setTaskRuntime(runtime: TaskRuntime | null): void {
  current = runtime;
}

export const REMINDER_QUEUE = 'task-reminder';

/** Queues the reminder job with the task's own transaction; false when no jobs run here. */
export async function queueReminder(tx: Db, task: { orgId: string; id: string; remindAt: Date }): Promise<boolean> {
  const runtime = current;
  if (!runtime) return false;
  const remindAt = task.remindAt.toISOString();
  await runtime.jobs.send(
    REMINDER_QUEUE,
    { orgId: task.orgId, taskId: task.id, remindAt },
    { startAfter: task.remindAt, singletonKey: `task-${task.id}-${remindAt}`, db: transactionExecutor(tx) },
  );
  return true;
}
