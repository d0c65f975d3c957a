import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ViewFilters, ViewSort } from './model.ts';

/** A saved list: one kind of record, filtered, sorted, with chosen columns; personal or shared. */
export const savedViews = pgTable(
  'saved_views',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    object: text('object').notNull(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id').notNull(),
    shared: boolean('shared').notNull().default(false),
    filters: jsonb('filters').$type<ViewFilters>().notNull(),
    sort: jsonb('sort').$type<ViewSort>().notNull(),
    columns: jsonb('columns').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('saved_views_object_idx').on(t.orgId, t.object, t.ownerId)],
);
