import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { pipelineBoard, pipelineSummary } from './board.service.ts';
import { PIPELINE_KINDS } from './pipelines.model.ts';
import { createPipeline, getPipeline, listPipelines, setPipelineArchived, updatePipeline } from './pipelines.service.ts';
import { getDealPolicy, updateDealPolicy, type DealPolicyView } from './policies.service.ts';
import { boardSchema, currency, dealPolicySchema, pipelineSchema, stageInput, summarySchema } from './schemas.ts';

const TAGS = ['Pipelines'];
const ifMatch = z.object({ 'if-match': z.string().optional() });
const percent = z.number().min(0).max(100).multipleOf(0.01);

const policyView = ({ managerDiscountBp, financeDiscountBp, financeApproverIds, legalApproverIds, ...rest }: DealPolicyView) => ({
  ...rest,
  financeApproverIds: [...financeApproverIds],
  legalApproverIds: [...legalApproverIds],
  managerDiscountPercent: managerDiscountBp / 100,
  financeDiscountPercent: financeDiscountBp / 100,
});

export function pipelineRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/pipelines', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Pipelines with their ordered stages', response: { 200: z.object({ data: z.array(pipelineSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listPipelines(db, actorOf(request)) }),
  });

  r.post('/api/v1/pipelines', {
    config: { permission: 'pipelines:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a pipeline (admins)',
      body: z.strictObject({ name: z.string().trim().min(1).max(100), kind: z.enum(PIPELINE_KINDS), stages: z.array(stageInput).min(3).max(20) }),
      response: { 201: pipelineSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createPipeline(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/pipelines/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a pipeline', params: idParams, response: { 200: pipelineSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const pipeline = await getPipeline(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(pipeline.version)).send(pipeline);
    },
  });

  r.patch('/api/v1/pipelines/:id', {
    config: { permission: 'pipelines:manage' },
    schema: {
      tags: TAGS,
      summary: 'Rename a pipeline or replace its stages (admins set stage gates here)',
      description:
        'Send the whole ordered stage list: stages with an `id` are kept and updated, without one are added, left out are removed ' +
        '(only while no deal is in them). `gates` lists what a deal needs to enter the stage: ' +
        '`amount`, `next_step`, `decision_maker`, `economic_buyer`, `champion`, `products`, `approvals`.',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ name: z.string().trim().min(1).max(100).optional(), stages: z.array(stageInput).min(3).max(20).optional(), version: z.number().int().positive().optional() }),
      response: { 200: pipelineSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const pipeline = await updatePipeline(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(pipeline.version)).send(pipeline);
    },
  });

  for (const [action, archived] of [['archive', true], ['restore', false]] as const) {
    r.post(`/api/v1/pipelines/:id/${action}`, {
      config: { permission: 'pipelines:manage' },
      schema: {
        tags: TAGS,
        summary: archived ? 'Archive a pipeline (admins)' : 'Bring an archived pipeline back (admins)',
        description: archived
          ? 'An archived pipeline takes no new deals and leaves the pickers; its closed deals stay in reports. 409 `pipeline_has_open_deals` while open deals sit in it; 409 `last_pipeline_of_kind` for the only active pipeline of its kind.'
          : 'The pipeline takes new deals again.',
        params: idParams,
        response: { 200: pipelineSchema, ...errorResponses },
      },
      handler: async (request) => setPipelineArchived(db, actorOf(request), request.params.id, archived),
    });
  }

  r.get('/api/v1/pipelines/:id/board', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'The board: the first deals of every stage',
      description: 'Each column has its first `perStage` cards: open stages by close date, closed ones latest first. ' +
        'For more cards of a column: GET /api/v1/opportunities?stageId=<id>&sort=<column.sort>&cursor=<column.nextCursor>. Counts and totals: GET …/summary.',
      params: idParams,
      querystring: z.strictObject({ perStage: z.coerce.number().int().min(1).max(100).default(25), ownerId: z.uuid().optional() }),
      response: { 200: boardSchema, ...errorResponses },
    },
    handler: async (request) => pipelineBoard(db, actorOf(request), request.params.id, request.query),
  });

  r.get('/api/v1/pipelines/:id/summary', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Column headers: deals per stage, their amounts and probability-weighted amounts by currency',
      params: idParams,
      querystring: z.strictObject({ ownerId: z.uuid().optional() }),
      response: { 200: summarySchema, ...errorResponses },
    },
    handler: async (request) => ({ data: await pipelineSummary(db, actorOf(request), request.params.id, request.query) }),
  });

  r.get('/api/v1/deal-policy', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'The deal policy: approval thresholds, approvers, renewal lead time', response: { 200: dealPolicySchema, ...errorResponses } },
    handler: async (request, reply) => {
      const policy = await getDealPolicy(db, actorOf(request));
      return reply.header('etag', etagFor(policy.version)).send(policyView(policy));
    },
  });

  r.patch('/api/v1/deal-policy', {
    config: { permission: 'org:settings' },
    schema: {
      tags: TAGS,
      summary: 'Change the deal policy (admins)',
      description:
        'A discount above `managerDiscountPercent` needs a manager; above `financeDiscountPercent` finance too. Payment terms longer than ' +
        '`standardPaymentTermsDays` need legal. Finance and legal are the users named here (admins stand in while none are named).',
      headers: ifMatch,
      body: z.strictObject({
        managerDiscountPercent: percent.optional(),
        financeDiscountPercent: percent.optional(),
        standardPaymentTermsDays: z.number().int().min(0).max(365).optional(),
        financeApproverIds: z.array(z.uuid()).max(50).optional(),
        legalApproverIds: z.array(z.uuid()).max(50).optional(),
        renewalLeadDays: z.number().int().min(1).max(730).optional(),
        defaultCurrency: currency.optional(),
        version: z.number().int().min(0).optional(),
      }),
      response: { 200: dealPolicySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, managerDiscountPercent, financeDiscountPercent, ...rest } = request.body;
      const changes = {
        ...rest,
        ...(managerDiscountPercent !== undefined ? { managerDiscountBp: Math.round(managerDiscountPercent * 100) } : {}),
        ...(financeDiscountPercent !== undefined ? { financeDiscountBp: Math.round(financeDiscountPercent * 100) } : {}),
      };
      const policy = await updateDealPolicy(db, actorOf(request), changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(policy.version)).send(policyView(policy));
    },
  });
}
