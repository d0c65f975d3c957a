import PgBoss from 'pg-boss';
import type { Database } from './db.ts';

// Durable background jobs (imports, SLA timers, sequence steps, webhooks) in the same database
// through pg-boss: they survive a restart and run once across processes.
// `db` sends the job on the caller's own transaction, so it commits or rolls back with their change.
export type JobOptions = { startAfter?: Date | number | string; singletonKey?: string; retryLimit?: number; retryDelay?: number; retryBackoff?: boolean; expireInSeconds?: number; db?: { executeSql: (text: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> } };
export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<void>;

export type Jobs = {
  send: <T extends object>(queue: string, data: T, options?: JobOptions) => Promise<string | null>;
  work: <T extends object>(queue: string, handler: JobHandler<T>, options?: { batchSize?: number }) => Promise<void>;
  schedule: (queue: string, cron: string, data?: object) => Promise<void>;
  stop: () => Promise<void>;
};

export type JobsOptions = { pollingIntervalSeconds?: number; onError?: (error: Error) => void };

export async function startJobs(database: Database, options: JobsOptions = {}): Promise<Jobs> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => database.executeSql(text, values) },
    schema: 'pgboss',
    // A PostgreSQL deployment runs several app processes; only one needs to maintain the queue.
    supervise: true,
    schedule: true,
  });
  boss.on('error', (error: Error) => options.onError?.(error));
  await boss.start();
  const queues = new Map<string, Promise<void>>();
  const ensureQueue = (name: string) => {
    let ready = queues.get(name);
    if (!ready) {
      ready = boss.getQueue(name).then(async (existing) => {
        if (!existing) await boss.createQueue(name);
      });
      queues.set(name, ready);
    }
    return ready;
  };
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  return {
    send: async (queue, data, jobOptions = {}) => {
      await ensureQueue(queue);
      return boss.send(queue, data, { retryLimit: 5, retryBackoff: true, ...jobOptions });
    },
    work: async (queue, handler, workOptions = {}) => {
      await ensureQueue(queue);
      await boss.work(queue, { pollingIntervalSeconds, batchSize: workOptions.batchSize ?? 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data as never, { id: job.id, name: job.name });
      });
    },
    schedule: async (queue, cron, data) => {
      await ensureQueue(queue);
      await boss.schedule(queue, cron, data ?? {});
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
  };
}
