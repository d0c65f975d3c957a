import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import type { Jobs } from '../../core/jobs.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { ENGAGEMENT_KINDS, SENIORITIES } from './model.ts';
import { explainLeadScore, getRescoreProgress, getScoringRules, requestRescore, rescoreAfterRulesChange, updateScoringRules } from './service.ts';

const points = z.number().int().min(-100).max(100);
const listOperator = z.enum(['in', 'not_in']);

const customField = z.templateLiteral(['custom.', z.string().regex(/^[a-z][a-z0-9_]{0,62}$/)]).describe('A lead custom field as custom.<key>');

const fitRule = z
  .union([
    z.strictObject({ field: z.literal('industry'), operator: listOperator, values: z.array(z.string().trim().min(1).max(200)).max(200), points }),
    z.strictObject({
      field: z.literal('country'),
      operator: listOperator,
      values: z.array(z.string().regex(/^[A-Za-z]{2}$/, 'Use two-letter ISO country codes')).max(250),
      points,
    }),
    z.strictObject({ field: z.literal('titleSeniority'), operator: listOperator, values: z.array(z.enum(SENIORITIES)).max(5), points }),
    z.strictObject({
      field: z.literal('employeeCount'),
      operator: z.literal('between'),
      min: z.number().int().min(0).nullable().describe('Inclusive; null: no lower bound'),
      max: z.number().int().min(0).nullable().describe('Inclusive; null: no upper bound'),
      points,
    }),
    z.strictObject({ field: customField, operator: listOperator, values: z.array(z.string().trim().min(1).max(200)).max(200), points }),
    z.strictObject({ field: customField, operator: z.literal('between'), min: z.number().nullable(), max: z.number().nullable(), points }),
  ])
  .meta({ id: 'FitRule', description: 'Points when a known lead value matches; title seniority is derived from the job title' });

const engagementRule = z
  .strictObject({
    kind: z.enum(ENGAGEMENT_KINDS).describe('The activity kind on the lead timeline'),
    points: z.number().int().min(1).max(100).describe('For an event that happened just now'),
    halfLifeDays: z.number().min(0.5).max(365).describe('Days after which an event counts half'),
    maxEvents: z.number().int().min(1).max(100).describe('Only the most recent events of this kind count'),
  })
  .meta({ id: 'EngagementRule' });

const rules = { fit: z.array(fitRule).max(100), engagement: z.array(engagementRule).max(ENGAGEMENT_KINDS.length) };

const rulesSchema = z
  .object({ ...rules, version: z.number().int().describe('0 while the defaults apply'), updatedAt: z.string().nullable() })
  .meta({ id: 'ScoringRules' });

const rulesPut = z.strictObject({ ...rules, version: z.number().int().min(0).optional() }).meta({ id: 'ScoringRulesPut' });

const scoreSchema = z
  .object({
    leadId: z.uuid(),
    score: z.number().int(),
    fit: z.number().int(),
    engagement: z.number().int(),
    reasons: z.array(z.object({ points: z.number().int(), reason: z.string(), source: z.enum(['fit', 'engagement']) })),
    computedAt: z.string(),
  })
  .meta({ id: 'LeadScore' });

const progressSchema = z
  .object({
    state: z.enum(['none', 'queued', 'running', 'done']).describe('none: the org was never rescored in full'),
    rulesVersion: z.number().int().nullable(),
    total: z.number().int().describe('Leads to rescore'),
    done: z.number().int().describe('Leads rescored so far'),
    requestedAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'RescoreProgress' });

const TAGS = ['Scoring'];

export function scoringRoutes(app: FastifyInstance, db: Db, jobs: Jobs | undefined): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/scoring-rules', {
    config: { permission: 'scoring:manage' },
    schema: { tags: TAGS, summary: 'Read the lead-scoring rules (admins)', response: { 200: rulesSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const current = await getScoringRules(db, actorOf(request));
      return reply.header('etag', etagFor(current.version)).send(current);
    },
  });

  r.put('/api/v1/scoring-rules', {
    config: { permission: 'scoring:manage' },
    schema: {
      tags: TAGS,
      summary: 'Replace the lead-scoring rules (admins)',
      description:
        'Every lead of the organisation is then rescored in the background, in batches. Send `If-Match: "<version>"` so two admins do not overwrite each other.',
      headers: z.object({ 'if-match': z.string().optional() }),
      body: rulesPut,
      response: { 200: rulesSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const actor = actorOf(request);
      const saved = await updateScoringRules(db, actor, changes, expectedVersion(request.headers['if-match'], version));
      await rescoreAfterRulesChange(db, jobs, actor, saved.version);
      return reply.header('etag', etagFor(saved.version)).send(saved);
    },
  });

  r.get('/api/v1/scoring-rules/rescore', {
    config: { permission: 'scoring:manage' },
    schema: { tags: TAGS, summary: "How far the org's latest full rescore has come (admins)", response: { 200: progressSchema, ...errorResponses } },
    handler: async (request) => getRescoreProgress(db, actorOf(request)),
  });

  r.post('/api/v1/scoring-rules/rescore', {
    config: { permission: 'scoring:manage' },
    schema: {
      tags: TAGS,
      summary: 'Rescore every lead by the current rules (admins)',
      description: 'In the background, in batches; follow it with GET /api/v1/scoring-rules/rescore. Saving the rules starts the same run.',
      response: { 202: progressSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(202).send(await requestRescore(db, jobs, actorOf(request))),
  });

  r.get('/api/v1/leads/:id/score', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: "Why a lead scores what it does: every point with its reason, as of now",
      params: idParams,
      response: { 200: scoreSchema, ...errorResponses },
    },
    handler: async (request) => explainLeadScore(db, actorOf(request), request.params.id, new Date()),
  });
}
