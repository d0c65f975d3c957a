import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { KIND_LABELS, useAreas, useCreateArea, useCreateIdea, useDeleteArea, useLinkFeedback, useUnfiledFeedback, type IdeaSummary } from './api.ts';

/** Feedback not yet filed under an idea: start an idea from a quote, or file it under one. */
export function FeedbackInbox({ ideas }: { ideas: IdeaSummary[] }) {
  const unfiled = useUnfiledFeedback();
  const create = useCreateIdea();
  const link = useLinkFeedback();
  const toast = useToast();
  const items = unfiled.data?.data ?? [];
  const error = create.error ?? link.error;
  if (items.length === 0) return null;
  return (
    <section className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
      <h2 className="mb-2 font-semibold text-slate-900">Feedback not in an idea yet ({items.length})</h2>
      {error && <Notice>{errorMessage(error)}</Notice>}
      <ul className="divide-y divide-slate-100">
        {items.map((f) => (
          <li key={f.id} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center">
            <div className="min-w-0 flex-1">
              <p className="text-sm break-words text-slate-800">“{f.quote}”</p>
              <p className="text-xs text-slate-500">
                {KIND_LABELS[f.kind]}
                {f.area ? ` · ${f.area}` : ''}
                {f.accountName ? ` · ${f.accountName}` : ''}
              </p>
            </div>
            <div className="flex flex-wrap gap-2">
              <Select
                aria-label="File under an idea"
                className="w-full sm:w-48"
                value=""
                onChange={(e) => e.target.value && link.mutate({ id: e.target.value, feedbackIds: [f.id] }, { onSuccess: () => toast('Filed') })}
              >
                <option value="">File under…</option>
                {ideas.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.title}
                  </option>
                ))}
              </Select>
              <Button size="sm" busy={create.isPending} onClick={() => create.mutate({ title: f.quote.slice(0, 120), feedbackIds: [f.id] }, { onSuccess: () => toast('Idea created') })}>
                New idea
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The product-area taxonomy quotes are filed under; nested by picking a parent. */
export function ProductAreas() {
  const areas = useAreas();
  const create = useCreateArea();
  const remove = useDeleteArea();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const list = areas.data?.data ?? [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, parentId: parentId || null }, { onSuccess: () => setName('') });
  };
  return (
    <details className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
      <summary className="cursor-pointer font-semibold text-slate-900">Product areas ({list.length})</summary>
      <ul className="mt-2 space-y-1">
        {list.map((a) => (
          <li key={a.id} className="flex items-center gap-2 text-sm">
            <span className="min-w-0 flex-1 break-words">{a.path}</span>
            <Button size="sm" busy={remove.isPending} onClick={() => remove.mutate(a.id)} aria-label={`Remove ${a.path}`}>
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end">
        <Field label="New area" className="flex-1">
          {(p) => <Input {...p} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Under" className="sm:w-56">
          {(p) => (
            <Select {...p} value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">— top level —</option>
              {list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.path}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" busy={create.isPending}>
          Add area
        </Button>
      </form>
      {(create.isError || remove.isError) && <Notice>{errorMessage(create.error ?? remove.error)}</Notice>}
    </details>
  );
}
