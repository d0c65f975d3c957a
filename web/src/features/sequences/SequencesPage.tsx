import { Link, useNavigate } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { canManageTeams, useSession } from '../auth/session.tsx';
import { useSaveSequence, useSequences } from './api.ts';

/** Sequences: the org's cadences with how many prospects each holds. */
export function SequencesPage() {
  const me = useSession();
  const sequences = useSequences();
  const save = useSaveSequence();
  const navigate = useNavigate();
  const create = () =>
    save.mutate({ name: 'New sequence', status: 'paused', steps: [{ channel: 'auto_email', delayDays: 0, subject: 'Hi {{lead.firstName}}', body: 'Hi {{lead.firstName}},\n\n' }] }, { onSuccess: (s) => navigate(`/sequences/${s.id}`) });
  return (
    <div className="space-y-5">
      <PageHeader title="Sequences" subtitle="Multi-step outreach over business days" actions={canManageTeams(me.user.role) ? <Button variant="primary" busy={save.isPending} onClick={create}>New sequence</Button> : undefined} />
      {sequences.data?.data.length === 0 && <EmptyState title="No sequences yet">Create one, then enroll leads from the leads list.</EmptyState>}
      <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
        {sequences.data?.data.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center gap-3 px-3 py-2.5 text-sm">
            <Link to={`/sequences/${s.id}`} className="font-medium text-indigo-700 hover:underline">{s.name}</Link>
            <span className="text-slate-500">{s.steps.length} step{s.steps.length === 1 ? '' : 's'}</span>
            <span className="rounded bg-slate-100 px-1.5 text-xs">{s.status}</span>
            <span className="ml-auto text-slate-600">{s.active ?? 0} active · {s.enrolled ?? 0} enrolled</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
