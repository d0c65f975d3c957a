import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { RollupNode } from './model.ts';
import { forecastRollup, listSubmissions, statisticalForecast, submitCall } from './service.ts';

const TAGS = ['Forecasts'];
const periodKey = z
  .string()
  .regex(/^FY\d{4}(-(Q[1-4]|M(0[1-9]|1[0-2])))?$/, 'Use FY2027, FY2027-Q1 or FY2027-M01')
  .describe('A fiscal period; default: the current period of `kind`');
const kind = z.enum(['month', 'quarter', 'year']);
const currency = z.string().regex(/^[A-Za-z]{3}$/, 'An ISO 4217 code');
const periodSchema = z.object({ key: z.string(), kind, start: z.string(), end: z.string() });

const totalsSchema = z
  .object({
    closed: z.number(),
    commit: z.number(),
    bestCase: z.number(),
    pipeline: z.number(),
    weighted: z.number().describe('Σ amount × probability of the open deals'),
    deals: z.number().int(),
  })
  .meta({ id: 'ForecastTotals' });

const nodeSchema: z.ZodType<RollupNode> = z.lazy(() =>
  z.object({
    kind: z.enum(['team', 'user']),
    id: z.uuid(),
    name: z.string(),
    managerId: z.uuid().nullable(),
    totals: z.record(z.string(), totalsSchema).describe('Per currency: amounts are never converted'),
    children: z.array(nodeSchema),
  }),
);

const submissionSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(['user', 'team']),
    scopeId: z.uuid(),
    kind: z.enum(['call', 'adjustment']),
    periodKey: z.string(),
    currency: z.string(),
    commit: z.number(),
    bestCase: z.number(),
    note: z.string(),
    system: totalsSchema.describe("The system's numbers for the rep or team when the call was made"),
    submittedBy: z.uuid(),
    submittedAt: z.string(),
  })
  .meta({ id: 'ForecastSubmission' });

export function forecastRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/forecasts', {
    config: { permission: 'forecasts:read' },
    schema: {
      tags: TAGS,
      summary: 'Closed, commit, best case, pipeline and weighted per rep, rolled up the team tree',
      description:
        "Deals closing in the period count in their own forecast category (the stage's, or the owner's override set with PATCH /api/v1/opportunities/{id} `forecastCategory`); won deals count as closed, lost and omitted ones not at all. Totals are per currency. You see the teams you manage (admins: all), your own numbers, and your team's when the org allows it.",
      querystring: z.strictObject({ period: periodKey.optional(), kind: kind.optional() }),
      response: { 200: z.object({ period: periodSchema, currencies: z.array(z.string()), tree: z.array(nodeSchema) }), ...errorResponses },
    },
    handler: async (request) => forecastRollup(db, actorOf(request), request.query),
  });

  r.get('/api/v1/forecasts/submissions', {
    config: { permission: 'forecasts:read' },
    schema: {
      tags: TAGS,
      summary: 'Calls for a period: the latest, last week\'s, the manager\'s adjustment and, after the period, accuracy',
      querystring: z.strictObject({ period: periodKey.optional(), kind: kind.optional(), currency: currency.optional() }),
      response: {
        200: z.object({
          period: periodSchema,
          currency: z.string(),
          data: z.array(
            z.object({
              scope: z.enum(['user', 'team']),
              scopeId: z.uuid(),
              name: z.string(),
              currency: z.string(),
              latest: submissionSchema.nullable(),
              previous: submissionSchema.nullable().describe('The latest call made before this week (Monday 00:00 UTC)'),
              commitChange: z.number().nullable(),
              bestCaseChange: z.number().nullable(),
              adjustment: submissionSchema.nullable(),
              accuracy: z.object({ closedWon: z.number(), commitError: z.number().nullable(), bestCaseError: z.number().nullable() }).nullable(),
              history: z.array(submissionSchema),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => listSubmissions(db, actorOf(request), request.query),
  });

  r.post('/api/v1/forecasts/submissions', {
    config: { permission: 'forecasts:submit' },
    schema: {
      tags: TAGS,
      summary: "Submit a call: your own, your team's (managers), or an adjustment of a rep's call with a note",
      description: 'Every submission is kept as a snapshot with the system numbers of the moment; nothing is overwritten.',
      body: z.strictObject({
        scope: z.enum(['user', 'team']),
        scopeId: z.uuid(),
        period: periodKey,
        currency: currency.optional(),
        commit: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        bestCase: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        note: z.string().max(2_000).optional(),
      }),
      response: { 201: submissionSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await submitCall(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/forecasts/statistical', {
    config: { permission: 'forecasts:read' },
    schema: {
      tags: TAGS,
      summary: 'Win probability of each open deal from the org\'s history, a Monte Carlo of the period (P10/P50/P90), the deals that move it, and a back-test',
      description:
        'Probability: the historical win rate of closed deals in the same stage and age-in-stage band (0–14, 15–44, 45–89, 90+ days), shrunk toward the stage\'s rate and that toward the org\'s (k = 10). Same `seed`, same numbers.',
      querystring: z.strictObject({
        period: periodKey.optional(),
        kind: kind.optional(),
        scope: z.enum(['user', 'team']).optional(),
        scopeId: z.uuid().optional(),
        currency: currency.optional(),
        seed: z.coerce.number().int().min(0).max(2 ** 31).optional(),
        trials: z.coerce.number().int().min(100).max(20_000).optional(),
        backtestPeriods: z.coerce.number().int().min(0).max(8).optional(),
      }),
      response: {
        200: z.object({
          period: periodSchema,
          currency: z.string(),
          scope: z.enum(['user', 'team', 'org']),
          scopeId: z.uuid().nullable(),
          seed: z.number().int(),
          model: z.object({ global: z.number(), trainedOn: z.number().int(), strength: z.number() }),
          deals: z.array(
            z.object({ id: z.uuid(), name: z.string(), ownerId: z.uuid().nullable(), amount: z.number(), stageId: z.uuid(), daysInStage: z.number(), probability: z.number(), basis: z.string(), repRate: z.number().nullable().describe('The owner\'s own win rate from the stage, when their history moved the probability') }),
          ),
          simulation: z.object({
            trials: z.number().int(),
            closed: z.number(),
            expected: z.number(),
            p10: z.number(),
            p50: z.number(),
            p90: z.number(),
            histogram: z.array(z.object({ from: z.number(), to: z.number(), trials: z.number().int() })),
            movers: z.array(z.object({ id: z.string(), name: z.string(), amount: z.number(), probability: z.number(), expected: z.number(), swing: z.number() })),
          }),
          backtest: z.object({
            rows: z.array(z.object({ period: z.string(), predicted: z.number(), actual: z.number(), error: z.number().nullable(), deals: z.number().int() })),
            meanAbsoluteError: z.number().nullable(),
          }),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => statisticalForecast(db, actorOf(request), request.query),
  });
}
