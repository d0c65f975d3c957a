// Notifications without a database: which event a notification belongs to, what a person's
// preferences say about it, who a note mentions, and the daily digest's text and timing.

/** The events a person can tune, each gathering the notification kinds that services write. */
export const NOTIFICATION_EVENTS = ['assigned', 'sla', 'handoff', 'approval', 'reply', 'mention', 'other'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const EVENT_LABELS: Record<NotificationEvent, string> = {
  assigned: 'A lead, account or deal is assigned to me',
  sla: 'A speed-to-lead or hand-off clock is about to run out, or ran out',
  handoff: 'A hand-off is waiting for me, or mine was accepted',
  approval: 'An approval is requested from me, or mine is decided',
  reply: 'A prospect replied to my email',
  mention: 'Someone mentions me in a note',
  other: 'Everything else (task reminders, account team news, partner registrations…)',
};

const KIND_EVENTS: Record<string, NotificationEvent> = {
  lead_assigned: 'assigned',
  account_assigned: 'assigned',
  opportunity_assigned: 'assigned',
  records_reassigned: 'assigned',
  sla_warning: 'sla',
  sla_breached: 'sla',
  handoff: 'handoff',
  handoff_accepted: 'handoff',
  approval_requested: 'approval',
  approval_approved: 'approval',
  approval_rejected: 'approval',
  email_replied: 'reply',
  mention: 'mention',
};

export const eventOf = (kind: string): NotificationEvent => KIND_EVENTS[kind] ?? 'other';

export type Channels = { inApp: boolean; email: boolean };
export type NotificationPreferences = { events: Record<NotificationEvent, Channels>; dailyDigest: boolean };

/** Until a person says otherwise, everything arrives in the app and by email, and no digest. */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  events: Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, { inApp: true, email: true }])) as Record<NotificationEvent, Channels>,
  dailyDigest: false,
};

/** Stored (partial) preferences laid over the defaults; unknown events and values are ignored. */
export function withDefaults(stored: { events?: Partial<Record<string, Partial<Channels>>>; dailyDigest?: boolean } | null | undefined): NotificationPreferences {
  const events = { ...DEFAULT_PREFERENCES.events };
  for (const event of NOTIFICATION_EVENTS) {
    const s = stored?.events?.[event];
    if (s) events[event] = { inApp: typeof s.inApp === 'boolean' ? s.inApp : true, email: typeof s.email === 'boolean' ? s.email : true };
  }
  return { events, dailyDigest: stored?.dailyDigest === true };
}

export const channelsFor = (preferences: NotificationPreferences, kind: string): Channels => preferences.events[eventOf(kind)];

export type MentionCandidate = { id: string; name: string; email: string };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The people a note mentions: `@` followed by someone's email, full name, or first name when no
 * one else in the org shares it — ignoring case, and ending where a word ends (so "@Ann" does not
 * mention "Anna"). Each person once, in the order of the candidates.
 */
export function mentionedUserIds(text: string, people: readonly MentionCandidate[]): string[] {
  if (!text.includes('@')) return [];
  const firstNames = new Map<string, number>();
  for (const p of people) {
    const first = p.name.trim().split(/\s+/)[0]?.toLowerCase();
    if (first) firstNames.set(first, (firstNames.get(first) ?? 0) + 1);
  }
  const found: string[] = [];
  for (const p of people) {
    const first = p.name.trim().split(/\s+/)[0] ?? '';
    const handles = [p.email, p.name.trim(), ...(first && firstNames.get(first.toLowerCase()) === 1 ? [first] : [])].filter(Boolean);
    const pattern = new RegExp(`(^|[^\\w@])@(${handles.map(escape).join('|')})(?![\\w@-]|\\.\\w)`, 'iu');
    if (pattern.test(text)) found.push(p.id);
  }
  return found;
}

/** The local calendar day and hour of a moment in a time zone (UTC for an unknown zone). */
export function localDayAndHour(now: Date, timeZone: string): { day: string; hour: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  } catch {
    return localDayAndHour(now, 'UTC');
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/** The digest goes out once a local day, from this hour on. */
export const DIGEST_HOUR = 7;

export type DigestItem = { title: string; body: string; link: string | null; createdAt: Date };

/** The daily digest's mail: what is still unread, newest first, with links on the public URL. */
export function digestMail(name: string, items: readonly DigestItem[], publicUrl: string | undefined): { subject: string; text: string } {
  const base = publicUrl?.replace(/\/$/, '');
  const lines = items.map((item) => {
    const link = item.link && base ? `\n    ${base}${item.link}` : '';
    const body = item.body && item.body !== item.title ? `\n    ${item.body.split('\n')[0]}` : '';
    return `• ${item.title}${body}${link}`;
  });
  const count = items.length === 1 ? '1 thing' : `${items.length} things`;
  return {
    subject: `Leadflow: ${count} waiting for you`,
    text: [`Good morning ${name.split(/\s+/)[0]},`, '', `${count} from the last day still unread in Leadflow:`, '', ...lines, '', 'Change what you receive in Settings → Notifications.'].join('\n'),
  };
}
