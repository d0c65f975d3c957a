import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { useSession } from '../auth/session.tsx';
import { useTeams, useUsers } from '../users/api.ts';
import { CATALOGUE, CHART_NAMES, useSaveDashboard, type Chart, type Dashboard, type Widget } from './api.ts';

const card = 'rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5';

const PERIODS = [
  ['', 'The dashboard\'s period'],
  ['week', 'This week'],
  ['month', 'This month'],
  ['quarter', 'This quarter'],
  ['year', 'This year'],
] as const;
const GROUPS = [
  ['', 'No breakdown'],
  ['rep', 'By rep'],
  ['team', 'By team'],
  ['source', 'By source'],
  ['territory', 'By territory'],
  ['month', 'By month'],
] as const;

let counter = 0;
/** A widget id unique within the dashboard (the API refuses duplicates; charts are keyed by it). */
const freshId = (taken: readonly Widget[]) => {
  let id = '';
  do id = `w${Date.now().toString(36)}${(counter++).toString(36)}`;
  while (taken.some((w) => w.id === id));
  return id;
};

const newWidget = (report: Chart, taken: readonly Widget[]): Widget => ({
  id: freshId(taken),
  title: CATALOGUE[report].label,
  report,
  chart: CATALOGUE[report].chart,
  filters: { period: report === 'activity' ? 'week' : report === 'hints' ? 'month' : 'quarter' },
});

/**
 * Makes or changes a dashboard: its name, whether the whole org sees it (for the roles that may
 * share), and its charts from the report catalogue with their parameters, in order.
 */
export function DashboardEditor({
  start,
  canShare,
  onDone,
}: {
  /** The dashboard to change (its own id and version), or a starting point for a new one (no id). */
  start: { id?: string; version?: number; name: string; shared: boolean; widgets: Widget[] };
  canShare: boolean;
  onDone: (saved: Dashboard | null) => void;
}) {
  const [name, setName] = useState(start.name);
  const [shared, setShared] = useState(start.shared && canShare);
  const [widgets, setWidgets] = useState<Widget[]>(start.widgets.map((w) => ({ ...w, filters: { ...w.filters } })));
  const [adding, setAdding] = useState<Chart>('funnel');
  const save = useSaveDashboard();
  const me = useSession().user;
  const users = useUsers();
  const teams = useTeams();
  // A rep's reports reach their own team at most: offer only that team and its people.
  const myTeams = (teams.data ?? []).filter((t) => me.role !== 'rep' || t.memberIds.includes(me.id));
  const people = (users.data ?? []).filter(
    (u) => u.role !== 'partner' && u.status === 'active' && (me.role !== 'rep' || u.id === me.id || myTeams.some((t) => t.memberIds.includes(u.id))),
  );

  const change = (index: number, patch: Partial<Widget>) => setWidgets((list) => list.map((w, i) => (i === index ? { ...w, ...patch } : w)));
  const setFilter = (index: number, key: string, value: string) =>
    setWidgets((list) =>
      list.map((w, i) => {
        if (i !== index) return w;
        const filters = { ...w.filters };
        if (value) filters[key] = value;
        else delete filters[key];
        return { ...w, filters };
      }),
    );
  const move = (index: number, by: -1 | 1) =>
    setWidgets((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });
  const changeReport = (index: number, report: Chart) =>
    setWidgets((list) =>
      list.map((w, i) => {
        if (i !== index) return w;
        // Parameters the new report does not take are dropped, so the API never sees them.
        const keep = new Set(['period', 'repId', 'teamId', 'source', 'territoryId', ...CATALOGUE[report].params, ...(CATALOGUE[report].params.includes('currency') ? ['target'] : [])]);
        const filters = Object.fromEntries(Object.entries(w.filters).filter(([k]) => keep.has(k)));
        const title = w.title === CATALOGUE[w.report].label ? CATALOGUE[report].label : w.title;
        return { ...w, report, chart: CATALOGUE[report].chart, title, filters };
      }),
    );

  const submit = () =>
    save.mutate(
      { id: start.id, version: start.version, name: name.trim(), shared, widgets },
      { onSuccess: (saved) => onDone(saved) },
    );

  return (
    <section className={`${card} space-y-4`} aria-label="Dashboard editor">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Dashboard name" className="min-w-56 flex-1">
          {(p) => <Input {...p} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-autofocus />}
        </Field>
        {canShare && (
          <label className="flex h-9 items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> Share with the whole organisation
          </label>
        )}
      </div>

      <ol className="space-y-3">
        {widgets.map((w, i) => (
          <li key={w.id} className="rounded-lg p-3 ring-1 ring-slate-200" aria-label={`Chart ${i + 1}: ${w.title}`}>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              <Field label="Title">{(p) => <Input {...p} value={w.title} maxLength={120} onChange={(e) => change(i, { title: e.target.value })} />}</Field>
              <Field label="Report">
                {(p) => (
                  <Select {...p} value={w.report} onChange={(e) => changeReport(i, e.target.value as Chart)}>
                    {CHART_NAMES.map((c) => (
                      <option key={c} value={c}>
                        {CATALOGUE[c].label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="Period">
                {(p) => (
                  <Select {...p} value={w.filters.period ?? ''} onChange={(e) => setFilter(i, 'period', e.target.value)}>
                    {PERIODS.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="Whose numbers">
                {(p) => (
                  <Select
                    {...p}
                    value={w.filters.repId ? `rep:${w.filters.repId}` : w.filters.teamId ? `team:${w.filters.teamId}` : ''}
                    onChange={(e) => {
                      const [kind, id] = e.target.value.split(':');
                      setWidgets((list) =>
                        list.map((x, j) => {
                          if (j !== i) return x;
                          const { repId: _rep, teamId: _team, ...rest } = x.filters;
                          return { ...x, filters: kind === 'rep' ? { ...rest, repId: id! } : kind === 'team' ? { ...rest, teamId: id! } : rest };
                        }),
                      );
                    }}
                  >
                    <option value="">Everyone I can see</option>
                    <optgroup label="Teams">
                      {myTeams.map((t) => (
                        <option key={t.id} value={`team:${t.id}`}>
                          {t.name}
                        </option>
                      ))}
                    </optgroup>
                    <optgroup label="Reps">
                      {people.map((u) => (
                        <option key={u.id} value={`rep:${u.id}`}>
                          {u.name}
                        </option>
                      ))}
                    </optgroup>
                  </Select>
                )}
              </Field>
              {CATALOGUE[w.report].params.includes('groupBy') && (
                <Field label="Breakdown">
                  {(p) => (
                    <Select {...p} value={w.filters.groupBy ?? ''} onChange={(e) => setFilter(i, 'groupBy', e.target.value)}>
                      {GROUPS.map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
              )}
              {CATALOGUE[w.report].params.includes('bucket') && (
                <Field label="Per">
                  {(p) => (
                    <Select {...p} value={w.filters.bucket ?? 'week'} onChange={(e) => setFilter(i, 'bucket', e.target.value)}>
                      <option value="day">Day</option>
                      <option value="week">Week</option>
                    </Select>
                  )}
                </Field>
              )}
              {CATALOGUE[w.report].params.includes('currency') && (
                <Field label="Currency" hint="Empty: the org's deal currency">
                  {(p) => <Input {...p} value={w.filters.currency ?? ''} maxLength={3} placeholder="EUR" onChange={(e) => setFilter(i, 'currency', e.target.value.toUpperCase())} />}
                </Field>
              )}
              <Field label="Source" hint="Empty: every source">
                {(p) => <Input {...p} value={w.filters.source ?? ''} maxLength={100} onChange={(e) => setFilter(i, 'source', e.target.value.trim())} />}
              </Field>
            </div>
            <div className="mt-3 flex flex-wrap justify-end gap-2">
              <Button size="sm" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${w.title} up`}>
                Move up
              </Button>
              <Button size="sm" disabled={i === widgets.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${w.title} down`}>
                Move down
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setWidgets((list) => list.filter((_, j) => j !== i))} aria-label={`Remove ${w.title}`}>
                Remove
              </Button>
            </div>
          </li>
        ))}
      </ol>
      {widgets.length === 0 && <p className="text-sm text-slate-500">No charts yet: add one from the catalogue.</p>}

      <div className="flex flex-wrap items-end gap-2">
        <Field label="Add a chart" className="min-w-56">
          {(p) => (
            <Select {...p} value={adding} onChange={(e) => setAdding(e.target.value as Chart)}>
              {CHART_NAMES.map((c) => (
                <option key={c} value={c}>
                  {CATALOGUE[c].label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button disabled={widgets.length >= 30} onClick={() => setWidgets((list) => [...list, newWidget(adding, list)])}>
          Add chart
        </Button>
      </div>

      {save.error && <Notice>{errorMessage(save.error)}</Notice>}
      <div className="flex justify-end gap-2 border-t border-slate-100 pt-3">
        <Button variant="ghost" onClick={() => onDone(null)}>
          Cancel
        </Button>
        <Button variant="primary" busy={save.isPending} disabled={!name.trim()} onClick={submit}>
          Save dashboard
        </Button>
      </div>
    </section>
  );
}
