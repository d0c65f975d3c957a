// Timeline rules that need no database: which records have timelines, how audit entries read
// as timeline items, and how two newest-first streams become one page.
export const SUBJECT_TYPES = ['lead', 'contact', 'account', 'opportunity'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** Kinds are open-ended (later issues add calls, emails, meetings…) but always snake_case words. */
export const ACTIVITY_KIND = /^[a-z][a-z0-9_]{0,39}$/;

/** The kind a record's own changes (its audit entries) carry on its timeline. */
export const CHANGE_KIND = 'change';

export type TimelineItem = {
  id: string;
  source: 'activity' | 'audit';
  kind: string;
  occurredAt: string;
  actorId: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** On an account's or deal's timeline: the contact this activity is with, when it is not the record's own. */
  contact?: { id: string; name: string };
};

/** Where a timeline page ends: the position (time, id) of its last item, newest first. */
export type TimelinePosition = { at: number; id: string };

/** The millisecond timestamp a UUIDv7 starts with. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/** The smallest UUIDv7 minted at millisecond `ms`: every id minted earlier sorts below it. */
function uuidv7Floor(ms: number): string {
  const hex = Math.max(0, ms).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * Audit entries sit on a timeline at the time inside their UUIDv7 id, so "entries older than
 * position (at, id)" is exactly "ids below one bound" — the only cursor the audit log takes.
 * Ties at the same millisecond break on the id, as the activities' keyset does.
 */
export function auditIdBound(position: TimelinePosition): string {
  const low = uuidv7Floor(position.at);
  const high = uuidv7Floor(position.at + 1);
  const id = position.id.toLowerCase();
  if (id < low) return low;
  if (id > high) return high;
  return id;
}

/** Newest first; on the same millisecond the higher id first. */
export function newerFirst(a: TimelinePosition, b: TimelinePosition): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * One page from two newest-first streams (activities and audit entries), each fetched with one
 * item more than the page holds: the page, and where the next one starts if there is more.
 */
export function mergePage<T extends { position: TimelinePosition }>(
  streams: T[][],
  limit: number,
): { page: T[]; next: TimelinePosition | null } {
  const all = streams.flat().sort((a, b) => newerFirst(a.position, b.position));
  const page = all.slice(0, limit);
  const more = all.length > limit;
  return { page, next: more && page.length > 0 ? page.at(-1)!.position : null };
}

const FIELD_LABELS: Record<string, string> = {
  firstName: 'first name',
  lastName: 'last name',
  ownerId: 'owner',
  accountId: 'account',
  parentAccountId: 'parent account',
  employeeCount: 'employees',
  lifecycleStage: 'lifecycle stage',
  deletedAt: 'trash state',
};

/** How an audit entry reads on a timeline: "Created", "Changed status and owner", "Merged". */
export function describeChange(action: string, after: unknown): string {
  switch (action) {
    case 'create':
      return 'Created';
    case 'delete':
      return 'Moved to the trash';
    case 'restore':
      return 'Restored from the trash';
    case 'update': {
      const fields = after && typeof after === 'object' ? Object.keys(after).map((f) => FIELD_LABELS[f] ?? f) : [];
      if (fields.length === 0) return 'Updated';
      const list = fields.length === 1 ? fields[0] : `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}`;
      return `Changed ${list}`;
    }
    default:
      return action.charAt(0).toUpperCase() + action.slice(1).replace(/_/g, ' ');
  }
}
