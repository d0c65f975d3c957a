import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Activities counted per UTC day, actor and kind, kept by statement triggers on activities
 * (drizzle/…_activity_daily_counts): the activity report reads a few hundred rows a month instead
 * of every call and email. `actorKey` is the nil UUID for activities without an actor.
 */
export const activityDailyCounts = pgTable(
  'activity_daily_counts',
  {
    orgId: uuid('org_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    actorKey: uuid('actor_key').notNull(),
    kind: text('kind').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.actorKey, t.kind] }), index('activity_daily_counts_actor_idx').on(t.orgId, t.actorKey, t.day)],
);

export type DashboardWidget = {
  id: string;
  title: string;
  report: string;
  chart: string;
  filters: Record<string, string>;
};

/** A named list of charts: the role defaults live in code; these are the ones people make. */
export const dashboards = pgTable(
  'dashboards',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id').notNull(),
    /** true: everyone in the org sees it; false: only its owner. */
    shared: boolean('shared').notNull().default(false),
    widgets: jsonb('widgets').$type<DashboardWidget[]>().notNull().default(sql`'[]'::jsonb`),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('dashboards_owner_idx').on(t.orgId, t.ownerId)],
);

/** One weekly digest per manager and week: the key refuses a second send of the same week. */
export const reportDigests = pgTable(
  'report_digests',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.week] })],
);
