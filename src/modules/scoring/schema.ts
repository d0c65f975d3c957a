import { integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EngagementRule, FitRule } from './model.ts';

// An org's lead-scoring rules, one row per org; an org without a row scores by the defaults.
export const scoringRules = pgTable('scoring_rules', {
  orgId: uuid('org_id').primaryKey(),
  fit: jsonb('fit').$type<FitRule[]>().notNull(),
  engagement: jsonb('engagement').$type<EngagementRule[]>().notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
