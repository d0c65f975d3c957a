import { useState, type FormEvent } from 'react';
import { Bar, BarChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useSession } from '../auth/session.tsx';
import { minorPerMajor, money } from '../opportunities/api.ts';
import type { PeriodKind } from '../quotas/api.ts';
import { useForecast, useStatistical, useSubmissions, useSubmitCall, type RollupNode, type SubmissionSummary } from './api.ts';

const card = 'rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5';
const COLUMNS = [
  ['closed', 'Closed'],
  ['commit', 'Commit'],
  ['bestCase', 'Best case'],
  ['pipeline', 'Pipeline'],
  ['weighted', 'Weighted'],
] as const;

function TreeRows({ node, depth, currency, selected, onSelect }: { node: RollupNode; depth: number; currency: string; selected: string | null; onSelect: (node: RollupNode) => void }) {
  const t = node.totals[currency];
  return (
    <>
      <tr className={selected === node.id ? 'bg-indigo-50' : ''}>
        <td className={tdClass}>
          <button type="button" className="text-left font-medium text-indigo-700 hover:underline" style={{ paddingLeft: `${depth * 0.75}rem` }} onClick={() => onSelect(node)}>
            {node.kind === 'team' ? `▸ ${node.name}` : node.name}
          </button>
        </td>
        {COLUMNS.map(([key], i) => (
          <td key={key} className={`${tdClass} text-right tabular-nums ${i > 1 ? 'hidden sm:table-cell' : ''}`}>
            {money(t?.[key] ?? 0, currency)}
          </td>
        ))}
      </tr>
      {node.children.map((child) => (
        <TreeRows key={`${child.kind}:${child.id}`} node={child} depth={depth + 1} currency={currency} selected={selected} onSelect={onSelect} />
      ))}
    </>
  );
}

export function ForecastsPage() {
  const me = useSession();
  const [kind, setKind] = useState<PeriodKind>('quarter');
  const [period, setPeriod] = useState('');
  const [chosenCurrency, setCurrency] = useState('');
  const [selected, setSelected] = useState<RollupNode | null>(null);
  const q = { kind, ...(period ? { period } : {}) };
  const forecast = useForecast(q);
  const currency = chosenCurrency || forecast.data?.currencies[0] || '';
  const submissions = useSubmissions({ ...q, ...(currency ? { currency } : {}) });
  const stats = useStatistical({ ...q, ...(currency ? { currency } : {}), ...(selected ? { scope: selected.kind, scopeId: selected.id } : {}) });

  return (
    <div className="mx-auto max-w-6xl space-y-4 p-4 sm:p-6">
      <PageHeader title="Forecast" subtitle={forecast.data ? `${forecast.data.period.key}: ${forecast.data.period.start} to ${forecast.data.period.end} (exclusive)` : undefined} />
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
          {(p) => <Input {...p} value={period} onChange={(e) => setPeriod(e.target.value.toUpperCase())} placeholder="FY2027-Q1" className="w-32" />}
        </Field>
        {forecast.data && forecast.data.currencies.length > 1 && (
          <Field label="Currency" hint="Totals are never converted">
            {(p) => (
              <Select {...p} value={currency} onChange={(e) => setCurrency(e.target.value)}>
                {forecast.data.currencies.map((c) => <option key={c}>{c}</option>)}
              </Select>
            )}
          </Field>
        )}
      </div>
      {forecast.isPending ? <Spinner /> : forecast.error ? <Notice>{errorMessage(forecast.error)}</Notice> : !currency ? (
        <EmptyState title="No deals close in this period" />
      ) : (
        <>
          <section className={card} aria-labelledby="rollup">
            <h2 id="rollup" className="mb-3 text-sm font-semibold text-slate-900">Roll-up ({currency})</h2>
            <Table label="Forecast roll-up">
              <thead>
                <tr>
                  <th className={thClass}>Team / rep</th>
                  {COLUMNS.map(([key, label], i) => <th key={key} className={`${thClass} text-right ${i > 1 ? 'hidden sm:table-cell' : ''}`}>{label}</th>)}
                </tr>
              </thead>
              <tbody>
                {forecast.data.tree.map((node) => <TreeRows key={`${node.kind}:${node.id}`} node={node} depth={0} currency={currency} selected={selected?.id ?? null} onSelect={setSelected} />)}
              </tbody>
            </Table>
            <p className="mt-2 text-xs text-slate-500">Pick a team or rep to submit or adjust its call and to see its statistical forecast.</p>
          </section>
          <CallForm node={selected ?? { kind: 'user', id: me.user.id, name: 'My call', managerId: null, totals: {}, children: [] }} own={!selected || (selected.kind === 'user' && selected.id === me.user.id)} periodKey={forecast.data.period.key} currency={currency} />
          <Calls rows={submissions.data?.data ?? []} currency={currency} />
          <StatisticalPanel stats={stats} currency={currency} scopeName={selected?.name ?? 'Everything you see'} />
        </>
      )}
    </div>
  );
}

function CallForm({ node, own, periodKey, currency }: { node: RollupNode; own: boolean; periodKey: string; currency: string }) {
  const submit = useSubmitCall();
  const [commit, setCommit] = useState('');
  const [bestCase, setBestCase] = useState('');
  const [note, setNote] = useState('');
  const unit = minorPerMajor(currency);
  const system = node.totals[currency];
  const adjusting = !own && node.kind === 'user';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate(
      { scope: node.kind, scopeId: node.id, period: periodKey, currency, commit: Math.round(Number(commit) * unit), bestCase: Math.round(Number(bestCase) * unit), ...(note.trim() ? { note } : {}) },
      { onSuccess: () => { setCommit(''); setBestCase(''); setNote(''); } },
    );
  };
  return (
    <section className={card} aria-labelledby="call">
      <h2 id="call" className="mb-1 text-sm font-semibold text-slate-900">{own ? 'Submit my call' : adjusting ? `Adjust ${node.name}'s call` : `Submit ${node.name}'s call up`}</h2>
      {system && <p className="mb-3 text-xs text-slate-600">System: closed {money(system.closed, currency)}, commit {money(system.commit, currency)}, best case {money(system.bestCase, currency)}, weighted {money(system.weighted, currency)}</p>}
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
        <Field label={`Commit (${currency})`}>{(p) => <Input {...p} type="number" min={0} step="any" value={commit} onChange={(e) => setCommit(e.target.value)} className="w-36" required />}</Field>
        <Field label={`Best case (${currency})`}>{(p) => <Input {...p} type="number" min={0} step="any" value={bestCase} onChange={(e) => setBestCase(e.target.value)} className="w-36" required />}</Field>
        <Field label={adjusting ? 'Why (required)' : 'Note'} className="min-w-48 flex-1">{(p) => <Input {...p} value={note} onChange={(e) => setNote(e.target.value)} required={adjusting} />}</Field>
        <Button type="submit" variant="primary" busy={submit.isPending}>Submit</Button>
      </form>
      {submit.error && <div className="mt-3"><Notice>{errorMessage(submit.error)}</Notice></div>}
      {submit.isSuccess && <p className="mt-2 text-sm text-emerald-700" role="status">Call saved.</p>}
    </section>
  );
}

const change = (n: number | null, currency: string) => (n === null ? '—' : `${n > 0 ? '+' : ''}${money(n, currency)}`);

function Calls({ rows, currency }: { rows: SubmissionSummary[]; currency: string }) {
  return (
    <section className={card} aria-labelledby="calls">
      <h2 id="calls" className="mb-3 text-sm font-semibold text-slate-900">Calls this period</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">No calls submitted yet.</p>
      ) : (
        <Table label="Calls">
          <thead>
            <tr>
              <th className={thClass}>Who</th>
              <th className={`${thClass} text-right`}>Commit</th>
              <th className={`${thClass} text-right`}>vs last week</th>
              <th className={`${thClass} hidden text-right sm:table-cell`}>Best case</th>
              <th className={`${thClass} hidden text-right sm:table-cell`}>System commit</th>
              <th className={thClass}>Manager</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.scope}:${r.scopeId}`}>
                <td className={tdClass}>{r.name} {r.scope === 'team' && <Badge>team</Badge>}</td>
                <td className={`${tdClass} text-right tabular-nums`}>{r.latest ? money(r.latest.commit, currency) : '—'}</td>
                <td className={`${tdClass} text-right tabular-nums`}>{change(r.commitChange, currency)}</td>
                <td className={`${tdClass} hidden text-right tabular-nums sm:table-cell`}>{r.latest ? money(r.latest.bestCase, currency) : '—'}</td>
                <td className={`${tdClass} hidden text-right tabular-nums sm:table-cell`}>{r.latest ? money(r.latest.system.commit + r.latest.system.closed, currency) : '—'}</td>
                <td className={tdClass}>
                  {r.adjustment ? <span title={r.adjustment.note}>{money(r.adjustment.commit, currency)}: {r.adjustment.note}</span> : r.scope === 'team' && r.latest?.note ? r.latest.note : '—'}
                  {r.accuracy && <div className="text-xs text-slate-500">Closed {money(r.accuracy.closedWon, currency)}, call off by {r.accuracy.commitError === null ? '—' : `${Math.round(r.accuracy.commitError * 100)} %`}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

function StatisticalPanel({ stats, currency, scopeName }: { stats: ReturnType<typeof useStatistical>; currency: string; scopeName: string }) {
  if (stats.isPending) return <Spinner />;
  if (stats.error) return <Notice>{errorMessage(stats.error)}</Notice>;
  const { simulation, backtest, model } = stats.data;
  const bins = simulation.histogram.map((h) => ({ name: money(h.from, currency), mid: (h.from + h.to) / 2, trials: h.trials }));
  const nearest = (value: number) => bins.reduce((best, b) => (Math.abs(b.mid - value) < Math.abs(best.mid - value) ? b : best), bins[0]!).name;
  return (
    <section className={card} aria-labelledby="stats">
      <h2 id="stats" className="mb-1 text-sm font-semibold text-slate-900">Statistical forecast: {scopeName}</h2>
      <p className="mb-3 text-xs text-slate-600">
        Each open deal wins with the rate of past deals in its stage and time in stage (shrunk toward the stage and the org rate; {model.trainedOn} stage stays learned from), moved by how its owner has done from that stage. {simulation.trials.toLocaleString()} simulated outcomes.
      </p>
      <dl className="mb-3 grid grid-cols-3 gap-3 text-center">
        <div><dt className="text-xs text-slate-500">P10</dt><dd className="font-semibold">{money(simulation.p10, currency)}</dd></div>
        <div><dt className="text-xs text-slate-500">P50</dt><dd className="text-lg font-semibold">{money(simulation.p50, currency)}</dd></div>
        <div><dt className="text-xs text-slate-500">P90</dt><dd className="font-semibold">{money(simulation.p90, currency)}</dd></div>
      </dl>
      {bins.length > 0 && (
        <div className="h-52" aria-label={`Distribution of outcomes: P10 ${money(simulation.p10, currency)}, P50 ${money(simulation.p50, currency)}, P90 ${money(simulation.p90, currency)}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={bins} margin={{ left: 0, right: 8 }}>
              <XAxis dataKey="name" fontSize={10} interval="preserveStartEnd" />
              <YAxis fontSize={10} width={32} />
              <Tooltip formatter={(v) => [`${String(v)} trials`, 'Outcomes']} />
              <Bar dataKey="trials" fill="#6366f1" />
              <ReferenceLine x={nearest(simulation.p10)} stroke="#f59e0b" strokeDasharray="4 2" label={{ value: 'P10', fontSize: 10 }} />
              <ReferenceLine x={nearest(simulation.p50)} stroke="#0f172a" label={{ value: 'P50', fontSize: 10 }} />
              <ReferenceLine x={nearest(simulation.p90)} stroke="#059669" strokeDasharray="4 2" label={{ value: 'P90', fontSize: 10 }} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <h3 className="mt-4 mb-2 text-sm font-semibold text-slate-900">Deals that move the number most</h3>
      {simulation.movers.length === 0 ? (
        <p className="text-sm text-slate-600">No open deals in this period.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {simulation.movers.map((m) => (
            <li key={m.id} className="flex flex-wrap justify-between gap-2 py-1.5">
              <a href={`/opportunities/${m.id}`} className="text-indigo-700 hover:underline">{m.name}</a>
              <span className="tabular-nums text-slate-600">{money(m.amount, currency)} · {Math.round(m.probability * 100)} % · ±{money(m.swing, currency)}</span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="mt-4 mb-2 text-sm font-semibold text-slate-900">Back-test</h3>
      {backtest.rows.length === 0 ? (
        <p className="text-sm text-slate-600">No past periods to test on yet.</p>
      ) : (
        <>
          <Table label="Back-test">
            <thead><tr><th className={thClass}>Period</th><th className={`${thClass} text-right`}>Predicted</th><th className={`${thClass} text-right`}>Closed</th><th className={`${thClass} text-right`}>Error</th></tr></thead>
            <tbody>
              {backtest.rows.map((r) => (
                <tr key={r.period}>
                  <td className={tdClass}>{r.period}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{money(r.predicted, currency)}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{money(r.actual, currency)}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{r.error === null ? '—' : `${Math.round(r.error * 100)} %`}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          <p className="mt-2 text-xs text-slate-500">
            Trained only on deals closed before each period; scored on the deals open at its start. Mean absolute error {backtest.meanAbsoluteError === null ? '—' : `${Math.round(backtest.meanAbsoluteError * 100)} %`}.
          </p>
        </>
      )}
    </section>
  );
}
