import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// A rep's to-dos: call back, send the deck, check in. Linked to a record or free-standing.
export const tasks = pgTable(
  'tasks',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    title: text('title').notNull(),
    notes: text('notes').notNull().default(''),
    /** `call` tasks are what a rep's "calls due" and the call queue read; `todo` is anything else. */
    type: text('type').notNull().default('todo'),
    ownerId: uuid('owner_id').notNull(),
    subjectType: text('subject_type'),
    subjectId: uuid('subject_id'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    remindAt: timestamp('remind_at', { withTimezone: true }),
    /** Set once by the reminder job, so a reminder fires once however often its job runs. */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    status: text('status').notNull().default('open'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('tasks_owner_open_idx').on(t.orgId, t.ownerId, t.dueAt, t.id).where(sql`status = 'open'`),
    index('tasks_subject_idx').on(t.orgId, t.subjectType, t.subjectId).where(sql`status = 'open'`),
    // The reminder sweep: open tasks whose reminder has not gone out.
    index('tasks_reminder_idx').on(t.remindAt).where(sql`status = 'open' and reminded_at is null and remind_at is not null`),
  ],
);
