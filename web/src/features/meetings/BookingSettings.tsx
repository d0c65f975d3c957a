import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError } from '../../lib/forms.ts';
import { useBookingPage, useMyAvailability, useSaveBookingPage, useSaveWorkingHours, WEEKDAY_LABELS, WEEKDAYS, type BookingPage, type Weekday, type WeeklyHours } from './api.ts';

/** Settings → Booking: my working hours (shared with routing) and my public booking page. */
export function BookingSettings() {
  const page = useBookingPage();
  const availability = useMyAvailability();
  if (page.isPending || availability.isPending) return <Spinner />;
  if (page.isError) return <Notice>{errorMessage(page.error)}</Notice>;
  if (availability.isError) return <Notice>{errorMessage(availability.error)}</Notice>;
  return (
    <div className="space-y-5">
      <WorkingHoursCard hours={availability.data.workingHours} timeZone={availability.data.timeZone} />
      <BookingPageCard page={page.data} />
    </div>
  );
}

type DayRow = { open: boolean; intervals: [string, string][] };

function WorkingHoursCard({ hours, timeZone }: { hours: WeeklyHours | null; timeZone: string }) {
  const save = useSaveWorkingHours();
  const toast = useToast();
  const [days, setDays] = useState(() => {
    const start = hours ?? { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] };
    return Object.fromEntries(
      WEEKDAYS.map((d) => {
        const intervals = start[d] ?? [];
        return [d, { open: intervals.length > 0, intervals: intervals.length ? intervals.map(([a, b]) => [a, b]) : [['09:00', '17:00']] }];
      }),
    ) as Record<Weekday, DayRow>;
  });
  const change = (d: Weekday, update: (row: DayRow) => DayRow) => setDays((all) => ({ ...all, [d]: update(all[d]) }));
  const setTime = (d: Weekday, i: number, end: 0 | 1, value: string) =>
    change(d, (row) => ({ ...row, intervals: row.intervals.map((iv, j) => (j === i ? ((end === 0 ? [value, iv[1]] : [iv[0], value]) as [string, string]) : iv)) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: WeeklyHours = {};
    for (const d of WEEKDAYS) if (days[d].open) next[d] = days[d].intervals;
    save.mutate(next, { onSuccess: () => toast('Working hours saved') });
  };
  return (
    <form onSubmit={submit} aria-label="Working hours">
      <Card title={`Working hours (${timeZone})`} columns={1}>
        <p className="text-sm text-slate-500">
          Prospects can book you in these hours; routing also sends you new leads only then. {hours === null && 'Not set yet: weekdays 9–5 are assumed.'}
        </p>
        {save.isError && <Notice>{formError(save.error, []) ?? errorMessage(save.error)}</Notice>}
        <div className="divide-y divide-slate-100">
          {WEEKDAYS.map((d) => (
            <div key={d} className="flex flex-wrap items-start gap-3 py-2">
              <label className="flex h-9 w-32 items-center gap-2 text-sm font-medium text-slate-700">
                <input type="checkbox" checked={days[d].open} onChange={(e) => change(d, (row) => ({ ...row, open: e.target.checked }))} />
                {WEEKDAY_LABELS[d]}
              </label>
              {days[d].open ? (
                <div className="space-y-2">
                  {days[d].intervals.map(([from, to], i) => {
                    const n = i === 0 ? '' : ` ${i + 1}`;
                    return (
                      <span key={i} className="flex items-center gap-2">
                        <Input aria-label={`${WEEKDAY_LABELS[d]} from${n}`} type="time" className="w-28" value={from} onChange={(e) => setTime(d, i, 0, e.target.value)} />
                        <span className="text-slate-400">–</span>
                        <Input aria-label={`${WEEKDAY_LABELS[d]} to${n}`} type="time" className="w-28" value={to} onChange={(e) => setTime(d, i, 1, e.target.value)} />
                        {i > 0 ? (
                          <Button size="sm" variant="ghost" aria-label={`Remove ${WEEKDAY_LABELS[d]} interval${n}`} onClick={() => change(d, (row) => ({ ...row, intervals: row.intervals.filter((_, j) => j !== i) }))}>
                            ✕
                          </Button>
                        ) : (
                          <Button size="sm" variant="ghost" aria-label={`Add a ${WEEKDAY_LABELS[d]} interval`} onClick={() => change(d, (row) => ({ ...row, intervals: [...row.intervals, ['13:00', '17:00']] }))}>
                            +
                          </Button>
                        )}
                      </span>
                    );
                  })}
                </div>
              ) : (
                <span className="flex h-9 items-center text-sm text-slate-400">Unavailable</span>
              )}
            </div>
          ))}
        </div>
        <div>
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save hours
          </Button>
        </div>
      </Card>
    </form>
  );
}

const SHOWN = ['slug', 'title', 'bufferMinutes', 'minNoticeMinutes', 'daysAhead', 'videoUrl', 'meetingTypes', 'meetingTypes.0.minutes'];

function BookingPageCard({ page }: { page: BookingPage }) {
  const save = useSaveBookingPage();
  const toast = useToast();
  const [form, setForm] = useState(page);
  useEffect(() => setForm(page), [page]);
  const set = <K extends keyof BookingPage>(key: K, value: BookingPage[K]) => setForm((f) => ({ ...f, [key]: value }));
  const type = form.meetingTypes[0] ?? { key: 'demo', name: 'Product demo', minutes: 30 };
  const link = `${window.location.origin}/book/${form.slug}`;
  const submit = (event: FormEvent, active: boolean) => {
    event.preventDefault();
    const { userId: _u, saved: _s, ...input } = form;
    save.mutate({ ...input, active }, { onSuccess: (saved) => toast(saved.active ? 'Booking page is live' : 'Booking page saved (off)') });
  };
  const message = formError(save.error, SHOWN);
  return (
    <form onSubmit={(e) => submit(e, true)} aria-label="Booking page">
      <Card title="Booking page" columns={2}>
        <div className="sm:col-span-2">
          {page.saved && page.active ? (
            <p className="text-sm text-slate-600">
              Live at{' '}
              <a href={link} target="_blank" rel="noreferrer" className="font-medium break-all text-indigo-700 hover:text-indigo-900">
                {link}
              </a>
            </p>
          ) : (
            <p className="text-sm text-slate-500">Prospects pick a free slot from your working hours and meetings; the meeting and its invitation are created for you.</p>
          )}
          {message && <Notice>{message}</Notice>}
        </div>
        <Field label="Address" hint={`/book/${form.slug}`} error={fieldError(save.error, 'slug')}>
          {(p) => <Input {...p} value={form.slug} onChange={(e) => set('slug', e.target.value.toLowerCase())} />}
        </Field>
        <Field label="Title" error={fieldError(save.error, 'title')}>
          {(p) => <Input {...p} value={form.title} onChange={(e) => set('title', e.target.value)} />}
        </Field>
        <Field label="Meeting name">
          {(p) => <Input {...p} value={type.name} onChange={(e) => set('meetingTypes', [{ ...type, name: e.target.value }, ...form.meetingTypes.slice(1)])} />}
        </Field>
        <Field label="Length (minutes)" error={fieldError(save.error, 'meetingTypes.0.minutes')}>
          {(p) => <Input {...p} type="number" min={10} max={240} step={5} value={type.minutes} onChange={(e) => set('meetingTypes', [{ ...type, minutes: Number(e.target.value) }, ...form.meetingTypes.slice(1)])} />}
        </Field>
        <Field label="Buffer between meetings (minutes)" error={fieldError(save.error, 'bufferMinutes')}>
          {(p) => <Input {...p} type="number" min={0} max={240} value={form.bufferMinutes} onChange={(e) => set('bufferMinutes', Number(e.target.value))} />}
        </Field>
        <Field label="Minimum notice (hours)" error={fieldError(save.error, 'minNoticeMinutes')}>
          {(p) => <Input {...p} type="number" min={0} max={336} value={form.minNoticeMinutes / 60} onChange={(e) => set('minNoticeMinutes', Math.round(Number(e.target.value) * 60))} />}
        </Field>
        <Field label="Bookable days ahead" error={fieldError(save.error, 'daysAhead')}>
          {(p) => <Input {...p} type="number" min={1} max={365} value={form.daysAhead} onChange={(e) => set('daysAhead', Number(e.target.value))} />}
        </Field>
        <Field label="Video link for booked meetings" error={fieldError(save.error, 'videoUrl')}>
          {(p) => <Input {...p} type="url" value={form.videoUrl ?? ''} onChange={(e) => set('videoUrl', e.target.value || null)} placeholder="https://meet.example.com/your-room" />}
        </Field>
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {page.active ? 'Save' : 'Save and publish'}
          </Button>
          {page.active && (
            <Button busy={save.isPending} onClick={(e) => submit(e, false)}>
              Turn off
            </Button>
          )}
        </div>
      </Card>
    </form>
  );
}
