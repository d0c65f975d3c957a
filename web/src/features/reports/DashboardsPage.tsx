import { useRef, useState } from 'react';
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Button } from '../../components/Button.tsx';
import { Field, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useSession } from '../auth/session.tsx';
import { DashboardEditor } from './DashboardEditor.tsx';
import {
  CATALOGUE,
  amount,
  csvUrl,
  downloadPng,
  percent,
  useDashboards,
  useDeleteDashboard,
  useRecords,
  useReport,
  type ActivityReport,
  type Dashboard,
  type FunnelReport,
  type HintsReport,
  type Period,
  type PipelineReport,
  type ReportParams,
  type Widget,
} from './api.ts';

const card = 'rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5';
type Drill = { kind: 'funnel' | 'pipeline'; key: string; value: string; params: ReportParams; title: string };

type Editing = { id?: string; version?: number; name: string; shared: boolean; widgets: Widget[] };

export function DashboardsPage() {
  const me = useSession().user;
  const dashboards = useDashboards();
  const remove = useDeleteDashboard();
  const [chosen, setChosen] = useState('');
  const [period, setPeriod] = useState<Period | ''>('');
  const [drill, setDrill] = useState<Drill | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const list = dashboards.data?.data ?? [];
  const dashboard = list.find((d) => d.id === chosen) ?? list[0];
  const canShare = me.role === 'admin' || me.role === 'manager' || me.role === 'executive';
  // Its owner changes a dashboard, an admin any shared one; built-in ones are copied to change.
  const mayEdit = (d: Dashboard) => !d.builtIn && (d.ownerId === me.id || (d.shared && me.role === 'admin'));
  const pick = (id: string) => {
    setChosen(id);
    setDrill(null);
    setConfirmDelete(false);
  };
  const done = (saved: Dashboard | null) => {
    setEditing(null);
    if (saved) pick(saved.id);
  };
  if (editing)
    return (
      <div className="mx-auto max-w-6xl space-y-4 p-4 sm:p-6">
        <PageHeader title={editing.id ? `Edit ${editing.name}` : 'New dashboard'} subtitle="Charts from the report catalogue, in the order they show" />
        <DashboardEditor start={editing} canShare={canShare} onDone={done} />
      </div>
    );
  return (
    <div className="mx-auto max-w-6xl space-y-4 p-4 sm:p-6">
      <PageHeader title="Reports" subtitle={dashboard ? `${dashboard.name} dashboard${dashboard.builtIn ? ' (built in)' : dashboard.shared ? ' (shared)' : ' (private)'}` : undefined} />
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Dashboard">
          {(p) => (
            <Select {...p} value={dashboard?.id ?? ''} onChange={(e) => pick(e.target.value)}>
              {list.map((d) => (
                <option key={d.id} value={d.id}>{d.name}</option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Period" hint="Empty: each chart's own">
          {(p) => (
            <Select {...p} value={period} onChange={(e) => { setPeriod(e.target.value as Period | ''); setDrill(null); }}>
              <option value="">Chart default</option>
              <option value="week">This week</option>
              <option value="month">This month</option>
              <option value="quarter">This quarter</option>
              <option value="year">This year</option>
            </Select>
          )}
        </Field>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setEditing({ name: '', shared: false, widgets: [] })}>New dashboard</Button>
          {dashboard && (
            <Button onClick={() => setEditing({ name: `${dashboard.name} (copy)`, shared: false, widgets: dashboard.widgets })}>Copy</Button>
          )}
          {dashboard && mayEdit(dashboard) && (
            <Button onClick={() => setEditing({ id: dashboard.id, version: dashboard.version, name: dashboard.name, shared: dashboard.shared, widgets: dashboard.widgets })}>Edit</Button>
          )}
          {dashboard && mayEdit(dashboard) && (
            <Button
              variant={confirmDelete ? 'danger' : 'ghost'}
              busy={remove.isPending}
              onClick={() => {
                if (!confirmDelete) return setConfirmDelete(true);
                remove.mutate(dashboard.id, { onSuccess: () => pick('') });
              }}
            >
              {confirmDelete ? 'Really delete?' : 'Delete'}
            </Button>
          )}
        </div>
      </div>
      {remove.error && <Notice>{errorMessage(remove.error)}</Notice>}
      {dashboards.isPending && <Spinner />}
      {dashboards.error && <Notice>{errorMessage(dashboards.error)}</Notice>}
      {dashboard && dashboard.widgets.length === 0 && <p className="text-sm text-slate-500">This dashboard has no charts yet: Edit adds them.</p>}
      <div className="grid gap-4 lg:grid-cols-2">
        {dashboard?.widgets.map((w) => <WidgetCard key={`${dashboard.id}:${w.id}`} widget={w} period={period} onDrill={setDrill} />)}
      </div>
      {drill && <DrillDown drill={drill} onClose={() => setDrill(null)} />}
    </div>
  );
}

/** A widget's saved parameters as its report takes them (each report only the ones it knows). */
function paramsOf(widget: Widget, period: Period | ''): ReportParams {
  const { groupBy, bucket, currency, target, ...filters } = widget.filters;
  const takes = CATALOGUE[widget.report].params;
  const params: ReportParams = { ...filters, ...(period ? { period } : {}) };
  if (takes.includes('groupBy') && groupBy) params.groupBy = groupBy;
  if (takes.includes('bucket') && bucket) params.bucket = bucket;
  if (takes.includes('currency') && currency) params.currency = currency;
  if (takes.includes('currency') && target) params.target = target;
  return params;
}

function WidgetCard({ widget, period, onDrill }: { widget: Widget; period: Period | ''; onDrill: (d: Drill) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  // A pipeline chart shows one currency; the viewer may switch to another here (CSV follows).
  const [currency, setCurrency] = useState<string | null>(null);
  const params = { ...paramsOf(widget, period), ...(currency ? { currency } : {}) };
  return (
    <section className={card} aria-label={widget.title}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">{widget.title}</h2>
        <div className="flex gap-2">
          <a className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 ring-1 ring-slate-200 hover:bg-slate-50" href={csvUrl(widget.report, params)} download>
            CSV
          </a>
          <Button size="sm" onClick={() => void downloadPng(ref.current, `${widget.id}.png`)}>PNG</Button>
        </div>
      </div>
      <div ref={ref}>
        <WidgetBody widget={widget} params={params} onDrill={onDrill} onCurrency={setCurrency} />
      </div>
    </section>
  );
}

function WidgetBody({ widget, params, onDrill, onCurrency }: { widget: Widget; params: ReportParams; onDrill: (d: Drill) => void; onCurrency: (currency: string) => void }) {
  switch (widget.report) {
    case 'funnel':
      return <FunnelChart params={params} onDrill={onDrill} />;
    case 'activity':
      return <ActivityChart params={params} />;
    case 'speed-to-lead':
      return <SpeedToLead params={params} />;
    case 'pipeline-summary':
    case 'pipeline-stages':
    case 'loss-reasons':
      return <PipelineWidget chart={widget.report} params={params} onDrill={onDrill} onCurrency={onCurrency} />;
    case 'hints':
      return <Hints params={params} />;
  }
}

function Loading({ error }: { error: unknown }) {
  return error ? <Notice>{errorMessage(error)}</Notice> : <Spinner />;
}

function FunnelChart({ params, onDrill }: { params: ReportParams; onDrill: (d: Drill) => void }) {
  const report = useReport<FunnelReport>('funnel', params);
  if (!report.data) return <Loading error={report.error} />;
  const { groupBy, ...rest } = params;
  void groupBy;
  const data = report.data.steps.map((s) => ({ ...s, label: `${s.step} ${s.conversion === null ? '' : `(${percent(s.conversion)})`}` }));
  return (
    <>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
            <XAxis type="number" hide />
            <YAxis type="category" dataKey="label" width={130} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Bar
              dataKey="count"
              name="Records"
              fill="#4f46e5"
              cursor="pointer"
              onClick={(entry: { payload?: { step: string } }) => entry.payload && onDrill({ kind: 'funnel', key: 'step', value: entry.payload.step, params: rest, title: `Funnel: ${entry.payload.step}` })}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="mt-2 flex flex-wrap gap-2 text-xs text-slate-600">
        {report.data.steps.map((s) => (
          <li key={s.step}>
            <button type="button" className="underline decoration-dotted" onClick={() => onDrill({ kind: 'funnel', key: 'step', value: s.step, params: rest, title: `Funnel: ${s.step}` })}>
              {s.step}: {s.count.toLocaleString()}
              {s.medianDays !== null ? `, median ${s.medianDays} d` : ''}
            </button>
          </li>
        ))}
      </ul>
      {report.data.leak && <p className="mt-2 text-xs text-amber-700">{report.data.leak}</p>}
    </>
  );
}

function ActivityChart({ params }: { params: ReportParams }) {
  const report = useReport<ActivityReport>('activity', params);
  if (!report.data) return <Loading error={report.error} />;
  // One bar group per rep over the whole range: done against goal.
  const byRep = new Map<string, { name: string; calls: number; goal: number; connects: number }>();
  for (const r of report.data.rows) {
    const e = byRep.get(r.repId) ?? { name: r.repName || r.repId.slice(0, 8), calls: 0, goal: 0, connects: 0 };
    e.calls += r.calls;
    e.connects += r.connects;
    e.goal += r.goals.calls ?? 0;
    byRep.set(r.repId, e);
  }
  const data = [...byRep.values()].sort((a, b) => b.calls - a.calls).slice(0, 15);
  const t = report.data.totals;
  return (
    <>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} angle={-30} textAnchor="end" height={50} />
            <YAxis tick={{ fontSize: 11 }} width={40} />
            <Tooltip />
            <Legend />
            <Bar dataKey="calls" name="Calls" fill="#4f46e5" />
            <Bar dataKey="connects" name="Connects" fill="#059669" />
            <Bar dataKey="goal" name="Call goal" fill="#cbd5e1" />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-2 text-xs text-slate-600">
        {t.calls.toLocaleString()} calls, connect rate {percent(t.connectRate)}, {t.emails.toLocaleString()} emails, reply rate {percent(t.replyRate)}, {t.meetingsBooked} meetings booked, {t.meetingsHeld} held
      </p>
    </>
  );
}

function Numbers({ items, note }: { items: [string, string, (() => void)?][]; note?: string }) {
  return (
    <>
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
      {items.map(([label, value, onClick]) => (
        <div key={label}>
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="text-lg font-semibold text-slate-900">
            {onClick ? (
              <button type="button" className="underline decoration-dotted" onClick={onClick}>
                {value}
              </button>
            ) : (
              value
            )}
          </dd>
        </div>
      ))}
    </dl>
    {note && <p className="mt-2 text-xs text-slate-500">{note}</p>}
    </>
  );
}

function SpeedToLead({ params }: { params: ReportParams }) {
  const report = useReport<ActivityReport>('speed-to-lead', params);
  if (!report.data) return <Loading error={report.error} />;
  const s = report.data.speedToLead;
  return (
    <Numbers
      items={[
        ['SLA compliance', percent(s.compliance)],
        ['Median first touch', s.medianMinutes === null ? '–' : `${s.medianMinutes} min`],
        ['Met / breached', `${s.met} / ${s.breached}`],
        ['Still running', String(s.running)],
      ]}
    />
  );
}

function PipelineWidget({
  chart,
  params,
  onDrill,
  onCurrency,
}: {
  chart: 'pipeline-summary' | 'pipeline-stages' | 'loss-reasons';
  params: ReportParams;
  onDrill: (d: Drill) => void;
  onCurrency: (currency: string) => void;
}) {
  const report = useReport<PipelineReport>(chart, params);
  if (!report.data) return <Loading error={report.error} />;
  return (
    <>
      {report.data.currencies.length > 1 && (
        <label className="mb-2 flex items-center gap-2 text-xs text-slate-600">
          Currency
          <select className="rounded-md px-1.5 py-0.5 text-xs ring-1 ring-slate-300" value={report.data.currency} onChange={(e) => onCurrency(e.target.value)}>
            {report.data.currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
      <PipelineNumbers chart={chart} p={report.data} params={params} onDrill={onDrill} />
    </>
  );
}

function PipelineNumbers({ chart, p, params, onDrill }: { chart: 'pipeline-summary' | 'pipeline-stages' | 'loss-reasons'; p: PipelineReport; params: ReportParams; onDrill: (d: Drill) => void }) {
  const drill = (set: string, title: string) => () => onDrill({ kind: 'pipeline', key: 'set', value: set, params, title });
  if (chart === 'pipeline-summary')
    return (
      <Numbers
        items={[
          ['Open pipeline', `${amount(p.openAmount)} (${p.openDeals})`, drill('open', 'Open deals closing in the period')],
          ['Created', `${p.created.deals} (${amount(p.created.amount)})`, drill('created', 'Deals created')],
          ['Won / lost', `${p.closed.won} / ${p.closed.lost}`, drill('won', 'Deals won')],
          ['Win rate', percent(p.winRate)],
          ['Average deal', amount(p.averageDealSize)],
          ['Sales cycle', p.medianCycleDays === null ? '–' : `${p.medianCycleDays} d`],
          ['Slippage', percent(p.slippageRate), drill('slipped', 'Deals with a pushed close date')],
          ['Coverage', p.coverage === null ? (p.target === null ? 'no quota for this period' : 'target met') : `${Math.round(p.coverage * 10) / 10}×${p.quotaPeriod ? ` of the ${p.quotaPeriod} quota` : ''}`],
        ]}
        note={`Amounts in ${p.currency}${p.currencies.length > 1 ? `; deals in ${p.currencies.filter((c) => c !== p.currency).join(', ')} are counted in their own currency's report` : ''}`}
      />
    );
  const data = chart === 'pipeline-stages' ? p.stages.map((s) => ({ name: s.name, value: s.reached })) : p.lossReasons.map((l) => ({ name: l.reason, value: l.deals }));
  if (!data.length) return <p className="text-sm text-slate-500">{chart === 'pipeline-stages' ? `No ${p.currency} deals were created in the period.` : `No ${p.currency} deals were lost in the period.`}</p>;
  return (
    <div className="h-56">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <XAxis type="number" hide />
          <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Bar dataKey="value" name={chart === 'pipeline-stages' ? 'Deals reaching the stage' : 'Deals lost'} fill="#4f46e5" />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function Hints({ params }: { params: ReportParams }) {
  const report = useReport<HintsReport>('hints', params);
  if (!report.data) return <Loading error={report.error} />;
  const { hints, leak } = report.data;
  return (
    <ul className="space-y-1.5 text-sm">
      {leak && <li className="text-amber-800">{leak}</li>}
      {hints.map((h) => (
        <li key={h.text} className={h.change < 0 ? 'text-rose-700' : 'text-emerald-700'}>
          {h.text}
        </li>
      ))}
      {hints.length === 0 && !leak && <li className="text-slate-500">Nothing changed much against the previous period.</li>}
    </ul>
  );
}

const PAGE = 25;

function DrillDown({ drill, onClose }: { drill: Drill; onClose: () => void }) {
  const [offset, setOffset] = useState(0);
  const records = useRecords(drill.kind, { ...drill.params, [drill.key]: drill.value, offset, limit: PAGE });
  const rows = records.data?.data ?? [];
  const link = (r: Record<string, unknown>) => (r.type === 'lead' ? `/leads/${r.id}` : r.type === 'opportunity' ? `/opportunities/${r.id}` : r.type === 'account' ? `/accounts/${r.id}` : null);
  return (
    <section className={card} aria-label="Records behind the number">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">{drill.title}{records.data ? ` (${records.data.total.toLocaleString()})` : ''}</h2>
        <Button size="sm" onClick={onClose}>Close</Button>
      </div>
      {!records.data ? (
        <Loading error={records.error} />
      ) : (
        <>
          <div className="overflow-x-auto">
            <Table label={drill.title}>
              <thead>
                <tr>
                  <th className={thClass}>Name</th>
                  <th className={thClass}>Status</th>
                  <th className={thClass}>Amount</th>
                  <th className={thClass}>Created</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={String(r.id)}>
                    <td className={tdClass}>{link(r) ? <a className="text-indigo-700 hover:underline" href={link(r)!}>{String(r.name || r.id)}</a> : String(r.name)}</td>
                    <td className={tdClass}>{String(r.status ?? '')}</td>
                    <td className={tdClass}>{r.amount === undefined ? '' : amount(Number(r.amount))}</td>
                    <td className={tdClass}>{String(r.createdAt ?? '').slice(0, 10)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
          <div className="mt-2 flex justify-end gap-2">
            <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</Button>
            <Button size="sm" disabled={offset + PAGE >= records.data.total} onClick={() => setOffset(offset + PAGE)}>Next</Button>
          </div>
        </>
      )}
    </section>
  );
}
