import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { toAnswers, toDraft, type Draft } from './answers.ts';
import { useFrameworks, useLeadQualification, useSaveQualification, type LeadQualification, type Question } from './api.ts';

/** On the lead page: the framework's questions with an input per answer type, and how far along the lead is. */
export function QualificationPanel({ leadId, readOnly = false }: { leadId: string; readOnly?: boolean }) {
  const frameworks = useFrameworks();
  const [frameworkId, setFrameworkId] = useState<string | undefined>(undefined);
  const qualification = useLeadQualification(leadId, frameworkId);
  const choices = (frameworks.data ?? []).filter((f) => f.active || f.id === qualification.data?.framework.id);

  return (
    <section aria-labelledby="qualification-questions" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="qualification-questions" className="text-sm font-semibold text-slate-900">
          Qualification questions
        </h2>
        {choices.length > 1 && qualification.data && (
          <Select aria-label="Framework" className="w-44" value={qualification.data.framework.id} onChange={(e) => setFrameworkId(e.target.value)}>
            {choices.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </Select>
        )}
      </div>
      {qualification.isPending ? (
        <Spinner label="Loading questions…" />
      ) : qualification.isError ? (
        <Notice action={<Button onClick={() => void qualification.refetch()}>Try again</Button>}>{errorMessage(qualification.error)}</Notice>
      ) : (
        <QuestionForm key={`${qualification.data.framework.id}-${qualification.data.version}`} leadId={leadId} qualification={qualification.data} readOnly={readOnly} reload={() => void qualification.refetch()} />
      )}
    </section>
  );
}

export function Progress({ answered, total, percent }: { answered: number; total: number; percent: number }) {
  return (
    <div className="flex items-center gap-3">
      <div
        role="progressbar"
        aria-label="Qualification progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${answered} of ${total} required answered`}
        className="h-2 flex-1 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full rounded-full ${percent === 100 ? 'bg-emerald-500' : 'bg-indigo-500'}`} style={{ width: `${percent}%` }} />
      </div>
      <span className="text-sm font-medium whitespace-nowrap text-slate-700">
        {answered}/{total} answered
      </span>
    </div>
  );
}

function QuestionForm({ leadId, qualification, readOnly, reload }: { leadId: string; qualification: LeadQualification; readOnly: boolean; reload: () => void }) {
  const { framework, progress } = qualification;
  const [draft, setDraft] = useState<Draft>(() => toDraft(framework.questions, qualification.answers));
  const [localProblems, setLocalProblems] = useState<Record<string, string>>({});
  const save = useSaveQualification(leadId);
  const users = useUsers();
  const nameOf = useUserNames();
  const toast = useToast();
  const apiFields = save.error instanceof ApiError ? save.error.fields : {};
  const problem = (key: string) => localProblems[`answers.${key}`] ?? apiFields[`answers.${key}`];
  const set = (key: string, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const stale = save.error instanceof ApiError && save.error.isStale;

  const input = (q: Question, props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => {
    const value = draft[q.key] ?? '';
    const common = { ...props, value, disabled: readOnly, onChange: (e: { target: { value: string } }) => set(q.key, e.target.value) };
    switch (q.type) {
      case 'text':
        return <textarea {...common} rows={2} className={`${controlClass} w-full`} />;
      case 'number':
        return <Input {...common} inputMode="decimal" />;
      case 'date':
        return <Input {...common} type="date" className="min-w-0" />;
      case 'money':
        return (
          <div className="flex gap-2">
            <Input {...common} inputMode="decimal" placeholder="0.00" className="min-w-0 flex-1" />
            <Input
              aria-label={`${q.label} currency`}
              value={draft[`${q.key}.currency`] ?? 'EUR'}
              maxLength={3}
              disabled={readOnly}
              onChange={(e) => set(`${q.key}.currency`, e.target.value.toUpperCase())}
              className="w-20 uppercase"
            />
          </div>
        );
      case 'boolean':
      case 'select':
      case 'user': {
        const options =
          q.type === 'boolean'
            ? [
                { value: 'yes', label: 'Yes' },
                { value: 'no', label: 'No' },
              ]
            : q.type === 'select'
              ? (q.options ?? []).map((o) => ({ value: o, label: o }))
              : ownerOptions(users.data, value || null);
        return (
          <Select {...common}>
            <option value="">Not answered</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        );
      }
    }
  };

  return (
    <form
      aria-label={`${framework.name} answers`}
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const { answers, problems } = toAnswers(framework.questions, draft);
        setLocalProblems(problems);
        if (Object.keys(problems).length > 0) return;
        save.mutate({ frameworkId: framework.id, answers, version: qualification.version }, { onSuccess: (saved) => toast(`Qualification saved: ${saved.progress.answeredRequired}/${saved.progress.totalRequired} answered`) });
      }}
    >
      <div className="space-y-1.5">
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <span className="font-medium text-slate-900">{framework.name}</span>
          {progress.qualifiedReady ? <Badge tone="green">Ready to qualify</Badge> : <Badge tone="amber">{progress.missing.length} required left</Badge>}
        </div>
        <Progress answered={progress.answeredRequired} total={progress.totalRequired} percent={progress.percent} />
      </div>
      {stale && (
        <Notice tone="warning" action={<Button size="sm" onClick={reload}>Reload</Button>}>
          Someone else saved answers for this lead — reload to see them, then answer again.
        </Notice>
      )}
      {save.error && !stale && Object.keys(apiFields).length === 0 && <Notice>{errorMessage(save.error)}</Notice>}
      <div className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-2">
        {framework.questions.map((q) => (
          <Field key={q.key} label={`${q.label}${q.required ? ' *' : ''}`} error={problem(q.key)} className={q.type === 'text' ? 'sm:col-span-2' : ''}>
            {(props) => input(q, props)}
          </Field>
        ))}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-slate-500">
          * required to qualify
          {qualification.updatedAt && ` · last saved ${formatDateTime(qualification.updatedAt)} by ${nameOf(qualification.updatedBy)}`}
        </p>
        {!readOnly && (
          <Button type="submit" variant="primary" size="sm" busy={save.isPending}>
            Save answers
          </Button>
        )}
      </div>
    </form>
  );
}
