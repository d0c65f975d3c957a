import { bigint, date, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Totals } from './model.ts';

// A forecast call: a rep's for themselves, a manager's adjustment of a rep's, or a team's call
// submitted up. Never updated: every submission is a snapshot, with the system's numbers at the
// time beside it, so this week's call can be read against last week's and, at period end, against
// what closed.
export const forecastSubmissions = pgTable(
  'forecast_submissions',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** 'user' or 'team'. */
    scope: text('scope').notNull(),
    scopeId: uuid('scope_id').notNull(),
    /** 'call' (one's own or one's team's) or 'adjustment' (a manager's, for a rep). */
    kind: text('kind').notNull(),
    periodKey: text('period_key').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    commit: bigint('commit', { mode: 'number' }).notNull(),
    bestCase: bigint('best_case', { mode: 'number' }).notNull(),
    note: text('note').notNull().default(''),
    system: jsonb('system').$type<Totals>().notNull(),
    submittedBy: uuid('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('forecast_submissions_scope_idx').on(t.orgId, t.periodKey, t.scope, t.scopeId, t.submittedAt),
  ],
);
