import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Select } from '../../components/Field.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { relativeTime } from '../../lib/dates.ts';
import { canReassign, useSession } from '../auth/session.tsx';
import { leadName } from '../leads/labels.ts';
import { relativeDue } from '../tasks/due.ts';
import { useCallQueue, type SkipReason } from './api.ts';
import { LogCallForm } from './LogCallForm.tsx';
import { useViews } from '../views/api.ts';

const SKIP_LABELS: Record<SkipReason, string> = {
  outside_calling_hours: 'outside calling hours',
  recently_called: 'called recently',
  do_not_call: 'do not call',
  no_phone: 'no phone number',
  unknown_time_zone: 'unknown time zone',
  skipped: 'skipped by you',
};

const STATUS_CHOICES = [
  { value: 'new,working', label: 'New and working' },
  { value: 'new', label: 'New' },
  { value: 'working', label: 'Working' },
  { value: 'nurture', label: 'Nurture' },
];

/** Seconds since the rep pressed Call: the call's duration unless they type one. */
function useCallTimer() {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [startedAt]);
  const seconds = startedAt === null ? 0 : Math.max(0, Math.round((now - startedAt) / 1000));
  return { seconds, running: startedAt !== null, start: () => (setStartedAt(Date.now()), setNow(Date.now())), reset: () => setStartedAt(null) };
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * The power-dialer: one prospect at a time, best first, only within their local calling hours.
 * Call with one tap (tel:), read the script and the history, log what happened — and the next
 * prospect is there.
 */
export function CallQueuePage() {
  const me = useSession();
  const [search, setSearch] = useSearchParams();
  const source = (search.get('source') ?? 'leads') as 'leads' | 'contacts' | 'sequence' | 'view';
  const sequenceId = search.get('sequenceId') ?? undefined;
  const viewId = search.get('viewId') ?? undefined;
  const leadViews = useViews('lead');
  const [status, setStatus] = useState('new,working');
  const [owner, setOwner] = useState<'me' | 'any'>('me');
  const [skip, setSkip] = useState<string[]>([]);
  const queue = useCallQueue({
    source,
    sequenceId: source === 'sequence' ? sequenceId : undefined,
    viewId: source === 'view' ? viewId : undefined,
    status: source === 'leads' ? status : undefined,
    ownerId: owner === 'any' && source !== 'view' ? 'any' : undefined,
    skip: skip.join(',') || undefined,
  }, source !== 'view' || Boolean(viewId));
  const timer = useCallTimer();
  const current = queue.data?.current ?? null;
  const held = queue.data ? (Object.entries(queue.data.skipped) as [SkipReason, number][]).filter(([, n]) => n > 0) : [];

  return (
    <div className="space-y-5">
      <PageHeader
        title="Call queue"
        subtitle="Your best prospect to call right now, within their local calling hours"
        actions={
          canReassign(me.user.role) ? (
            <Link to="/settings/outreach" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
              Scripts and calling hours
            </Link>
          ) : undefined
        }
      />
      <div className="flex flex-wrap items-center gap-2">
        <Select
          aria-label="Who to call"
          value={source}
          onChange={(e) => {
            setSkip([]);
            setSearch(e.target.value === 'leads' ? {} : { source: e.target.value });
          }}
          className="w-auto"
        >
          <option value="leads">Leads</option>
          <option value="contacts">Contacts</option>
          <option value="sequence">Sequence call steps</option>
          <option value="view">A saved view</option>
        </Select>
        {source === 'view' && (
          <Select aria-label="Saved view" value={viewId ?? ''} onChange={(e) => setSearch({ source: 'view', viewId: e.target.value })} className="w-auto">
            <option value="">Choose a view…</option>
            {(leadViews.data?.data ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </Select>
        )}
        {source === 'leads' && (
        <Select aria-label="Lead status" value={status} onChange={(e) => setStatus(e.target.value)} className="w-auto">
          {STATUS_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </Select>
        )}
        <Select aria-label="Whose prospects" value={owner} onChange={(e) => setOwner(e.target.value as 'me' | 'any')} className="w-auto">
          <option value="me">Mine</option>
          <option value="any">Everyone's</option>
        </Select>
        {queue.data && (
          <p className="text-sm text-slate-600" aria-live="polite">
            <strong className="font-semibold text-slate-900">{queue.data.ready}</strong> ready
            {held.map(([reason, n]) => (
              <span key={reason}>
                {' '}
                · {n} {SKIP_LABELS[reason]}
              </span>
            ))}
          </p>
        )}
        {skip.length > 0 && (
          <Button size="sm" variant="ghost" onClick={() => setSkip([])}>
            Bring back skipped
          </Button>
        )}
      </div>

      {queue.isPending ? (
        <Spinner />
      ) : !current ? (
        <div className="rounded-xl bg-white px-5 py-10 text-center shadow-sm ring-1 ring-slate-900/5">
          <p className="text-base font-medium text-slate-900">Nobody to call right now.</p>
          <p className="mt-1 text-sm text-slate-500">Prospects outside their calling hours or called recently come back on their own.</p>
        </div>
      ) : (
        <div className="grid gap-5 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <section aria-label="Now calling" className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div className="min-w-0">
                <h2 className="truncate text-lg font-semibold text-slate-900">
                  <Link to={`/${current.prospect.subjectType}s/${current.prospect.id}`} className="hover:underline">
                    {leadName(current.prospect)}
                  </Link>
                </h2>
                <p className="truncate text-sm text-slate-600">{[current.prospect.title, current.prospect.company].filter(Boolean).join(' · ')}</p>
                {current.sequenceStep?.instruction && <p className="mt-1 text-sm text-violet-700">{current.sequenceStep.instruction}</p>}
                <p className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-500">
                  <span>
                    Their time <strong className="text-slate-800">{current.localTime}</strong> ({current.zone.replace(/_/g, ' ')})
                  </span>
                  {current.prospect.subjectType === 'lead' && <span>Score {current.prospect.score}</span>}
                  <span>{current.lastCallAt ? `Last called ${relativeTime(current.lastCallAt)}` : 'Never called'}</span>
                </p>
              </div>
              <Badge tone={current.slaDueAt ? 'red' : 'indigo'}>{current.slaDueAt ? `${current.reason} · ${relativeDue(current.slaDueAt)}` : current.reason}</Badge>
            </div>

            <a
              href={current.tel}
              onClick={() => timer.start()}
              className="flex h-12 w-full items-center justify-center gap-2 rounded-lg bg-emerald-600 text-base font-semibold text-white shadow-sm hover:bg-emerald-500"
            >
              Call {current.prospect.phone}
              {timer.running && <span className="font-mono text-sm font-normal opacity-90">{clock(timer.seconds)}</span>}
            </a>

            {queue.data?.script && (
              <details open className="rounded-lg bg-slate-50 p-3">
                <summary className="cursor-pointer text-sm font-medium text-slate-800">Script: {queue.data.script.name}</summary>
                <p className="mt-2 text-sm whitespace-pre-line text-slate-700">{fillScript(queue.data.script.body, current.prospect)}</p>
              </details>
            )}

            <LogCallForm
              key={current.prospect.id}
              subjectType={current.prospect.subjectType}
              subjectId={current.prospect.id}
              taskId={current.callTaskId}
              initialSeconds={timer.seconds}
              submitLabel="Log and next"
              onLogged={() => {
                timer.reset();
                // The call is logged against the step's task, which moves its sequence on in the same request.
                if (current.sequenceStep) void queue.refetch();
              }}
            />
            <Button
              variant="ghost"
              className="w-full"
              onClick={() => {
                timer.reset();
                setSkip((s) => [...s, current.prospect.id]);
              }}
            >
              Skip for now
            </Button>
          </section>

          <div className="space-y-5">
            <section aria-label="History" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
              <h3 className="text-sm font-semibold text-slate-900">History</h3>
              {current.history.length === 0 ? (
                <p className="mt-2 text-sm text-slate-500">No history yet.</p>
              ) : (
                <ul className="mt-2 space-y-2">
                  {current.history.map((item) => (
                    <li key={item.id} className="text-sm">
                      <span className="text-slate-800">{item.summary}</span>
                      {typeof item.details.notes === 'string' && <span className="block text-xs text-slate-600">{item.details.notes}</span>}
                      <span className="block text-xs text-slate-400">{relativeTime(item.occurredAt)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {queue.data && queue.data.upNext.length > 0 && (
              <section aria-label="Up next" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
                <h3 className="text-sm font-semibold text-slate-900">Up next</h3>
                <ol className="mt-2 divide-y divide-slate-100">
                  {queue.data.upNext.map((entry) => (
                    <li key={entry.prospect.id} className="flex items-center justify-between gap-2 py-1.5 text-sm">
                      <span className="min-w-0 truncate text-slate-800">{leadName(entry.prospect)}</span>
                      <span className="shrink-0 text-xs text-slate-500">
                        {entry.reason} · {entry.localTime}
                      </span>
                    </li>
                  ))}
                </ol>
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** Merge fields in a script: {{firstName}}, {{lastName}}, {{company}}, {{title}}, {{me}}. */
function fillScript(body: string, lead: { firstName: string; lastName: string; company: string; title: string | null }): string {
  const fields: Record<string, string> = { firstName: lead.firstName, lastName: lead.lastName, company: lead.company, title: lead.title ?? '' };
  return body.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, key: string) => fields[key] ?? match);
}
