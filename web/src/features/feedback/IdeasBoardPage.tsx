import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useSession } from '../auth/session.tsx';
import { minorPerMajor, money } from '../opportunities/api.ts';
import { FeedbackInbox, ProductAreas } from './FeedbackInbox.tsx';
import { IDEA_STATUSES, STATUS_LABELS, moneyList, useCreateIdea, useIdeas, type IdeaStatus } from './api.ts';

/** The ideas board: product ideas ranked by the money behind them, not by how many asked. */
export function IdeasBoardPage() {
  const me = useSession();
  const canManage = me.user.role === 'admin' || me.user.role === 'manager';
  const [status, setStatus] = useState<IdeaStatus | ''>('');
  const board = useIdeas(status);
  const [adding, setAdding] = useState(false);
  const currency = board.data?.currency ?? 'USD';
  const ideas = board.data?.data ?? [];
  const unit = minorPerMajor(currency);
  const chart = ideas.slice(0, 10).map((i) => ({ name: i.title.length > 24 ? `${i.title.slice(0, 23)}…` : i.title, open: (i.openPipeline[currency] ?? 0) / unit, won: (i.wonRevenue[currency] ?? 0) / unit }));

  return (
    <div className="space-y-4">
      <PageHeader
        title="Ideas"
        subtitle="Customer feedback grouped into product ideas, ranked by revenue at stake"
        actions={
          canManage && (
            <div className="flex flex-wrap gap-2">
              <a className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50" href="/api/v1/ideas/export.csv">
                Export CSV
              </a>
              <Button variant="primary" onClick={() => setAdding(true)}>
                New idea
              </Button>
            </div>
          )
        }
      />
      <div className="w-full sm:w-48">
        <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as IdeaStatus | '')}>
          <option value="">All statuses</option>
          {IDEA_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </Select>
      </div>
      {board.isPending ? (
        <Spinner />
      ) : board.isError ? (
        <Notice>{errorMessage(board.error)}</Notice>
      ) : ideas.length === 0 ? (
        <EmptyState title="No ideas yet">Reps add feedback from accounts, contacts and deals; managers group it into ideas here.</EmptyState>
      ) : (
        <>
          <section aria-label={`Revenue at stake in ${currency}`} className="h-64 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={chart} layout="vertical" margin={{ left: 8, right: 8 }}>
                <XAxis type="number" fontSize={11} tickFormatter={(v: number) => String(Math.round(v))} />
                <YAxis type="category" dataKey="name" width={110} fontSize={11} />
                <Tooltip formatter={(v) => money(Number(v) * unit, currency)} />
                <Legend />
                <Bar dataKey="open" name="Open pipeline" stackId="m" fill="#6366f1" />
                <Bar dataKey="won" name="Won revenue" stackId="m" fill="#059669" />
              </BarChart>
            </ResponsiveContainer>
          </section>
          <ol className="space-y-2">
            {ideas.map((idea, n) => (
              <li key={idea.id} className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5">
                <div className="flex flex-wrap items-baseline gap-2">
                  <span className="text-sm text-slate-400">{n + 1}.</span>
                  <Link to={`/ideas/${idea.id}`} className="min-w-0 flex-1 font-medium break-words text-indigo-700 hover:underline">
                    {idea.title}
                  </Link>
                  <Badge>{STATUS_LABELS[idea.status]}</Badge>
                </div>
                <dl className="mt-1 grid grid-cols-1 gap-x-4 text-sm text-slate-600 sm:grid-cols-3">
                  <div>
                    <dt className="inline">Open pipeline: </dt>
                    <dd className="inline">{moneyList(idea.openPipeline, money)}</dd>
                  </div>
                  <div>
                    <dt className="inline">Won revenue: </dt>
                    <dd className="inline">{moneyList(idea.wonRevenue, money)}</dd>
                  </div>
                  <div>
                    {idea.accountIds.length} accounts · {idea.feedbackCount} quotes
                  </div>
                </dl>
              </li>
            ))}
          </ol>
        </>
      )}
      {canManage && board.data && <FeedbackInbox ideas={ideas} />}
      {canManage && <ProductAreas />}
      {adding && <NewIdeaDialog onClose={() => setAdding(false)} />}
    </div>
  );
}

function NewIdeaDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateIdea();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ title, description }, { onSuccess: onClose });
  };
  return (
    <Dialog open onClose={onClose} title="New idea">
      <form onSubmit={submit} className="space-y-3">
        <Field label="Title">{(p) => <Input {...p} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}</Field>
        <Field label="Description">{(p) => <Input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        {create.isError && <Notice>{errorMessage(create.error)}</Notice>}
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Add idea
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
