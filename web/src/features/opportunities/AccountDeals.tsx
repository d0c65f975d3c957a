import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import type { Contact } from '../../api/types.ts';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Input, Select } from '../../components/Field.tsx';
import { errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDate } from '../../lib/dates.ts';
import { useUserNames, useUsers } from '../users/api.ts';
import { BUYING_ROLES, ROLE_LABELS, money, useDealList, type Opportunity } from './api.ts';

type Health = { score: number; status: 'healthy' | 'at_risk' | 'critical'; reasons: { points: number; reason: string }[] };
type TeamMember = { userId: string; role: string; addedAt: string };
type KeyPlayer = { contactId: string; roles: string[]; reportsToContactId: string | null; firstName: string; lastName: string; title: string | null };
type ChartNode = KeyPlayer & { reports: ChartNode[] };
type Suggestions = { peers: number; data: { productId: string; name: string; sku: string; customers: number }[] };

const TEAM_ROLES: Record<string, string> = { inside_rep: 'Inside rep', outside_exec: 'Outside sales executive', account_manager: 'Account manager', partner: 'Partner' };
const HEALTH_TONES: Record<Health['status'], Tone> = { healthy: 'green', at_risk: 'amber', critical: 'red' };
const panel = 'rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5';

const keys = (accountId: string) => ({
  health: ['accounts', accountId, 'health'],
  team: ['accounts', accountId, 'team'],
  players: ['accounts', accountId, 'key-players'],
  upsell: ['accounts', accountId, 'upsell'],
});

/** What the account page shows about deals and people: health, team, key players, deals, upsell. */
export function AccountDeals({ accountId, contacts }: { accountId: string; contacts: Contact[] }) {
  return (
    <>
      <HealthPanel accountId={accountId} />
      <DealsPanel accountId={accountId} />
      <KeyPlayersPanel accountId={accountId} contacts={contacts} />
      <TeamPanel accountId={accountId} />
      <UpsellPanel accountId={accountId} />
    </>
  );
}

function HealthPanel({ accountId }: { accountId: string }) {
  const health = useQuery({ queryKey: keys(accountId).health, queryFn: () => api<Health>(`/api/v1/accounts/${accountId}/health`) });
  if (!health.data) return null;
  return (
    <section aria-labelledby="health-heading" className={panel}>
      <div className="flex items-center justify-between">
        <h2 id="health-heading" className="text-sm font-semibold text-slate-900">
          Health
        </h2>
        <Badge tone={HEALTH_TONES[health.data.status]}>
          {health.data.score} · {health.data.status.replace('_', ' ')}
        </Badge>
      </div>
      {health.data.reasons.length > 0 && (
        <ul className="mt-2 space-y-1 text-sm text-slate-600">
          {health.data.reasons.map((r) => (
            <li key={r.reason} className="flex justify-between gap-3">
              <span>{r.reason}</span>
              <span className={r.points < 0 ? 'text-red-600' : 'text-emerald-600'}>{r.points > 0 ? `+${r.points}` : r.points}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DealsPanel({ accountId }: { accountId: string }) {
  const deals = useDealList({ accountId, sort: '-updatedAt' });
  const list = deals.data?.data ?? [];
  const section = (title: string, items: Opportunity[]) => (
    <div className="mt-2">
      <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {title} ({items.length})
      </h3>
      <ul className="mt-1 divide-y divide-slate-100">
        {items.map((deal) => (
          <li key={deal.id} className="flex items-center justify-between gap-2 py-1.5 text-sm">
            <Link to={`/opportunities/${deal.id}`} className="truncate font-medium text-slate-900 hover:text-indigo-600">
              {deal.name}
            </Link>
            <span className="shrink-0 text-slate-500">
              {money(deal.amount, deal.currency)} · {deal.status === 'open' ? formatDate(deal.closeDate) : deal.status}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
  return (
    <section aria-labelledby="deals-heading" className={panel}>
      <h2 id="deals-heading" className="text-sm font-semibold text-slate-900">
        Opportunities
      </h2>
      {list.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">No deals on this account yet.</p>
      ) : (
        <>
          {section('Open', list.filter((d) => d.status === 'open'))}
          {section('Closed', list.filter((d) => d.status !== 'open'))}
        </>
      )}
    </section>
  );
}

function ChartBranch({ node }: { node: ChartNode }) {
  return (
    <li>
      <div className="inline-flex flex-col rounded-md bg-slate-50 px-2 py-1 ring-1 ring-slate-200">
        <span className="text-sm font-medium text-slate-900">
          {node.firstName} {node.lastName}
        </span>
        <span className="text-xs text-slate-500">{[node.title, ...node.roles.map((r) => ROLE_LABELS[r])].filter(Boolean).join(' · ')}</span>
      </div>
      {node.reports.length > 0 && (
        <ul className="mt-1.5 ml-4 space-y-1.5 border-l border-slate-200 pl-3">
          {node.reports.map((child) => (
            <ChartBranch key={child.contactId} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

function KeyPlayersPanel({ accountId, contacts }: { accountId: string; contacts: Contact[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const players = useQuery({ queryKey: keys(accountId).players, queryFn: () => api<{ data: KeyPlayer[]; orgChart: ChartNode[] }>(`/api/v1/accounts/${accountId}/key-players`) });
  const save = useMutation({
    mutationFn: ({ contactId, roles, reportsToContactId }: { contactId: string; roles: string[]; reportsToContactId?: string | null }) =>
      api(`/api/v1/accounts/${accountId}/key-players/${contactId}`, { method: 'PUT', body: { roles, ...(reportsToContactId === undefined ? {} : { reportsToContactId }) } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['accounts', accountId] }),
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const data = players.data?.data ?? [];
  const known = new Set(data.map((p) => p.contactId));
  return (
    <section aria-labelledby="players-heading" className={panel}>
      <h2 id="players-heading" className="text-sm font-semibold text-slate-900">
        Key players
      </h2>
      {data.length > 0 && (
        <ul className="mt-3 space-y-1.5" aria-label="Org chart">
          {players.data!.orgChart.map((node) => (
            <ChartBranch key={node.contactId} node={node} />
          ))}
        </ul>
      )}
      <ul className="mt-3 divide-y divide-slate-100">
        {data.map((player) => (
          <li key={player.contactId} className="py-2">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-sm font-medium text-slate-900">
                {player.firstName} {player.lastName}
              </span>
              <label className="text-xs text-slate-500">
                Reports to{' '}
                <select
                  className="rounded border-0 bg-slate-50 py-0.5 text-xs ring-1 ring-slate-200"
                  value={player.reportsToContactId ?? ''}
                  onChange={(e) => save.mutate({ contactId: player.contactId, roles: player.roles, reportsToContactId: e.target.value || null })}
                >
                  <option value="">nobody here</option>
                  {data
                    .filter((p) => p.contactId !== player.contactId)
                    .map((p) => (
                      <option key={p.contactId} value={p.contactId}>
                        {p.firstName} {p.lastName}
                      </option>
                    ))}
                </select>
              </label>
            </div>
            <div className="mt-1 flex flex-wrap gap-1">
              {BUYING_ROLES.map((role) => (
                <button
                  key={role}
                  type="button"
                  aria-pressed={player.roles.includes(role)}
                  onClick={() => save.mutate({ contactId: player.contactId, roles: player.roles.includes(role) ? player.roles.filter((r) => r !== role) : [...player.roles, role] })}
                  className={`rounded-full px-2 py-0.5 text-xs ring-1 ring-inset ${player.roles.includes(role) ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-600 ring-slate-200'}`}
                >
                  {ROLE_LABELS[role]}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      {contacts.some((c) => !known.has(c.id)) && (
        <label className="mt-2 flex items-center gap-2 text-sm text-slate-600">
          Add
          <Select className="w-56" value="" onChange={(e) => e.target.value && save.mutate({ contactId: e.target.value, roles: [] })}>
            <option value="">a contact…</option>
            {contacts
              .filter((c) => !known.has(c.id))
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.firstName} {c.lastName}
                </option>
              ))}
          </Select>
        </label>
      )}
    </section>
  );
}

function TeamPanel({ accountId }: { accountId: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const users = useUsers();
  const nameOf = useUserNames();
  const team = useQuery({ queryKey: keys(accountId).team, queryFn: () => api<{ data: TeamMember[] }>(`/api/v1/accounts/${accountId}/team`).then((r) => r.data) });
  const change = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: string | null }) =>
      role ? api(`/api/v1/accounts/${accountId}/team/${userId}`, { method: 'PUT', body: { role } }) : api(`/api/v1/accounts/${accountId}/team/${userId}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys(accountId).team }),
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const escalate = useMutation({
    mutationFn: (summary: string) => api<{ notified: string[] }>(`/api/v1/accounts/${accountId}/escalations`, { method: 'POST', body: { summary } }),
    onSuccess: (result) => {
      toast(`Escalated to ${result.notified.length} ${result.notified.length === 1 ? 'person' : 'people'}`);
      void queryClient.invalidateQueries({ queryKey: ['accounts', accountId] });
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const members = team.data ?? [];
  const onTeam = new Set(members.map((m) => m.userId));
  return (
    <section aria-labelledby="team-heading" className={panel}>
      <h2 id="team-heading" className="text-sm font-semibold text-slate-900">
        Account team
      </h2>
      <p className="text-xs text-slate-500">Everyone here hears of new deals, stage changes and escalations.</p>
      <ul className="mt-2 divide-y divide-slate-100">
        {members.map((m) => (
          <li key={m.userId} className="flex items-center justify-between gap-2 py-1.5 text-sm">
            <span className="font-medium text-slate-900">{nameOf(m.userId)}</span>
            <span className="flex items-center gap-1">
              <span className="text-slate-500">{TEAM_ROLES[m.role]}</span>
              <Button size="sm" variant="ghost" aria-label={`Take ${nameOf(m.userId)} off the team`} onClick={() => change.mutate({ userId: m.userId, role: null })}>
                ×
              </Button>
            </span>
          </li>
        ))}
      </ul>
      <form
        className="mt-2 flex flex-wrap gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          change.mutate({ userId: String(form.get('userId')), role: String(form.get('role')) });
        }}
      >
        <Select name="userId" aria-label="Person" required className="min-w-0 flex-1 basis-40">
          <option value="">Add someone…</option>
          {(users.data ?? [])
            .filter((u) => u.status === 'active' && !onTeam.has(u.id))
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
        </Select>
        <Select name="role" aria-label="Role" className="min-w-0 flex-1 basis-40">
          {Object.entries(TEAM_ROLES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
        <Button type="submit" size="md">
          Add
        </Button>
      </form>
      <form
        className="mt-3 flex gap-2 border-t border-slate-100 pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          const target = e.currentTarget;
          escalate.mutate(String(new FormData(target).get('summary')), { onSuccess: () => target.reset() });
        }}
      >
        <Input name="summary" aria-label="Escalation" required placeholder="Escalate something to the whole team…" className="min-w-0 flex-1" />
        <Button type="submit" busy={escalate.isPending}>
          Escalate
        </Button>
      </form>
    </section>
  );
}

function UpsellPanel({ accountId }: { accountId: string }) {
  const toast = useToast();
  const navigate = useNavigate();
  const upsell = useQuery({ queryKey: keys(accountId).upsell, queryFn: () => api<Suggestions>(`/api/v1/accounts/${accountId}/upsell-suggestions`) });
  const expand = useMutation({
    mutationFn: (productId: string) => api<{ id: string }>(`/api/v1/accounts/${accountId}/expansions`, { method: 'POST', body: { productIds: [productId] } }),
    onSuccess: (deal) => navigate(`/opportunities/${deal.id}`),
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  if (!upsell.data || upsell.data.data.length === 0) return null;
  return (
    <section aria-labelledby="upsell-heading" className={panel}>
      <h2 id="upsell-heading" className="text-sm font-semibold text-slate-900">
        Upsell and cross-sell
      </h2>
      <p className="text-xs text-slate-500">What {upsell.data.peers} similar customers bought that this one has not.</p>
      <ul className="mt-2 divide-y divide-slate-100">
        {upsell.data.data.map((s) => (
          <li key={s.productId} className="flex items-center justify-between gap-2 py-1.5 text-sm">
            <span>
              <span className="font-medium text-slate-900">{s.name}</span> <span className="text-xs text-slate-500">bought by {s.customers}</span>
            </span>
            <Button size="sm" busy={expand.isPending && expand.variables === s.productId} onClick={() => expand.mutate(s.productId)}>
              Create deal
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
