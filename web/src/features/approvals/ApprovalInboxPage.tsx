import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { controlClass } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useUserNames } from '../users/api.ts';
import { useApprovalInbox, useDecideRequest, type InboxRequest, type InboxView } from './api.ts';

const STATUS_TONES: Record<InboxRequest['status'], Tone> = { pending: 'amber', approved: 'green', rejected: 'red', withdrawn: 'slate' };
const LEVEL_LABELS: Record<string, string> = { manager: 'Manager', finance: 'Finance', legal: 'Legal' };
const when = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

const tabClass = (active: boolean) =>
  `whitespace-nowrap border-b-2 px-1 pb-2.5 text-sm font-medium ${active ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`;

/** The deal desk: requests waiting for my decision, and every request with its decision and note. */
export function ApprovalInboxPage() {
  const [params] = useSearchParams();
  const view: InboxView = params.get('view') === 'history' ? 'history' : 'waiting';
  const inbox = useApprovalInbox(view);
  const userName = useUserNames();
  const [deciding, setDeciding] = useState<InboxRequest | null>(null);
  const requests = inbox.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <div className="space-y-5">
      <PageHeader title="Approvals" subtitle="Discounts and payment terms beyond the deal policy wait here for a manager, finance or legal." />
      <nav aria-label="Approval views" className="-mx-3 overflow-x-auto border-b border-slate-200 px-3 sm:mx-0 sm:px-0">
        <div className="flex gap-6">
          <Link to="?view=waiting" aria-current={view === 'waiting' ? 'page' : undefined} className={tabClass(view === 'waiting')}>
            Waiting for me
          </Link>
          <Link to="?view=history" aria-current={view === 'history' ? 'page' : undefined} className={tabClass(view === 'history')}>
            History
          </Link>
        </div>
      </nav>

      {inbox.isPending ? (
        <Spinner />
      ) : inbox.isError ? (
        <Notice>{errorMessage(inbox.error)}</Notice>
      ) : requests.length === 0 ? (
        <EmptyState title={view === 'waiting' ? 'Nothing waiting for you' : 'No approval requests yet'}>
          {view === 'waiting' ? 'When a rep submits a deal whose terms need your decision, it shows up here and in your notifications.' : 'Requests appear here once a deal is submitted for approval.'}
        </EmptyState>
      ) : (
        <ul aria-label={view === 'waiting' ? 'Requests waiting for my decision' : 'All approval requests'} className="space-y-3">
          {requests.map((request) => (
            <li key={request.id} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <Link to={`/opportunities/${request.opportunityId}`} className="font-medium text-indigo-700 hover:underline">
                    {request.opportunityName}
                  </Link>
                  <p className="text-sm text-slate-700">
                    {LEVEL_LABELS[request.level] ?? request.level} approval of {request.reason}
                  </p>
                  <p className="text-xs text-slate-500">
                    Asked by {userName(request.requestedBy)} · {when(request.requestedAt)}
                  </p>
                </div>
                {request.status === 'pending' && view === 'waiting' ? (
                  <Button variant="primary" size="sm" onClick={() => setDeciding(request)}>
                    Decide…
                  </Button>
                ) : (
                  <Badge tone={STATUS_TONES[request.status]}>{request.status}</Badge>
                )}
              </div>
              {request.decidedBy && (
                <p className="mt-2 border-t border-slate-100 pt-2 text-sm text-slate-600">
                  <span className="capitalize">{request.status}</span> by {userName(request.decidedBy)}
                  {request.decidedAt ? ` · ${when(request.decidedAt)}` : ''}
                  {request.comment ? <span className="block text-slate-800">“{request.comment}”</span> : null}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {inbox.hasNextPage && (
        <Button busy={inbox.isFetchingNextPage} onClick={() => void inbox.fetchNextPage()}>
          Show more
        </Button>
      )}
      <DecisionDialog request={deciding} onClose={() => setDeciding(null)} />
    </div>
  );
}

function DecisionDialog({ request, onClose }: { request: InboxRequest | null; onClose: () => void }) {
  const decide = useDecideRequest();
  const toast = useToast();
  const [comment, setComment] = useState('');
  const close = () => {
    setComment('');
    decide.reset();
    onClose();
  };
  const send = (decision: 'approve' | 'reject') => {
    if (!request) return;
    decide.mutate(
      { id: request.id, decision, comment },
      {
        onSuccess: () => {
          toast(decision === 'approve' ? `Approved: ${request.opportunityName}` : `Rejected: ${request.opportunityName}`);
          close();
        },
      },
    );
  };
  return (
    <Dialog open={request !== null} onClose={close} title={request ? `Decide: ${request.opportunityName}` : 'Decide'} description={request ? `${LEVEL_LABELS[request.level] ?? request.level} approval of ${request.reason}` : ''}>
      <label htmlFor="decision-note" className="mb-1 block text-sm font-medium text-slate-700">
        Note (kept with the decision in the audit log)
      </label>
      <textarea id="decision-note" rows={3} className={`${controlClass} w-full`} value={comment} onChange={(event) => setComment(event.target.value)} maxLength={2000} />
      {decide.isError && (
        <div className="mt-3">
          <Notice>{errorMessage(decide.error)}</Notice>
        </div>
      )}
      <DialogActions>
        <Button onClick={close}>Cancel</Button>
        <Button variant="danger" busy={decide.isPending && decide.variables?.decision === 'reject'} disabled={decide.isPending} onClick={() => send('reject')}>
          Reject
        </Button>
        <Button variant="primary" busy={decide.isPending && decide.variables?.decision === 'approve'} disabled={decide.isPending} onClick={() => send('approve')}>
          Approve
        </Button>
      </DialogActions>
    </Dialog>
  );
}
