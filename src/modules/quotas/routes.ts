import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { DEAL_KINDS, PERIOD_KINDS, QUOTA_METRICS } from './model.ts';
import { attainmentReport, deleteQuota, listQuotas, quotaHistory, setQuota } from './service.ts';

const TAGS = ['Quotas'];
const periodKey = z
  .string()
  .regex(/^FY\d{4}(-(Q[1-4]|M(0[1-9]|1[0-2])))?$/, 'Use FY2027, FY2027-Q1 or FY2027-M01')
  .describe('A fiscal period: FY2027 (the fiscal year ending in 2027), FY2027-Q1, FY2027-M01');
const currency = z.string().regex(/^[A-Za-z]{3}$/, 'An ISO 4217 code');

const periodSchema = z.object({ key: z.string(), kind: z.enum(PERIOD_KINDS), start: z.string(), end: z.string().describe('The first day after the period') });

const quotaSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(['user', 'team']),
    scopeId: z.uuid(),
    periodKey: z.string(),
    periodKind: z.enum(PERIOD_KINDS),
    periodStart: z.string(),
    periodEnd: z.string(),
    metric: z.enum(QUOTA_METRICS),
    dealKind: z.enum(DEAL_KINDS),
    currency: z.string().nullable(),
    target: z.number(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Quota' });

const attainmentFields = {
  target: z.number(),
  actual: z.number(),
  attainment: z.number().nullable().describe('actual / target (1 = 100 %)'),
  expectedToDate: z.number().describe('target × business days elapsed (today included) / business days in the period'),
  pace: z.number().nullable().describe('actual / expectedToDate'),
  gap: z.number(),
  businessDaysElapsed: z.number().int(),
  businessDaysTotal: z.number().int(),
};

const reportSchema = z
  .object({
    period: periodSchema,
    metric: z.enum(QUOTA_METRICS),
    dealKind: z.enum(DEAL_KINDS),
    currency: z.string().nullable(),
    today: z.string(),
    users: z.array(z.object({ userId: z.uuid(), name: z.string(), teamId: z.uuid().nullable(), quotaId: z.uuid().nullable(), ...attainmentFields })),
    teams: z.array(
      z.object({
        teamId: z.uuid(),
        name: z.string(),
        quotaId: z.uuid().nullable(),
        membersTarget: z.number().describe('Σ member quotas prorated by days in the team'),
        ownTarget: z.boolean().describe('The team has its own quota (it may differ from membersTarget)'),
        members: z.array(z.object({ userId: z.uuid(), name: z.string(), daysInTeam: z.number().int(), proratedTarget: z.number(), actualInTeam: z.number() })),
        ...attainmentFields,
      }),
    ),
    leaderboard: z.array(z.object({ userId: z.uuid(), name: z.string(), target: z.number(), actual: z.number(), attainment: z.number().nullable(), rank: z.number().int() })),
  })
  .meta({ id: 'QuotaAttainment' });

export function quotaRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/quotas', {
    config: { permission: 'quotas:read' },
    schema: {
      tags: TAGS,
      summary: 'Quotas you may see',
      querystring: z.strictObject({ period: periodKey.optional(), scope: z.enum(['user', 'team']).optional(), scopeId: z.uuid().optional() }),
      response: { 200: z.object({ data: z.array(quotaSchema) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await listQuotas(db, actorOf(request), request.query) }),
  });

  r.put('/api/v1/quotas', {
    config: { permission: 'quotas:manage' },
    schema: {
      tags: TAGS,
      summary: 'Set a quota for a user or a team and a fiscal period (managers for their teams, admins)',
      description:
        'One target per user or team, period, metric and deal kind: setting it again replaces it (audited with before and after). `closed_won` targets are minor units of `currency` (default: the org\'s deal currency) and may be split by `dealKind`.',
      body: z.strictObject({
        scope: z.enum(['user', 'team']),
        scopeId: z.uuid(),
        period: periodKey,
        metric: z.enum(QUOTA_METRICS),
        dealKind: z.enum(DEAL_KINDS).optional(),
        currency: currency.optional(),
        target: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      }),
      response: { 200: quotaSchema, ...errorResponses },
    },
    handler: async (request) => setQuota(db, actorOf(request), request.body),
  });

  r.delete('/api/v1/quotas/:id', {
    config: { permission: 'quotas:manage' },
    schema: { tags: TAGS, summary: 'Remove a quota', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteQuota(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/quotas/attainment', {
    config: { permission: 'quotas:read' },
    schema: {
      tags: TAGS,
      summary: 'Attainment, pacing, gap and leaderboard for a period and metric',
      description:
        'Pacing is linear by business days (Monday–Friday; holidays are not modelled). A team counts each member\'s results and prorated quota only for the days the member was in the team.',
      querystring: z.strictObject({
        period: periodKey.optional().describe('Default: the current period of `kind`'),
        kind: z.enum(PERIOD_KINDS).optional(),
        metric: z.enum(QUOTA_METRICS).default('closed_won'),
        dealKind: z.enum(DEAL_KINDS).optional(),
        currency: currency.optional(),
      }),
      response: { 200: reportSchema, ...errorResponses },
    },
    handler: async (request) => attainmentReport(db, actorOf(request), request.query),
  });

  r.get('/api/v1/quotas/history', {
    config: { permission: 'quotas:read' },
    schema: {
      tags: TAGS,
      summary: 'Target and actual of a user or team over past periods',
      querystring: z.strictObject({
        scope: z.enum(['user', 'team']),
        scopeId: z.uuid(),
        kind: z.enum(PERIOD_KINDS).default('quarter'),
        count: z.coerce.number().int().min(1).max(12).default(4),
        metric: z.enum(QUOTA_METRICS).default('closed_won'),
        dealKind: z.enum(DEAL_KINDS).optional(),
        currency: currency.optional(),
      }),
      response: { 200: z.object({ data: z.array(z.object({ period: periodSchema, target: z.number(), actual: z.number(), attainment: z.number().nullable() })) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await quotaHistory(db, actorOf(request), request.query) }),
  });
}
