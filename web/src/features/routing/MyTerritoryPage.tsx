import { Link, useSearchParams } from 'react-router';
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge } from '../../components/Badge.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { formatDate } from '../../lib/dates.ts';
import { canReassign, useSession } from '../auth/session.tsx';
import { useUserNames, useUsers } from '../users/api.ts';
import { useMyTerritory } from './api.ts';

const COVERAGE = {
  never: { label: 'Never touched', tone: 'red', color: '#dc2626' },
  stale: { label: 'Not touched in 90 days', tone: 'amber', color: '#d97706' },
  recent: { label: 'Touched recently', tone: 'green', color: '#059669' },
} as const;

/** A rep's territory: coverage of its accounts (where to prospect next) and its open leads. */
export function MyTerritoryPage() {
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const userId = params.get('userId') ?? undefined;
  const territory = useMyTerritory(userId);
  const users = useUsers();
  const nameOf = useUserNames();

  const picker = canReassign(me.user.role) && (
    <Select aria-label="Whose territory" className="w-52" value={userId ?? ''} onChange={(e) => setParams(e.target.value ? { userId: e.target.value } : {}, { replace: true })}>
      <option value="">Mine</option>
      {(users.data ?? [])
        .filter((u) => u.status === 'active' && u.id !== me.user.id)
        .map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
    </Select>
  );

  if (territory.isPending) return <Spinner label="Loading the territory…" />;
  if (territory.isError) return <Notice>{errorMessage(territory.error)}</Notice>;
  const { coverage, territories, accounts, leads } = territory.data;
  const chart = [
    { key: 'never', value: coverage.neverTouched },
    { key: 'stale', value: coverage.notTouchedIn90Days },
    { key: 'recent', value: coverage.touchedRecently },
  ] as const;

  return (
    <div className="space-y-5">
      <PageHeader
        title={userId ? `${nameOf(userId)}’s territory` : 'My territory'}
        subtitle={territories.length ? territories.map((t) => `${t.path.join(' → ')} (${t.role})`).join(' · ') : 'Not a member of any territory yet'}
        actions={picker}
      />
      {territories.length === 0 ? (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <EmptyState title="No territory">An admin or manager adds you to a territory under Routing → Territories.</EmptyState>
        </div>
      ) : (
        <>
          <section aria-label="Coverage" className="grid gap-4 lg:grid-cols-[1fr_2fr]">
            <div className="grid grid-cols-2 gap-3">
              <Tile label="Accounts" value={coverage.accounts} />
              <Tile label="Open leads" value={coverage.openLeads} />
              <Tile label="Never touched" value={coverage.neverTouched} tone="text-red-700" />
              <Tile label="Not touched in 90 days" value={coverage.notTouchedIn90Days} tone="text-amber-700" />
            </div>
            <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
              <h2 className="mb-2 text-sm font-semibold text-slate-900">Account coverage</h2>
              <div className="h-40" role="img" aria-label={`${coverage.neverTouched} never touched, ${coverage.notTouchedIn90Days} not touched in 90 days, ${coverage.touchedRecently} touched recently`}>
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={chart.map((c) => ({ name: COVERAGE[c.key].label, value: c.value, key: c.key }))} layout="vertical" margin={{ left: 8, right: 16 }}>
                    <XAxis type="number" allowDecimals={false} />
                    <YAxis type="category" dataKey="name" width={160} tick={{ fontSize: 12 }} />
                    <Tooltip />
                    <Bar dataKey="value" isAnimationActive={false}>
                      {chart.map((c) => (
                        <Cell key={c.key} fill={COVERAGE[c.key].color} />
                      ))}
                    </Bar>
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </div>
          </section>

          <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
            <h2 className="px-4 pt-4 text-sm font-semibold text-slate-900">Accounts, least touched first</h2>
            {accounts.length === 0 ? (
              <EmptyState title="No accounts in this territory yet" />
            ) : (
              <Table label="Territory accounts">
                <thead>
                  <tr>
                    <th className={thClass}>Account</th>
                    <th className={thClass}>Coverage</th>
                    <th className={thClass}>Last touched</th>
                    <th className={thClass}>Owner</th>
                  </tr>
                </thead>
                <tbody>
                  {accounts.map((account) => (
                    <tr key={account.id}>
                      <td className={tdClass}>
                        <Link className="font-medium text-indigo-700 hover:underline" to={`/accounts/${account.id}`}>
                          {account.name}
                        </Link>
                        {account.domain && <span className="ml-2 text-xs text-slate-500">{account.domain}</span>}
                      </td>
                      <td className={tdClass}>
                        <Badge tone={COVERAGE[account.coverage].tone}>{COVERAGE[account.coverage].label}</Badge>
                      </td>
                      <td className={`${tdClass} text-slate-600`}>{account.lastTouchedAt ? formatDate(account.lastTouchedAt) : '—'}</td>
                      <td className={tdClass}>{nameOf(account.ownerId)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>

          <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
            <h2 className="px-4 pt-4 text-sm font-semibold text-slate-900">Open leads, newest first</h2>
            {leads.length === 0 ? (
              <EmptyState title="No open leads in this territory" />
            ) : (
              <Table label="Territory leads">
                <thead>
                  <tr>
                    <th className={thClass}>Lead</th>
                    <th className={thClass}>Status</th>
                    <th className={thClass}>Score</th>
                    <th className={thClass}>Owner</th>
                    <th className={thClass}>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {leads.map((lead) => (
                    <tr key={lead.id}>
                      <td className={tdClass}>
                        <Link className="font-medium text-indigo-700 hover:underline" to={`/leads/${lead.id}`}>
                          {`${lead.firstName} ${lead.lastName}`.trim() || lead.company || lead.email || 'Unnamed lead'}
                        </Link>
                        {lead.company && `${lead.firstName}${lead.lastName}` && <span className="ml-2 text-xs text-slate-500">{lead.company}</span>}
                      </td>
                      <td className={tdClass}>{lead.status}</td>
                      <td className={tdClass}>{lead.score}</td>
                      <td className={tdClass}>{nameOf(lead.ownerId)}</td>
                      <td className={`${tdClass} text-slate-600`}>{formatDate(lead.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function Tile({ label, value, tone = 'text-slate-900' }: { label: string; value: number; tone?: string }) {
  return (
    <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p className={`mt-1 text-2xl font-semibold ${tone}`}>{value}</p>
    </div>
  );
}
