// Task rules without a database or a clock: kinds, statuses, which bucket of "my tasks" a task
// falls in on the rep's local day, and whether a reminder job still has work to do.
export const TASK_TYPES = ['todo', 'call', 'email'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ['open', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export type DueBucket = 'overdue' | 'today' | 'upcoming' | 'someday' | 'done';

/** Where a task sits on a rep's list, given the bounds of their local day. */
export function dueBucket(task: { status: TaskStatus; dueAt: Date | null }, now: Date, endOfToday: Date): DueBucket {
  if (task.status === 'done') return 'done';
  if (!task.dueAt) return 'someday';
  if (task.dueAt.getTime() < now.getTime()) return 'overdue';
  return task.dueAt.getTime() < endOfToday.getTime() ? 'today' : 'upcoming';
}

/**
 * Whether a reminder job finds work: the task is open, its reminder has not gone out, it is due,
 * and it is still the reminder the job was queued for (a re-dated reminder has its own job).
 */
export function reminderDue(task: { status: string; remindAt: Date | null; remindedAt: Date | null }, queuedFor: string | null, now: Date): boolean {
  if (task.status !== 'open' || task.remindedAt || !task.remindAt) return false;
  if (queuedFor !== null && task.remindAt.toISOString() !== queuedFor) return false;
  return task.remindAt.getTime() <= now.getTime();
}
