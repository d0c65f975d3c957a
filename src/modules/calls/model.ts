// Calls without a database or a clock: what an outcome means on the timeline, which time zone a
// prospect lives in and whether it is a decent hour there, and in which order a call queue offers
// its prospects. The weekly-hours arithmetic is routing's calendar (pure, Intl-based).
import { isOpen, isTimeZone, zoneOffset, type WeeklyHours } from '../routing/hours.model.ts';

export const CALL_OUTCOMES = ['connected', 'meeting_booked', 'not_interested', 'voicemail', 'no_answer', 'busy', 'wrong_number', 'gatekeeper'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const CALL_DIRECTIONS = ['outbound', 'inbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  connected: 'Connected',
  meeting_booked: 'Meeting booked',
  not_interested: 'Not interested',
  voicemail: 'Left a voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  wrong_number: 'Wrong number',
  gatekeeper: 'Reached a gatekeeper',
};

/**
 * The timeline kind of a call. A conversation with the prospect is `call_connected` (what lead
 * scoring counts as engagement and what "connects" goals count); every other attempt is `call`.
 * Both stop a lead's first-touch clock.
 */
export function callKind(outcome: CallOutcome): 'call' | 'call_connected' {
  return outcome === 'connected' || outcome === 'meeting_booked' || outcome === 'not_interested' ? 'call_connected' : 'call';
}

export const CALL_KINDS = ['call', 'call_connected'] as const;

/** "Connected (4 min)", "No answer". */
export function callSummary(outcome: CallOutcome, durationSeconds: number, direction: CallDirection): string {
  const minutes = durationSeconds >= 60 ? ` (${Math.round(durationSeconds / 60)} min)` : durationSeconds > 0 ? ` (${durationSeconds} s)` : '';
  return `${direction === 'inbound' ? 'Inbound call: ' : ''}${OUTCOME_LABELS[outcome]}${minutes}`;
}

// ---------------------------------------------------------------------------------------------
// Time zones and calling hours

/** Where a prospect's zone comes from: their own field, their country/region, the org's default. */
export type ZoneSource = 'record' | 'region' | 'country' | 'org_default';
export type ProspectZone = { zones: string[]; source: ZoneSource } | null;

const SINGLE_ZONE: Record<string, string> = {
  GB: 'Europe/London', IE: 'Europe/Dublin', PT: 'Europe/Lisbon', ES: 'Europe/Madrid', FR: 'Europe/Paris', BE: 'Europe/Brussels',
  NL: 'Europe/Amsterdam', LU: 'Europe/Luxembourg', DE: 'Europe/Berlin', AT: 'Europe/Vienna', CH: 'Europe/Zurich', IT: 'Europe/Rome',
  DK: 'Europe/Copenhagen', NO: 'Europe/Oslo', SE: 'Europe/Stockholm', FI: 'Europe/Helsinki', PL: 'Europe/Warsaw', CZ: 'Europe/Prague',
  SK: 'Europe/Bratislava', HU: 'Europe/Budapest', SI: 'Europe/Ljubljana', HR: 'Europe/Zagreb', RO: 'Europe/Bucharest', BG: 'Europe/Sofia',
  GR: 'Europe/Athens', EE: 'Europe/Tallinn', LV: 'Europe/Riga', LT: 'Europe/Vilnius', UA: 'Europe/Kyiv', TR: 'Europe/Istanbul',
  IS: 'Atlantic/Reykjavik', IL: 'Asia/Jerusalem', AE: 'Asia/Dubai', SA: 'Asia/Riyadh', IN: 'Asia/Kolkata', SG: 'Asia/Singapore',
  JP: 'Asia/Tokyo', KR: 'Asia/Seoul', CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong', TW: 'Asia/Taipei', PH: 'Asia/Manila',
  TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh', MY: 'Asia/Kuala_Lumpur', NZ: 'Pacific/Auckland', ZA: 'Africa/Johannesburg',
  NG: 'Africa/Lagos', KE: 'Africa/Nairobi', EG: 'Africa/Cairo', MA: 'Africa/Casablanca', AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago', CO: 'America/Bogota', PE: 'America/Lima', UY: 'America/Montevideo',
};

// Countries spanning several zones: per region code, and the zones a prospect with no region may be in.
const MULTI_ZONE: Record<string, { regions: Record<string, string>; all: string[] }> = {
  US: {
    regions: {
      ...Object.fromEntries('CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV'.split(' ').map((s) => [s, 'America/New_York'])),
      ...Object.fromEntries('AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI'.split(' ').map((s) => [s, 'America/Chicago'])),
      ...Object.fromEntries('CO MT NM UT WY ID'.split(' ').map((s) => [s, 'America/Denver'])),
      ...Object.fromEntries('CA NV OR WA'.split(' ').map((s) => [s, 'America/Los_Angeles'])),
      AZ: 'America/Phoenix',
      AK: 'America/Anchorage',
      HI: 'Pacific/Honolulu',
    },
    // The contiguous states: Alaska and Hawaii need their region (or a time zone) to be called.
    all: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles'],
  },
  CA: {
    regions: {
      BC: 'America/Vancouver', AB: 'America/Edmonton', SK: 'America/Regina', MB: 'America/Winnipeg', ON: 'America/Toronto', QC: 'America/Toronto',
      NB: 'America/Halifax', NS: 'America/Halifax', PE: 'America/Halifax', NL: 'America/St_Johns', YT: 'America/Whitehorse', NT: 'America/Yellowknife', NU: 'America/Iqaluit',
    },
    all: ['America/Vancouver', 'America/Edmonton', 'America/Winnipeg', 'America/Toronto', 'America/Halifax'],
  },
  AU: {
    regions: { NSW: 'Australia/Sydney', ACT: 'Australia/Sydney', VIC: 'Australia/Melbourne', QLD: 'Australia/Brisbane', SA: 'Australia/Adelaide', WA: 'Australia/Perth', TAS: 'Australia/Hobart', NT: 'Australia/Darwin' },
    all: ['Australia/Perth', 'Australia/Darwin', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Sydney'],
  },
  MX: { regions: { BCN: 'America/Tijuana', SON: 'America/Hermosillo', CMX: 'America/Mexico_City', JAL: 'America/Mexico_City', NLE: 'America/Monterrey' }, all: ['America/Tijuana', 'America/Mexico_City'] },
  BR: { regions: { SP: 'America/Sao_Paulo', RJ: 'America/Sao_Paulo', AM: 'America/Manaus' }, all: ['America/Manaus', 'America/Sao_Paulo'] },
};

/**
 * Which zone(s) a prospect may be in: their own time zone field when it is a real zone; else
 * their country, narrowed by region where the country spans zones (a multi-zone country without
 * a region gives every zone it spans, and the prospect is callable only when it is a decent hour
 * in all of them); else the org's default zone; else unknown (null) — and unknown is not callable.
 */
export function prospectZone(prospect: { timeZone?: string | null; country?: string | null; region?: string | null }, orgDefault: string | null): ProspectZone {
  if (prospect.timeZone && isTimeZone(prospect.timeZone)) return { zones: [prospect.timeZone], source: 'record' };
  const country = prospect.country?.trim().toUpperCase();
  if (country) {
    const multi = MULTI_ZONE[country];
    if (multi) {
      const region = prospect.region?.trim().toUpperCase();
      const zone = region ? multi.regions[region] : undefined;
      return zone ? { zones: [zone], source: 'region' } : { zones: multi.all, source: 'country' };
    }
    const single = SINGLE_ZONE[country];
    if (single) return { zones: [single], source: 'country' };
  }
  return orgDefault && isTimeZone(orgDefault) ? { zones: [orgDefault], source: 'org_default' } : null;
}

/** Calling hours: local weekdays 09:00–20:00 unless the org sets its own. */
export const DEFAULT_CALLING_HOURS: WeeklyHours = { mon: [['09:00', '20:00']], tue: [['09:00', '20:00']], wed: [['09:00', '20:00']], thu: [['09:00', '20:00']], fri: [['09:00', '20:00']] };

export type CallingWindow = { callable: true; zone: string } | { callable: false; reason: 'unknown_time_zone' | 'outside_calling_hours'; zone: string | null };

/** Whether it is within calling hours for the prospect at `now`, in every zone they may be in. */
export function callingWindow(zone: ProspectZone, hours: WeeklyHours, now: Date): CallingWindow {
  if (!zone || zone.zones.length === 0) return { callable: false, reason: 'unknown_time_zone', zone: null };
  const first = zone.zones[0]!;
  for (const z of zone.zones) if (!isOpen(now, z, hours)) return { callable: false, reason: 'outside_calling_hours', zone: first };
  return { callable: true, zone: first };
}

/** The prospect's local time ("14:05") in a zone: shown beside the number before dialling. */
export function localClock(now: Date, zone: string): string {
  const local = new Date(now.getTime() + zoneOffset(now.getTime(), zone));
  return local.toISOString().slice(11, 16);
}

// ---------------------------------------------------------------------------------------------
// The call queue

export type QueueCandidate = {
  id: string;
  phone: string | null;
  doNotCall: boolean;
  score: number;
  createdAt: Date;
  zone: ProspectZone;
  /** The running first-touch clock's deadline, if the lead has one. */
  slaDueAt: Date | null;
  /** The earliest open call task due on the record, if any. */
  callDueAt: Date | null;
  lastCallAt: Date | null;
};

export type SkipReason = 'do_not_call' | 'no_phone' | 'outside_calling_hours' | 'unknown_time_zone' | 'recently_called' | 'skipped';

export type QueuePlan = { ready: QueueCandidate[]; skipped: Record<SkipReason, number> };

/**
 * Who the queue offers, in order, and how many it holds back and why. Order: a running SLA clock
 * first (the soonest deadline first, overdue ones on top), then call tasks that are due (oldest
 * first), then the highest score, then the prospect called longest ago (never called before
 * anyone called already), then the oldest lead. Held back: do-not-call, no phone number, outside
 * local calling hours or an unknown zone, called within the last `recallAfterMinutes` (unless a
 * call task has come due since), and the ones the rep skipped in this session.
 */
export function planQueue(
  candidates: readonly QueueCandidate[],
  options: { now: Date; hours: WeeklyHours; recallAfterMinutes: number; skip?: ReadonlySet<string> },
): QueuePlan {
  const skipped: Record<SkipReason, number> = { do_not_call: 0, no_phone: 0, outside_calling_hours: 0, unknown_time_zone: 0, recently_called: 0, skipped: 0 };
  const now = options.now.getTime();
  const ready: QueueCandidate[] = [];
  for (const c of candidates) {
    const callDue = c.callDueAt !== null && c.callDueAt.getTime() <= now;
    let reason: SkipReason | null = null;
    if (options.skip?.has(c.id)) reason = 'skipped';
    else if (c.doNotCall) reason = 'do_not_call';
    else if (!c.phone?.trim()) reason = 'no_phone';
    else if (c.lastCallAt && now - c.lastCallAt.getTime() < options.recallAfterMinutes * 60_000 && !(callDue && c.callDueAt!.getTime() > c.lastCallAt.getTime())) reason = 'recently_called';
    else {
      const window = callingWindow(c.zone, options.hours, options.now);
      if (!window.callable) reason = window.reason;
    }
    if (reason) skipped[reason] += 1;
    else ready.push(c);
  }
  ready.sort((a, b) => compareCandidates(a, b, now));
  return { ready, skipped };
}

function compareCandidates(a: QueueCandidate, b: QueueCandidate, now: number): number {
  const sla = (c: QueueCandidate) => c.slaDueAt?.getTime() ?? Infinity;
  if (sla(a) !== sla(b)) return sla(a) - sla(b);
  const due = (c: QueueCandidate) => (c.callDueAt && c.callDueAt.getTime() <= now ? c.callDueAt.getTime() : Infinity);
  if (due(a) !== due(b)) return due(a) - due(b);
  if (a.score !== b.score) return b.score - a.score;
  const last = (c: QueueCandidate) => c.lastCallAt?.getTime() ?? -Infinity;
  if (last(a) !== last(b)) return last(a) - last(b);
  if (a.createdAt.getTime() !== b.createdAt.getTime()) return a.createdAt.getTime() - b.createdAt.getTime();
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A `tel:` link: the digits and a leading plus ("+49 (30) 1234-5" → "tel:+493012345"), an extension as `;ext=`. */
export function telHref(phone: string): string {
  const extension = /(?:x|ext\.?)\s*(\d+)$/i.exec(phone);
  const main = phone.replace(/(?:x|ext\.?)\s*\d+$/i, '').replace(/[^0-9+]/g, '');
  return `tel:${main}${extension ? `;ext=${extension[1]}` : ''}`;
}

/**
 * The last 7 digits of a number without its extension, as the leads' and contacts' phone-tail
 * indexes hold them: "+49 30 1234567" and "030 123 45 67" share one. Null when too short to match.
 */
export function phoneTailOf(phone: string): string | null {
  const digits = phone.replace(/\s*(x|ext\.?)\s*\d+$/i, '').replace(/[^0-9]/g, '');
  return digits.length >= 7 ? digits.slice(-7) : null;
}

export type PhoneMatch = { type: 'lead' | 'contact'; id: string; ownerId: string | null; updatedAt: string; doNotCall: boolean };

/**
 * Which record a phone system's call belongs to when it only knows the number: the caller's own
 * record first, then the most recently updated; a contact (a customer's person) before a lead on
 * a tie. Null when nobody has the number.
 */
export function pickByPhone(matches: readonly PhoneMatch[], actorId: string): PhoneMatch | null {
  const ranked = [...matches].sort((a, b) => {
    const mine = Number(b.ownerId === actorId) - Number(a.ownerId === actorId);
    if (mine !== 0) return mine;
    if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
    return a.type === b.type ? 0 : a.type === 'contact' ? -1 : 1;
  });
  return ranked[0] ?? null;
}
