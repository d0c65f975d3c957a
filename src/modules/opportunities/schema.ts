import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// Pipelines (new business, expansion, renewal, partner), each an ordered list of stages.
export const pipelines = pgTable(
  'pipelines',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    position: integer('position').notNull(),
    version: integer('version').notNull().default(1),
    // An archived pipeline takes no new deals and leaves the pickers; its closed deals keep their history.
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('pipelines_name_key').on(t.orgId, sql`lower(${t.name})`)],
);

export const pipelineStages = pgTable(
  'pipeline_stages',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pipelineId: uuid('pipeline_id').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    /** The default win probability of a deal in this stage, 0–100. */
    probability: integer('probability').notNull(),
    forecastCategory: text('forecast_category').notNull(),
    /** 'open', 'won' or 'lost': what reaching the stage means for the deal. */
    outcome: text('outcome').notNull(),
    /** What a deal needs before it may enter this stage (admins set these). */
    gates: text('gates').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('pipeline_stages_pipeline_idx').on(t.orgId, t.pipelineId, t.position)],
);

export const opportunities = pgTable(
  'opportunities',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pipelineId: uuid('pipeline_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    name: text('name').notNull(),
    accountId: uuid('account_id'),
    ownerId: uuid('owner_id'),
    /** Minor units of `currency`; the sum of the line items once there are any. */
    amount: bigint('amount', { mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull(),
    closeDate: date('close_date', { mode: 'string' }).notNull(),
    probability: integer('probability').notNull(),
    forecastCategory: text('forecast_category').notNull(),
    status: text('status').notNull().default('open'),
    source: text('source').notNull(),
    sourceLeadId: uuid('source_lead_id'),
    /** Who qualified the lead this deal came from (SDR credit). */
    sourcedBy: uuid('sourced_by'),
    /** The channel partner credited with the deal, and whether they sourced or influenced it. */
    partnerId: uuid('partner_id'),
    partnerRole: text('partner_role'),
    nextStep: text('next_step'),
    competitors: jsonb('competitors').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    lossReason: text('loss_reason'),
    winReason: text('win_reason'),
    paymentTermsDays: integer('payment_terms_days').notNull().default(30),
    description: text('description').notNull().default(''),
    /** A renewal: the won deal it renews and the term end it renews, unique so it is made once. */
    renewsOpportunityId: uuid('renews_opportunity_id'),
    renewsTermEnd: date('renews_term_end', { mode: 'string' }),
    stageEnteredAt: timestamp('stage_entered_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    // Custom fields (src/modules/customfields): values by field key; archived fields' values wait in custom_archived.
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    customArchived: jsonb('custom_archived').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // The board: the first cards of each stage by close date.
    index('opportunities_board_idx').on(t.orgId, t.stageId, t.closeDate, t.id).where(sql`deleted_at is null`),
    index('opportunities_close_idx').on(t.orgId, t.closeDate, t.id).where(sql`deleted_at is null`),
    index('opportunities_owner_idx').on(t.orgId, t.ownerId, t.closeDate, t.id).where(sql`deleted_at is null`),
    index('opportunities_account_idx').on(t.orgId, t.accountId, t.closeDate, t.id).where(sql`deleted_at is null`),
    index('opportunities_partner_idx').on(t.orgId, t.partnerId).where(sql`partner_id is not null`),
    // Global search: deal names by trigrams (typo tolerant).
    index('opportunities_search_idx').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
    uniqueIndex('opportunities_renewal_key').on(t.orgId, t.renewsOpportunityId, t.renewsTermEnd).where(sql`renews_opportunity_id is not null`),
  ],
);

/**
 * The board's column headers, kept by statement triggers on opportunities (drizzle/0015_…): live
 * deals per stage, owner and currency with their amount and amount × probability, so GET …/summary
 * reads a few dozen rows instead of every deal. `ownerKey` is the nil UUID for unowned deals.
 */
export const stageTotals = pgTable(
  'opportunity_stage_totals',
  {
    orgId: uuid('org_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    ownerKey: uuid('owner_key').notNull(),
    currency: text('currency').notNull(),
    deals: integer('deals').notNull().default(0),
    // numeric: sums of bigint amounts may pass 2^63.
    amount: numeric('amount').notNull().default('0'),
    /** Σ amount × probability (percent points): weighted amount × 100. */
    weighted: numeric('weighted').notNull().default('0'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.stageId, t.ownerKey, t.currency] })],
);

/**
 * The forecast roll-up's input, kept by statement triggers on opportunities (drizzle/0029_…): live
 * deals per owner, month of their close date, currency, status and forecast category, with Σ amount
 * and Σ amount × probability. Fiscal periods are whole months, so a quarter's roll-up for 50 reps
 * reads a few hundred rows instead of ~20,000 deals. `ownerKey` is the nil UUID for unowned deals.
 */
export const monthTotals = pgTable(
  'opportunity_month_totals',
  {
    orgId: uuid('org_id').notNull(),
    ownerKey: uuid('owner_key').notNull(),
    /** The first day of the close date's month. */
    closeMonth: date('close_month', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    forecastCategory: text('forecast_category').notNull(),
    deals: integer('deals').notNull().default(0),
    amount: numeric('amount').notNull().default('0'),
    /** Σ amount × probability (percent points): weighted amount × 100. */
    weighted: numeric('weighted').notNull().default('0'),
  },
  (t) => [primaryKey({ name: 'opportunity_month_totals_pk', columns: [t.orgId, t.ownerKey, t.closeMonth, t.currency, t.status, t.forecastCategory] })],
);

/** One row per change that forecasts care about: stage, amount, close date (with the values before). */
export const opportunityHistory = pgTable(
  'opportunity_history',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    changedBy: uuid('changed_by'),
    changes: text('changes').array().notNull(),
    stageId: uuid('stage_id').notNull(),
    previousStageId: uuid('previous_stage_id'),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    previousAmount: bigint('previous_amount', { mode: 'number' }),
    currency: text('currency').notNull(),
    closeDate: date('close_date', { mode: 'string' }).notNull(),
    previousCloseDate: date('previous_close_date', { mode: 'string' }),
    probability: integer('probability').notNull(),
    forecastCategory: text('forecast_category').notNull(),
    status: text('status').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('opportunity_history_opportunity_idx').on(t.orgId, t.opportunityId, t.changedAt),
    index('opportunity_history_changed_idx').on(t.orgId, t.changedAt),
  ],
);

/** The people on a deal and what they are to it (decision maker, champion…). */
export const opportunityContacts = pgTable(
  'opportunity_contacts',
  {
    orgId: uuid('org_id').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    roles: text('roles').array().notNull(),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.opportunityId, t.contactId] })],
);

export const lineItems = pgTable(
  'line_items',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    productId: uuid('product_id').notNull(),
    // The product as it was sold: a later price-book change does not rewrite a deal.
    name: text('name').notNull(),
    sku: text('sku').notNull(),
    billing: text('billing').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: bigint('unit_price', { mode: 'number' }).notNull(),
    /** Basis points: 1250 = 12.5 %. */
    discountBp: integer('discount_bp').notNull().default(0),
    termMonths: integer('term_months'),
    /** Set when the deal is won (recurring items): the term the customer owns the product for. */
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    total: bigint('total', { mode: 'number' }).notNull(),
    position: integer('position').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('line_items_opportunity_idx').on(t.orgId, t.opportunityId, t.position),
    index('line_items_product_idx').on(t.orgId, t.productId),
    index('line_items_term_end_idx').on(t.endDate).where(sql`end_date is not null`),
  ],
);

export const approvalRequests = pgTable(
  'approval_requests',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    /** 'discount' or 'payment_terms'. */
    kind: text('kind').notNull(),
    /** Who must decide: 'manager', 'finance' or 'legal'. */
    level: text('level').notNull(),
    /** What is asked for: the highest discount in basis points, or the payment terms in days. */
    value: integer('value').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('pending'),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    comment: text('comment'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('approval_requests_opportunity_idx').on(t.orgId, t.opportunityId),
    index('approval_requests_status_idx').on(t.orgId, t.status, t.id),
    uniqueIndex('approval_requests_pending_key').on(t.orgId, t.opportunityId, t.kind, t.level).where(sql`status = 'pending'`),
  ],
);

/** An org's deal policies; an org without a row uses the defaults in model.ts. */
export const opportunityPolicies = pgTable('opportunity_policies', {
  orgId: uuid('org_id').primaryKey(),
  managerDiscountBp: integer('manager_discount_bp').notNull(),
  financeDiscountBp: integer('finance_discount_bp').notNull(),
  standardPaymentTermsDays: integer('standard_payment_terms_days').notNull(),
  financeApproverIds: uuid('finance_approver_ids').array().notNull(),
  legalApproverIds: uuid('legal_approver_ids').array().notNull(),
  renewalLeadDays: integer('renewal_lead_days').notNull(),
  defaultCurrency: text('default_currency').notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
