// The routing API's request and response shapes (zod → validation and OpenAPI).
import { z } from 'zod';
import { WEEKDAYS } from './hours.model.ts';
import { OPERATORS, RULE_OBJECTS, RULE_SET_STATUSES, STRATEGIES } from './rules.model.ts';
import { TIMER_KINDS, TIMER_STATUSES } from './sla.model.ts';
import { TERRITORY_ROLES } from './territories.model.ts';

const interval = z.tuple([z.string().max(5), z.string().max(5)]);
export const weeklyHours = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(interval).max(12).optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<z.ZodArray<typeof interval>>>)
  .describe('Open intervals per weekday in local 24-hour time, e.g. {"mon": [["09:00", "17:00"]]}; a missing day is closed')
  .meta({ id: 'WeeklyHours' });

export const calendar = z
  .strictObject({ timeZone: z.string().min(1).max(64), hours: weeklyHours, holidays: z.array(z.string().max(10)).max(400).optional() })
  .meta({ id: 'BusinessCalendar' });

export const criteria = z
  .strictObject({
    countries: z.array(z.string().max(2)).max(300).optional(),
    regions: z.array(z.string().max(200)).max(300).optional(),
    postcodePrefixes: z.array(z.string().max(20)).max(1000).optional(),
    postcodeRanges: z.array(z.strictObject({ from: z.string().max(20), to: z.string().max(20) })).max(1000).optional(),
    industries: z.array(z.string().max(200)).max(300).optional(),
    minEmployees: z.number().int().min(0).optional(),
    maxEmployees: z.number().int().min(0).optional(),
    accountIds: z.array(z.uuid()).max(5000).optional(),
  })
  .describe('Every criterion given must hold (a list holds when any entry does); criteria are inherited from the parent territory')
  .meta({ id: 'TerritoryCriteria' });

export const member = z.strictObject({ userId: z.uuid(), role: z.enum(TERRITORY_ROLES) }).meta({ id: 'TerritoryMember' });

export const territoryInput = {
  name: z.string().max(200),
  parentId: z.uuid().nullable().optional(),
  priority: z.number().int().min(0).max(1_000_000).optional().describe('Breaks ties between territories of the same depth: lower wins'),
  criteria: criteria.optional(),
  members: z.array(member).max(500).optional(),
};

export const territorySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    parentId: z.uuid().nullable(),
    priority: z.number().int(),
    criteria,
    description: z.string(),
    path: z.array(z.string()),
    members: z.array(member),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Territory' });

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
export const condition = z
  .strictObject({
    field: z.string().min(1).max(64),
    op: z.enum(OPERATORS),
    value: scalar.optional(),
    values: z.array(scalar).max(1000).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .meta({ id: 'RuleCondition' });

export const target = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('team'), teamId: z.uuid() }),
    z.strictObject({ type: z.literal('territory'), territoryId: z.uuid() }),
    z.strictObject({ type: z.literal('record_territory') }),
    z.strictObject({ type: z.literal('users'), userIds: z.array(z.uuid()).max(200) }),
  ])
  .meta({ id: 'RuleTarget' });

export const ruleInput = z
  .strictObject({
    name: z.string().max(200),
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(condition).max(50).default([]),
    strategy: z.enum(STRATEGIES),
    target,
    weights: z.record(z.string(), z.number()).optional(),
    accountOwnerFirst: z.boolean().optional(),
  })
  .meta({ id: 'RuleInput' });

export const escalation = z.strictObject({ reassign: z.boolean(), notifyManager: z.boolean() }).meta({ id: 'SlaEscalation' });

export const ruleSetSettings = {
  name: z.string().max(200),
  fallbackOwnerId: z.uuid().nullable().optional(),
  slaMinutes: z.number().int().nullable().optional().describe('Lead rule sets: first touch due within N business minutes; hand-off rule sets: accept within N'),
  businessHours: calendar.nullable().optional().describe('The hours the SLA clock runs in; null: around the clock'),
  escalation: escalation.optional(),
  rules: z.array(ruleInput).max(500),
};

export const ruleSetSchema = z
  .object({
    id: z.uuid(),
    object: z.enum(RULE_OBJECTS),
    name: z.string(),
    version: z.number().int(),
    status: z.enum(RULE_SET_STATUSES),
    fallbackOwnerId: z.uuid().nullable(),
    slaMinutes: z.number().int().nullable(),
    businessHours: calendar.nullable(),
    escalation,
    rules: z.array(ruleInput.extend({ id: z.uuid() })),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    activatedAt: z.string().nullable(),
    activatedBy: z.uuid().nullable(),
  })
  .meta({ id: 'RuleSet' });

export const candidateSchema = z.object({ userId: z.string(), name: z.string(), available: z.boolean(), note: z.string().nullable() });

export const decisionSchema = z
  .object({
    id: z.uuid(),
    subjectType: z.string(),
    subjectId: z.uuid(),
    kind: z.string(),
    ruleSetId: z.uuid().nullable(),
    ruleSetVersion: z.number().int().nullable(),
    ruleId: z.uuid().nullable(),
    ruleName: z.string().nullable(),
    reason: z.string(),
    candidates: z.array(candidateSchema),
    ownerId: z.uuid().nullable(),
    previousOwnerId: z.uuid().nullable(),
    territoryId: z.uuid().nullable(),
    actorId: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'RoutingDecision' });

export const dryRunSchema = z
  .object({
    ruleSetId: z.uuid(),
    version: z.number().int(),
    object: z.enum(RULE_OBJECTS),
    simulatedAt: z.string(),
    rows: z.array(
      z.object({
        subjectId: z.uuid(),
        label: z.string(),
        arrivedAt: z.string(),
        territoryId: z.uuid().nullable(),
        currentOwnerId: z.uuid().nullable(),
        proposedOwnerId: z.uuid().nullable(),
        ruleName: z.string().nullable(),
        ruleNumber: z.number().int().nullable(),
        reason: z.string(),
        changed: z.boolean(),
      }),
    ),
    byOwner: z.array(z.object({ userId: z.uuid().nullable(), name: z.string(), current: z.number().int(), proposed: z.number().int() })),
    changed: z.number().int(),
    unassigned: z.number().int(),
  })
  .meta({ id: 'RoutingDryRun' });

export const clockSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(TIMER_KINDS),
    subjectType: z.string(),
    subjectId: z.uuid(),
    ownerId: z.uuid(),
    minutes: z.number().int(),
    startedAt: z.string(),
    dueAt: z.string(),
    status: z.enum(TIMER_STATUSES),
    stoppedAt: z.string().nullable(),
    outcome: z.string().nullable(),
  })
  .meta({ id: 'SlaClock' });

const counts = z.object({ running: z.number().int(), met: z.number().int(), breached: z.number().int(), cancelled: z.number().int() });
export const slaReportSchema = z
  .object({
    counts,
    breachRate: z.number().nullable().describe('Breached ÷ (met + breached)'),
    byOwner: z.array(z.object({ ownerId: z.uuid(), counts, breachRate: z.number().nullable() })),
  })
  .meta({ id: 'SlaReport' });

export const availabilitySchema = z
  .object({
    userId: z.uuid(),
    timeZone: z.string(),
    outOfOfficeUntil: z.string().nullable(),
    workingHours: weeklyHours.nullable(),
    dailyCap: z.number().int().nullable(),
    assignedToday: z.number().int(),
    availableNow: z.boolean(),
    unavailableBecause: z.string().nullable(),
  })
  .meta({ id: 'Availability' });

export const availabilityInput = z
  .strictObject({
    outOfOfficeUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    workingHours: weeklyHours.nullable().optional(),
    dailyCap: z.number().int().min(0).max(10_000).nullable().optional(),
  })
  .meta({ id: 'AvailabilityChanges' });
