import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime, relativeTime } from '../../lib/dates.ts';
import { LogCallDialog } from '../calls/LogCallForm.tsx';
import { AddFeedbackButton } from '../feedback/AddFeedbackButton.tsx';
import { telLink } from '../calls/phone.ts';
import { useSetTaskStatus, useTasks } from '../tasks/api.ts';
import { relativeDue } from '../tasks/due.ts';
import { useUserNames } from '../users/api.ts';
import { useAddNote, useTimeline, type SubjectType, type TimelineItem } from './api.ts';

// The filters a timeline offers, each a set of activity kinds (later capabilities add kinds).
const FILTERS: { label: string; kinds: string[] }[] = [
  { label: 'All', kinds: [] },
  { label: 'Calls', kinds: ['call', 'call_connected'] },
  { label: 'Emails', kinds: ['email', 'email_sent', 'email_opened', 'email_clicked', 'email_replied', 'email_bounced'] },
  { label: 'Meetings', kinds: ['meeting_scheduled', 'meeting_booked', 'meeting_held', 'meeting_no_show', 'meeting_rescheduled', 'meeting_cancelled'] },
  { label: 'Tasks', kinds: ['task_completed'] },
  { label: 'Notes', kinds: ['note'] },
  { label: 'Forms', kinds: ['form_submission'] },
  { label: 'Changes', kinds: ['change'] },
];

function family(kind: string): { label: string; dot: string } {
  if (kind.startsWith('call')) return { label: kind === 'call_connected' ? 'Call' : 'Call attempt', dot: 'bg-emerald-500' };
  if (kind.startsWith('email')) return { label: 'Email', dot: 'bg-sky-500' };
  if (kind.startsWith('meeting')) return { label: 'Meeting', dot: 'bg-violet-500' };
  if (kind.startsWith('task')) return { label: 'Task', dot: 'bg-amber-500' };
  if (kind === 'note') return { label: 'Note', dot: 'bg-yellow-400' };
  if (kind === 'form_submission') return { label: 'Form', dot: 'bg-pink-500' };
  if (kind === 'change') return { label: 'Change', dot: 'bg-slate-300' };
  return { label: kind.replace(/_/g, ' '), dot: 'bg-slate-400' };
}

/** A call or an email is a place customers say things: feedback captured from it cites the activity and the record. */
function feedbackSource(item: TimelineItem, subjectType: SubjectType, subjectId: string) {
  if (item.source !== 'activity' || !(item.kind.startsWith('call') || item.kind.startsWith('email'))) return null;
  return {
    type: 'activity' as const,
    id: item.id,
    contactId: subjectType === 'contact' ? subjectId : (item.contact?.id ?? null),
    accountId: subjectType === 'account' ? subjectId : null,
    opportunityId: subjectType === 'opportunity' ? subjectId : null,
  };
}

function ItemDetails({ item }: { item: TimelineItem }) {
  const d = item.details;
  const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : null);
  if (item.kind.startsWith('call')) {
    return (
      <>
        {text('notes') && <p className="mt-1 text-sm whitespace-pre-line text-slate-700">{text('notes')}</p>}
        {text('recordingUrl') && (
          <a href={text('recordingUrl')!} target="_blank" rel="noreferrer" className="mt-1 inline-block text-xs font-medium text-indigo-600 hover:text-indigo-500">
            Recording
          </a>
        )}
      </>
    );
  }
  if (item.kind === 'change' && d.reason) return <p className="mt-1 text-xs text-slate-500">{String(d.reason)}</p>;
  return null;
}

/**
 * A record's one timeline: calls, emails, meetings, tasks, notes, form submissions and its own
 * changes, newest first, filterable by kind — with "Log a call", "Add note" and click-to-call
 * (disabled for do-not-call) as quick actions that fit a phone screen.
 */
export function Timeline({
  subjectType,
  subjectId,
  name,
  phone = null,
  doNotCall = false,
}: {
  subjectType: SubjectType;
  subjectId: string;
  name: string;
  phone?: string | null;
  doNotCall?: boolean;
}) {
  const [filter, setFilter] = useState(0);
  const [calling, setCalling] = useState(false);
  const [noting, setNoting] = useState(false);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const timeline = useTimeline(subjectType, subjectId, FILTERS[filter]!.kinds);
  const addNote = useAddNote(subjectType, subjectId);
  const tasks = useTasks({ subjectType, subjectId, status: 'open' });
  const setStatus = useSetTaskStatus();
  const nameOf = useUserNames();
  const items = timeline.data?.pages.flatMap((p) => p.data) ?? [];

  const saveNote = (event: React.FormEvent) => {
    event.preventDefault();
    if (!note.trim()) return;
    addNote.mutate(note, {
      onSuccess: () => {
        setNote('');
        setNoting(false);
        setNoteError(null);
      },
      onError: (e) => setNoteError(e instanceof ApiError ? e.message : 'The note was not saved.'),
    });
  };

  return (
    <section aria-labelledby="timeline-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="timeline-heading" className="text-sm font-semibold text-slate-900">
          Timeline
        </h2>
        <div className="flex flex-wrap gap-1.5">
          {phone &&
            (doNotCall ? (
              <span className="inline-flex h-8 items-center rounded-md bg-red-50 px-2.5 text-xs font-medium text-red-700" title="Do not call">
                Do not call
              </span>
            ) : (
              <a href={telLink(phone)} className="inline-flex h-8 items-center rounded-md bg-emerald-600 px-2.5 text-sm font-medium text-white hover:bg-emerald-500">
                Call
              </a>
            ))}
          <Button size="sm" onClick={() => setCalling(true)}>
            Log a call
          </Button>
          <Button size="sm" onClick={() => setNoting((v) => !v)} aria-expanded={noting}>
            Add note
          </Button>
        </div>
      </div>

      {noting && (
        <form onSubmit={saveNote} className="mt-3 space-y-2" aria-label="Add a note">
          <textarea
            aria-label="Note"
            rows={3}
            autoFocus
            value={note}
            onChange={(e) => setNote(e.target.value)}
            className="block w-full rounded-md border-0 px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none"
            placeholder={`A note about ${name}`}
          />
          {noteError && <p role="alert" className="text-sm text-red-600">{noteError}</p>}
          <div className="flex gap-2">
            <Button type="submit" size="sm" variant="primary" busy={addNote.isPending} disabled={!note.trim()}>
              Save note
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setNoting(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}

      {(tasks.data?.data.length ?? 0) > 0 && (
        <ul aria-label="Open tasks" className="mt-3 space-y-1 rounded-lg bg-amber-50 p-2">
          {tasks.data!.data.map((task) => (
            <li key={task.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                aria-label={`Complete ${task.title}`}
                className="size-4 rounded border-slate-300"
                onChange={() => setStatus.mutate({ task, status: 'done' })}
              />
              <span className="min-w-0 flex-1 truncate text-slate-800">{task.title}</span>
              {task.dueAt && <span className={`text-xs ${Date.parse(task.dueAt) < Date.now() ? 'font-medium text-red-600' : 'text-slate-500'}`}>{relativeDue(task.dueAt)}</span>}
            </li>
          ))}
        </ul>
      )}

      <div role="group" aria-label="Show" className="-mx-1 mt-3 flex gap-1 overflow-x-auto px-1 pb-1">
        {FILTERS.map((f, i) => (
          <button
            key={f.label}
            type="button"
            aria-pressed={filter === i}
            onClick={() => setFilter(i)}
            className={`shrink-0 rounded-full px-2.5 py-1 text-xs font-medium ${filter === i ? 'bg-slate-900 text-white' : 'bg-slate-100 text-slate-600 hover:bg-slate-200'}`}
          >
            {f.label}
          </button>
        ))}
      </div>

      {timeline.isPending ? (
        <Spinner />
      ) : items.length === 0 ? (
        <p className="mt-3 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">Nothing here yet.</p>
      ) : (
        <ol className="mt-3 space-y-0" aria-label="Timeline items">
          {items.map((item) => {
            const f = family(item.kind);
            const source = feedbackSource(item, subjectType, subjectId);
            return (
              <li key={item.id} className="relative flex gap-3 pb-4 last:pb-0">
                <span className={`mt-1.5 size-2.5 shrink-0 rounded-full ${f.dot}`} aria-hidden="true" />
                <div className="min-w-0 flex-1">
                  <p className="text-sm text-slate-900">
                    <span className="mr-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">{f.label}</span>
                    {item.summary}
                  </p>
                  <ItemDetails item={item} />
                  <p className="mt-0.5 text-xs text-slate-500">
                    <time dateTime={item.occurredAt} title={formatDateTime(item.occurredAt)}>
                      {relativeTime(item.occurredAt)}
                    </time>
                    {item.actorId && <> · {nameOf(item.actorId)}</>}
                    {item.contact && (
                      <>
                        {' · with '}
                        <Link to={`/contacts/${item.contact.id}`} className="text-indigo-600 hover:underline">
                          {item.contact.name}
                        </Link>
                      </>
                    )}
                  </p>
                  {source && (
                    <div className="mt-1">
                      <AddFeedbackButton source={source} label={`Add feedback from this ${item.kind.startsWith('call') ? 'call' : 'email'}`} />
                    </div>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {timeline.hasNextPage && (
        <Button size="sm" variant="ghost" className="mt-2 w-full" busy={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
          Show older
        </Button>
      )}
      <LogCallDialog open={calling} onClose={() => setCalling(false)} subjectType={subjectType} subjectId={subjectId} name={name} />
    </section>
  );
}
