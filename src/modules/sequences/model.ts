// Sequence rules without a database or a clock: step shapes, when a step falls due in business
// days in the prospect's time zone, and what the scheduler does with a due enrollment.
import { isTimeZone, zoneOffset } from '../routing/hours.model.ts';

export const STEP_CHANNELS = ['auto_email', 'manual_email', 'call', 'task'] as const;
export type StepChannel = (typeof STEP_CHANNELS)[number];

export type SequenceStep = {
  id: string;
  channel: StepChannel;
  /** Business days after the previous step (after enrollment for the first). */
  delayDays: number;
  /** Email steps: a template, or a subject and body written here. */
  templateId?: string | null | undefined;
  subject?: string | null | undefined;
  body?: string | null | undefined;
  /** Call and task steps: what the rep should do. */
  note?: string | null | undefined;
};

export const EXIT_REASONS = ['replied', 'meeting_booked', 'unsubscribed', 'bounced', 'status_changed', 'manual', 'no_address'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** Lead statuses that end a sequence: the lead is no longer a prospect to chase. */
export const EXIT_LEAD_STATUSES = ['disqualified', 'converted', 'qualified'] as const;

/** Activity kinds that end a sequence, and the exit each means. */
export const EXIT_ACTIVITY_KINDS: Record<string, ExitReason> = {
  email_replied: 'replied',
  meeting_booked: 'meeting_booked',
  meeting_scheduled: 'meeting_booked',
  meeting_held: 'meeting_booked',
};

/** Emails go out at this local time on a business day when a step's day comes. */
export const SEND_HOUR = 9;
const DAY = 86_400_000;
const HOUR = 3_600_000;

export type Calendar = { timeZone: string; holidays?: readonly string[] | undefined };

const isWeekend = (localDayMs: number) => {
  const weekday = new Date(localDayMs).getUTCDay();
  return weekday === 0 || weekday === 6;
};
const dayKey = (localDayMs: number) => new Date(localDayMs).toISOString().slice(0, 10);

/** The instant a local wall-clock time happens in a zone (DST-aware; a skipped hour moves on). */
export function instantAt(localMs: number, timeZone: string): number {
  let guess = localMs - zoneOffset(localMs, timeZone);
  guess = localMs - zoneOffset(guess, timeZone);
  return guess;
}

function isBusinessDay(localDayMs: number, calendar: Calendar): boolean {
  return !isWeekend(localDayMs) && !(calendar.holidays ?? []).includes(dayKey(localDayMs));
}

/**
 * When a step `delayDays` business days after `from` falls due. Zero days: right away if `from`
 * is in a business day, else the next business day at the send hour. N days: the Nth business
 * day after `from`'s local day, at the send hour there — so a Friday step + 1 is Monday 09:00
 * local, whatever the UTC offset did over the weekend.
 */
export function stepDueAt(from: Date, delayDays: number, calendar: Calendar): Date {
  const tz = calendar.timeZone;
  const local = from.getTime() + zoneOffset(from.getTime(), tz);
  let day = Math.floor(local / DAY) * DAY;
  if (delayDays === 0) {
    if (isBusinessDay(day, calendar)) return from;
    do day += DAY;
    while (!isBusinessDay(day, calendar));
    return new Date(instantAt(day + SEND_HOUR * HOUR, tz));
  }
  let left = delayDays;
  while (left > 0) {
    day += DAY;
    if (isBusinessDay(day, calendar)) left -= 1;
  }
  return new Date(instantAt(day + SEND_HOUR * HOUR, tz));
}

export const validTimeZone = isTimeZone;

/** The zone of most people in a country, for prospects who have a country but no zone. */
const COUNTRY_ZONES: Record<string, string> = {
  US: 'America/New_York', CA: 'America/Toronto', MX: 'America/Mexico_City', BR: 'America/Sao_Paulo', AR: 'America/Argentina/Buenos_Aires',
  GB: 'Europe/London', IE: 'Europe/Dublin', PT: 'Europe/Lisbon', ES: 'Europe/Madrid', FR: 'Europe/Paris', DE: 'Europe/Berlin',
  NL: 'Europe/Amsterdam', BE: 'Europe/Brussels', CH: 'Europe/Zurich', AT: 'Europe/Vienna', IT: 'Europe/Rome', DK: 'Europe/Copenhagen',
  SE: 'Europe/Stockholm', NO: 'Europe/Oslo', FI: 'Europe/Helsinki', PL: 'Europe/Warsaw', CZ: 'Europe/Prague', GR: 'Europe/Athens',
  TR: 'Europe/Istanbul', IL: 'Asia/Jerusalem', AE: 'Asia/Dubai', IN: 'Asia/Kolkata', SG: 'Asia/Singapore', CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', AU: 'Australia/Sydney', NZ: 'Pacific/Auckland', ZA: 'Africa/Johannesburg',
};

/** The prospect's zone: the one given, else their country's, else the sender's. */
export function prospectTimeZone(given: string | null | undefined, country: string | null | undefined, senderZone: string): string {
  if (given && isTimeZone(given)) return given;
  const byCountry = country ? COUNTRY_ZONES[country.toUpperCase()] : undefined;
  return byCountry ?? senderZone;
}

export type DueEnrollment = {
  stepIndex: number;
  steps: readonly SequenceStep[];
  sequenceStatus: string;
  address: string | null;
  suppressed: 'unsubscribed' | 'bounced' | null;
  leadStatus: string | null;
  /** Kinds of activity on the record since enrollment. */
  activityKinds: readonly string[];
};

export type StepDecision =
  | { action: 'exit'; reason: ExitReason }
  | { action: 'finish' }
  | { action: 'wait' }
  | { action: 'run'; step: SequenceStep };

/** What the scheduler does with an enrollment whose step is due. Exits come before any step. */
export function decideDueStep(enrollment: DueEnrollment): StepDecision {
  for (const kind of enrollment.activityKinds) {
    const reason = EXIT_ACTIVITY_KINDS[kind];
    if (reason) return { action: 'exit', reason };
  }
  if (enrollment.leadStatus && (EXIT_LEAD_STATUSES as readonly string[]).includes(enrollment.leadStatus)) return { action: 'exit', reason: 'status_changed' };
  if (enrollment.suppressed === 'unsubscribed') return { action: 'exit', reason: 'unsubscribed' };
  if (enrollment.suppressed === 'bounced') return { action: 'exit', reason: 'bounced' };
  if (enrollment.sequenceStatus !== 'active') return { action: 'wait' };
  const step = enrollment.steps[enrollment.stepIndex];
  if (!step) return { action: 'finish' };
  if ((step.channel === 'auto_email' || step.channel === 'manual_email') && !enrollment.address) return { action: 'exit', reason: 'no_address' };
  return { action: 'run', step };
}

/** Whether a step runs by itself (an email the scheduler sends) or becomes a task for the rep. */
export const isAutomatic = (step: SequenceStep): boolean => step.channel === 'auto_email';

export type StepProblem = { field: string; message: string };

export function stepProblems(steps: readonly SequenceStep[]): StepProblem[] {
  const problems: StepProblem[] = [];
  const ids = new Set<string>();
  steps.forEach((step, i) => {
    if (ids.has(step.id)) problems.push({ field: `steps.${i}.id`, message: 'Step ids must be unique' });
    ids.add(step.id);
    if (step.channel === 'auto_email' && !step.templateId && !(step.subject?.trim() && step.body?.trim())) {
      problems.push({ field: `steps.${i}`, message: 'An automatic email needs a template, or a subject and a body' });
    }
  });
  return problems;
}

export type StepMetrics = { stepId: string; sent: number; opened: number; replied: number; tasks: number; skipped: number };

export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}
