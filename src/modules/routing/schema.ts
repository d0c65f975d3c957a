import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { WeeklyHours, BusinessCalendar } from './hours.model.ts';
import type { CandidateNote } from './distribution.model.ts';
import type { Condition, Escalation, Target } from './rules.model.ts';
import type { TerritoryCriteria } from './territories.model.ts';

// Territories form a tree (parent_id); criteria are inherited down it. `priority` breaks ties
// between territories of the same depth (lower first).
export const territories = pgTable(
  'territories',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    parentId: uuid('parent_id'),
    priority: integer('priority').notNull().default(100),
    criteria: jsonb('criteria').$type<TerritoryCriteria>().notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('territories_parent_idx').on(t.orgId, t.parentId)],
);

export const territoryMembers = pgTable(
  'territory_members',
  {
    orgId: uuid('org_id').notNull(),
    territoryId: uuid('territory_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.territoryId, t.userId] }), index('territory_members_user_idx').on(t.orgId, t.userId)],
);

// One row per version of an object's rule set; at most one active per object. Only drafts change.
export const ruleSets = pgTable(
  'rule_sets',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    object: text('object').notNull(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    status: text('status').notNull().default('draft'),
    fallbackOwnerId: uuid('fallback_owner_id'),
    slaMinutes: integer('sla_minutes'),
    businessHours: jsonb('business_hours').$type<BusinessCalendar>(),
    escalation: jsonb('escalation').$type<Escalation>().notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    activatedBy: uuid('activated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('rule_sets_version_key').on(t.orgId, t.object, t.version),
    uniqueIndex('rule_sets_active_key').on(t.orgId, t.object).where(sql`status = 'active'`),
  ],
);

export const routingRules = pgTable(
  'routing_rules',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    ruleSetId: uuid('rule_set_id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    match: text('match').notNull().default('all'),
    conditions: jsonb('conditions').$type<Condition[]>().notNull(),
    strategy: text('strategy').notNull(),
    target: jsonb('target').$type<Target>().notNull(),
    weights: jsonb('weights').$type<Record<string, number>>(),
    accountOwnerFirst: boolean('account_owner_first').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('routing_rules_set_idx').on(t.orgId, t.ruleSetId, t.position)],
);

// Where each rotation stands, keyed by its pool (a team, a territory's reps, a list of users), so a
// new rule set version continues the turns where the last one left off. Locked FOR UPDATE by the
// assignment transaction: two leads arriving at once never get the same turn.
export const routingRotations = pgTable(
  'routing_rotations',
  {
    orgId: uuid('org_id').notNull(),
    key: text('key').notNull(),
    lastUserId: uuid('last_user_id'),
    credits: jsonb('credits').$type<Record<string, number>>().notNull().default({}),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] })],
);

// A person's availability for routing, and today's count of new records against their cap
// (`counted_day` is their local day; a new day starts the count again).
export const userAvailability = pgTable(
  'user_availability',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    outOfOfficeUntil: timestamp('out_of_office_until', { withTimezone: true }),
    workingHours: jsonb('working_hours').$type<WeeklyHours>(),
    dailyCap: integer('daily_cap'),
    countedDay: text('counted_day'),
    assignedOnDay: integer('assigned_on_day').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] })],
);

// Every routing decision with its reason: shown on the record and queryable.
export const routingDecisions = pgTable(
  'routing_decisions',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    kind: text('kind').notNull(),
    ruleSetId: uuid('rule_set_id'),
    ruleSetVersion: integer('rule_set_version'),
    ruleId: uuid('rule_id'),
    ruleName: text('rule_name'),
    reason: text('reason').notNull(),
    candidates: jsonb('candidates').$type<CandidateNote[]>().notNull().default([]),
    ownerId: uuid('owner_id'),
    previousOwnerId: uuid('previous_owner_id'),
    territoryId: uuid('territory_id'),
    actorId: uuid('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('routing_decisions_subject_idx').on(t.orgId, t.subjectId, t.id),
    index('routing_decisions_owner_idx').on(t.orgId, t.ownerId, t.id),
    index('routing_decisions_rule_set_idx').on(t.orgId, t.ruleSetId, t.id),
  ],
);

// Speed-to-lead and hand-off clocks. The row is the truth (written with the assignment); a
// pg-boss job due at `due_at` acts on it, and acts only while it is still running.
export const slaTimers = pgTable(
  'sla_timers',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    ownerId: uuid('owner_id').notNull(),
    ruleSetId: uuid('rule_set_id'),
    decisionId: uuid('decision_id'),
    minutes: integer('minutes').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status').notNull().default('running'),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    outcome: text('outcome'),
    jobQueuedAt: timestamp('job_queued_at', { withTimezone: true }),
    /** When the owner was told the clock is about to run out (notifications' sla_warning). */
    warnedAt: timestamp('warned_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('sla_timers_subject_idx').on(t.orgId, t.subjectId).where(sql`status = 'running'`),
    index('sla_timers_owner_idx').on(t.orgId, t.ownerId, t.startedAt),
    // The sweeper's look-up across orgs: running clocks without a queued job.
    index('sla_timers_unqueued_idx').on(t.dueAt).where(sql`status = 'running' and job_queued_at is null`),
    // The sweeper's other look-up: running clocks whose owner has not been warned yet.
    index('sla_timers_unwarned_idx').on(t.dueAt).where(sql`status = 'running' and warned_at is null`),
  ],
);

// A qualified lead's opportunity handed from the rep who sourced it to an executive.
export const handoffs = pgTable(
  'handoffs',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    leadId: uuid('lead_id'),
    fromUserId: uuid('from_user_id'),
    toUserId: uuid('to_user_id'),
    status: text('status').notNull().default('pending'),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
    decisionId: uuid('decision_id'),
    acceptDueAt: timestamp('accept_due_at', { withTimezone: true }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    declineReason: text('decline_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('handoffs_to_idx').on(t.orgId, t.toUserId, t.status),
    index('handoffs_opportunity_idx').on(t.orgId, t.opportunityId),
  ],
);
