import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One file being (or having been) imported, with the checkpoint a resumed run starts from. */
export const imports = pgTable(
  'imports',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** What the rows become; leads today. */
    object: text('object').notNull().default('lead'),
    fileName: text('file_name').notNull(),
    /** Where the upload is kept until the import ends, relative to the data directory. */
    storedPath: text('stored_path').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** What was uploaded: csv, or xlsx (its first sheet, converted to the CSV at storedPath; lines are sheet rows). */
    format: text('format').notNull().default('csv'),
    delimiter: text('delimiter').notNull(),
    encoding: text('encoding').notNull(),
    /** The header as the file has it, and the lead field (or null) each column feeds. */
    columns: jsonb('columns').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<(string | null)[]>().notNull(),
    dedupePolicy: text('dedupe_policy').notNull(),
    defaultOwnerId: uuid('default_owner_id'),
    defaultSource: text('default_source').notNull().default('import'),
    /** Who owns new leads without an owner cell: 'off' the default owner, 'rules' the active lead rule set. */
    routing: text('routing').notNull().default('off'),
    status: text('status').notNull().default('pending'),
    processed: integer('processed').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    // The checkpoint: the byte offset and physical line the next unread record starts at. It
    // moves in the same transaction as the rows it covers, so a resumed run reads each row once.
    resumeOffset: bigint('resume_offset', { mode: 'number' }).notNull(),
    resumeLine: integer('resume_line').notNull(),
    /** Which run holds the import, and when it last showed life (a stale one is taken over). */
    claimToken: text('claim_token'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('imports_unfinished_idx').on(t.heartbeatAt).where(sql`status in ('pending', 'running')`),
  ],
);

/**
 * Rows an import could not take, with the reason and the row's cells as read. Keyed by line:
 * one rejection per row, and a resumed run that tried to reject a row twice would fail loudly.
 */
export const importRejections = pgTable(
  'import_rejections',
  {
    orgId: uuid('org_id').notNull(),
    importId: uuid('import_id').notNull(),
    line: integer('line').notNull(),
    reason: text('reason').notNull(),
    cells: jsonb('cells').$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.importId, t.line] })],
);
