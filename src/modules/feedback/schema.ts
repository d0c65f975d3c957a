import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// Customer feedback: the org's product-area taxonomy, feedback quotes captured from records or the
// API, and the product ideas they are grouped into.

/** Admin-managed product areas; `parentId` nests an area under another (one level or more). */
export const feedbackAreas = pgTable(
  'feedback_areas',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    parentId: uuid('parent_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('feedback_areas_name_key').on(t.orgId, sql`coalesce(${t.parentId}::text, '')`, sql`lower(${t.name})`)],
);

export const ideas = pgTable(
  'ideas',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** new, planned, in_progress, shipped or declined. */
    status: text('status').notNull().default('new'),
    areaId: uuid('area_id'),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('ideas_status_idx').on(t.orgId, t.status, t.id)],
);

export const feedbackItems = pgTable(
  'feedback_items',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    quote: text('quote').notNull(),
    /** feature_request, bug, praise, objection or lost_reason. */
    kind: text('kind').notNull(),
    areaId: uuid('area_id'),
    /** Who said it: a contact, or free text when they are not one. */
    contactId: uuid('contact_id'),
    saidBy: text('said_by'),
    capturedBy: uuid('captured_by'),
    accountId: uuid('account_id'),
    opportunityId: uuid('opportunity_id'),
    /** The record it was captured from (account, contact, opportunity, lead, activity), for the way back. */
    sourceType: text('source_type'),
    sourceId: uuid('source_id'),
    ideaId: uuid('idea_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('feedback_items_idea_idx').on(t.orgId, t.ideaId),
    index('feedback_items_account_idx').on(t.orgId, t.accountId),
    index('feedback_items_created_idx').on(t.orgId, t.createdAt, t.id),
  ],
);
