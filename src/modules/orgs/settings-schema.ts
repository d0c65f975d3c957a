import { boolean, integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { RecordVisibility } from '../visibility/model.ts';

// An organisation's sales-process settings, one row per org; an org without a row uses the defaults.
export const orgSettings = pgTable('org_settings', {
  orgId: uuid('org_id').primaryKey(),
  disqualificationReasons: jsonb('disqualification_reasons').$type<string[]>().notNull(),
  /** Days until a disqualified lead returns to the pool; null: never. */
  recycleAfterDays: integer('recycle_after_days'),
  /** 1–12: the month the fiscal year starts in (quotas and forecasts periods). */
  fiscalYearStartMonth: integer('fiscal_year_start_month').notNull().default(1),
  /** Whether reps see their team's quota and forecast numbers, or only their own. */
  repsSeeTeamNumbers: boolean('reps_see_team_numbers').notNull().default(true),
  /** Per object (leads, contacts, accounts, opportunities): everyone, team or own; missing: everyone. */
  recordVisibility: jsonb('record_visibility').$type<Partial<RecordVisibility>>().notNull().default({}),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
