import { secretsOf } from '../../core/secrets.ts';
import type { WorkerContext } from '../../workers.ts';
import { RETRY_BASE_MS } from './model.ts';
import { attemptDelivery, DELIVERY_QUEUE, FAN_OUT_QUEUE, fanOut, setWebhookRuntime, SWEEP_QUEUE, sweepDeliveries } from './service.ts';

const DELIVERY_WORKERS = 4;

/**
 * Outgoing webhooks: one job per delivery attempt (queued with the change that raised the event,
 * or by a fan-out job after a bulk change, and again with each failure's backoff), and a sweep a
 * minute for deliveries whose job was lost.
 * `retryBaseMs` shortens the backoff in tests.
 */
export async function startWebhookWorkers({ db, jobs, config, log }: WorkerContext, options: { retryBaseMs?: number } = {}): Promise<void> {
  const secrets = secretsOf(config);
  // A pg-boss worker fetches one batch per polling interval (2 s) and works it in order: several
  // workers of ten make a process send up to 20 deliveries a second, four at a time, so one slow
  // receiver (10 s timeout) holds up a quarter of them, not all.
  for (let i = 0; i < DELIVERY_WORKERS; i += 1) {
    await jobs.work<{ orgId: string; deliveryId: string }>(
      DELIVERY_QUEUE,
      async ({ orgId, deliveryId }) => {
        await attemptDelivery(db, secrets, orgId, deliveryId);
      },
      { batchSize: 10 },
    );
  }
  await jobs.work<{ orgId: string; deliveryIds: string[] }>(FAN_OUT_QUEUE, async ({ orgId, deliveryIds }) => fanOut(jobs, orgId, deliveryIds));
  await jobs.work(SWEEP_QUEUE, async () => {
    const sent = await sweepDeliveries(db, secrets);
    if (sent > 0) log(`webhooks: ${sent} overdue deliver${sent === 1 ? 'y' : 'ies'} attempted`);
  });
  await jobs.schedule(SWEEP_QUEUE, '* * * * *');
  setWebhookRuntime({ jobs, retryBaseMs: options.retryBaseMs ?? RETRY_BASE_MS });
}
