import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { MergeMoves, RecordSnapshot } from './model.ts';

// One merge of duplicates into a surviving record, with everything needed to undo it.
export const merges = pgTable(
  'merges',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** lead, contact or account. */
    entityType: text('entity_type').notNull(),
    survivorId: uuid('survivor_id').notNull(),
    mergedIds: jsonb('merged_ids').$type<string[]>().notNull(),
    /** Which record each chosen field's value came from. */
    fieldChoices: jsonb('field_choices').$type<Record<string, string>>().notNull(),
    /** The survivor and the merged records exactly as they were before the merge. */
    survivorBefore: jsonb('survivor_before').$type<RecordSnapshot>().notNull(),
    mergedBefore: jsonb('merged_before').$type<RecordSnapshot[]>().notNull(),
    /** Every record's version right after the merge: an undo needs them unchanged. */
    versionsAfter: jsonb('versions_after').$type<Record<string, number>>().notNull(),
    /** The activities, contacts and subsidiaries moved to the survivor, and where from. */
    moves: jsonb('moves').$type<MergeMoves>().notNull(),
    mergeActivityId: uuid('merge_activity_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: uuid('undone_by'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('merges_survivor_idx').on(t.orgId, t.survivorId, t.id), index('merges_type_idx').on(t.orgId, t.entityType, t.id)],
);
