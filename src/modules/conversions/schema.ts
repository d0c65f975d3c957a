import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { QualificationSnapshot } from './model.ts';

// What a converted lead became: one row per lead (the unique key refuses a second conversion even
// when two arrive at once), with the names as they were, the SDR credit and the qualification
// answers the deal carries.
export const leadConversions = pgTable(
  'lead_conversions',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    leadId: uuid('lead_id').notNull(),
    accountId: uuid('account_id').notNull(),
    accountName: text('account_name').notNull(),
    accountReused: boolean('account_reused').notNull(),
    contactId: uuid('contact_id'),
    contactName: text('contact_name'),
    contactReused: boolean('contact_reused').notNull().default(false),
    opportunityId: uuid('opportunity_id'),
    opportunityName: text('opportunity_name'),
    handoffId: uuid('handoff_id'),
    sourcedBy: uuid('sourced_by'),
    convertedBy: uuid('converted_by'),
    convertedAt: timestamp('converted_at', { withTimezone: true }).notNull(),
    qualification: jsonb('qualification').$type<QualificationSnapshot>(),
    activitiesCopied: integer('activities_copied').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('lead_conversions_lead_key').on(t.orgId, t.leadId),
    index('lead_conversions_opportunity_idx').on(t.orgId, t.opportunityId).where(sql`opportunity_id is not null`),
    index('lead_conversions_contact_idx').on(t.orgId, t.contactId).where(sql`contact_id is not null`),
  ],
);
