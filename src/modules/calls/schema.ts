import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { WeeklyHours } from '../routing/hours.model.ts';

// What a rep reads while dialling: an org's call scripts (one may be the default the queue shows).
export const callScripts = pgTable(
  'call_scripts',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    body: text('body').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('call_scripts_name_idx').on(t.orgId, t.name)],
);

// An org's calling rules, one row per org; an org without a row uses the defaults.
export const callSettings = pgTable('call_settings', {
  orgId: uuid('org_id').primaryKey(),
  /** Local hours in which a prospect may be called (in the prospect's zone). */
  callingHours: jsonb('calling_hours').$type<WeeklyHours>().notNull(),
  /** The zone of prospects whose zone is unknown; null: they are not offered by the queue. */
  defaultTimeZone: text('default_time_zone'),
  /** A prospect called this recently is not offered again (unless a call task came due since). */
  recallAfterMinutes: integer('recall_after_minutes').notNull().default(240),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
