import { pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// A pair a person reviewed and said are not the same record: the scan leaves it out from then on.
// The pair is stored normalised (record_a < record_b), so either order names the same row.
export const duplicateDismissals = pgTable(
  'duplicate_dismissals',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    recordType: text('record_type').notNull(),
    recordA: uuid('record_a').notNull(),
    recordB: uuid('record_b').notNull(),
    dismissedBy: uuid('dismissed_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('duplicate_dismissals_pair_idx').on(t.orgId, t.recordType, t.recordA, t.recordB)],
);
