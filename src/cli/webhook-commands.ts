import type { Command } from 'commander';
import { AppError } from '../core/errors.ts';
import { invalidOptions } from './database.ts';

// Outgoing webhooks from the command line, through the running server's API (LEADFLOW_URL and an
// admin-scoped LEADFLOW_API_KEY): a redelivery is made by the server, as the Redeliver button's is.

type Endpoint = { id: string; url: string; description: string; events: string[]; enabled: boolean };
type Delivery = { id: string; eventType: string; status: string; attempts: number; maxAttempts: number; responseStatus: number | null; error: string | null; createdAt: string; endpointId: string };

async function call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const url = process.env.LEADFLOW_URL;
  const key = process.env.LEADFLOW_API_KEY;
  if (!url || !key) throw invalidOptions([{ field: 'LEADFLOW_URL, LEADFLOW_API_KEY', message: 'Webhook commands talk to a running server: set both (an admin-scoped key, from `leadflow apikey create`)' }]);
  const response = await fetch(`${url.replace(/\/+$/, '')}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  const body = (await response.json().catch(() => ({}))) as T & { detail?: string };
  if (!response.ok) throw new AppError(response.status, 'api_error', body.detail ?? `The server answered ${response.status}`);
  return body;
}

const line = (d: Delivery) =>
  `${d.id}  ${d.status.padEnd(9)}  ${d.eventType.padEnd(26)}  ${d.attempts}/${d.maxAttempts}  ${d.responseStatus ?? (d.error ? 'no answer' : '—')}  ${d.createdAt.slice(0, 19).replace('T', ' ')}`;

export function registerWebhookCommands(program: Command): void {
  const command = program.command('webhooks').description('Outgoing webhooks through the running server (LEADFLOW_URL, LEADFLOW_API_KEY with the admin scope)');

  command
    .command('list')
    .description('The org’s endpoints with their events')
    .action(async () => {
      const { data } = await call<{ data: Endpoint[] }>('GET', '/api/v1/webhooks');
      for (const e of data) console.log(`${e.id}  ${e.enabled ? 'enabled ' : 'disabled'}  ${e.url}  [${e.events.join(', ')}]${e.description ? `  ${e.description}` : ''}`);
      console.log(`${data.length} endpoint(s).`);
    });

  command
    .command('deliveries')
    .description('The delivery log, newest first')
    .option('--status <status>', 'pending, delivered or failed')
    .option('--endpoint <id>', 'one endpoint’s deliveries')
    .option('--limit <n>', 'how many (at most 500)', '50')
    .action(async (options: { status?: string; endpoint?: string; limit: string }) => {
      const query = new URLSearchParams({ limit: options.limit });
      if (options.status) query.set('status', options.status);
      if (options.endpoint) query.set('endpointId', options.endpoint);
      const { data } = await call<{ data: Delivery[] }>('GET', `/api/v1/webhook-deliveries?${query}`);
      for (const d of data) console.log(line(d));
      console.log(`${data.length} deliver${data.length === 1 ? 'y' : 'ies'}.`);
    });

  command
    .command('redeliver')
    .description('Send a delivery’s event again to its endpoint now (a new delivery, retried as usual if it fails)')
    .argument('<deliveryId>')
    .action(async (deliveryId: string) => {
      const delivery = await call<Delivery>('POST', `/api/v1/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`);
      console.log(line(delivery));
      if (delivery.status !== 'delivered') process.exitCode = 1;
    });
}
