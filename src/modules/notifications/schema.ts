import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
