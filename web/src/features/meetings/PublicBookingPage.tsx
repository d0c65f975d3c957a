import { useMemo, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Logo } from '../../components/Logo.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { fieldError } from '../../lib/forms.ts';
import { useBook, usePublicPage, usePublicSlots, type PublicPage } from './api.ts';
import { longDay, shortDay, timeIn, zonedParts, ZONES } from './time.ts';

const DAY = 86_400_000;
const WEEK_DAYS = 7;

/** /book/<slug>: a prospect, signed out, picks a free slot of a rep and books it. */
export function PublicBookingPage() {
  const { slug = '' } = useParams();
  const page = usePublicPage(slug);
  return (
    <div className="min-h-screen bg-slate-50">
      <div className="mx-auto max-w-2xl px-4 py-6 sm:py-10">
        {page.isPending ? (
          <Spinner />
        ) : page.isError ? (
          <Notice>{page.error instanceof ApiError && page.error.status === 404 ? 'This booking page does not exist or is switched off.' : errorMessage(page.error)}</Notice>
        ) : (
          <Booking slug={slug} page={page.data} />
        )}
        <div className="mt-8 flex items-center justify-center gap-2 text-xs text-slate-400">
          Scheduling by <Logo />
        </div>
      </div>
    </div>
  );
}

function Booking({ slug, page }: { slug: string; page: PublicPage }) {
  const [zone, setZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [type, setType] = useState(page.meetingTypes[0]!.key);
  const [weekStart, setWeekStart] = useState(() => Date.now());
  const [chosen, setChosen] = useState<{ start: string; end: string } | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const [booked, setBooked] = useState<{ startsAt: string; videoUrl: string | null } | null>(null);
  const query = useMemo(() => ({ from: new Date(weekStart).toISOString(), to: new Date(weekStart + WEEK_DAYS * DAY).toISOString(), type, timeZone: zone }), [weekStart, type, zone]);
  const slots = usePublicSlots(slug, query);
  const book = useBook(slug);
  const meetingType = page.meetingTypes.find((t) => t.key === type)!;
  const shownDay = slots.data?.days.find((d) => d.day === day) ?? slots.data?.days[0];
  const horizon = Date.now() + page.daysAhead * DAY;

  if (booked) {
    return (
      <section className="rounded-xl bg-white p-6 text-center shadow-sm ring-1 ring-slate-900/5" aria-live="polite">
        <h1 className="text-xl font-semibold text-slate-900">You're booked</h1>
        <p className="mt-2 text-slate-600">
          {meetingType.name} with {page.repName}, {longDay(zonedParts(new Date(booked.startsAt), zone).date)} at {timeIn(booked.startsAt, zone)} ({zone}).
        </p>
        <p className="mt-2 text-sm text-slate-500">A calendar invitation is on its way to your inbox.</p>
        {booked.videoUrl && (
          <p className="mt-3 text-sm">
            Video link:{' '}
            <a className="break-all text-indigo-700" href={booked.videoUrl}>
              {booked.videoUrl}
            </a>
          </p>
        )}
      </section>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    book.mutate(
      { type, startsAt: chosen!.start, timeZone: zone, name: data.name ?? '', email: data.email ?? '', company: data.company ?? '', notes: data.notes ?? '', website: data.website ?? '' },
      {
        onSuccess: (result) => setBooked({ startsAt: result.startsAt, videoUrl: result.videoUrl }),
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) setChosen(null);
        },
      },
    );
  };

  return (
    <div className="space-y-5">
      <header>
        <p className="text-sm text-slate-500">{page.repName}</p>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{page.title}</h1>
        {page.description && <p className="mt-1 text-slate-600">{page.description}</p>}
      </header>

      {book.isError && book.error instanceof ApiError && book.error.status === 409 && <Notice tone="warning">{book.error.message}</Notice>}

      <section className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5" aria-label="Pick a time">
        <div className="grid gap-3 sm:grid-cols-2">
          {page.meetingTypes.length > 1 && (
            <Field label="Meeting">
              {(p) => (
                <Select {...p} value={type} onChange={(e) => (setType(e.target.value), setChosen(null))}>
                  {page.meetingTypes.map((t) => (
                    <option key={t.key} value={t.key}>
                      {t.name} ({t.minutes} min)
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
          <Field label="Your time zone">
            {(p) => (
              <Select {...p} value={zone} onChange={(e) => (setZone(e.target.value), setChosen(null))}>
                {[...new Set([zone, ...ZONES])].map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <div className="flex items-center justify-between gap-2">
          <Button size="sm" disabled={weekStart <= Date.now()} onClick={() => setWeekStart((w) => Math.max(Date.now(), w - WEEK_DAYS * DAY))}>
            Earlier
          </Button>
          <span className="text-sm text-slate-500">{meetingType.minutes}-minute {meetingType.name.toLowerCase()}</span>
          <Button size="sm" disabled={weekStart + WEEK_DAYS * DAY >= horizon} onClick={() => setWeekStart((w) => w + WEEK_DAYS * DAY)}>
            Later
          </Button>
        </div>
        {slots.isPending ? (
          <Spinner label="Finding free times…" />
        ) : slots.isError ? (
          <Notice>{errorMessage(slots.error)}</Notice>
        ) : slots.data.days.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-500">No free times this week. Try later dates.</p>
        ) : (
          <div className="space-y-3">
            <div className="-mx-1 flex gap-2 overflow-x-auto px-1 pb-1" role="group" aria-label="Days">
              {slots.data.days.map((d) => (
                <button
                  key={d.day}
                  type="button"
                  aria-pressed={d.day === shownDay!.day}
                  onClick={() => (setDay(d.day), setChosen(null))}
                  className={`shrink-0 rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset ${d.day === shownDay!.day ? 'bg-slate-900 text-white ring-slate-900' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'}`}
                >
                  {shortDay(d.day)}
                </button>
              ))}
            </div>
            <h2 className="text-sm font-semibold text-slate-800">{longDay(shownDay!.day)}</h2>
            <div className="grid grid-cols-3 gap-2 sm:grid-cols-5" role="group" aria-label="Times">
              {shownDay!.slots.map((slot) => (
                <button
                  key={slot.start}
                  type="button"
                  aria-pressed={chosen?.start === slot.start}
                  onClick={() => setChosen(slot)}
                  className={`h-10 rounded-md text-sm font-medium ring-1 ring-inset ${chosen?.start === slot.start ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-indigo-700 ring-indigo-200 hover:bg-indigo-50'}`}
                >
                  {timeIn(slot.start, zone)}
                </button>
              ))}
            </div>
          </div>
        )}
      </section>

      {chosen && (
        <form onSubmit={submit} className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5" aria-label="Your details">
          <p className="text-sm font-medium text-slate-800">
            {longDay(zonedParts(new Date(chosen.start), zone).date)}, {timeIn(chosen.start, zone)}–{timeIn(chosen.end, zone)}
          </p>
          {book.isError && !(book.error instanceof ApiError && book.error.status === 409) && !fieldError(book.error, 'email') && <Notice>{errorMessage(book.error)}</Notice>}
          <Field label="Your name" error={fieldError(book.error, 'name')}>
            {(p) => <Input {...p} name="name" autoComplete="name" required />}
          </Field>
          <Field label="Work email" error={fieldError(book.error, 'email')}>
            {(p) => <Input {...p} name="email" type="email" autoComplete="email" required />}
          </Field>
          <Field label="Company">
            {(p) => <Input {...p} name="company" autoComplete="organization" />}
          </Field>
          <Field label="Anything we should know?">
            {(p) => <textarea {...p} name="notes" rows={2} maxLength={2000} className="block w-full rounded-md px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset" />}
          </Field>
          {/* People never see this field; bots fill it in. */}
          <div aria-hidden="true" className="absolute -left-[9999px] h-0 w-0 overflow-hidden">
            <label>
              Website <input name="website" tabIndex={-1} autoComplete="off" />
            </label>
          </div>
          <Button type="submit" variant="primary" busy={book.isPending} className="w-full sm:w-auto">
            Book {timeIn(chosen.start, zone)}
          </Button>
        </form>
      )}
    </div>
  );
}
