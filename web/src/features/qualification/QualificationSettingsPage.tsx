import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import type { OrgSettings } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import {
  QUESTION_TYPE_LABELS,
  QUESTION_TYPES,
  useDeleteFramework,
  useFrameworks,
  useOrgSettings,
  useSaveFramework,
  useSaveOrgSettings,
  type Framework,
  type Question,
  type QuestionType,
} from './api.ts';

type DraftQuestion = Question & { optionsText: string; weightText: string; keyTouched: boolean };

const keyOf = (label: string) => {
  const words = label
    .split(':')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('').replace(/^[^a-z]+/, '').slice(0, 64);
};

const NEW_QUESTION: DraftQuestion = { key: '', label: '', type: 'text', required: true, optionsText: '', weightText: '', keyTouched: false };

/** Admins: the frameworks reps qualify leads with, which one is the default, and the disqualification settings. */
export function QualificationSettingsPage() {
  const frameworks = useFrameworks();
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  if (frameworks.isPending) return <Spinner label="Loading frameworks…" />;
  if (frameworks.isError) return <Notice>{errorMessage(frameworks.error)}</Notice>;
  const current = selected === 'new' ? undefined : (frameworks.data.find((f) => f.id === selected) ?? frameworks.data.find((f) => f.isDefault) ?? frameworks.data[0]);

  return (
    <div className="space-y-5">
      <section aria-labelledby="frameworks-heading" className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <h2 id="frameworks-heading" className="text-sm font-semibold text-slate-900">
            Qualification frameworks
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            <Select aria-label="Framework to edit" className="w-56" value={selected === 'new' ? 'new' : (current?.id ?? '')} onChange={(e) => setSelected(e.target.value)}>
              {frameworks.data.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                  {f.isDefault ? ' (default)' : f.active ? '' : ' (inactive)'}
                </option>
              ))}
              <option value="new">New framework…</option>
            </Select>
            <Button size="sm" onClick={() => setSelected('new')}>
              <Icon name="plus" className="size-4" /> New framework
            </Button>
          </div>
        </div>
        <FrameworkEditor key={current ? `${current.id}-${current.version}` : 'new'} framework={current} onSaved={(f) => setSelected(f.id)} onDeleted={() => setSelected(null)} />
      </section>
      <DisqualificationSettings />
    </div>
  );
}

function FrameworkEditor({ framework, onSaved, onDeleted }: { framework: Framework | undefined; onSaved: (f: Framework) => void; onDeleted: () => void }) {
  const [name, setName] = useState(framework?.name ?? '');
  const [questions, setQuestions] = useState<DraftQuestion[]>(
    (framework?.questions ?? [NEW_QUESTION]).map((q) => ({ ...q, optionsText: (q.options ?? []).join(', '), weightText: q.weight === undefined ? '' : String(q.weight), keyTouched: Boolean(framework) })),
  );
  const [isDefault, setDefault] = useState(framework?.isDefault ?? false);
  const [active, setActive] = useState(framework?.active ?? true);
  const save = useSaveFramework();
  const remove = useDeleteFramework();
  const toast = useToast();
  const errors = save.error instanceof ApiError ? save.error.fields : {};
  const change = (i: number, patch: Partial<DraftQuestion>) => setQuestions((all) => all.map((q, j) => (j === i ? { ...q, ...patch } : q)));
  const unshown = Object.keys(errors).filter((f) => f !== 'name' && !/^questions\.\d+\.(key|label|options|weight|type)$/.test(f));

  return (
    <form
      aria-label="Framework"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const input = {
          name,
          isDefault,
          active,
          questions: questions.map((q) => ({
            key: q.key,
            label: q.label,
            type: q.type,
            required: q.required,
            ...(q.type === 'select' ? { options: q.optionsText.split(',').map((o) => o.trim()).filter(Boolean) } : {}),
            ...(q.weightText.trim() ? { weight: Number(q.weightText) } : {}),
          })),
        };
        save.mutate({ ...(framework ? { framework } : {}), input }, { onSuccess: (saved) => (toast(`Framework “${saved.name}” saved`), onSaved(saved)) });
      }}
    >
      {save.error && (unshown.length > 0 || Object.keys(errors).length === 0) && (
        <Notice>{save.error instanceof ApiError && save.error.isStale ? 'Another admin changed this framework; reload the page.' : unshown.length ? unshown.map((f) => errors[f]).join(' ') : errorMessage(save.error)}</Notice>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Framework name" error={errors.name}>
          {(props) => <Input {...props} value={name} required onChange={(e) => setName(e.target.value)} placeholder="MEDDIC" />}
        </Field>
        <div className="flex flex-wrap items-end gap-x-5 gap-y-2 pb-1.5">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={isDefault} disabled={framework?.isDefault} onChange={(e) => setDefault(e.target.checked)} className="size-4 rounded border-slate-300" />
            Default: the one reps see first
          </label>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} className="size-4 rounded border-slate-300" />
            Active
          </label>
        </div>
      </div>
      <ol className="space-y-3" aria-label="Questions">
        {questions.map((q, i) => {
          const n = i + 1;
          const err = (part: string) => errors[`questions.${i}.${part}`];
          return (
            <li key={i} className="rounded-lg p-3 ring-1 ring-slate-200">
              <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr]">
                <Field label={`Question ${n}`} error={err('label')}>
                  {(props) => <Input {...props} value={q.label} required onChange={(e) => change(i, { label: e.target.value, ...(q.keyTouched ? {} : { key: keyOf(e.target.value) }) })} />}
                </Field>
                <Field label={`Question ${n} key`} error={err('key')}>
                  {(props) => <Input {...props} value={q.key} required onChange={(e) => change(i, { key: e.target.value, keyTouched: true })} className="font-mono" />}
                </Field>
                <Field label={`Question ${n} answer type`} error={err('type')}>
                  {(props) => (
                    <Select {...props} value={q.type} onChange={(e) => change(i, { type: e.target.value as QuestionType })}>
                      {QUESTION_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {QUESTION_TYPE_LABELS[t]}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
                {q.type === 'select' && (
                  <Field label={`Question ${n} choices`} hint="Comma-separated" error={err('options')} className="sm:col-span-2 lg:col-span-3">
                    {(props) => <Input {...props} value={q.optionsText} onChange={(e) => change(i, { optionsText: e.target.value })} />}
                  </Field>
                )}
              </div>
              <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
                <div className="flex flex-wrap items-center gap-4">
                  <label className="flex items-center gap-2 text-sm text-slate-700">
                    <input type="checkbox" checked={q.required} onChange={(e) => change(i, { required: e.target.checked })} className="size-4 rounded border-slate-300" />
                    Required to qualify
                  </label>
                  <label className="flex items-center gap-2 text-sm text-slate-700">
                    Weight
                    <Input value={q.weightText} onChange={(e) => change(i, { weightText: e.target.value })} inputMode="decimal" placeholder="1" className="w-16" aria-invalid={Boolean(err('weight'))} />
                  </label>
                  {err('weight') && <span className="text-sm text-red-600">{err('weight')}</span>}
                </div>
                <Button size="sm" variant="ghost" aria-label={`Remove question ${n}`} disabled={questions.length === 1} onClick={() => setQuestions((all) => all.filter((_q, j) => j !== i))}>
                  <Icon name="trash" className="size-4" />
                </Button>
              </div>
            </li>
          );
        })}
      </ol>
      {errors.questions && <p className="text-sm text-red-600">{errors.questions}</p>}
      <div className="flex flex-wrap justify-between gap-2">
        <Button size="sm" onClick={() => setQuestions((all) => [...all, NEW_QUESTION])}>
          <Icon name="plus" className="size-4" /> Add question
        </Button>
        <div className="flex flex-wrap gap-2">
          {framework && !framework.isDefault && (
            <Button
              variant="ghost"
              busy={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete “${framework.name}”?`))
                  remove.mutate(framework.id, { onSuccess: () => (toast('Framework deleted'), onDeleted()), onError: (e) => toast(errorMessage(e), { tone: 'error' }) });
              }}
            >
              Delete
            </Button>
          )}
          <Button type="submit" variant="primary" busy={save.isPending}>
            {framework ? 'Save framework' : 'Create framework'}
          </Button>
        </div>
      </div>
    </form>
  );
}

function DisqualificationSettings() {
  const settings = useOrgSettings();
  if (settings.isPending) return <Spinner />;
  if (settings.isError) return <Notice>{errorMessage(settings.error)}</Notice>;
  return <DisqualificationForm key={settings.data.version} settings={settings.data} />;
}

function DisqualificationForm({ settings }: { settings: OrgSettings }) {
  const [reasons, setReasons] = useState(settings.disqualificationReasons.join('\n'));
  const [recycle, setRecycle] = useState(settings.recycleAfterDays === null ? '' : String(settings.recycleAfterDays));
  const [daysProblem, setDaysProblem] = useState<string | undefined>(undefined);
  const save = useSaveOrgSettings();
  const toast = useToast();
  const errors = save.error instanceof ApiError ? save.error.fields : {};
  const reasonError = Object.entries(errors).find(([f]) => f.startsWith('disqualificationReasons'))?.[1];
  return (
    <section aria-labelledby="disqualification-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="disqualification-heading" className="mb-3 text-sm font-semibold text-slate-900">
        Disqualification
      </h2>
      <form
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={(event) => {
          event.preventDefault();
          const days = recycle.trim();
          setDaysProblem(days === '' || /^\d+$/.test(days) ? undefined : 'Enter a whole number of days, or leave it empty');
          if (days !== '' && !/^\d+$/.test(days)) return;
          save.mutate(
            { version: settings.version, changes: { disqualificationReasons: reasons.split('\n').map((r) => r.trim()).filter(Boolean), recycleAfterDays: days === '' ? null : Number(days) } },
            { onSuccess: () => toast('Disqualification settings saved') },
          );
        }}
      >
        {save.error && !reasonError && !errors.recycleAfterDays && <Notice>{errorMessage(save.error)}</Notice>}
        <Field label="Reasons reps choose from" hint="One per line" error={reasonError}>
          {(props) => <textarea {...props} rows={7} value={reasons} onChange={(e) => setReasons(e.target.value)} className={`${controlClass} w-full`} />}
        </Field>
        <div className="space-y-4">
          <Field label="Back in the pool after (days)" hint="Empty: disqualified leads never come back" error={daysProblem ?? errors.recycleAfterDays}>
            {(props) => <Input {...props} value={recycle} onChange={(e) => setRecycle(e.target.value)} inputMode="numeric" className="w-32" />}
          </Field>
          {settings.version > 0 && <Badge>Version {settings.version}</Badge>}
          <div>
            <Button type="submit" variant="primary" busy={save.isPending}>
              Save disqualification settings
            </Button>
          </div>
        </div>
      </form>
    </section>
  );
}
