import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// Everything that happened with a lead, contact, account or opportunity: notes, form
// submissions, calls, emails, meetings, merges. Later capabilities add kinds, not tables.
export const activities = pgTable(
  'activities',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    kind: text('kind').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    actorId: uuid('actor_id'),
    summary: text('summary').notNull().default(''),
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('activities_timeline_idx').on(t.orgId, t.subjectType, t.subjectId, t.occurredAt, t.id),
    // A rep's own activity by day (Today's goals), and a phone system's call posted twice stays one call.
    index('activities_actor_idx').on(t.orgId, t.actorId, t.occurredAt),
    // Global search over notes' text (full text, language-neutral 'simple' configuration).
    index('activities_note_text_idx').using('gin', sql`to_tsvector('simple', ${t.summary})`).where(sql`kind = 'note'`),
    uniqueIndex('activities_external_call_idx').on(t.orgId, sql`(details->>'externalCallId')`).where(sql`(details->>'externalCallId') is not null`),
  ],
);
