// Weekly hours in a time zone, without a database or a clock: whether someone is at work at a
// given instant (availability), which local day it is for them (daily caps), and when N business
// minutes after an instant end (SLA due times). Time zones come from the runtime's Intl data.
import type { FieldError } from '../../core/errors.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Open intervals per weekday in local "HH:MM" ("24:00" closes at midnight); a missing day is closed. */
export type WeeklyHours = Partial<Record<Weekday, [string, string][]>>;

/** The hours an SLA clock runs in: weekly hours in one time zone, minus local holidays ("2025-12-25"). */
export type BusinessCalendar = { timeZone: string; hours: WeeklyHours; holidays?: string[] | undefined };

const MINUTE = 60_000;
const DAY = 86_400_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Date#getUTCDay numbers Sunday 0; WEEKDAYS starts on Monday.
const DAY_OF_WEEK: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export const minutesOf = (time: string): number => {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
};

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

// Intl is slow next to the rest of a routing decision, and offsets only change at DST switches,
// which fall on quarter hours: one lookup per zone and quarter hour serves every decision in it.
const QUARTER_HOUR = 15 * MINUTE;
const offsets = new Map<string, number>();

/** How far local time in the zone is ahead of UTC at this instant, in milliseconds. */
export function zoneOffset(at: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(at / QUARTER_HOUR)}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = Math.round((local - Math.floor(at / 1000) * 1000) / MINUTE) * MINUTE;
  if (offsets.size > 5000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The local wall clock at an instant, as a UTC-based Date (read it with getUTC…). */
export const wallClock = (at: number, timeZone: string): Date => new Date(at + zoneOffset(at, timeZone));

/** The instant a local wall-clock time happens (the later reading when a DST switch repeats it). */
export function instantOf(localMs: number, timeZone: string): number {
  let guess = localMs - zoneOffset(localMs, timeZone);
  guess = localMs - zoneOffset(guess, timeZone);
  return guess;
}

// The local day changes only at a local midnight, which falls on a quarter hour like any offset
// switch: per zone, the last quarter hour asked about and its day answer most calls at once.
const lastDay = new Map<string, { quarter: number; day: string }>();

/** The local calendar day ("2025-06-16") at an instant: daily caps reset at the user's midnight. */
export function localDay(at: Date, timeZone: string): string {
  const ms = at.getTime();
  const quarter = Math.floor(ms / QUARTER_HOUR);
  const cached = lastDay.get(timeZone);
  if (cached && cached.quarter === quarter) return cached.day;
  const day = wallClock(ms, timeZone).toISOString().slice(0, 10);
  lastDay.set(timeZone, { quarter, day });
  return day;
}

/** Whether the weekly hours are open at this instant in the zone (holidays closed). */
export function isOpen(at: Date, timeZone: string, hours: WeeklyHours, holidays: readonly string[] = []): boolean {
  const local = wallClock(at.getTime(), timeZone);
  if (holidays.length && holidays.includes(local.toISOString().slice(0, 10))) return false;
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const intervals = hours[DAY_OF_WEEK[local.getUTCDay()]!] ?? [];
  return intervals.some(([start, end]) => minute >= minutesOf(start) && minute < minutesOf(end));
}

/**
 * The instant `minutes` business minutes after `start`: the clock runs only in open hours, so a
 * lead assigned on Friday at 16:50 with a 30-minute SLA and hours to 17:00 is due Monday 09:20.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  let remaining = minutes * MINUTE;
  let cursor = start.getTime();
  const holidays = new Set(calendar.holidays ?? []);
  // Two years of closed days would mean a calendar with no open hours, which validation refuses.
  for (let day = 0; day < 800; day += 1) {
    const local = wallClock(cursor, calendar.timeZone);
    const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
    if (!holidays.has(local.toISOString().slice(0, 10))) {
      const intervals = [...(calendar.hours[DAY_OF_WEEK[local.getUTCDay()]!] ?? [])].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
      for (const [open, close] of intervals) {
        const opens = instantOf(midnight + minutesOf(open) * MINUTE, calendar.timeZone);
        const closes = instantOf(midnight + minutesOf(close) * MINUTE, calendar.timeZone);
        const from = Math.max(cursor, opens);
        if (from >= closes) continue;
        if (remaining <= closes - from) return new Date(from + remaining);
        remaining -= closes - from;
      }
    }
    cursor = Math.max(cursor + 1, instantOf(midnight + DAY, calendar.timeZone));
  }
  throw new Error('The business calendar has no open hours');
}

/** What is wrong with weekly hours: bad times, empty or overlapping intervals. */
export function weeklyHoursProblems(hours: WeeklyHours, field: string, requireOpen = true): FieldError[] {
  const problems: FieldError[] = [];
  let open = 0;
  for (const [day, intervals] of Object.entries(hours)) {
    if (!WEEKDAYS.includes(day as Weekday)) {
      problems.push({ field: `${field}.${day}`, message: `Not a weekday; use ${WEEKDAYS.join(', ')}` });
      continue;
    }
    const sorted = [...(intervals ?? [])].sort((a, b) => (TIME.test(a[0]) && TIME.test(b[0]) ? minutesOf(a[0]) - minutesOf(b[0]) : 0));
    sorted.forEach(([start, end], i) => {
      const at = `${field}.${day}.${i}`;
      if (!TIME.test(start) || !TIME.test(end)) problems.push({ field: at, message: 'Use 24-hour times like "09:00" and "17:30"' });
      else if (minutesOf(start) >= minutesOf(end)) problems.push({ field: at, message: `${start}–${end} ends before it starts` });
      else if (i > 0 && TIME.test(sorted[i - 1]![1]) && minutesOf(sorted[i - 1]![1]) > minutesOf(start)) {
        problems.push({ field: at, message: `${start}–${end} overlaps the interval before it` });
      } else open += 1;
    });
  }
  if (requireOpen && open === 0 && problems.length === 0) problems.push({ field, message: 'Open at least one interval in the week' });
  return problems;
}

export function calendarProblems(calendar: BusinessCalendar, field: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!isTimeZone(calendar.timeZone)) problems.push({ field: `${field}.timeZone`, message: 'Must be an IANA time zone like Europe/Berlin' });
  problems.push(...weeklyHoursProblems(calendar.hours, `${field}.hours`));
  (calendar.holidays ?? []).forEach((day, i) => {
    if (!DATE.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) problems.push({ field: `${field}.holidays.${i}`, message: 'Use dates like 2025-12-25' });
  });
  return problems;
}
