import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, isoDateTime, limitQuery } from '../../http/schemas.ts';
import { DECISION_KINDS, SUBJECT_TYPES, listDecisions } from './assignment.service.ts';
import { dryRun } from './dry-run.service.ts';
import { handoffRoutes } from './handoffs.routes.ts';
import { reassignOwner, rerouteLeads } from './reassignment.service.ts';
import { RULE_OBJECTS, RULE_SET_STATUSES } from './rules.model.ts';
import { activateRuleSet, copyRuleSet, createRuleSet, deleteRuleSet, getRuleSet, listRuleSets, updateRuleSet } from './rule-sets.service.ts';
import { clockSchema, decisionSchema, dryRunSchema, ruleSetSchema, ruleSetSettings, slaReportSchema } from './schemas.ts';
import { TIMER_KINDS } from './sla.model.ts';
import { clocksOf, slaReport } from './sla.service.ts';
import { territoryRoutes } from './territories.routes.ts';

const TAGS = ['Routing'];

const ruleSetCreate = z.strictObject({ object: z.enum(RULE_OBJECTS), ...ruleSetSettings, rules: ruleSetSettings.rules.default([]) }).meta({ id: 'RuleSetCreate' });
const ruleSetUpdate = z.strictObject({ ...ruleSetSettings, name: ruleSetSettings.name.optional(), rules: ruleSetSettings.rules.optional() }).meta({ id: 'RuleSetUpdate' });

/** Territories, rule sets, decisions, SLA clocks, reassignment and hand-offs. */
export function routingRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  territoryRoutes(app, db);
  handoffRoutes(app, db);

  r.get('/api/v1/routing/rule-sets', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'List rule set versions',
      querystring: z.strictObject({ object: z.enum(RULE_OBJECTS).optional(), status: z.enum(RULE_SET_STATUSES).optional() }),
      response: { 200: z.object({ data: z.array(ruleSetSchema), nextCursor: z.null() }), ...errorResponses },
    },
    handler: async (request) => ({ data: await listRuleSets(db, actorOf(request), request.query), nextCursor: null }),
  });

  r.post('/api/v1/routing/rule-sets', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Create a draft rule set version',
      description:
        'Rules are tried in order; the first whose conditions hold (all or any) picks the pool (a team, a territory, the record’s own territory, or users) and the strategy. ' +
        'Nobody available, or no rule matching, goes to the fallback owner. Activate the draft to use it.',
      body: ruleSetCreate,
      response: { 201: ruleSetSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createRuleSet(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/routing/rule-sets/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a rule set version', params: idParams, response: { 200: ruleSetSchema, ...errorResponses } },
    handler: async (request) => getRuleSet(db, actorOf(request), request.params.id),
  });

  r.patch('/api/v1/routing/rule-sets/:id', {
    config: { permission: 'routing:manage' },
    schema: { tags: TAGS, summary: 'Change a draft (rules, when given, replace the draft’s rules)', params: idParams, body: ruleSetUpdate, response: { 200: ruleSetSchema, ...errorResponses } },
    handler: async (request) => updateRuleSet(db, actorOf(request), request.params.id, request.body),
  });

  r.delete('/api/v1/routing/rule-sets/:id', {
    config: { permission: 'routing:manage' },
    schema: { tags: TAGS, summary: 'Delete a draft', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteRuleSet(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/routing/rule-sets/:id/copy', {
    config: { permission: 'routing:manage' },
    schema: { tags: TAGS, summary: 'Start a new draft from any version', params: idParams, response: { 201: ruleSetSchema, ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(await copyRuleSet(db, actorOf(request), request.params.id)),
  });

  r.post('/api/v1/routing/rule-sets/:id/activate', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Make this version the active one (audited; the previous one is archived)',
      params: idParams,
      body: z.strictObject({ reason: z.string().max(500).optional() }).optional(),
      response: { 200: ruleSetSchema, ...errorResponses },
    },
    handler: async (request) => activateRuleSet(db, actorOf(request), request.params.id, request.body?.reason),
  });

  r.post('/api/v1/routing/rule-sets/:id/dry-run', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Who would have got what: replay the last N records through this version',
      description: 'The records are replayed as if they arrived now, oldest first, from a snapshot of today’s counters (rotations, daily counts, open load); nothing is changed. `at` checks availability at another moment.',
      params: idParams,
      body: z.strictObject({ lastN: z.number().int().min(1).max(1000).default(50), at: isoDateTime.optional() }),
      response: { 200: dryRunSchema, ...errorResponses },
    },
    handler: async (request) => dryRun(db, actorOf(request), request.params.id, { lastN: request.body.lastN, at: request.body.at ? new Date(request.body.at) : undefined }),
  });

  r.get('/api/v1/routing/decisions', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Routing decisions with their reasons, newest first',
      querystring: z.strictObject({
        leadId: z.uuid().optional(),
        subjectId: z.uuid().optional(),
        subjectType: z.enum(SUBJECT_TYPES).optional(),
        ownerId: z.uuid().optional(),
        ruleSetId: z.uuid().optional(),
        kind: z.enum(DECISION_KINDS).optional(),
        cursor: z.string().max(1000).optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(decisionSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => {
      const { leadId, ...filter } = request.query;
      return listDecisions(db, actorOf(request), leadId ? { ...filter, subjectId: leadId, subjectType: 'lead' } : filter);
    },
  });

  r.get('/api/v1/routing/clocks', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'The speed-to-lead (or hand-off) clocks of a record',
      querystring: z.strictObject({ subjectId: z.uuid() }),
      response: { 200: z.object({ data: z.array(clockSchema) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await clocksOf(db, actorOf(request), request.query.subjectId) }),
  });

  r.get('/api/v1/routing/sla', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Speed-to-lead metrics: clocks started in a period by outcome, overall and per owner',
      querystring: z.strictObject({ from: isoDateTime.optional(), to: isoDateTime.optional(), kind: z.enum(TIMER_KINDS).optional(), ownerId: z.uuid().optional() }),
      response: { 200: slaReportSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { from, to, ...rest } = request.query;
      return slaReport(db, actorOf(request), { ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
    },
  });

  r.post('/api/v1/routing/route', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Route existing leads now by the active lead rule set, in the order given',
      body: z.strictObject({ leadIds: z.array(z.uuid()).min(1).max(1000), reason: z.string().max(500).optional() }),
      response: { 200: z.object({ data: z.array(z.object({ leadId: z.uuid(), ownerId: z.uuid().nullable(), reason: z.string().nullable() })) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await rerouteLeads(db, actorOf(request), request.body.leadIds, request.body.reason) }),
  });

  r.post('/api/v1/routing/reassign', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Reassign everything a person owns (a rep leaves)',
      description: 'Open leads and live accounts go to `toUserId`, or, without it, are routed again by the active rules without the person. Every move is logged with the reason.',
      body: z.strictObject({
        fromUserId: z.uuid(),
        toUserId: z.uuid().optional(),
        reason: z.string().min(1).max(500),
        leads: z.boolean().default(true),
        accounts: z.boolean().default(true),
      }),
      response: {
        200: z.object({ leads: z.object({ moved: z.number().int(), unassigned: z.number().int() }), accounts: z.object({ moved: z.number().int(), unassigned: z.number().int() }) }),
        ...errorResponses,
      },
    },
    handler: async (request) => reassignOwner(db, actorOf(request), request.body),
  });
}
