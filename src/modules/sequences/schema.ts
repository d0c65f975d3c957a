import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { SequenceStep } from './model.ts';

// A cadence: ordered steps over business days. Steps live in the row (with stable ids, for
// per-step metrics), so an edit is one versioned change.
export const sequences = pgTable(
  'sequences',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** active, paused (steps wait), archived (no new enrollments, steps wait). */
    status: text('status').notNull().default('active'),
    /** Whether someone already active in another sequence may be enrolled in this one too. */
    allowConcurrent: boolean('allow_concurrent').notNull().default(false),
    steps: jsonb('steps').$type<SequenceStep[]>().notNull(),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('sequences_name_idx').on(t.orgId, t.name, t.id)],
);

export const sequenceEnrollments = pgTable(
  'sequence_enrollments',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    sequenceId: uuid('sequence_id').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** The prospect's zone: business days and send times are theirs. */
    timeZone: text('time_zone').notNull(),
    /** Whose name and mailbox the emails go out under. */
    senderId: uuid('sender_id').notNull(),
    /** active, finished, exited. */
    status: text('status').notNull().default('active'),
    exitReason: text('exit_reason'),
    /** Index of the next step in the sequence's steps. */
    stepIndex: integer('step_index').notNull().default(0),
    /** When that step is due; null while a manual step waits for the rep. */
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
    /** The manual step the rep has still to do (its task), if any. */
    waitingStepId: text('waiting_step_id'),
    enrolledBy: uuid('enrolled_by'),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // The scheduler's one query spans orgs: due active enrollments, oldest due first.
    index('sequence_enrollments_due_idx').on(t.nextDueAt).where(sql`status = 'active'`),
    index('sequence_enrollments_subject_idx').on(t.orgId, t.subjectType, t.subjectId),
    index('sequence_enrollments_sequence_idx').on(t.orgId, t.sequenceId, t.id),
    // Manual steps waiting for a rep (Today, the call queue's sequence source).
    index('sequence_enrollments_waiting_idx').on(t.orgId, t.senderId, t.sequenceId).where(sql`status = 'active' and waiting_step_id is not null`),
  ],
);

// One row per step an enrollment has run: the primary key is the exactly-once guard.
export const sequenceStepRuns = pgTable(
  'sequence_step_runs',
  {
    orgId: uuid('org_id').notNull(),
    enrollmentId: uuid('enrollment_id').notNull(),
    stepIndex: integer('step_index').notNull(),
    sequenceId: uuid('sequence_id').notNull(),
    stepId: text('step_id').notNull(),
    /** sent, failed, skipped, task_open, done. */
    outcome: text('outcome').notNull(),
    emailId: uuid('email_id'),
    activityId: uuid('activity_id'),
    detail: text('detail'),
    ranAt: timestamp('ran_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.enrollmentId, t.stepIndex] }), index('sequence_step_runs_sequence_idx').on(t.orgId, t.sequenceId)],
);
