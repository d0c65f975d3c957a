import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// Channel partners: the org's partner programme (tiers, registration expiry), partner
// organisations with their internal manager, the partner users of each, deal registrations and
// the notes on them that are shared across the wall.

/** One row per org: how long a registration may sit without progress before it expires. */
export const partnerPrograms = pgTable('partner_programs', {
  orgId: uuid('org_id').primaryKey(),
  registrationExpiryDays: integer('registration_expiry_days').notNull().default(90),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const partnerTiers = pgTable(
  'partner_tiers',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('partner_tiers_name_key').on(t.orgId, sql`lower(${t.name})`)],
);

export const partners = pgTable(
  'partners',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    /** reseller, referral or technology. */
    kind: text('kind').notNull(),
    tierId: uuid('tier_id'),
    /** The internal user who owns the relationship and decides the partner's registrations. */
    managerId: uuid('manager_id'),
    website: text('website'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('partners_name_key').on(t.orgId, sql`lower(${t.name})`)],
);

/** A user with the partner role belongs to exactly one partner organisation. */
export const partnerMembers = pgTable(
  'partner_members',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('partner_members_partner_idx').on(t.orgId, t.partnerId)],
);

export const dealRegistrations = pgTable(
  'deal_registrations',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    registeredBy: uuid('registered_by'),
    company: text('company').notNull(),
    domain: text('domain'),
    contactName: text('contact_name').notNull(),
    contactEmail: text('contact_email'),
    country: text('country'),
    /** Minor units of `currency`. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    closeDate: date('close_date', { mode: 'string' }).notNull(),
    productNotes: text('product_notes').notNull().default(''),
    /** pending, approved, rejected, expired or withdrawn. */
    status: text('status').notNull().default('pending'),
    decisionReason: text('decision_reason'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    accountId: uuid('account_id'),
    opportunityId: uuid('opportunity_id'),
    /** Pushed back by every bit of progress (a note either way); the expiry job reads it. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('deal_registrations_partner_idx').on(t.orgId, t.partnerId, t.createdAt, t.id),
    index('deal_registrations_status_idx').on(t.orgId, t.status, t.createdAt, t.id),
    index('deal_registrations_expiry_idx').on(t.expiresAt).where(sql`status = 'pending'`),
  ],
);

/** The registration's timeline: `shared` notes are seen by the partner, the others stay internal. */
export const registrationNotes = pgTable(
  'registration_notes',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    registrationId: uuid('registration_id').notNull(),
    authorId: uuid('author_id'),
    /** 'partner' or 'internal': which side of the wall wrote it. */
    authorSide: text('author_side').notNull(),
    body: text('body').notNull(),
    shared: boolean('shared').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('registration_notes_registration_idx').on(t.orgId, t.registrationId, t.createdAt)],
);
