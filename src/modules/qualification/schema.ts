import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Answers, Question } from './model.ts';

// The qualification frameworks an org uses (BANT, MEDDIC, its own); exactly one is the default.
export const qualificationFrameworks = pgTable(
  'qualification_frameworks',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    questions: jsonb('questions').$type<Question[]>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('qualification_frameworks_name_idx').on(t.orgId, sql`lower(${t.name})`),
    uniqueIndex('qualification_frameworks_default_idx').on(t.orgId).where(sql`is_default`),
  ],
);

// A rep's answers for one lead in one framework.
export const leadQualifications = pgTable(
  'lead_qualifications',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    leadId: uuid('lead_id').notNull(),
    frameworkId: uuid('framework_id').notNull(),
    answers: jsonb('answers').$type<Answers>().notNull(),
    version: integer('version').notNull().default(1),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('lead_qualifications_lead_idx').on(t.orgId, t.leadId, t.frameworkId),
    index('lead_qualifications_framework_idx').on(t.orgId, t.frameworkId),
  ],
);
