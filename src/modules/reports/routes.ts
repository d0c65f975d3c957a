import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, isoDateTime } from '../../http/schemas.ts';
import { FUNNEL_STEPS, HINT_METRICS, PERIODS, periodRange, type Period } from './model.ts';
import { CHARTS, chartCsv } from './export.ts';
import {
  activityRecords,
  activityReport,
  checkRange,
  FUNNEL_GROUPS,
  funnelRecords,
  funnelReport,
  hintsReport,
  PIPELINE_SETS,
  pipelineRecords,
  pipelineReport,
  ACTIVITY_METRICS,
  type ReportFilter,
} from './service.ts';

const TAGS = ['Reports'];

export const reportQuery = z.strictObject({
  period: z.enum(PERIODS).optional().describe('A calendar period (UTC) holding `at`; default month. Ignored when `from` and `to` are given'),
  at: isoDateTime.optional().describe('A moment inside the period; default now'),
  from: isoDateTime.optional(),
  to: isoDateTime.optional().describe('Exclusive'),
  repId: z.uuid().optional(),
  teamId: z.uuid().optional().describe('The team and the teams under it'),
  source: z.string().max(100).optional(),
  territoryId: z.uuid().optional(),
});
type ReportQuery = z.infer<typeof reportQuery>;

export function reportFilter(q: ReportQuery, now = new Date()): ReportFilter {
  const period: Period | undefined = q.from && q.to ? undefined : (q.period ?? 'month');
  const range = q.from && q.to ? { from: new Date(q.from), to: new Date(q.to) } : periodRange(period!, q.at ? new Date(q.at) : now);
  checkRange(range);
  return { ...range, period, repId: q.repId, teamId: q.teamId, source: q.source, territoryId: q.territoryId };
}

const rateSchema = z.number().nullable();
const funnelRowSchema = z.object({ step: z.enum(FUNNEL_STEPS), count: z.number().int(), conversion: rateSchema, fromStart: rateSchema, medianDays: z.number().nullable() });
const funnelSchema = z
  .object({ from: z.string(), to: z.string(), steps: z.array(funnelRowSchema), leak: z.string().nullable(), groups: z.array(z.object({ key: z.string().nullable(), steps: z.array(funnelRowSchema) })) })
  .meta({ id: 'FunnelReport' });
const goalsSchema = z.object({ calls: z.number().nullable(), connects: z.number().nullable(), emails: z.number().nullable() });
const activityRowSchema = z.object({
  calls: z.number().int(),
  connects: z.number().int(),
  emails: z.number().int(),
  replies: z.number().int(),
  meetingsBooked: z.number().int(),
  meetingsHeld: z.number().int(),
  connectRate: rateSchema,
  replyRate: rateSchema,
  goals: goalsSchema,
  attainment: goalsSchema,
});
const activitySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bucket: z.enum(['day', 'week']),
    rows: z.array(activityRowSchema.extend({ repId: z.string(), repName: z.string(), bucket: z.string() })),
    totals: activityRowSchema,
    speedToLead: z.object({ clocks: z.number().int(), met: z.number().int(), breached: z.number().int(), running: z.number().int(), compliance: rateSchema, medianMinutes: z.number().nullable() }),
  })
  .meta({ id: 'ActivityReport' });
const pipelineSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    currencies: z.array(z.string()),
    target: z.number().nullable(),
    targetFrom: z.enum(['quota', 'parameter']).nullable(),
    quotaPeriod: z.string().nullable(),
    openAmount: z.number(),
    openDeals: z.number().int(),
    created: z.object({ deals: z.number().int(), amount: z.number() }),
    closed: z.object({ won: z.number().int(), lost: z.number().int(), wonAmount: z.number() }),
    winRate: rateSchema,
    averageDealSize: z.number().nullable(),
    medianCycleDays: z.number().nullable(),
    slippageRate: rateSchema,
    remainingTarget: z.number().nullable(),
    coverage: z.number().nullable(),
    lossReasons: z.array(z.object({ reason: z.string(), deals: z.number().int(), amount: z.number() })),
    stages: z.array(z.object({ stageId: z.string(), name: z.string(), reached: z.number().int(), toNext: rateSchema })),
  })
  .meta({ id: 'PipelineReport' });
const hintsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    previousFrom: z.string(),
    previousTo: z.string(),
    leak: z.string().nullable(),
    hints: z.array(z.object({ kind: z.enum(['territory', 'team', 'source', 'rep']), key: z.string(), metric: z.enum(HINT_METRICS), previous: z.number(), current: z.number(), change: z.number(), text: z.string() })),
  })
  .meta({ id: 'ReportHints' });
const currencyParam = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'An ISO 4217 code such as EUR')
  .optional()
  .describe('The deals\' currency (ISO 4217); default the org\'s deal currency');
const targetParam = z.coerce.number().int().min(0).optional().describe('A target in minor units instead of the quotas, for coverage');
const pageQuery = { offset: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(500).default(50) };
const recordsSchema = z
  .object({ data: z.array(z.record(z.string(), z.unknown())), total: z.number().int(), offset: z.number().int(), limit: z.number().int() })
  .meta({ id: 'ReportRecords' });

export function reportRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/reports/funnel', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Funnel: leads created in the period → qualified → opportunities → won → customers, with conversion and median days between steps',
      querystring: reportQuery.extend({ groupBy: z.enum(FUNNEL_GROUPS).optional() }),
      response: { 200: funnelSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { groupBy, ...q } = request.query;
      return funnelReport(db, actorOf(request), reportFilter(q), groupBy);
    },
  });

  r.get('/api/v1/reports/funnel/records', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'The records behind a funnel number: leads, deals or customer accounts, paged',
      querystring: reportQuery.extend({ step: z.enum(FUNNEL_STEPS), ...pageQuery }),
      response: { 200: recordsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { step, offset, limit, ...q } = request.query;
      return funnelRecords(db, actorOf(request), reportFilter(q), step, { offset, limit });
    },
  });

  r.get('/api/v1/reports/activity', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Activity per rep per day or week against daily goals: calls, connects, emails, replies, meetings booked and held; speed-to-lead',
      querystring: reportQuery.extend({ bucket: z.enum(['day', 'week']).default('week') }),
      response: { 200: activitySchema, ...errorResponses },
    },
    handler: async (request) => {
      const { bucket, ...q } = request.query;
      return activityReport(db, actorOf(request), reportFilter(q), bucket);
    },
  });

  r.get('/api/v1/reports/activity/records', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'The calls, connects, emails or replies behind an activity number, paged',
      querystring: reportQuery.extend({ metric: z.enum(ACTIVITY_METRICS), ...pageQuery }),
      response: { 200: recordsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { metric, offset, limit, ...q } = request.query;
      return activityRecords(db, actorOf(request), reportFilter(q), metric, { offset, limit });
    },
  });

  r.get('/api/v1/reports/pipeline', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Pipeline: coverage, created vs closed, win rate, average deal, cycle length, stage conversion, slippage, loss reasons',
      description:
        'One currency at a time (the org\'s default unless `currency` names another): only its deals count and amounts are its minor units; currencies are never added up. Coverage is open pipeline closing in the period over the target minus what was won; the target is the closed-won quota of the rep, team or org when the range is one fiscal month, quarter or year, unless `target` gives one.',
      querystring: reportQuery.extend({ currency: currencyParam, target: targetParam }),
      response: { 200: pipelineSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { target, currency, ...q } = request.query;
      return pipelineReport(db, actorOf(request), reportFilter(q), { currency, target });
    },
  });

  r.get('/api/v1/reports/pipeline/records', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'The deals behind a pipeline number (open, created, won, lost, slipped), paged',
      querystring: reportQuery.extend({ set: z.enum(PIPELINE_SETS), currency: currencyParam, ...pageQuery }),
      response: { 200: recordsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { set, offset, limit, currency, ...q } = request.query;
      return pipelineRecords(db, actorOf(request), reportFilter(q), set, { offset, limit }, currency);
    },
  });

  r.get('/api/v1/reports/hints', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Improvement hints: the biggest changes against the previous period per territory, source, team and rep, and the leakiest funnel step',
      querystring: reportQuery,
      response: { 200: hintsSchema, ...errorResponses },
    },
    handler: async (request) => hintsReport(db, actorOf(request), reportFilter(request.query)),
  });

  r.get('/api/v1/reports/export.csv', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'A chart\'s numbers as CSV',
      querystring: reportQuery.extend({ chart: z.enum(CHARTS), currency: currencyParam, target: targetParam }),
      produces: ['text/csv'],
      response: { 200: z.string(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { chart, target, currency, ...q } = request.query;
      const csv = await chartCsv(db, actorOf(request), chart, reportFilter(q), { currency, target });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${chart}.csv"`).send(csv);
    },
  });
}
