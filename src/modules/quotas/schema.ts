import { bigint, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// A target for a user or a team over a fiscal period. The period's dates are stored with its key,
// so a later change of the fiscal year start does not move quotas already set.
export const quotas = pgTable(
  'quotas',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** 'user' or 'team'. */
    scope: text('scope').notNull(),
    scopeId: uuid('scope_id').notNull(),
    periodKind: text('period_kind').notNull(),
    periodKey: text('period_key').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    /** closed_won only: 'all', 'new_business' or 'expansion'; 'all' for the other metrics. */
    dealKind: text('deal_kind').notNull().default('all'),
    /** closed_won only: the currency of the target (minor units); deals in other currencies do not count. */
    currency: text('currency'),
    target: bigint('target', { mode: 'number' }).notNull(),
    version: integer('version').notNull().default(1),
    updatedBy: uuid('updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('quotas_target_key').on(t.orgId, t.scope, t.scopeId, t.periodKey, t.metric, t.dealKind),
    index('quotas_period_idx').on(t.orgId, t.periodKey, t.metric),
  ],
);
