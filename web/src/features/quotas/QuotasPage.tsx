import { useState, type FormEvent } from 'react';
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { canReassign, useSession } from '../auth/session.tsx';
import { minorPerMajor, money } from '../opportunities/api.ts';
import { useTeams, useUserNames, useUsers } from '../users/api.ts';
import {
  METRIC_LABELS,
  percent,
  useAttainment,
  useDeleteQuota,
  useFiscalSettings,
  useSaveFiscalSettings,
  useQuotaHistory,
  useQuotas,
  useSetQuota,
  type Attainment,
  type DealKind,
  type PeriodKind,
  type QuotaMetric,
} from './api.ts';

const card = 'rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5';

/** Where they are against where a linear pace by business days puts them, and the full target. */
export function PacingBar({ value, format }: { value: Attainment; format: (n: number) => string }) {
  const max = Math.max(value.target, value.actual, 1);
  const x = (n: number) => `${Math.min(100, (n / max) * 100)}%`;
  return (
    <figure aria-label={`Pacing: ${format(value.actual)} of ${format(value.expectedToDate)} expected by today, ${format(value.target)} target`}>
      <svg className="h-8 w-full" role="img" aria-hidden="true">
        <rect x="0" y="6" width="100%" height="20" rx="4" className="fill-slate-100" />
        <rect x="0" y="10" width={x(value.actual)} height="12" rx="3" className={value.pace !== null && value.pace < 1 ? 'fill-amber-500' : 'fill-emerald-600'} />
        <line x1={x(value.expectedToDate)} x2={x(value.expectedToDate)} y1="2" y2="30" className="stroke-slate-900" strokeWidth="2" />
      </svg>
      <figcaption className="mt-1 flex flex-wrap justify-between gap-x-4 text-xs text-slate-600">
        <span>Done {format(value.actual)}</span>
        <span>Due by today {format(value.expectedToDate)} (business day {value.businessDaysElapsed} of {value.businessDaysTotal})</span>
        <span>Target {format(value.target)}</span>
      </figcaption>
    </figure>
  );
}

export function QuotasPage() {
  const me = useSession();
  const manages = canReassign(me.user.role);
  const [kind, setKind] = useState<PeriodKind>('quarter');
  const [metric, setMetric] = useState<QuotaMetric>('closed_won');
  const [period, setPeriod] = useState('');
  const report = useAttainment({ kind, metric, ...(period ? { period } : {}) });
  const history = useQuotaHistory({ scope: 'user', scopeId: me.user.id, kind, metric, count: 4 });
  const data = report.data;
  const format = (n: number) => (data?.currency ? money(n, data.currency) : n.toLocaleString());
  const mine = data?.users.find((u) => u.userId === me.user.id);

  return (
    <div className="mx-auto max-w-6xl space-y-4 p-4 sm:p-6">
      <PageHeader title="Quotas" subtitle={data ? `${data.period.key}: ${data.period.start} to ${data.period.end} (exclusive)` : undefined} />
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Period">
          {(p) => (
            <Select {...p} value={kind} onChange={(e) => { setKind(e.target.value as PeriodKind); setPeriod(''); }}>
                <option value="month">Month</option>
                <option value="quarter">Quarter</option>
                <option value="year">Year</option>
            </Select>
          )}
        </Field>
        <Field label="Fiscal period" hint="Empty: the current one">
          {(p) => (
            <Input {...p} value={period} onChange={(e) => setPeriod(e.target.value.toUpperCase())} placeholder="FY2027-Q1" className="w-32" />
          )}
        </Field>
        <Field label="Metric">
          {(p) => (
            <Select {...p} value={metric} onChange={(e) => setMetric(e.target.value as QuotaMetric)}>
                {Object.entries(METRIC_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>{label}</option>
                ))}
            </Select>
          )}
        </Field>
      </div>
      {report.isPending ? <Spinner /> : report.error ? <Notice>{errorMessage(report.error)}</Notice> : data && (
        <>
          <section className={card} aria-labelledby="mine">
            <h2 id="mine" className="mb-3 text-sm font-semibold text-slate-900">My attainment</h2>
            {mine ? (
              <div className="space-y-3">
                <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                  <div><dt className="text-xs text-slate-500">Attainment</dt><dd className="text-2xl font-semibold">{percent(mine.attainment)}</dd></div>
                  <div><dt className="text-xs text-slate-500">Pace</dt><dd className="text-2xl font-semibold">{percent(mine.pace)}</dd></div>
                  <div><dt className="text-xs text-slate-500">Done</dt><dd className="text-lg">{format(mine.actual)}</dd></div>
                  <div><dt className="text-xs text-slate-500">Gap to quota</dt><dd className="text-lg">{format(mine.gap)}</dd></div>
                </dl>
                <PacingBar value={mine} format={format} />
              </div>
            ) : (
              <p className="text-sm text-slate-600">You have no numbers in this period.</p>
            )}
            {history.data && history.data.data.length > 0 && (
              <div className="mt-4 h-48" aria-label="My target and result in recent periods">
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={history.data.data.map((h) => ({ name: h.period.key.replace(/^FY\d{2}/, "'"), target: h.target, actual: h.actual }))}>
                    <XAxis dataKey="name" fontSize={12} />
                    <YAxis fontSize={12} width={60} tickFormatter={(v: number) => (data.currency ? String(Math.round(v / minorPerMajor(data.currency))) : String(v))} />
                    <Tooltip formatter={(v) => format(Number(v))} />
                    <Legend />
                    <Bar dataKey="target" name="Target" fill="#cbd5e1" />
                    <Bar dataKey="actual" name="Done" fill="#059669" />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            )}
          </section>

          <section className={card} aria-labelledby="leaderboard">
            <h2 id="leaderboard" className="mb-3 text-sm font-semibold text-slate-900">Leaderboard</h2>
            {data.leaderboard.length === 0 ? (
              <EmptyState title="No quotas or results yet">Managers set quotas below.</EmptyState>
            ) : (
              <Table label="Leaderboard">
                <thead><tr><th className={thClass}>#</th><th className={thClass}>Rep</th><th className={thClass}>Done</th><th className={`${thClass} hidden sm:table-cell`}>Target</th><th className={thClass}>Attainment</th></tr></thead>
                <tbody>
                  {data.leaderboard.map((row) => (
                    <tr key={row.userId} className={row.userId === me.user.id ? 'bg-emerald-50' : ''}>
                      <td className={tdClass}>{row.rank}</td>
                      <td className={tdClass}>{row.name}</td>
                      <td className={tdClass}>{format(row.actual)}</td>
                      <td className={`${tdClass} hidden sm:table-cell`}>{format(row.target)}</td>
                      <td className={tdClass}>{percent(row.attainment)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>

          {data.teams.map((team) => (
            <section key={team.teamId} className={card} aria-label={`Team ${team.name}`}>
              <h2 className="mb-1 text-sm font-semibold text-slate-900">{team.name}</h2>
              <p className="mb-3 text-xs text-slate-600">
                {team.ownTarget ? `Team quota ${format(team.target)}; members' quotas prorated by days in the team add up to ${format(team.membersTarget)}.` : `No team quota: the members' quotas, prorated by days in the team, ${format(team.membersTarget)}.`}
              </p>
              <PacingBar value={team} format={format} />
              <Table label={`${team.name} members`}>
                <thead><tr><th className={thClass}>Member</th><th className={thClass}>Days in team</th><th className={thClass}>Counts for team</th><th className={thClass}>Done in team</th></tr></thead>
                <tbody>
                  {team.members.map((m) => (
                    <tr key={m.userId}><td className={tdClass}>{m.name}</td><td className={tdClass}>{m.daysInTeam}</td><td className={tdClass}>{format(m.proratedTarget)}</td><td className={tdClass}>{format(m.actualInTeam)}</td></tr>
                  ))}
                </tbody>
              </Table>
            </section>
          ))}
          {manages && <QuotaSetup periodKey={data.period.key} metric={metric} defaultCurrency={data.currency} />}
          {me.user.role === 'admin' && <FiscalCalendar />}
        </>
      )}
    </div>
  );
}

function QuotaSetup({ periodKey, metric, defaultCurrency }: { periodKey: string; metric: QuotaMetric; defaultCurrency: string | null }) {
  const users = useUsers();
  const teams = useTeams();
  const names = useUserNames();
  const quotas = useQuotas(periodKey);
  const save = useSetQuota();
  const remove = useDeleteQuota();
  const [scope, setScope] = useState<'user' | 'team'>('user');
  const [scopeId, setScopeId] = useState('');
  const [dealKind, setDealKind] = useState<DealKind>('all');
  const [currency, setCurrency] = useState(defaultCurrency ?? 'USD');
  const [target, setTarget] = useState('');
  const money$ = metric === 'closed_won';
  const options = scope === 'user' ? (users.data ?? []).filter((u) => u.status === 'active' && u.role !== 'partner').map((u) => ({ id: u.id, name: u.name })) : (teams.data ?? []).map((t) => ({ id: t.id, name: t.name }));
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? 'Team';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = Number(target);
    save.mutate(
      { scope, scopeId, period: periodKey, metric, ...(money$ ? { dealKind, currency, target: Math.round(value * minorPerMajor(currency)) } : { target: Math.round(value) }) },
      { onSuccess: () => setTarget('') },
    );
  };

  return (
    <section className={card} aria-labelledby="setup">
      <h2 id="setup" className="mb-3 text-sm font-semibold text-slate-900">Set quotas for {periodKey}: {METRIC_LABELS[metric]}</h2>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <Field label="For">
          {(p) => (
            <Select {...p} value={scope} onChange={(e) => { setScope(e.target.value as 'user' | 'team'); setScopeId(''); }}>
                <option value="user">A person</option>
                <option value="team">A team</option>
            </Select>
          )}
        </Field>
        <Field label={scope === 'user' ? 'Person' : 'Team'}>
          {(p) => (
            <Select {...p} value={scopeId} onChange={(e) => setScopeId(e.target.value)} required>
                <option value="">Choose…</option>
                {options.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </Select>
          )}
        </Field>
        {money$ && (
          <>
            <Field label="Deals">
              {(p) => (
                <Select {...p} value={dealKind} onChange={(e) => setDealKind(e.target.value as DealKind)}>
                    <option value="all">New business and expansion</option>
                    <option value="new_business">New business</option>
                    <option value="expansion">Expansion</option>
                </Select>
              )}
            </Field>
            <Field label="Currency">
              {(p) => (
                <Input {...p} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} maxLength={3} className="w-20" required />
              )}
            </Field>
          </>
        )}
        <Field label="Target">
          {(p) => (
            <Input {...p} type="number" min={0} step="any" inputMode="decimal" value={target} onChange={(e) => setTarget(e.target.value)} className="w-36" required />
          )}
        </Field>
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!scopeId}>Save quota</Button>
      </form>
      {save.error && <div className="mt-3"><Notice>{errorMessage(save.error)}</Notice></div>}
      <ul className="mt-4 divide-y divide-slate-100 text-sm">
        {(quotas.data?.data ?? []).filter((q) => q.metric === metric).map((q) => (
          <li key={q.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              {q.scope === 'user' ? names(q.scopeId) : `Team ${teamName(q.scopeId)}`}
              {q.dealKind !== 'all' ? ` · ${q.dealKind === 'new_business' ? 'new business' : 'expansion'}` : ''}
            </span>
            <span className="flex items-center gap-3">
              <strong>{q.currency ? money(q.target, q.currency) : q.target.toLocaleString()}</strong>
              <Button size="sm" variant="ghost" onClick={() => remove.mutate(q.id)} aria-label={`Remove quota of ${q.scope === 'user' ? names(q.scopeId) : teamName(q.scopeId)}`}>Remove</Button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Admins: when the fiscal year starts, and whether reps see their team's numbers. */
function FiscalCalendar() {
  const settings = useFiscalSettings();
  const save = useSaveFiscalSettings();
  if (!settings.data) return null;
  const { version, fiscalYearStartMonth, repsSeeTeamNumbers } = settings.data;
  return (
    <section className={card} aria-labelledby="fiscal">
      <h2 id="fiscal" className="mb-3 text-sm font-semibold text-slate-900">Fiscal calendar and visibility</h2>
      <div className="flex flex-wrap items-end gap-4">
        <Field label="Fiscal year starts in" hint="A fiscal year is named by the calendar year it ends in">
          {(p) => (
            <Select {...p} value={fiscalYearStartMonth} onChange={(e) => save.mutate({ version, changes: { fiscalYearStartMonth: Number(e.target.value) } })}>
              {MONTHS.map((name, i) => (
                <option key={name} value={i + 1}>{name}</option>
              ))}
            </Select>
          )}
        </Field>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={repsSeeTeamNumbers} onChange={(e) => save.mutate({ version, changes: { repsSeeTeamNumbers: e.target.checked } })} />
          Reps see their team&apos;s quota and forecast numbers
        </label>
      </div>
      {save.error && <div className="mt-3"><Notice>{errorMessage(save.error)}</Notice></div>}
    </section>
  );
}
