import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError } from '../../lib/forms.ts';
import { useSession } from '../auth/session.tsx';
import { KIND_LABELS, STATUS_LABELS, useCancelMeeting, useLogOutcome, useMeetings, useRescheduleMeeting, type Meeting, type MeetingStatus } from './api.ts';
import { dayIn, timeIn, zonedInstant, zonedParts } from './time.ts';

const TONES: Record<MeetingStatus, Tone> = { scheduled: 'blue', rescheduled: 'violet', held: 'green', no_show: 'amber', cancelled: 'slate' };
const DAY = 86_400_000;

/** My agenda: meetings still to log, today's, and the coming weeks'. */
export function MeetingsPage() {
  const me = useSession();
  const zone = me.user.timeZone || 'UTC';
  const [now] = useState(() => Date.now());
  const today = zonedParts(new Date(now), zone).date;
  const startOfToday = zonedInstant(today, '00:00', zone).getTime();
  const startOfTomorrow = zonedInstant(zonedParts(new Date(startOfToday + DAY + 3_600_000), zone).date, '00:00', zone).getTime();
  const meetings = useMeetings({ mine: true, from: new Date(now - 14 * DAY).toISOString(), to: new Date(now + 60 * DAY).toISOString() });

  if (meetings.isPending) return <Spinner />;
  if (meetings.isError) return <Notice>{errorMessage(meetings.error)}</Notice>;
  const all = meetings.data.data;
  const upcoming = (m: Meeting) => m.status === 'scheduled' || m.status === 'rescheduled';
  const toLog = all.filter((m) => upcoming(m) && Date.parse(m.startsAt) < startOfToday);
  const todays = all.filter((m) => Date.parse(m.startsAt) >= startOfToday && Date.parse(m.startsAt) < startOfTomorrow);
  const later = all.filter((m) => upcoming(m) && Date.parse(m.startsAt) >= startOfTomorrow);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Meetings"
        subtitle={`Demos and calls you organize or attend · times in ${zone}`}
        actions={
          <Link to="/settings/booking" className="text-sm font-medium text-indigo-700 hover:text-indigo-900">
            Booking page settings
          </Link>
        }
      />
      {toLog.length > 0 && <Section title="Log the outcome" meetings={toLog} zone={zone} now={now} />}
      <Section title="Today" meetings={todays} zone={zone} now={now} empty="No meetings today." />
      <Section title="Upcoming" meetings={later} zone={zone} now={now} empty="Nothing scheduled yet. Share your booking page or schedule a demo from a lead." />
    </div>
  );
}

function Section({ title, meetings, zone, now, empty }: { title: string; meetings: Meeting[]; zone: string; now: number; empty?: string }) {
  return (
    <section aria-label={title} className="space-y-2">
      <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
      {meetings.length === 0 ? (
        <p className="rounded-xl bg-white px-4 py-3 text-sm text-slate-500 shadow-sm ring-1 ring-slate-900/5">{empty ?? 'Nothing here.'}</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          {meetings.map((m) => (
            <MeetingRow key={m.id} meeting={m} zone={zone} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}

function recordLink(m: Meeting): { to: string; label: string } | null {
  if (m.opportunityId) return { to: `/opportunities/${m.opportunityId}`, label: 'Deal' };
  if (m.leadId) return { to: `/leads/${m.leadId}`, label: 'Lead' };
  if (m.contactId) return { to: `/contacts/${m.contactId}`, label: 'Contact' };
  if (m.accountId) return { to: `/accounts/${m.accountId}`, label: 'Account' };
  return null;
}

function MeetingRow({ meeting: m, zone, now }: { meeting: Meeting; zone: string; now: number }) {
  const [dialog, setDialog] = useState<null | 'outcome' | 'reschedule'>(null);
  const cancel = useCancelMeeting();
  const toast = useToast();
  const live = m.status === 'scheduled' || m.status === 'rescheduled';
  const started = Date.parse(m.startsAt) <= now;
  const record = recordLink(m);
  const guests = m.attendees.map((a) => a.name || a.email).join(', ');
  return (
    <li className="flex flex-col gap-2 p-3 sm:flex-row sm:items-center sm:gap-4 sm:p-4" data-meeting={m.id}>
      <div className="w-28 shrink-0 text-sm">
        <div className="font-semibold text-slate-900">{timeIn(m.startsAt, zone)}</div>
        <div className="text-slate-500">{dayIn(m.startsAt, zone)}</div>
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="truncate font-medium text-slate-900">{m.title}</span>
          <Badge tone={TONES[m.status]}>{STATUS_LABELS[m.status]}</Badge>
          {m.bookedVia === 'booking_page' && <Badge tone="indigo">Booked online</Badge>}
        </div>
        <div className="mt-0.5 flex flex-wrap gap-x-3 text-sm text-slate-500">
          <span>{KIND_LABELS[m.kind]}</span>
          {guests && <span className="truncate">with {guests}</span>}
          {record && (
            <Link to={record.to} className="text-indigo-700 hover:text-indigo-900">
              {record.label}
            </Link>
          )}
          {m.videoUrl && live && (
            <a href={m.videoUrl} target="_blank" rel="noreferrer" className="text-indigo-700 hover:text-indigo-900">
              Join video
            </a>
          )}
        </div>
        {m.outcomeNotes && <p className="mt-1 text-sm text-slate-600">{m.outcomeNotes}</p>}
      </div>
      {live && (
        <div className="flex flex-wrap gap-2">
          {started && (
            <Button size="sm" variant="primary" onClick={() => setDialog('outcome')}>
              Log outcome
            </Button>
          )}
          <Button size="sm" onClick={() => setDialog('reschedule')}>
            Reschedule
          </Button>
          <Button
            size="sm"
            variant="ghost"
            busy={cancel.isPending}
            onClick={() => {
              if (window.confirm(`Cancel "${m.title}"? Everyone gets a cancellation.`)) cancel.mutate({ id: m.id }, { onSuccess: () => toast('Meeting cancelled'), onError: (e) => toast(errorMessage(e), { tone: 'error' }) });
            }}
          >
            Cancel
          </Button>
        </div>
      )}
      {dialog === 'outcome' && <OutcomeDialog meeting={m} onClose={() => setDialog(null)} onReschedule={() => setDialog('reschedule')} />}
      {dialog === 'reschedule' && <RescheduleDialog meeting={m} zone={zone} onClose={() => setDialog(null)} />}
    </li>
  );
}

function OutcomeDialog({ meeting, onClose, onReschedule }: { meeting: Meeting; onClose: () => void; onReschedule: () => void }) {
  const log = useLogOutcome();
  const toast = useToast();
  const [notes, setNotes] = useState('');
  const save = (outcome: 'held' | 'no_show') =>
    log.mutate({ id: meeting.id, outcome, notes }, { onSuccess: () => (toast(outcome === 'held' ? 'Logged as held' : 'Logged as a no-show'), onClose()) });
  return (
    <Dialog open onClose={onClose} title="How did it go?" description={meeting.title}>
      {log.isError && <Notice>{errorMessage(log.error)}</Notice>}
      <Field label="Notes" hint="Shown on the record's timeline">
        {(p) => <textarea {...p} rows={3} className="block w-full rounded-md px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset" value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <DialogActions>
        <Button onClick={onReschedule}>Rescheduled</Button>
        <Button busy={log.isPending} onClick={() => save('no_show')}>
          No-show
        </Button>
        <Button variant="primary" busy={log.isPending} onClick={() => save('held')}>
          Held
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function RescheduleDialog({ meeting, zone, onClose }: { meeting: Meeting; zone: string; onClose: () => void }) {
  const move = useRescheduleMeeting();
  const toast = useToast();
  const current = zonedParts(new Date(Math.max(Date.parse(meeting.startsAt), Date.now() + 86_400_000)), zone);
  const [date, setDate] = useState(current.date);
  const [time, setTime] = useState(zonedParts(new Date(meeting.startsAt), zone).time);
  const [reason, setReason] = useState('');
  const length = Date.parse(meeting.endsAt) - Date.parse(meeting.startsAt);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = zonedInstant(date, time, zone);
    move.mutate(
      { id: meeting.id, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + length).toISOString(), reason },
      { onSuccess: () => (toast('Moved; everyone has the new time'), onClose()) },
    );
  };
  const message = formError(move.error, ['startsAt', 'endsAt']);
  return (
    <Dialog open onClose={onClose} title="Reschedule" description={`${meeting.title} · times in ${zone}`}>
      <form onSubmit={submit} className="space-y-3">
        {message && <Notice>{message}</Notice>}
        <div className="grid grid-cols-2 gap-3">
          <Field label="New date" error={fieldError(move.error, 'startsAt')}>
            {(p) => <Input {...p} type="date" value={date} onChange={(e) => setDate(e.target.value)} required />}
          </Field>
          <Field label="New time" error={fieldError(move.error, 'endsAt')}>
            {(p) => <Input {...p} type="time" step={300} value={time} onChange={(e) => setTime(e.target.value)} required />}
          </Field>
        </div>
        <Field label="Reason">
          {(p) => <Input {...p} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Their CFO can join next week" />}
        </Field>
        <DialogActions>
          <Button onClick={onClose}>Keep the time</Button>
          <Button type="submit" variant="primary" busy={move.isPending}>
            Move and notify
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
