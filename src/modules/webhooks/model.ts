import { createHmac, timingSafeEqual } from 'node:crypto';

// The rules of outgoing webhooks, without IO: which events a change raises, which endpoints want
// an event, how a body is signed and checked, and when a failed delivery is tried again.

/** The records whose changes are sent, by their audit entity type (which is also the event prefix). */
export const RECORD_TYPES = ['lead', 'contact', 'account', 'opportunity'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

// Event names are a public contract (Zapier and n8n triggers are built on them): add new ones,
// never rename or remove one.
export const EVENT_TYPES = {
  'lead.created': 'A lead was created (by hand, the API or a web form). Imported leads raise none: an import is audited once, not per lead.',
  'lead.updated': 'A lead’s fields changed; `previous` holds the changed fields’ old values.',
  'lead.deleted': 'A lead was moved to the trash.',
  'lead.restored': 'A lead came back from the trash.',
  'lead.assigned': 'A lead got a new owner (by hand, in bulk or by the routing rules), or was created with one.',
  'contact.created': 'A contact was created.',
  'contact.updated': 'A contact’s fields changed.',
  'contact.deleted': 'A contact was deleted.',
  'contact.restored': 'A contact came back from the trash.',
  'contact.assigned': 'A contact got a new owner.',
  'account.created': 'An account was created.',
  'account.updated': 'An account’s fields changed.',
  'account.deleted': 'An account was deleted.',
  'account.restored': 'An account came back from the trash.',
  'account.assigned': 'An account got a new owner.',
  'opportunity.created': 'An opportunity (deal) was created.',
  'opportunity.updated': 'An opportunity’s fields changed (a stage move included).',
  'opportunity.deleted': 'An opportunity was deleted.',
  'opportunity.restored': 'An opportunity came back from the trash.',
  'opportunity.assigned': 'An opportunity got a new owner.',
  'opportunity.stage_changed': 'An opportunity moved to another stage (won and lost included); `previous` holds the stage it left.',
  'email.replied': 'A prospect replied to an email sent from Leadflow (found in the sender’s mailbox), or an inbound email was logged through the API.',
} as const;
export type EventType = keyof typeof EVENT_TYPES;
/** Sent only by the "send test event" button, whatever the endpoint subscribes to. */
export const TEST_EVENT = 'webhook.test';

export const isEventType = (name: string): name is EventType => Object.hasOwn(EVENT_TYPES, name);

/** An endpoint subscribes with event names, `<record>.*` for all of one record's events, or `*`. */
export function invalidSubscriptions(patterns: readonly string[]): string[] {
  return patterns.filter((pattern) => {
    if (pattern === '*' || isEventType(pattern)) return false;
    const prefix = pattern.endsWith('.*') ? pattern.slice(0, -2) : null;
    return !prefix || !Object.keys(EVENT_TYPES).some((type) => type.startsWith(`${prefix}.`));
  });
}

export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))));
}

/** Only http(s) endpoints; null when the URL is acceptable, else what is wrong with it. */
export function endpointUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Must be an absolute URL, like https://hooks.example.com/leadflow';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Must start with http:// or https://';
  if (!parsed.hostname) return 'Must name a host';
  return null;
}

export type Snapshot = Record<string, unknown>;
/** An audited change, as the audit module records it. */
export type AuditedChange = { entityType: string; entityId: string; action: string; before?: Snapshot | null | undefined; after?: Snapshot | null | undefined };
export type RaisedEvent = { type: EventType; recordType: RecordType; recordId: string; previous: Snapshot | null };

const UNCOMPARED = new Set(['version', 'updatedAt', 'searchText']);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields an update changed, with their old values (what `previous` carries). */
export function previousValues(before: Snapshot | null | undefined, after: Snapshot | null | undefined): Snapshot {
  const previous: Snapshot = {};
  if (!after) return previous;
  for (const key of Object.keys(after)) {
    if (UNCOMPARED.has(key)) continue;
    if (!same(before?.[key], after[key])) previous[key] = before?.[key] ?? null;
  }
  return previous;
}

const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/**
 * The events one audited change raises. Other audited actions (team members, line items,
 * approvals, …) raise none: they are not changes to the record's own fields.
 */
export function eventsForChange(change: AuditedChange): RaisedEvent[] {
  if (!isRecordType(change.entityType)) return [];
  const recordType = change.entityType;
  const raise = (suffix: string, previous: Snapshot | null = null): RaisedEvent => ({ type: `${recordType}.${suffix}` as EventType, recordType, recordId: change.entityId, previous });
  const ownerChanged = change.after != null && 'ownerId' in change.after && !same(change.before?.ownerId, change.after.ownerId) && change.after.ownerId != null;
  switch (change.action) {
    case 'create':
      return ownerChanged ? [raise('created'), raise('assigned', { ownerId: null })] : [raise('created')];
    case 'update': {
      const previous = previousValues(change.before, change.after);
      if (Object.keys(previous).length === 0) return [];
      const events = [raise('updated', previous)];
      if (ownerChanged) events.push(raise('assigned', { ownerId: change.before?.ownerId ?? null }));
      return events;
    }
    case 'stage_change':
      return recordType === 'opportunity' ? [raise('updated', change.before ?? {}), raise('stage_changed', change.before ?? {})] : [];
    case 'delete':
      return [raise('deleted')];
    case 'restore':
      return [raise('restored')];
    default:
      return [];
  }
}

const EXAMPLE_IDS = { org: '01a1f9c0-8d3e-7c41-b2f5-0e6a7d9c3a20', user: '01a1f9c0-8d3f-7a10-8c1e-44b0f2a9d731', other: '01a1f9c0-8d3f-7a10-8c1e-44b0f2a9d732', record: '01a2091e-52c4-7d0b-a8f1-9c3e6b2d4f57', stage: '01a1f9c1-0a2b-7c3d-8e4f-5a6b7c8d9e01' };
const EXAMPLE_DATA: Record<string, Snapshot> = {
  lead: { id: EXAMPLE_IDS.record, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.test', company: 'Analytical Engines', status: 'working', source: 'web_form', ownerId: EXAMPLE_IDS.user, country: 'GB', score: 42, version: 3, createdAt: '2026-11-23T15:40:00.000Z', updatedAt: '2026-11-23T15:42:07.311Z' },
  contact: { id: EXAMPLE_IDS.record, firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.test', accountId: EXAMPLE_IDS.other, ownerId: EXAMPLE_IDS.user, version: 2 },
  account: { id: EXAMPLE_IDS.record, name: 'Initech', domain: 'initech.test', industry: 'Software', ownerId: EXAMPLE_IDS.user, lifecycleStage: 'prospect', version: 4 },
  opportunity: { id: EXAMPLE_IDS.record, name: 'Initech platform', pipelineId: EXAMPLE_IDS.other, stageId: EXAMPLE_IDS.stage, accountId: EXAMPLE_IDS.other, ownerId: EXAMPLE_IDS.user, amount: 1_200_000, currency: 'EUR', closeDate: '2027-01-31', status: 'open', version: 5 },
  email: { emailId: EXAMPLE_IDS.record, address: 'ada@analytical.test', subjectType: 'lead', subjectId: EXAMPLE_IDS.other },
};
const EXAMPLE_PREVIOUS: Record<string, Snapshot> = {
  updated: { status: 'new' },
  assigned: { ownerId: EXAMPLE_IDS.other },
  stage_changed: { stageId: EXAMPLE_IDS.other, stage: 'Discovery', status: 'open' },
};

/** An abridged example of each event for the docs and integration builders (`data` holds the record's whole API view). */
export function exampleEvent(type: EventType): EventPayload {
  const [record, suffix] = type.split('.') as [string, string];
  const previous = EXAMPLE_PREVIOUS[suffix] ?? null;
  return eventPayload({ id: '01a2091f-3c52-7b6e-9a4d-5f0c2d7e8b11', type, occurredAt: new Date('2026-11-23T15:42:07.311Z'), orgId: EXAMPLE_IDS.org, data: EXAMPLE_DATA[record] ?? {}, previous });
}

/** The body every receiver gets; `previous` only on updates, assignments and stage changes. */
export type EventPayload = { id: string; type: string; occurredAt: string; orgId: string; data: Snapshot; previous?: Snapshot };

export function eventPayload(input: { id: string; type: string; occurredAt: Date; orgId: string; data: Snapshot; previous?: Snapshot | null }): EventPayload {
  return {
    id: input.id,
    type: input.type,
    occurredAt: input.occurredAt.toISOString(),
    orgId: input.orgId,
    data: input.data,
    ...(input.previous ? { previous: input.previous } : {}),
  };
}

// Signing follows the shape receivers already know from Stripe: the timestamp is signed with the
// body, so a captured request cannot be replayed later than the receiver's tolerance.
export const SIGNATURE_HEADER = 'Leadflow-Signature';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** One v1 per secret: the current one first, then the one rotated out while it is still honoured. */
export function signatureHeader(secrets: string | readonly string[], timestamp: number, body: string): string {
  const all = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...all.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(',');
}

/** What a receiver does: true when some v1 signature matches and the timestamp is within tolerance. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value!, 'hex'), expected));
}

export const MAX_ATTEMPTS = 10;
export const RETRY_BASE_MS = 30_000;
const RETRY_CAP_MS = 6 * 60 * 60 * 1000;

/**
 * The wait after the n-th failed attempt: doubling from the base (30 s, 1 min, 2 min, … capped at
 * 6 h; ten attempts span about 4 h) with jitter in its upper half, so the deliveries that failed
 * together while a receiver was down do not all come back at the same instant.
 */
export function retryDelayMs(failedAttempts: number, random: number, baseMs = RETRY_BASE_MS): number {
  const full = Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(full / 2 + (random * full) / 2);
}

export type AttemptResult = { status: number | null };
export type NextStep = { status: 'delivered' } | { status: 'pending'; delayMs: number } | { status: 'failed' };

/** Any 2xx is delivered; anything else (a 4xx too: receivers get fixed) is tried again until the attempts run out. */
export function afterAttempt(result: AttemptResult, attemptsMade: number, random: number, baseMs = RETRY_BASE_MS): NextStep {
  if (result.status !== null && result.status >= 200 && result.status < 300) return { status: 'delivered' };
  if (attemptsMade >= MAX_ATTEMPTS) return { status: 'failed' };
  return { status: 'pending', delayMs: retryDelayMs(attemptsMade, random, baseMs) };
}
