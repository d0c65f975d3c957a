import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError } from '../../lib/forms.ts';
import { useSession } from '../auth/session.tsx';
import { KIND_LABELS, MEETING_KINDS, useScheduleMeeting, type MeetingKind } from './api.ts';
import { zonedInstant, zonedParts, ZONES } from './time.ts';

const SHOWN = ['title', 'startsAt', 'endsAt', 'timeZone', 'videoUrl', 'attendees'];

type Subject = { leadId?: string; contactId?: string; opportunityId?: string };

/** "Schedule demo" on a lead, contact or deal page: a meeting linked to the record, invitation by email. */
export function ScheduleMeetingButton({ subject, defaultTitle }: { subject: Subject; defaultTitle: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Schedule demo</Button>
      {open && <ScheduleMeetingDialog subject={subject} defaultTitle={defaultTitle} onClose={() => setOpen(false)} />}
    </>
  );
}

function ScheduleMeetingDialog({ subject, defaultTitle, onClose }: { subject: Subject; defaultTitle: string; onClose: () => void }) {
  const me = useSession();
  const toast = useToast();
  const schedule = useScheduleMeeting();
  const timeZoneDefault = me.user.timeZone || 'UTC';
  // Tomorrow at 10:00 in the rep's zone is the usual first proposal.
  const tomorrow = zonedParts(new Date(Date.now() + 86_400_000), timeZoneDefault).date;
  const [form, setForm] = useState({ kind: 'demo' as MeetingKind, title: defaultTitle, date: tomorrow, time: '10:00', minutes: 30, timeZone: timeZoneDefault, videoUrl: '', guests: '' });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = zonedInstant(form.date, form.time, form.timeZone);
    const guests = form.guests.split(/[\s,;]+/).filter(Boolean).map((email) => ({ email }));
    schedule.mutate(
      {
        kind: form.kind,
        title: form.title,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + form.minutes * 60_000).toISOString(),
        timeZone: form.timeZone,
        videoUrl: form.videoUrl.trim() || null,
        ...(guests.length ? { attendees: guests } : {}),
        ...subject,
      },
      {
        onSuccess: (meeting) => {
          toast(`${meeting.title} scheduled; invitations sent to ${meeting.attendees.length + 1}`);
          onClose();
        },
      },
    );
  };

  return (
    <Dialog open onClose={onClose} title="Schedule a meeting" description="Everyone gets an email with a calendar invitation (.ics).">
      <form onSubmit={submit} className="space-y-3" noValidate>
        {formError(schedule.error, SHOWN) && <Notice>{formError(schedule.error, SHOWN)}</Notice>}
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label="Kind">
            {(p) => (
              <Select {...p} value={form.kind} onChange={(e) => set('kind', e.target.value as MeetingKind)}>
                {MEETING_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Title" className="sm:col-span-2" error={fieldError(schedule.error, 'title')}>
            {(p) => <Input {...p} value={form.title} onChange={(e) => set('title', e.target.value)} required />}
          </Field>
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
          <Field label="Date" error={fieldError(schedule.error, 'startsAt')}>
            {(p) => <Input {...p} type="date" value={form.date} onChange={(e) => set('date', e.target.value)} required />}
          </Field>
          <Field label="Time">
            {(p) => <Input {...p} type="time" step={300} value={form.time} onChange={(e) => set('time', e.target.value)} required />}
          </Field>
          <Field label="Length" className="col-span-2 sm:col-span-1" error={fieldError(schedule.error, 'endsAt')}>
            {(p) => (
              <Select {...p} value={form.minutes} onChange={(e) => set('minutes', Number(e.target.value))}>
                {[15, 30, 45, 60, 90, 120].map((m) => (
                  <option key={m} value={m}>
                    {m} minutes
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field label="Time zone" error={fieldError(schedule.error, 'timeZone')}>
          {(p) => (
            <Select {...p} value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
              {[...new Set([form.timeZone, ...ZONES])].map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Video link" error={fieldError(schedule.error, 'videoUrl')}>
          {(p) => <Input {...p} type="url" inputMode="url" placeholder="https://meet.example.com/…" value={form.videoUrl} onChange={(e) => set('videoUrl', e.target.value)} />}
        </Field>
        <Field label="More guests" hint="Emails, separated by commas. The record's email is invited already." error={fieldError(schedule.error, 'attendees')}>
          {(p) => <Input {...p} value={form.guests} onChange={(e) => set('guests', e.target.value)} />}
        </Field>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={schedule.isPending}>
            Schedule and invite
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
