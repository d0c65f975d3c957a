import { secretsOf } from '../../core/secrets.ts';
import type { WorkerContext } from '../../workers.ts';
import { RETRY_BASE_MS } from './model.ts';
import { attemptDelivery, DELIVERY_QUEUE, setWebhookRuntime, SWEEP_QUEUE, sweepDeliveries } from './service.ts';

/**
 * Outgoing webhooks: one job per delivery attempt (queued with the change that raised the event,
 * and again with each failure's backoff), and a sweep a minute for deliveries whose job was lost.
 * `retryBaseMs` shortens the backoff in tests.
 */
export async function startWebhookWorkers({ db, jobs, config, log }: WorkerContext, options: { retryBaseMs?: number } = {}): Promise<void> {
  const secrets = secretsOf(config);
  await jobs.work<{ orgId: string; deliveryId: string }>(DELIVERY_QUEUE, async ({ orgId, deliveryId }) => {
    await attemptDelivery(db, secrets, orgId, deliveryId);
  });
  await jobs.work(SWEEP_QUEUE, async () => {
    const sent = await sweepDeliveries(db, secrets);
    if (sent > 0) log(`webhooks: ${sent} overdue deliver${sent === 1 ? 'y' : 'ies'} attempted`);
  });
  await jobs.schedule(SWEEP_QUEUE, '* * * * *');
  setWebhookRuntime({ jobs, retryBaseMs: options.retryBaseMs ?? RETRY_BASE_MS });
}
