import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// In-app notifications: what a user should look at (an approval waiting, a deal on their account moved).
export const notifications = pgTable(
  'notifications',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    /** A path in the web app, like /opportunities/<id>. */
    link: text('link'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('notifications_user_idx').on(t.orgId, t.userId, t.id)],
);

/** A person's notification preferences: per event, in-app and email; and the daily digest. No row: the defaults. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** Per event (notifications/model.ts): { inApp, email }. */
    events: jsonb('events').$type<Partial<Record<string, { inApp?: boolean; email?: boolean }>>>().notNull().default({}),
    dailyDigest: boolean('daily_digest').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('notification_preferences_digest_idx').on(t.orgId, t.userId).where(sql`daily_digest`)],
);

/** One row per person and local day a digest was sent: claimed before sending, so it goes once. */
export const notificationDigests = pgTable(
  'notification_digests',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    day: date('day').notNull(),
    items: integer('items').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.day] })],
);
