import { and, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, notFound, validationFailed, type FieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Jobs } from '../../core/jobs.ts';
import { assertCan } from '../../core/roles.ts';
import type { Secrets } from '../../core/secrets.ts';
import { randomToken } from '../../core/tokens.ts';
import { getAccount, getContact } from '../accounts/service.ts';
import { onAudited, recordAudit, type AuditEntry } from '../audit/service.ts';
import { onEmailEvent } from '../emails/service.ts';
import { getLead } from '../leads/service.ts';
import { readOpportunity, toOpportunityView } from '../opportunities/store.ts';
import { transactionExecutor } from '../routing/runtime.ts';
import {
  afterAttempt,
  endpointUrlProblem,
  eventPayload,
  eventsForChange,
  invalidSubscriptions,
  MAX_ATTEMPTS,
  RETRY_BASE_MS,
  SIGNATURE_HEADER,
  signatureHeader,
  subscribes,
  TEST_EVENT,
  type RecordType,
  type Snapshot,
} from './model.ts';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from './schema.ts';

// Where events come from: the audit log already sees every change, so the webhook module listens
// to it (audit/service.ts onAudited) and writes the event and its deliveries on the transaction
// that makes the change, queueing the delivery jobs on that same transaction. That is a
// transactional outbox: a rolled-back change sends nothing, a committed one cannot be lost to a
// crash, and no other module had to change. Reading audit rows afterwards past a cursor was the
// alternative, but audit ids are taken before commit, so a long transaction (an import) commits
// rows behind a cursor that has moved on, and update rows keep only the changed fields, not the
// record a receiver wants.

export const DELIVERY_QUEUE = 'webhooks.deliver';
export const FAN_OUT_QUEUE = 'webhooks.fan-out';
export const SWEEP_QUEUE = 'webhooks.sweep';
// A bulk change (5,000 leads reassigned) raises thousands of deliveries: past this many, the change's
// transaction queues one job per thousand that queues their delivery jobs, instead of every job itself.
const FAN_OUT_ABOVE = 20;
const ATTEMPT_TIMEOUT_MS = 10_000;
const RESPONSE_BODY_LIMIT = 2_000;
const RETENTION_DAYS = 30;

export type WebhookRuntime = { jobs: Jobs; retryBaseMs: number };
let runtime: WebhookRuntime | null = null;

/** Registered when the workers start; without it (a test without jobs, a CLI command) deliveries wait for the sweep. */
export function setWebhookRuntime(next: WebhookRuntime | null): void {
  runtime = next;
}

const retryBase = () => runtime?.retryBaseMs ?? RETRY_BASE_MS;

async function queueDelivery(db: Db, orgId: string, deliveryId: string, startAfter?: Date): Promise<void> {
  if (!runtime) return;
  await runtime.jobs.send(DELIVERY_QUEUE, { orgId, deliveryId }, { ...(startAfter ? { startAfter } : {}), retryLimit: 3, db: transactionExecutor(db) });
}

// --- Raising events -----------------------------------------------------------------------------

const reader = (orgId: string): Actor => ({ orgId, userId: '', role: 'admin', via: 'system' });

/** The record as the REST API shows it, read on the change's own transaction (so as committed). */
async function recordData(db: Db, orgId: string, type: RecordType, id: string, fallback: Snapshot | null | undefined): Promise<Snapshot> {
  try {
    if (type === 'lead') return (await getLead(db, reader(orgId), id)) as unknown as Snapshot;
    if (type === 'contact') return (await getContact(db, reader(orgId), id)) as unknown as Snapshot;
    if (type === 'account') {
      const { contacts: _contacts, children: _children, ...account } = await getAccount(db, reader(orgId), id);
      return account as unknown as Snapshot;
    }
    return toOpportunityView(await readOpportunity(db, reader(orgId), id)) as unknown as Snapshot;
  } catch (error) {
    // A deleted deal is no longer readable: the receiver gets what the audit entry had, and the id.
    if (error instanceof AppError && error.status === 404) return { ...(fallback ?? {}), id };
    throw error;
  }
}

type PendingEvent = { type: string; data: Snapshot; previous?: Snapshot | null; endpointIds: string[] };

async function storeEvents(db: Db, orgId: string, pending: PendingEvent[]): Promise<void> {
  const occurredAt = new Date();
  const events: (typeof webhookEvents.$inferInsert)[] = [];
  const deliveries: (typeof webhookDeliveries.$inferInsert)[] = [];
  for (const event of pending) {
    const id = newId();
    events.push({ orgId, id, type: event.type, occurredAt, body: JSON.stringify(eventPayload({ id, type: event.type, occurredAt, orgId, data: event.data, previous: event.previous ?? null })) });
    for (const endpointId of event.endpointIds) deliveries.push({ orgId, id: newId(), endpointId, eventId: id, eventType: event.type, nextAttemptAt: occurredAt });
  }
  for (let i = 0; i < events.length; i += 500) await db.insert(webhookEvents).values(events.slice(i, i + 500));
  for (let i = 0; i < deliveries.length; i += 500) await db.insert(webhookDeliveries).values(deliveries.slice(i, i + 500));
  if (!runtime) return;
  if (deliveries.length <= FAN_OUT_ABOVE) {
    for (const delivery of deliveries) await queueDelivery(db, orgId, delivery.id);
    return;
  }
  for (let i = 0; i < deliveries.length; i += 1000) {
    await runtime.jobs.send(FAN_OUT_QUEUE, { orgId, deliveryIds: deliveries.slice(i, i + 1000).map((d) => d.id!) }, { retryLimit: 5, db: transactionExecutor(db) });
  }
}

/** The fan-out job: one delivery job each (sending one twice is harmless: attempts claim the row). */
export async function fanOut(jobs: Jobs, orgId: string, deliveryIds: string[]): Promise<void> {
  for (const deliveryId of deliveryIds) await jobs.send(DELIVERY_QUEUE, { orgId, deliveryId }, { retryLimit: 3 });
}

async function enabledEndpoints(db: Db, orgId: string) {
  return db.select({ id: webhookEndpoints.id, events: webhookEndpoints.events }).from(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.enabled, true)));
}

/** The audit listener: the events a batch of changes raises, for the endpoints that want them. */
export async function raiseEventsFor(db: Db, actor: Actor, entries: AuditEntry[]): Promise<void> {
  const raised = entries.flatMap((entry) => eventsForChange(entry).map((event) => ({ event, entry })));
  if (raised.length === 0) return;
  const endpoints = await enabledEndpoints(db, actor.orgId);
  if (endpoints.length === 0) return;
  const records = new Map<string, Snapshot>();
  const pending: PendingEvent[] = [];
  for (const { event, entry } of raised) {
    const endpointIds = endpoints.filter((endpoint) => subscribes(endpoint.events, event.type)).map((endpoint) => endpoint.id);
    if (endpointIds.length === 0) continue;
    const key = `${event.recordType}:${event.recordId}`;
    let data = records.get(key);
    if (!data) {
      data = await recordData(db, actor.orgId, event.recordType, event.recordId, entry.before ?? entry.after);
      records.set(key, data);
    }
    pending.push({ type: event.type, data, previous: event.previous, endpointIds });
  }
  if (pending.length > 0) await storeEvents(db, actor.orgId, pending);
}

onAudited(raiseEventsFor);

// Replies are found in mailboxes, not made by a user, so they are not audited: the emails module
// tells its listeners on the transaction that records the reply.
onEmailEvent(async (tx, actor, event) => {
  if (event.kind !== 'replied') return;
  const endpointIds = (await enabledEndpoints(tx, actor.orgId)).filter((endpoint) => subscribes(endpoint.events, 'email.replied')).map((endpoint) => endpoint.id);
  if (endpointIds.length === 0) return;
  const data = { emailId: event.emailId, address: event.address, subjectType: event.subjectType, subjectId: event.subjectId };
  await storeEvents(tx, actor.orgId, [{ type: 'email.replied', data, endpointIds }]);
});

// --- Endpoints ----------------------------------------------------------------------------------

export type EndpointView = { id: string; url: string; description: string; events: string[]; enabled: boolean; version: number; createdAt: string; updatedAt: string };
type EndpointRow = typeof webhookEndpoints.$inferSelect;

const toEndpointView = (row: EndpointRow): EndpointView => ({
  id: row.id,
  url: row.url,
  description: row.description,
  events: row.events,
  enabled: row.enabled,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
const auditable = (row: EndpointRow) => ({ url: row.url, description: row.description, events: row.events, enabled: row.enabled });
const endpointKey = (actor: Actor, id: string) => and(eq(webhookEndpoints.orgId, actor.orgId), eq(webhookEndpoints.id, id));

export type EndpointInput = { url?: string | undefined; description?: string | undefined; events?: string[] | undefined; enabled?: boolean | undefined };

function checkEndpoint(input: EndpointInput): void {
  const fields: FieldError[] = [];
  if (input.url !== undefined) {
    const problem = endpointUrlProblem(input.url);
    if (problem) fields.push({ field: 'url', message: problem });
  }
  if (input.events !== undefined) {
    const unknown = invalidSubscriptions(input.events);
    if (input.events.length === 0) fields.push({ field: 'events', message: 'Choose at least one event' });
    else if (unknown.length > 0) fields.push({ field: 'events', message: `Unknown events: ${unknown.join(', ')} (see GET /api/v1/webhook-event-types)` });
  }
  if (fields.length > 0) throw validationFailed(fields);
}

const newSecret = () => `whsec_${randomToken(24)}`;

export async function listEndpoints(db: Db, actor: Actor): Promise<EndpointView[]> {
  assertCan(actor, 'webhooks:manage');
  const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.orgId, actor.orgId)).orderBy(webhookEndpoints.createdAt);
  return rows.map(toEndpointView);
}

export async function getEndpoint(db: Db, actor: Actor, id: string): Promise<EndpointView> {
  assertCan(actor, 'webhooks:manage');
  const [row] = await db.select().from(webhookEndpoints).where(endpointKey(actor, id));
  if (!row) throw notFound('Webhook');
  return toEndpointView(row);
}

/** The signing secret is in the reply once, here and on rotation; Leadflow keeps it sealed. */
export async function createEndpoint(db: Db, actor: Actor, secrets: Secrets, input: EndpointInput & { url: string; events: string[] }): Promise<EndpointView & { secret: string }> {
  assertCan(actor, 'webhooks:manage');
  checkEndpoint(input);
  const secret = newSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ orgId: actor.orgId, id: newId(), url: input.url, description: input.description?.trim() ?? '', events: [...new Set(input.events)], enabled: input.enabled ?? true, secretSealed: secrets.encrypt(secret), createdBy: actor.userId || null })
      .returning();
    await recordAudit(tx, actor, { entityType: 'webhook_endpoint', entityId: row!.id, action: 'create', after: auditable(row!) });
    return { ...toEndpointView(row!), secret };
  });
}

export async function updateEndpoint(db: Db, actor: Actor, id: string, input: EndpointInput): Promise<EndpointView> {
  assertCan(actor, 'webhooks:manage');
  checkEndpoint(input);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(webhookEndpoints).where(endpointKey(actor, id)).for('update');
    if (!row) throw notFound('Webhook');
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where(endpointKey(actor, id))
      .returning();
    await recordAudit(tx, actor, { entityType: 'webhook_endpoint', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    return toEndpointView(updated!);
  });
}

/** Removes the endpoint and its delivery log; deliveries still waiting are dropped with it. */
export async function deleteEndpoint(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'webhooks:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(webhookEndpoints).where(endpointKey(actor, id)).returning();
    if (!row) throw notFound('Webhook');
    await tx.delete(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, actor.orgId), eq(webhookDeliveries.endpointId, id)));
    await recordAudit(tx, actor, { entityType: 'webhook_endpoint', entityId: id, action: 'delete', before: auditable(row) });
  });
}

/**
 * A new secret signs from now on; the old one adds a second signature for `previousValidHours`
 * (24 by default, 0 to drop it at once, say when it leaked), so a receiver can switch over.
 */
export async function rotateSecret(db: Db, actor: Actor, secrets: Secrets, id: string, previousValidHours = 24): Promise<{ secret: string; previousValidUntil: string | null }> {
  assertCan(actor, 'webhooks:manage');
  const secret = newSecret();
  const until = previousValidHours > 0 ? new Date(Date.now() + previousValidHours * 3600_000) : null;
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ secretSealed: webhookEndpoints.secretSealed }).from(webhookEndpoints).where(endpointKey(actor, id)).for('update');
    if (!row) throw notFound('Webhook');
    await tx
      .update(webhookEndpoints)
      .set({ secretSealed: secrets.encrypt(secret), previousSecretSealed: until ? row.secretSealed : null, previousSecretUntil: until, updatedAt: new Date() })
      .where(endpointKey(actor, id));
    await recordAudit(tx, actor, { entityType: 'webhook_endpoint', entityId: id, action: 'rotate_secret', after: { previousValidUntil: until?.toISOString() ?? null } });
  });
  return { secret, previousValidUntil: until?.toISOString() ?? null };
}

// --- Deliveries ---------------------------------------------------------------------------------

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export type DeliveryView = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number | null;
  redeliveryOf: string | null;
  createdAt: string;
  deliveredAt: string | null;
};
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const toDeliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  endpointId: row.endpointId,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status as DeliveryStatus,
  attempts: row.attempts,
  maxAttempts: MAX_ATTEMPTS,
  nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
  lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
  responseStatus: row.responseStatus,
  responseBody: row.responseBody,
  error: row.error,
  durationMs: row.durationMs,
  redeliveryOf: row.redeliveryOf,
  createdAt: row.createdAt.toISOString(),
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
});
const deliveryKey = (orgId: string, id: string) => and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, id));

export type DeliveryFilter = { endpointId?: string | undefined; status?: DeliveryStatus | undefined; eventType?: string | undefined; cursor?: string | undefined; limit: number };

export async function listDeliveries(db: Db, actor: Actor, filter: DeliveryFilter): Promise<{ data: DeliveryView[]; nextCursor: string | null }> {
  assertCan(actor, 'webhooks:manage');
  const conditions: SQL[] = [eq(webhookDeliveries.orgId, actor.orgId)];
  if (filter.endpointId) conditions.push(eq(webhookDeliveries.endpointId, filter.endpointId));
  if (filter.status) conditions.push(eq(webhookDeliveries.status, filter.status));
  if (filter.eventType) conditions.push(eq(webhookDeliveries.eventType, filter.eventType));
  if (filter.cursor) conditions.push(lt(webhookDeliveries.id, filter.cursor));
  const rows = await db.select().from(webhookDeliveries).where(and(...conditions)).orderBy(desc(webhookDeliveries.id)).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { data: page.map(toDeliveryView), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}

export type DeliveryDetail = DeliveryView & { endpointUrl: string; payload: unknown };

export async function getDelivery(db: Db, actor: Actor, id: string): Promise<DeliveryDetail> {
  assertCan(actor, 'webhooks:manage');
  const [row] = await db
    .select({ delivery: webhookDeliveries, body: webhookEvents.body, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, and(eq(webhookEvents.orgId, webhookDeliveries.orgId), eq(webhookEvents.id, webhookDeliveries.eventId)))
    .innerJoin(webhookEndpoints, and(eq(webhookEndpoints.orgId, webhookDeliveries.orgId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)))
    .where(deliveryKey(actor.orgId, id));
  if (!row) throw notFound('Delivery');
  return { ...toDeliveryView(row.delivery), endpointUrl: row.url, payload: JSON.parse(row.body) as unknown };
}

/** The "send test event" button: a `webhook.test` event to this endpoint alone, tried at once. */
export async function sendTestEvent(db: Db, actor: Actor, secrets: Secrets, endpointId: string): Promise<DeliveryView> {
  assertCan(actor, 'webhooks:manage');
  const deliveryId = await db.transaction(async (tx) => {
    const [endpoint] = await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(endpointKey(actor, endpointId));
    if (!endpoint) throw notFound('Webhook');
    const eventId = newId();
    const occurredAt = new Date();
    const body = JSON.stringify(eventPayload({ id: eventId, type: TEST_EVENT, occurredAt, orgId: actor.orgId, data: { endpointId, message: 'A test event from Leadflow. Your endpoint is reachable and can check the signature.' } }));
    await tx.insert(webhookEvents).values({ orgId: actor.orgId, id: eventId, type: TEST_EVENT, occurredAt, body });
    const id = newId();
    await tx.insert(webhookDeliveries).values({ orgId: actor.orgId, id, endpointId, eventId, eventType: TEST_EVENT, nextAttemptAt: occurredAt });
    await recordAudit(tx, actor, { entityType: 'webhook_endpoint', entityId: endpointId, action: 'test', after: { deliveryId: id } });
    return id;
  });
  return attemptNow(db, secrets, actor.orgId, deliveryId);
}

/**
 * Redelivery by hand: a new delivery of the same event (same id and body, so receivers can
 * deduplicate) to the same endpoint, tried at once and then on the usual schedule.
 */
export async function redeliver(db: Db, actor: Actor, secrets: Secrets, id: string): Promise<DeliveryView> {
  assertCan(actor, 'webhooks:manage');
  const deliveryId = await db.transaction(async (tx) => {
    const [original] = await tx.select().from(webhookDeliveries).where(deliveryKey(actor.orgId, id));
    if (!original) throw notFound('Delivery');
    const next = newId();
    await tx.insert(webhookDeliveries).values({ orgId: actor.orgId, id: next, endpointId: original.endpointId, eventId: original.eventId, eventType: original.eventType, redeliveryOf: original.id, nextAttemptAt: new Date() });
    await recordAudit(tx, actor, { entityType: 'webhook_delivery', entityId: original.id, action: 'redeliver', after: { deliveryId: next, eventId: original.eventId } });
    return next;
  });
  return attemptNow(db, secrets, actor.orgId, deliveryId);
}

async function attemptNow(db: Db, secrets: Secrets, orgId: string, deliveryId: string): Promise<DeliveryView> {
  await attemptDelivery(db, secrets, orgId, deliveryId);
  const [row] = await db.select().from(webhookDeliveries).where(deliveryKey(orgId, deliveryId));
  return toDeliveryView(row!);
}

// --- Attempts -----------------------------------------------------------------------------------

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_BODY_LIMIT) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_BODY_LIMIT);
}

type Outcome = { status: number | null; body: string | null; error: string | null; durationMs: number };

async function post(url: string, body: string, headers: Record<string, string>): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    const text = await readLimited(response);
    return { status: response.status, body: text, error: null, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    const message = error instanceof Error && error.name === 'TimeoutError' ? `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : cause;
    return { status: null, body: null, error: message.slice(0, 500), durationMs: Math.round(performance.now() - started) };
  }
}

/**
 * One attempt at a delivery, if it is due and no one else is making it. The row is claimed for a
 * few minutes first, so two jobs for one delivery (a sweep racing a retry, two processes) send it
 * once; the request is made outside any transaction; the outcome and the next attempt's job are
 * written together.
 */
export async function attemptDelivery(db: Db, secrets: Secrets, orgId: string, deliveryId: string): Promise<'sent' | 'skipped'> {
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ lockedUntil: sql`now() + interval '2 minutes'` })
    .where(
      and(
        deliveryKey(orgId, deliveryId),
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, sql`now() + interval '2 seconds'`),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, sql`now()`)),
      ),
    )
    .returning();
  if (!claimed) return 'skipped';
  const [target] = await db
    .select({
      url: webhookEndpoints.url,
      enabled: webhookEndpoints.enabled,
      secretSealed: webhookEndpoints.secretSealed,
      previousSecretSealed: webhookEndpoints.previousSecretSealed,
      previousSecretUntil: webhookEndpoints.previousSecretUntil,
      body: webhookEvents.body,
    })
    .from(webhookEndpoints)
    .innerJoin(webhookEvents, and(eq(webhookEvents.orgId, webhookEndpoints.orgId), eq(webhookEvents.id, claimed.eventId)))
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, claimed.endpointId)));
  if (!target || !target.enabled) {
    await db
      .update(webhookDeliveries)
      .set({ status: 'failed', lockedUntil: null, error: target ? 'The endpoint is disabled' : 'The endpoint was removed' })
      .where(deliveryKey(orgId, deliveryId));
    return 'skipped';
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const signingSecrets = [secrets.decrypt(target.secretSealed)];
  if (target.previousSecretSealed && target.previousSecretUntil && target.previousSecretUntil > new Date()) signingSecrets.push(secrets.decrypt(target.previousSecretSealed));
  const outcome = await post(target.url, target.body, {
    'content-type': 'application/json',
    'user-agent': 'Leadflow-Webhooks/1',
    [SIGNATURE_HEADER]: signatureHeader(signingSecrets, timestamp, target.body),
    'Leadflow-Event': claimed.eventType,
    'Leadflow-Event-Id': claimed.eventId,
    'Leadflow-Delivery': claimed.id,
    'Leadflow-Attempt': String(claimed.attempts + 1),
  });
  const attempts = claimed.attempts + 1;
  const step = afterAttempt({ status: outcome.status }, attempts, Math.random(), retryBase());
  const at = new Date();
  const nextAttemptAt = step.status === 'pending' ? new Date(at.getTime() + step.delayMs) : claimed.nextAttemptAt;
  await db.transaction(async (tx) => {
    await tx
      .update(webhookDeliveries)
      .set({
        status: step.status,
        attempts,
        nextAttemptAt,
        lockedUntil: null,
        lastAttemptAt: at,
        responseStatus: outcome.status,
        responseBody: outcome.body,
        error: outcome.error ?? (step.status === 'delivered' ? null : `The endpoint answered ${outcome.status}`),
        durationMs: outcome.durationMs,
        deliveredAt: step.status === 'delivered' ? at : null,
      })
      .where(deliveryKey(orgId, deliveryId));
    if (step.status === 'pending') await queueDelivery(tx, orgId, deliveryId, nextAttemptAt);
  });
  return 'sent';
}

/**
 * Deliveries whose job was lost (queued while no worker ran, a crash between the attempt and its
 * record) are found by the minute sweep; old finished deliveries and their events are dropped.
 */
export async function sweepDeliveries(db: Db, secrets: Secrets): Promise<number> {
  const due = await db
    .select({ orgId: webhookDeliveries.orgId, id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lt(webhookDeliveries.nextAttemptAt, sql`now() - interval '1 minute'`),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, sql`now()`)),
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(200);
  let sent = 0;
  for (const delivery of due) if ((await attemptDelivery(db, secrets, delivery.orgId, delivery.id)) === 'sent') sent += 1;
  const cutoff = sql`now() - make_interval(days => ${RETENTION_DAYS})`;
  const dropped = await db
    .delete(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.status, ['delivered', 'failed']), lt(webhookDeliveries.createdAt, cutoff)))
    .returning({ orgId: webhookDeliveries.orgId });
  if (dropped.length > 0) {
    await db.execute(sql`delete from webhook_events e where e.occurred_at < ${cutoff} and not exists (select 1 from webhook_deliveries d where d.org_id = e.org_id and d.event_id = e.id)`);
  }
  return sent;
}
