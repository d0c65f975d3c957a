import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useSession } from '../auth/session.tsx';
import { money } from '../opportunities/api.ts';
import { IDEA_STATUSES, KIND_LABELS, STATUS_LABELS, moneyList, useIdea, useIdeaSuggestions, useLinkFeedback, useMergeIdeas, useUpdateIdea, type IdeaStatus } from './api.ts';

/** One idea: what it is worth, who asked, their words, and what else looks like it. */
export function IdeaPage() {
  const { id = '' } = useParams();
  const me = useSession();
  const canManage = me.user.role === 'admin' || me.user.role === 'manager';
  const idea = useIdea(id);
  const suggestions = useIdeaSuggestions(id);
  const update = useUpdateIdea();
  const merge = useMergeIdeas();
  const link = useLinkFeedback();
  const toast = useToast();
  const [editing, setEditing] = useState(false);

  if (idea.isPending) return <Spinner />;
  if (idea.isError) return <Notice>{errorMessage(idea.error)}</Notice>;
  const i = idea.data;
  const error = update.error ?? merge.error ?? link.error;

  return (
    <div className="space-y-4">
      <PageHeader
        title={i.title}
        subtitle={i.area ?? undefined}
        back={
          <Link to="/ideas" className="text-sm text-indigo-700 hover:underline">
            ← Ideas
          </Link>
        }
        actions={
          canManage ? (
            <div className="flex flex-wrap gap-2">
              <Button onClick={() => setEditing(true)}>Edit</Button>
              <Select
                aria-label="Status"
                className="sm:w-40"
                value={i.status}
                onChange={(e) =>
                  update.mutate({ idea: i, changes: { status: e.target.value as IdeaStatus } }, { onSuccess: () => toast('Status changed; the reps whose customers asked are notified') })
                }
              >
                {IDEA_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </Select>
            </div>
          ) : (
            <Badge>{STATUS_LABELS[i.status]}</Badge>
          )
        }
      />
      {editing && <EditIdeaDialog idea={i} onClose={() => setEditing(false)} />}
      {error && <Notice>{errorMessage(error)}</Notice>}
      {i.description && <p className="text-sm whitespace-pre-wrap text-slate-700">{i.description}</p>}
      <section className="grid gap-3 sm:grid-cols-3" aria-label="Revenue at stake">
        <Stat label="Open pipeline citing it" value={moneyList(i.openPipeline, money)} note={`${i.openDealCount} open deals`} />
        <Stat label="Won revenue of customers who asked" value={moneyList(i.wonRevenue, money)} note={`${i.accounts.length} accounts`} />
        <Stat label="Total at stake" value={moneyList(i.totalAtStake, money)} note={`${i.feedbackCount} quotes`} />
      </section>
      <section className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
        <h2 className="mb-2 font-semibold text-slate-900">Accounts behind it</h2>
        {i.accounts.length === 0 ? (
          <p className="text-sm text-slate-500">No account yet.</p>
        ) : (
          <ul className="flex flex-wrap gap-2">
            {i.accounts.map((a) => (
              <li key={a.id}>
                <Link to={`/accounts/${a.id}`} className="text-sm text-indigo-700 hover:underline">
                  {a.name}
                </Link>
                <span className="text-xs text-slate-500"> ({a.feedbackCount})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
        <h2 className="mb-2 font-semibold text-slate-900">What customers said</h2>
        <ul className="space-y-3">
          {i.feedback.map((f) => (
            <li key={f.id}>
              <blockquote className="border-l-4 border-indigo-200 pl-3 text-sm break-words text-slate-800">“{f.quote}”</blockquote>
              <p className="mt-1 pl-4 text-xs text-slate-500">
                {KIND_LABELS[f.kind]} · {f.saidBy ?? 'a contact'}
                {f.accountName ? ` at ${f.accountName}` : ''} · {new Date(f.createdAt).toLocaleDateString()}
              </p>
            </li>
          ))}
        </ul>
      </section>
      {canManage && (suggestions.data?.data.length ?? 0) > 0 && (
        <section className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
          <h2 className="mb-2 font-semibold text-slate-900">Looks similar</h2>
          <ul className="space-y-2">
            {suggestions.data!.data.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-2 text-sm">
                <Badge tone={s.type === 'idea' ? 'indigo' : 'slate'}>{s.type === 'idea' ? 'Idea' : 'Quote'}</Badge>
                <span className="min-w-0 flex-1 break-words">{s.text}</span>
                <span className="text-xs text-slate-500">{Math.round(s.similarity * 100)}%</span>
                {s.type === 'idea' ? (
                  <Button size="sm" busy={merge.isPending} onClick={() => merge.mutate({ id: i.id, ideaIds: [s.id] }, { onSuccess: () => toast('Ideas merged') })}>
                    Merge here
                  </Button>
                ) : (
                  <Button size="sm" busy={link.isPending} onClick={() => link.mutate({ id: i.id, feedbackIds: [s.id] })}>
                    Add to idea
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {canManage && (
        <p className="text-sm">
          <a className="text-indigo-700 hover:underline" href="/api/v1/feedback/export.csv">
            Export all feedback (CSV)
          </a>
        </p>
      )}
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
      <p className="text-xs text-slate-500">{label}</p>
      <p className="text-lg font-semibold break-words text-slate-900">{value}</p>
      <p className="text-xs text-slate-500">{note}</p>
    </div>
  );
}

/** Rename an idea or rewrite its description; a stale version (someone else edited it) is refused with a notice. */
function EditIdeaDialog({ idea, onClose }: { idea: { id: string; version: number; title: string; description: string | null }; onClose: () => void }) {
  const update = useUpdateIdea();
  const toast = useToast();
  const [title, setTitle] = useState(idea.title);
  const [description, setDescription] = useState(idea.description ?? '');
  const fields = update.error instanceof ApiError ? update.error.fields : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { idea, changes: { title, description } },
      {
        onSuccess: () => {
          toast('Idea saved');
          onClose();
        },
      },
    );
  };
  return (
    <Dialog open onClose={onClose} title="Edit idea">
      <form onSubmit={submit} className="space-y-3">
        <Field label="Title" error={fields.title}>
          {(p) => <Input {...p} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label="Description" error={fields.description}>
          {(p) => <textarea {...p} rows={6} maxLength={10000} className={`${controlClass} w-full`} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        {update.isError && <Notice>{errorMessage(update.error)}</Notice>}
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!title.trim()}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
