import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The tenant root: its id is the org_id every business table carries.
export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
