import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../core/db.ts';
import type { JobOptions, Jobs } from '../../core/jobs.ts';
import type { Mailer } from '../../core/mailer.ts';

// Routing runs inside other modules' transactions (a lead created by a form, an import, the API),
// which know nothing of background jobs or mail. The process's jobs and mailer are registered
// here once, when the workers start; without them (a test without jobs, a CLI command) timers
// still land in sla_timers and the sweeper queues them once a worker runs.
export type RoutingRuntime = { jobs: Jobs; mailer: Mailer; publicUrl: string; log: (message: string) => void };

let current: RoutingRuntime | null = null;

export const routingRuntime = (): RoutingRuntime | null => current;

export function setRoutingRuntime(runtime: RoutingRuntime | null): void {
  current = runtime;
}

/**
 * pg-boss statements run on the caller's transaction, so a job commits or rolls back with the
 * assignment that asked for it (a transactional outbox without an outbox table). pg-boss writes
 * `$n` placeholders; drizzle numbers its own, so each `$n` becomes a bound value in place.
 */
export function transactionExecutor(tx: Db): NonNullable<JobOptions['db']> {
  return {
    executeSql: async (text: string, values: unknown[] = []) => {
      const pieces = text.split(/\$(\d+)/);
      const query: SQL = sql.empty();
      pieces.forEach((piece, i) => {
        if (i % 2 === 0) query.append(sql.raw(piece));
        else query.append(sql`${values[Number(piece) - 1] ?? null}`);
      });
      const result = (await tx.execute(query)) as unknown as { rows: Record<string, unknown>[] };
      return { rows: result.rows };
    },
  };
}

/** Queues a job with the caller's transaction; false when no jobs run in this process. */
export async function queueInTransaction<T extends object>(tx: Db, queue: string, data: T, options: JobOptions = {}): Promise<boolean> {
  const runtime = current;
  if (!runtime) return false;
  await runtime.jobs.send(queue, data, { ...options, db: transactionExecutor(tx) });
  return true;
}
