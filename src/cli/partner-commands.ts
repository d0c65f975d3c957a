import type { Command } from 'commander';
import { AppError } from '../core/errors.ts';
import { invalidOptions } from './database.ts';

// Channel partners from the command line, through the running server's API (LEADFLOW_URL and
// LEADFLOW_API_KEY): the same permissions apply, so a partner user's key lists their own
// registrations only.

type Partner = { id: string; name: string; kind: string; tierId: string | null; members: { email: string }[] };
type Registration = { id: string; partnerName: string; company: string; status: string; amount: number; currency: string; createdAt: string };

async function get<T>(path: string): Promise<T> {
  const url = process.env.LEADFLOW_URL;
  const key = process.env.LEADFLOW_API_KEY;
  if (!url || !key) throw invalidOptions([{ field: 'LEADFLOW_URL, LEADFLOW_API_KEY', message: 'Partner commands talk to a running server: set both (create a key with `leadflow apikey create`)' }]);
  const response = await fetch(`${url.replace(/\/+$/, '')}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await response.json().catch(() => ({}))) as T & { detail?: string };
  if (!response.ok) throw new AppError(response.status, 'api_error', body.detail ?? `The server answered ${response.status}`);
  return body;
}

const amount = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

export function registerPartnerCommands(program: Command): void {
  const command = program.command('partners').description('Channel partners through the running server (LEADFLOW_URL, LEADFLOW_API_KEY)');

  command
    .command('list')
    .description('Partner organisations with their tier and number of partner users')
    .action(async () => {
      const [{ data: partners }, { data: tiers }] = await Promise.all([get<{ data: Partner[] }>('/api/v1/partners'), get<{ data: { id: string; name: string }[] }>('/api/v1/partner-tiers')]);
      const tierName = new Map(tiers.map((t) => [t.id, t.name]));
      for (const p of partners) console.log(`${p.id}  ${p.name} (${p.kind}, ${p.tierId ? tierName.get(p.tierId) : 'no tier'}, ${p.members.length} user(s))`);
      console.log(`${partners.length} partner(s).`);
    });

  command
    .command('registrations')
    .description('Deal registrations, newest first')
    .option('--status <status>', 'pending, approved, rejected or expired')
    .action(async (options: { status?: string }) => {
      const { data } = await get<{ data: Registration[] }>(`/api/v1/deal-registrations?limit=500${options.status ? `&status=${encodeURIComponent(options.status)}` : ''}`);
      for (const r of data) console.log(`${r.id}  ${r.status.padEnd(8)}  ${r.company} — ${r.partnerName}, ${amount(r.amount, r.currency)}, ${r.createdAt.slice(0, 10)}`);
      console.log(`${data.length} registration(s).`);
    });
}
