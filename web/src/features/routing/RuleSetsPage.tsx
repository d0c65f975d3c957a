import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { browserTimeZone, formatDateTime } from '../../lib/dates.ts';
import { canReassign, useSession } from '../auth/session.tsx';
import { ownerOptions, useTeams, useUserNames, useUsers } from '../users/api.ts';
import { OBJECT_LABELS, RULE_OBJECTS, useDryRun, useRuleSetAction, useRuleSets, useTerritories, type Rule, type RuleObject, type RuleSet, type RuleSetChanges, type WeeklyHours } from './api.ts';
import { RuleEditor } from './RuleEditor.tsx';

const STATUS_TONES = { active: 'green', draft: 'amber', archived: 'slate' } as const;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;

/** Rule sets per object, as versions: drafts are edited, dry-run and activated. */
export function RuleSetsPage() {
  const me = useSession();
  const sets = useRuleSets();
  const action = useRuleSetAction();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const object = (RULE_OBJECTS as readonly string[]).includes(params.get('object') ?? '') ? (params.get('object') as RuleObject) : 'lead_create';
  if (sets.isPending) return <Spinner label="Loading rule sets…" />;
  if (sets.isError) return <Notice>{errorMessage(sets.error)}</Notice>;
  const versions = sets.data.filter((s) => s.object === object);
  const selected = versions.find((s) => s.id === params.get('version')) ?? versions.find((s) => s.status === 'draft') ?? versions.find((s) => s.status === 'active') ?? versions[0];
  const choose = (next: Record<string, string>) => setParams({ object, ...next }, { replace: true });
  const manage = canReassign(me.user.role);

  return (
    <section className="space-y-4">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <div role="group" aria-label="What the rules route" className="inline-flex w-fit rounded-md shadow-sm ring-1 ring-slate-300">
          {RULE_OBJECTS.map((o) => (
            <button
              key={o}
              type="button"
              aria-pressed={o === object}
              onClick={() => setParams({ object: o }, { replace: true })}
              className={`px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${o === object ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
            >
              {OBJECT_LABELS[o]}
            </button>
          ))}
        </div>
        {versions.length > 0 && (
          <div className="flex items-center gap-2">
            <Select aria-label="Version" className="w-64" value={selected?.id} onChange={(e) => choose({ version: e.target.value })}>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  Version {v.version} · {v.status}
                </option>
              ))}
            </Select>
          </div>
        )}
      </div>

      {!selected ? (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <EmptyState
            title={`No rules for ${OBJECT_LABELS[object].toLowerCase()} yet`}
            action={
              manage && (
                <Button variant="primary" busy={action.isPending} onClick={() => action.mutate({ kind: 'create', object }, { onSuccess: (set) => choose({ version: set.id }) })}>
                  Create a draft
                </Button>
              )
            }
          >
            Without an active rule set, whoever creates a record owns it.
          </EmptyState>
        </div>
      ) : (
        <RuleSetEditor
          key={`${selected.id}-${selected.status}`}
          set={selected}
          manage={manage}
          onCopied={(set) => {
            toast(`Version ${set.version} is a new draft`);
            choose({ version: set.id });
          }}
        />
      )}
    </section>
  );
}

/** The settings and rules of a version, written the same way whether typed or stored: to tell if they differ. */
function settingsKey(settings: RuleSetChanges): string {
  const rules = (settings.rules ?? []).map((rule) => ({
    name: rule.name,
    match: rule.match,
    conditions: rule.conditions,
    strategy: rule.strategy,
    target: rule.target,
    weights: rule.weights && Object.keys(rule.weights).length ? rule.weights : null,
    accountOwnerFirst: Boolean(rule.accountOwnerFirst),
  }));
  const { name, fallbackOwnerId, slaMinutes, businessHours, escalation } = settings;
  return JSON.stringify({ name, fallbackOwnerId, slaMinutes, businessHours, escalation, rules });
}

/** Business hours as one daily interval on chosen weekdays: the common case, editable in one line. */
function hoursOf(set: RuleSet): { on: boolean; timeZone: string; from: string; to: string; days: string[] } {
  const hours = set.businessHours?.hours ?? {};
  const first = Object.values(hours).find((intervals) => intervals?.length)?.[0];
  return {
    on: Boolean(set.businessHours),
    timeZone: set.businessHours?.timeZone ?? browserTimeZone(),
    from: first?.[0] ?? '09:00',
    to: first?.[1] ?? '17:00',
    days: set.businessHours ? DAYS.filter((d) => hours[d]?.length) : ['mon', 'tue', 'wed', 'thu', 'fri'],
  };
}

function RuleSetEditor({ set, manage, onCopied }: { set: RuleSet; manage: boolean; onCopied: (set: RuleSet) => void }) {
  const users = useUsers();
  const teams = useTeams();
  const territories = useTerritories();
  const action = useRuleSetAction();
  const toast = useToast();
  const editable = manage && set.status === 'draft';
  const [name, setName] = useState(set.name);
  const [fallbackOwnerId, setFallback] = useState(set.fallbackOwnerId ?? '');
  const [sla, setSla] = useState(set.slaMinutes === null ? '' : String(set.slaMinutes));
  const [hours, setHours] = useState(hoursOf(set));
  const [escalation, setEscalation] = useState(set.escalation);
  const [rules, setRules] = useState<Rule[]>(set.rules);
  const errors = action.error instanceof ApiError ? action.error.fields : {};
  const changes: RuleSetChanges = {
    name,
    fallbackOwnerId: fallbackOwnerId || null,
    slaMinutes: sla === '' ? null : Number(sla),
    businessHours: hours.on ? { timeZone: hours.timeZone, hours: Object.fromEntries(hours.days.map((d) => [d, [[hours.from, hours.to]]])) as WeeklyHours } : null,
    escalation,
    rules: rules.map(({ id: _id, ...rule }) => rule),
  };
  // Unsaved: what is on screen differs from the version as stored (the dry run reads the stored one).
  const stored = useMemo(() => settingsKey(set), [set]);
  const dirty = settingsKey(changes) !== stored;

  const save = (then?: () => void) => action.mutate({ kind: 'save', id: set.id, changes }, { onSuccess: () => (then ? then() : toast('Draft saved')) });
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= rules.length) return;
    const next = [...rules];
    [next[i], next[j]] = [next[j]!, next[i]!];
    setRules(next);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={STATUS_TONES[set.status]}>{set.status}</Badge>
          <span className="text-sm text-slate-600">
            Version {set.version}
            {set.activatedAt ? ` · activated ${formatDateTime(set.activatedAt)}` : ` · created ${formatDateTime(set.createdAt)}`}
          </span>
        </div>
        {manage && (
          <div className="flex flex-wrap gap-2">
            {set.status !== 'draft' && (
              <Button busy={action.isPending} onClick={() => action.mutate({ kind: 'copy', id: set.id }, { onSuccess: onCopied })}>
                Copy into a new draft
              </Button>
            )}
            {editable && (
              <>
                <Button
                  variant="ghost"
                  onClick={() => {
                    if (window.confirm(`Delete draft version ${set.version}?`)) action.mutate({ kind: 'delete', id: set.id });
                  }}
                >
                  Delete draft
                </Button>
                <Button busy={action.isPending} onClick={() => save()}>
                  Save draft
                </Button>
              </>
            )}
            {set.status !== 'active' && (
              <Button
                variant="primary"
                busy={action.isPending}
                onClick={() => {
                  const activate = () => action.mutate({ kind: 'activate', id: set.id }, { onSuccess: () => toast(`Version ${set.version} now routes ${OBJECT_LABELS[set.object].toLowerCase()}`) });
                  if (editable && dirty) save(activate);
                  else activate();
                }}
              >
                {set.status === 'archived' ? 'Activate again' : 'Activate'}
              </Button>
            )}
          </div>
        )}
      </div>
      {action.error && Object.keys(errors).length === 0 && <Notice>{errorMessage(action.error)}</Notice>}
      {Object.keys(errors).length > 0 && <Notice>Some settings need fixing: {Object.entries(errors).map(([field, message]) => `${field} — ${message}`).join('; ')}</Notice>}

      <div className="grid gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:grid-cols-2 lg:grid-cols-4">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Name</span>
          <Input value={name} disabled={!editable} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Fallback owner</span>
          <Select value={fallbackOwnerId} disabled={!editable} onChange={(e) => setFallback(e.target.value)}>
            <option value="">Nobody (leave unassigned)</option>
            {ownerOptions(users.data, set.fallbackOwnerId).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">{set.object === 'lead_qualified' ? 'Accept within (minutes)' : 'First touch within (minutes)'}</span>
          <Input type="number" min={1} value={sla} placeholder="No SLA" disabled={!editable} onChange={(e) => setSla(e.target.value)} />
        </label>
        <fieldset className="text-sm">
          <legend className="mb-1 block font-medium text-slate-700">On a breach</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={escalation.reassign} disabled={!editable} onChange={(e) => setEscalation({ ...escalation, reassign: e.target.checked })} />
            Route it to someone else
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={escalation.notifyManager} disabled={!editable} onChange={(e) => setEscalation({ ...escalation, notifyManager: e.target.checked })} />
            Tell the manager
          </label>
        </fieldset>
        <fieldset className="text-sm sm:col-span-2 lg:col-span-4">
          <legend className="mb-1 font-medium text-slate-700">SLA clock</legend>
          <label className="mr-4 inline-flex items-center gap-2">
            <input type="checkbox" checked={hours.on} disabled={!editable} onChange={(e) => setHours({ ...hours, on: e.target.checked })} />
            Business hours only
          </label>
          {hours.on && (
            <span className="mt-2 inline-flex flex-wrap items-center gap-2">
              <Input aria-label="Time zone" className="w-44" value={hours.timeZone} disabled={!editable} onChange={(e) => setHours({ ...hours, timeZone: e.target.value })} />
              <Input aria-label="Opens" type="time" className="w-28" value={hours.from} disabled={!editable} onChange={(e) => setHours({ ...hours, from: e.target.value })} />
              <span>to</span>
              <Input aria-label="Closes" type="time" className="w-28" value={hours.to} disabled={!editable} onChange={(e) => setHours({ ...hours, to: e.target.value })} />
              {DAYS.map((d) => (
                <label key={d} className="inline-flex items-center gap-1">
                  <input
                    type="checkbox"
                    checked={hours.days.includes(d)}
                    disabled={!editable}
                    onChange={(e) => setHours({ ...hours, days: e.target.checked ? [...hours.days, d] : hours.days.filter((x) => x !== d) })}
                  />
                  {DAY_NAMES[d]}
                </label>
              ))}
            </span>
          )}
        </fieldset>
      </div>

      <div>
        <h2 className="mb-2 text-sm font-semibold text-slate-900">Rules — the first that matches decides</h2>
        {!users.data || !teams.data || !territories.data ? (
          <Spinner />
        ) : (
          <ol className="space-y-3">
            {rules.map((rule, i) => (
              <RuleEditor
                key={i}
                rule={rule}
                number={i + 1}
                object={set.object}
                editable={editable}
                users={users.data}
                teams={teams.data}
                territories={territories.data}
                errors={errors}
                onChange={(next) => setRules(rules.map((r, j) => (j === i ? next : r)))}
                onMove={(by) => move(i, by)}
                onRemove={() => setRules(rules.filter((_, j) => j !== i))}
              />
            ))}
            {rules.length === 0 && <li className="rounded-lg bg-white p-4 text-sm text-slate-500 ring-1 ring-slate-900/5">No rules: every record goes to the fallback owner.</li>}
          </ol>
        )}
        {editable && (
          <Button className="mt-3" onClick={() => setRules([...rules, { name: `Rule ${rules.length + 1}`, match: 'all', conditions: [], strategy: 'round_robin', target: { type: 'record_territory' } }])}>
            Add rule
          </Button>
        )}
      </div>

      {manage && <DryRunPanel set={set} unsaved={editable && dirty} />}
    </div>
  );
}

function DryRunPanel({ set, unsaved }: { set: RuleSet; unsaved: boolean }) {
  const dryRun = useDryRun();
  const nameOf = useUserNames();
  const [lastN, setLastN] = useState('50');
  const result = dryRun.data;
  const most = Math.max(1, ...(result?.byOwner ?? []).flatMap((o) => [o.current, o.proposed]));
  return (
    <section aria-label="Dry run" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h2 className="text-sm font-semibold text-slate-900">Dry run</h2>
          <p className="text-sm text-slate-500">Replays the last records through version {set.version} as if they arrived now, from today’s counters. Nothing changes.</p>
        </div>
        <form
          className="flex items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            dryRun.mutate({ id: set.id, lastN: Number(lastN) || 50 });
          }}
        >
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Last</span>
            <Input aria-label="How many records" type="number" min={1} max={1000} className="w-24" value={lastN} onChange={(e) => setLastN(e.target.value)} />
          </label>
          <Button type="submit" variant="primary" busy={dryRun.isPending}>
            Run
          </Button>
        </form>
      </div>
      {unsaved && <Notice tone="warning">The dry run uses the saved draft: save your changes first.</Notice>}
      {dryRun.isError && <Notice>{errorMessage(dryRun.error)}</Notice>}
      {result && (
        <>
          <p className="text-sm text-slate-700">
            {result.rows.length} records: {result.changed} would change owner, {result.unassigned} would stay unassigned.
          </p>
          <ul aria-label="Records per person" className="space-y-1.5">
            {result.byOwner.map((o) => (
              <li key={o.userId ?? 'none'} className="grid grid-cols-[10rem_1fr] items-center gap-3 text-sm">
                <span className="truncate text-slate-700">{o.name}</span>
                <span className="space-y-0.5">
                  <span className="flex items-center gap-2">
                    <span className="h-2 rounded bg-slate-300" style={{ width: `${(o.current / most) * 75}%` }} />
                    <span className="text-xs text-slate-500">now {o.current}</span>
                  </span>
                  <span className="flex items-center gap-2">
                    <span className="h-2 rounded bg-indigo-500" style={{ width: `${(o.proposed / most) * 75}%` }} />
                    <span className="text-xs text-slate-700">would get {o.proposed}</span>
                  </span>
                </span>
              </li>
            ))}
          </ul>
          <Table label="Dry run results">
            <thead>
              <tr>
                <th className={thClass}>Record</th>
                <th className={thClass}>Owner now</th>
                <th className={thClass}>Would go to</th>
                <th className={thClass}>Rule</th>
                <th className={`${thClass} min-w-72`}>Why</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={row.subjectId} className={row.changed ? 'bg-amber-50/50' : ''}>
                  <td className={tdClass}>
                    {set.object === 'account' ? <Link to={`/accounts/${row.subjectId}`}>{row.label}</Link> : <Link to={`/leads/${row.subjectId}`}>{row.label}</Link>}
                  </td>
                  <td className={tdClass}>{nameOf(row.currentOwnerId)}</td>
                  <td className={`${tdClass} font-medium`}>{nameOf(row.proposedOwnerId)}</td>
                  <td className={tdClass}>{row.ruleNumber ? `${row.ruleNumber}. ${row.ruleName}` : '—'}</td>
                  <td className={`${tdClass} text-slate-600`}>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </section>
  );
}
