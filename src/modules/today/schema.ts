import { index, integer, pgTable, primaryKey, text, timestamp, uuid, uniqueIndex } from 'drizzle-orm/pg-core';

// Daily activity goals a manager sets: for the whole org, a team or one person. A person's goal
// for a metric is their own, else their team's, else the org's.
export const activityGoals = pgTable(
  'activity_goals',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    scope: text('scope').notNull(),
    /** The team or user id; the org's own id for scope `org`. */
    scopeId: uuid('scope_id').notNull(),
    calls: integer('calls'),
    connects: integer('connects'),
    emails: integer('emails'),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('activity_goals_scope_idx').on(t.orgId, t.scope, t.scopeId), index('activity_goals_org_idx').on(t.orgId)],
);
