import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useSession } from '../auth/session.tsx';
import { useCallScripts, useCallSettings, useDeleteScript, useSaveCallSettings, useSaveScript, type CallScript, type CallSettings, type WeeklyHours } from '../calls/api.ts';
import { useTeams, useUsers } from '../users/api.ts';
import { useGoals, useSetGoal, type Goal } from './api.ts';

const METRICS = ['calls', 'connects', 'emails'] as const;

function GoalRow({ label, scope, scopeId, goal }: { label: string; scope: Goal['scope']; scopeId?: string; goal: Goal | undefined }) {
  const save = useSetGoal();
  const [values, setValues] = useState<Record<(typeof METRICS)[number], string>>({
    calls: goal?.calls?.toString() ?? '',
    connects: goal?.connects?.toString() ?? '',
    emails: goal?.emails?.toString() ?? '',
  });
  const [saved, setSaved] = useState(false);
  const number = (v: string) => (v.trim() === '' ? null : Number(v));
  return (
    <form
      aria-label={`Goals for ${label}`}
      className="grid grid-cols-3 items-end gap-2 border-b border-slate-100 py-3 sm:grid-cols-[minmax(0,1fr)_6rem_6rem_6rem_auto]"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ scope, ...(scopeId ? { scopeId } : {}), calls: number(values.calls), connects: number(values.connects), emails: number(values.emails) }, { onSuccess: () => setSaved(true) });
      }}
    >
      <p className="col-span-3 truncate text-sm font-medium text-slate-800 sm:col-span-1 sm:self-center">{label}</p>
      {METRICS.map((m) => (
        <Field key={m} label={m[0]!.toUpperCase() + m.slice(1)}>
          {(props) => <Input {...props} type="number" min={0} inputMode="numeric" value={values[m]} onChange={(e) => (setSaved(false), setValues({ ...values, [m]: e.target.value }))} placeholder="—" />}
        </Field>
      ))}
      <Button type="submit" size="sm" busy={save.isPending} className="col-span-3 sm:col-span-1">
        {saved ? 'Saved' : 'Save'}
      </Button>
    </form>
  );
}

function GoalsSection() {
  const me = useSession();
  const goals = useGoals();
  const teams = useTeams();
  const users = useUsers();
  if (goals.isPending || teams.isPending || users.isPending) return <Spinner />;
  const find = (scope: Goal['scope'], id: string) => goals.data?.data.find((g) => g.scope === scope && g.scopeId === id);
  const people = (users.data ?? []).filter((u) => u.status !== 'deactivated' && (u.role === 'rep' || u.role === 'manager'));
  return (
    <section aria-labelledby="goals-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="goals-heading" className="text-sm font-semibold text-slate-900">
        Daily activity goals
      </h2>
      <p className="mt-1 text-xs text-slate-500">A person's own goal applies first, then their team's, then the organisation's. Leave a box empty for no goal.</p>
      <GoalRow label={`Everyone at ${me.org.name}`} scope="org" goal={find('org', me.org.id)} />
      {(teams.data ?? []).map((team) => (
        <GoalRow key={team.id} label={`Team ${team.name}`} scope="team" scopeId={team.id} goal={find('team', team.id)} />
      ))}
      {people.map((user) => (
        <GoalRow key={user.id} label={user.name} scope="user" scopeId={user.id} goal={find('user', user.id)} />
      ))}
    </section>
  );
}

const WEEKDAYS = [
  ['mon', 'Mon'],
  ['tue', 'Tue'],
  ['wed', 'Wed'],
  ['thu', 'Thu'],
  ['fri', 'Fri'],
  ['sat', 'Sat'],
  ['sun', 'Sun'],
] as const;

function CallingHoursForm({ settings }: { settings: CallSettings }) {
  const save = useSaveCallSettings();
  const first = Object.values(settings.callingHours).find((v) => v && v.length)?.[0] ?? ['09:00', '20:00'];
  const [days, setDays] = useState<Set<string>>(new Set(Object.keys(settings.callingHours).filter((d) => settings.callingHours[d as keyof WeeklyHours]?.length)));
  const [from, setFrom] = useState(first[0]);
  const [to, setTo] = useState(first[1]);
  const [zone, setZone] = useState(settings.defaultTimeZone ?? '');
  const [recall, setRecall] = useState(String(settings.recallAfterMinutes));
  const [message, setMessage] = useState<string | null>(null);
  return (
    <form
      aria-label="Calling hours"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const hours: WeeklyHours = Object.fromEntries([...days].map((d) => [d, [[from, to]]]));
        save.mutate(
          { callingHours: hours, defaultTimeZone: zone.trim() || null, recallAfterMinutes: Number(recall) || 0, version: settings.version },
          { onSuccess: () => setMessage('Saved'), onError: (err) => setMessage(err instanceof ApiError ? `${err.message} ${Object.values(err.fields).join(' ')}` : 'Not saved') },
        );
      }}
    >
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">Days</legend>
        <div className="flex flex-wrap gap-1.5">
          {WEEKDAYS.map(([d, label]) => (
            <label key={d} className={`cursor-pointer rounded-md px-2.5 py-1 text-sm ring-1 ring-inset ${days.has(d) ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-700 ring-slate-300'}`}>
              <input
                type="checkbox"
                className="sr-only"
                checked={days.has(d)}
                onChange={() => {
                  const next = new Set(days);
                  if (next.has(d)) next.delete(d);
                  else next.add(d);
                  setDays(next);
                }}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Field label="From (their time)">{(p) => <Input {...p} type="time" value={from} onChange={(e) => setFrom(e.target.value)} />}</Field>
        <Field label="Until">{(p) => <Input {...p} type="time" value={to} onChange={(e) => setTo(e.target.value)} />}</Field>
        <Field label="Unknown zones use" hint="Empty: never call them">
          {(p) => <Input {...p} value={zone} onChange={(e) => setZone(e.target.value)} placeholder="Europe/Berlin" />}
        </Field>
        <Field label="Call again after (min)">{(p) => <Input {...p} type="number" min={0} value={recall} onChange={(e) => setRecall(e.target.value)} />}</Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save calling hours
        </Button>
        {message && <span role="status" className="text-sm text-slate-600">{message}</span>}
      </div>
    </form>
  );
}

function ScriptEditor({ script, onDone }: { script: CallScript | null; onDone: () => void }) {
  const save = useSaveScript();
  const [name, setName] = useState(script?.name ?? '');
  const [body, setBody] = useState(script?.body ?? '');
  const [isDefault, setDefault] = useState(script?.isDefault ?? false);
  return (
    <form
      aria-label="Call script"
      className="space-y-2 rounded-lg bg-slate-50 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ...(script ? { id: script.id } : {}), name, body, isDefault }, { onSuccess: onDone });
      }}
    >
      <Field label="Name">{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
      <Field label="Script" hint="Merge fields: {{firstName}}, {{lastName}}, {{company}}, {{title}}">
        {(p) => (
          <textarea
            {...p}
            rows={6}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            className="block w-full rounded-md border-0 px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none"
          />
        )}
      </Field>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.target.checked)} className="size-4 rounded border-slate-300" /> Show this script in the call queue
      </label>
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" busy={save.isPending} disabled={!name.trim()}>
          Save script
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function ScriptsSection() {
  const scripts = useCallScripts();
  const remove = useDeleteScript();
  const [editing, setEditing] = useState<CallScript | 'new' | null>(null);
  return (
    <section aria-labelledby="scripts-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <div className="flex items-center justify-between">
        <h2 id="scripts-heading" className="text-sm font-semibold text-slate-900">
          Call scripts
        </h2>
        <Button size="sm" onClick={() => setEditing('new')}>
          New script
        </Button>
      </div>
      {editing === 'new' && <div className="mt-3"><ScriptEditor script={null} onDone={() => setEditing(null)} /></div>}
      <ul className="mt-2 divide-y divide-slate-100">
        {(scripts.data?.data ?? []).map((script) => (
          <li key={script.id} className="py-2">
            {editing !== 'new' && editing?.id === script.id ? (
              <ScriptEditor script={script} onDone={() => setEditing(null)} />
            ) : (
              <div className="flex items-center gap-2">
                <span className="min-w-0 flex-1 truncate text-sm text-slate-800">
                  {script.name} {script.isDefault && <span className="ml-1 text-xs text-emerald-700">(in the queue)</span>}
                </span>
                <Button size="sm" variant="ghost" onClick={() => setEditing(script)}>
                  Edit
                </Button>
                <Button size="sm" variant="ghost" onClick={() => remove.mutate(script.id)}>
                  Delete
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Managers' outreach settings: daily goals per org, team and person; calling hours; call scripts. */
export function OutreachSettings() {
  const settings = useCallSettings();
  return (
    <div className="space-y-5">
      <GoalsSection />
      <section aria-labelledby="hours-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
        <h2 id="hours-heading" className="mb-3 text-sm font-semibold text-slate-900">
          Calling hours
        </h2>
        {settings.data ? <CallingHoursForm key={settings.data.version} settings={settings.data} /> : <Spinner />}
      </section>
      <ScriptsSection />
    </div>
  );
}
