// Meetings without a database or a clock: which outcome may follow which status, the free slots
// of a booking page, and the iCalendar (RFC 5545) invitation a meeting sends.
import type { FieldError } from '../../core/errors.ts';
import { instantOf, wallClock, minutesOf, type WeeklyHours } from '../routing/hours.model.ts';

export const MEETING_KINDS = ['demo', 'discovery', 'call', 'follow_up', 'other'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_STATUSES = ['scheduled', 'rescheduled', 'held', 'no_show', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** A meeting that is still to happen: it holds time in the organizer's calendar. */
export const UPCOMING: readonly MeetingStatus[] = ['scheduled', 'rescheduled'];

export type MeetingChange = 'held' | 'no_show' | 'rescheduled' | 'cancelled';

/**
 * Why a meeting in `status` cannot take `change`, or null when it can. A held meeting is history;
 * a no-show can be moved to a new time (the usual next step) but not marked held; cancelled is
 * final. Held and no-show are only known once the meeting has started.
 */
export function changeRefusal(status: MeetingStatus, change: MeetingChange, startsAt: number, now: number): string | null {
  if (status === 'cancelled') return 'The meeting was cancelled';
  if (status === 'held') return 'The meeting was held; schedule a new one instead';
  if (status === 'no_show' && change !== 'rescheduled') return 'The meeting is already logged as a no-show; reschedule it instead';
  if ((change === 'held' || change === 'no_show') && startsAt > now) return 'The meeting has not started yet';
  return null;
}

/** The activity a change writes on the records' timelines (`meeting_held` is what scoring counts). */
export const ACTIVITY_OF: Record<'booked' | MeetingChange, string> = {
  booked: 'meeting_booked',
  held: 'meeting_held',
  no_show: 'meeting_no_show',
  rescheduled: 'meeting_rescheduled',
  cancelled: 'meeting_cancelled',
};

/** Working hours that a booking page uses when its rep has set none: weekdays, 09:00–17:00. */
export const DEFAULT_WORKING_HOURS: WeeklyHours = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
};

export type Interval = { start: number; end: number };

export type SlotRules = {
  /** The rep's zone: working hours are read on their wall clock. */
  timeZone: string;
  hours: WeeklyHours;
  durationMinutes: number;
  /** Free time kept before and after every existing meeting. */
  bufferMinutes: number;
  /** No slot starts sooner than this after now. */
  minNoticeMinutes: number;
  /** No slot starts later than this many days after now. */
  daysAhead: number;
};

const MINUTE = 60_000;
const DAY = 86_400_000;
const DAY_OF_WEEK = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Slot starts are offered every duration, but at least every half hour (a 60-minute demo at 9:00, 9:30…). */
export const slotStep = (durationMinutes: number): number => Math.min(durationMinutes, 30);

/**
 * Free slots: working hours (on the rep's wall clock, so a DST switch moves them in UTC) within
 * [from, to), minus busy intervals widened by the buffer, minus the minimum notice, up to the
 * booking horizon. Slots start on the step from each opening time and never cross its closing.
 */
export function freeSlots(rules: SlotRules, range: Interval, busy: readonly Interval[], now: number): Interval[] {
  const duration = rules.durationMinutes * MINUTE;
  const step = slotStep(rules.durationMinutes) * MINUTE;
  const buffer = rules.bufferMinutes * MINUTE;
  const earliest = Math.max(range.start, now + rules.minNoticeMinutes * MINUTE);
  const latest = Math.min(range.end, now + rules.daysAhead * DAY);
  if (earliest >= latest || duration <= 0) return [];
  const blocked = busy.map((b) => ({ start: b.start - buffer, end: b.end + buffer })).sort((a, b) => a.start - b.start);
  const slots: Interval[] = [];
  // Walk local days from the one `earliest` falls on; a day's hours can start before `earliest`.
  const first = wallClock(earliest, rules.timeZone);
  let midnight = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate());
  for (let guard = 0; guard < 400; guard += 1) {
    const dayStart = instantOf(midnight, rules.timeZone);
    if (dayStart >= latest) break;
    const weekday = DAY_OF_WEEK[new Date(midnight).getUTCDay()]!;
    const intervals = [...(rules.hours[weekday] ?? [])].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
    for (const [open, close] of intervals) {
      const opens = instantOf(midnight + minutesOf(open) * MINUTE, rules.timeZone);
      const closes = instantOf(midnight + minutesOf(close) * MINUTE, rules.timeZone);
      for (let start = opens; start + duration <= closes; start += step) {
        if (start < earliest) continue;
        if (start >= latest) break;
        const end = start + duration;
        if (!blocked.some((b) => b.start < end && b.end > start)) slots.push({ start, end });
      }
    }
    midnight += DAY;
  }
  return slots;
}

export type SlotDay = { day: string; slots: { start: string; end: string; time: string }[] };

/** Slots grouped by the prospect's local day, with the local time to show ("14:30"). */
export function slotsByDay(slots: readonly Interval[], timeZone: string): SlotDay[] {
  const days: SlotDay[] = [];
  for (const slot of slots) {
    const local = wallClock(slot.start, timeZone).toISOString();
    const day = local.slice(0, 10);
    if (days.at(-1)?.day !== day) days.push({ day, slots: [] });
    days.at(-1)!.slots.push({ start: new Date(slot.start).toISOString(), end: new Date(slot.end).toISOString(), time: local.slice(11, 16) });
  }
  return days;
}

export type BookingSettings = {
  slug: string;
  title: string;
  meetingTypes: { key: string; name: string; minutes: number }[];
  bufferMinutes: number;
  minNoticeMinutes: number;
  daysAhead: number;
};

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$/;

/** What is wrong with booking page settings beyond their shapes. */
export function bookingSettingsProblems(settings: BookingSettings): FieldError[] {
  const problems: FieldError[] = [];
  if (!SLUG.test(settings.slug)) problems.push({ field: 'slug', message: '3–60 lowercase letters, digits and dashes, not starting or ending with a dash' });
  const keys = new Set<string>();
  settings.meetingTypes.forEach((type, i) => {
    if (keys.has(type.key)) problems.push({ field: `meetingTypes.${i}.key`, message: `"${type.key}" is used twice` });
    keys.add(type.key);
    if (type.minutes % 5 !== 0) problems.push({ field: `meetingTypes.${i}.minutes`, message: 'Use a multiple of 5 minutes' });
  });
  if (settings.meetingTypes.length === 0) problems.push({ field: 'meetingTypes', message: 'Offer at least one meeting type' });
  return problems;
}

/** A slug suggestion from a rep's name ("Ada O'Neil" → "ada-oneil"). */
export function slugFrom(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return slug.length >= 3 ? slug : `${slug || 'rep'}-meet`;
}

// ── iCalendar ─────────────────────────────────────────────────────────────────────────────────

/** TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Parameter values (a CN) are quoted when they hold ":", ";" or ","; they cannot hold a double
 * quote or a control character at all, so those are dropped (RFC 5545 §3.2).
 */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * Content lines longer than 75 octets are folded: a CRLF and one space, the space counting in the
 * next line's 75. A UTF-8 character is never split (RFC 5545 §3.1).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** 20260309T140000Z */
export const icsUtc = (at: number): string => new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export type CalendarPerson = { name: string; email: string };

export type Invitation = {
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  stamp: number;
  start: number;
  end: number;
  /** The zone the meeting was set in; times are written in UTC, which every client reads. */
  timeZone: string;
  title: string;
  description: string;
  videoUrl: string | null;
  organizer: CalendarPerson;
  attendees: CalendarPerson[];
};

/** The text/calendar body of an invitation or cancellation, CRLF-terminated lines, folded. */
export function invitationCalendar(invite: Invitation): string {
  const person = (p: CalendarPerson) => `${p.name ? `CN=${paramValue(p.name)}` : ''}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Leadflow//Meetings//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${invite.method}`,
    'BEGIN:VEVENT',
    `UID:${invite.uid}`,
    `SEQUENCE:${invite.sequence}`,
    `DTSTAMP:${icsUtc(invite.stamp)}`,
    `DTSTART:${icsUtc(invite.start)}`,
    `DTEND:${icsUtc(invite.end)}`,
    `SUMMARY:${escapeText(invite.title)}`,
    ...(invite.description ? [`DESCRIPTION:${escapeText(invite.description)}`] : []),
    ...(invite.videoUrl ? [`LOCATION:${escapeText(invite.videoUrl)}`, `URL:${invite.videoUrl}`] : []),
    `X-LEADFLOW-TIMEZONE:${escapeText(invite.timeZone)}`,
    `ORGANIZER${person(invite.organizer) ? `;${person(invite.organizer)}` : ''}:mailto:${invite.organizer.email}`,
    ...invite.attendees.map(
      (a) => `ATTENDEE;${person(a) ? `${person(a)};` : ''}ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a.email}`,
    ),
    `STATUS:${invite.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** Reads an iCalendar text back into its content lines (unfolded), for tests and diagnostics. */
export function unfoldCalendar(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split(/\r\n/).filter(Boolean);
}

/** How a meeting time reads in a zone in an email: "Mon 9 Mar 2026, 14:00–14:30 (Europe/Berlin)". */
export function describeWhen(start: number, end: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(start);
  const time = (at: number) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${day}, ${time(start)}–${time(end)} (${timeZone})`;
}
