import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Fields an admin adds to leads, contacts, accounts or opportunities. The values live on the
 * records themselves (a `custom` jsonb column, keyed by `key`); archiving a field moves its values
 * to the record's `custom_archived` column, restoring moves them back, so nothing is dropped.
 */
export const customFields = pgTable(
  'custom_fields',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** lead, contact, account or opportunity. */
    object: text('object').notNull(),
    /** The name in the API (`custom.<key>`), in CSV mappings and in rules; never changes. */
    key: text('key').notNull(),
    label: text('label').notNull(),
    /** text, number, currency, date, picklist, multi_picklist, checkbox, url, user or lookup. */
    type: text('type').notNull(),
    /** The choices of a picklist or multi-picklist, in order. */
    options: jsonb('options').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** What a lookup field points at: lead, contact, account or opportunity. */
    lookupObject: text('lookup_object'),
    required: boolean('required').notNull().default(false),
    unique: boolean('unique').notNull().default(false),
    helpText: text('help_text').notNull().default(''),
    position: integer('position').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('custom_fields_key_key').on(t.orgId, t.object, t.key),
    index('custom_fields_object_idx').on(t.orgId, t.object, t.position),
  ],
);
