// Wall-clock times in a chosen zone, without a date library: a meeting is set as "10:30 on
// 9 March in Europe/Berlin", and the API stores the instant.

function offsetAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  for (const part of format.formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - Math.floor(instant / 1000) * 1000;
}

/** The instant of a local date ("2026-03-09") and time ("10:30") in a zone. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const local = Date.parse(`${date}T${time}:00Z`);
  let guess = local - offsetAt(local, timeZone);
  guess = local - offsetAt(guess, timeZone);
  return new Date(guess);
}

/** The local date and time ("2026-03-09", "10:30") of an instant in a zone. */
export function zonedParts(instant: Date, timeZone: string): { date: string; time: string } {
  const local = new Date(instant.getTime() + offsetAt(instant.getTime(), timeZone)).toISOString();
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

export const timeIn = (iso: string, timeZone?: string) =>
  new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));

export const dayIn = (iso: string, timeZone?: string) =>
  new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));

/** "Monday, 9 March" for a local day string. */
export const longDay = (day: string) => new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

/** "Mon 9" for a local day string. */
export const shortDay = (day: string) => new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

export const ZONES: string[] = (() => {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return supported.length ? supported : ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
})();
