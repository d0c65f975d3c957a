import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// Outgoing webhooks: the org's endpoints, the events Leadflow raised for them, and one delivery
// per event and endpoint (the delivery log admins read and redeliver from).

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event names, `<record>.*` or `*` (see model.ts EVENT_TYPES). */
    events: text('events').array().notNull(),
    /** The signing secret, sealed with the server key (core/secrets.ts): Leadflow must read it back to sign. */
    secretSealed: text('secret_sealed').notNull(),
    /** After a rotation, requests carry a second signature with the old secret until then, so receivers can switch over. */
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
    enabled: boolean('enabled').notNull().default(true),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

/** The event exactly as sent (the JSON text, not jsonb, which reorders keys): every delivery and redelivery carries the same body. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    body: text('body').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** pending (waiting for its next attempt), delivered or failed (out of attempts, or the endpoint was disabled). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set while one worker makes an attempt, so a second job for the same delivery stands aside. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    /** A delivery made by hand from an earlier one (the log's redeliver button). */
    redeliveryOf: uuid('redelivery_of'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('webhook_deliveries_endpoint_idx').on(t.orgId, t.endpointId, t.id),
    // The sweep's question across orgs: which deliveries are due and have no job waking them?
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);
