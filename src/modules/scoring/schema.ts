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

// The latest full rescore of an org's leads (after a rules change or an admin's request), with its
// progress, so the rules screen can show how far it has come. One row per org; a new run replaces it.
export const leadRescores = pgTable('lead_rescores', {
  orgId: uuid('org_id').primaryKey(),
  runId: uuid('run_id').notNull(),
  rulesVersion: integer('rules_version').notNull(),
  total: integer('total').notNull(),
  done: integer('done').notNull().default(0),
  requestedBy: uuid('requested_by'),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
