import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import type { Delivery } from '../notifications/service.ts';
import { APPROVAL_STATUSES } from './approvals.model.ts';
import { dealApprovals, decideApproval, listApprovalRequests, submitForApproval } from './approvals.service.ts';
import { approvalRequestSchema, dealApprovalsSchema } from './schemas.ts';

const TAGS = ['Approvals'];

export function approvalRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/opportunities/:id/approvals', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: "The approvals a deal's discounts and payment terms need, and where each stands",
      params: idParams,
      response: { 200: dealApprovalsSchema, ...errorResponses },
    },
    handler: async (request) => dealApprovals(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/opportunities/:id/approvals', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Submit the deal for approval',
      description: 'Asks for every approval the terms need that is neither given nor waiting, and notifies the people who may decide.',
      params: idParams,
      body: z.strictObject({ comment: z.string().max(2000).optional() }),
      response: { 200: dealApprovalsSchema, ...errorResponses },
    },
    handler: async (request) => submitForApproval(db, actorOf(request), request.params.id, request.body, delivery),
  });

  r.get('/api/v1/approvals', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Approval requests, newest first',
      description: '`decidable=true`: the waiting requests you may decide — your approval inbox.',
      querystring: z.strictObject({ status: z.enum(APPROVAL_STATUSES).optional(), decidable: z.stringbool().optional(), cursor: z.uuid().optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(approvalRequestSchema.extend({ opportunityName: z.string() })), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listApprovalRequests(db, actorOf(request), request.query),
  });

  r.post('/api/v1/approvals/:id/decision', {
    config: { permission: 'approvals:decide' },
    schema: {
      tags: TAGS,
      summary: 'Approve or reject a request',
      description: 'Managers decide manager-level discounts; finance and legal are the users the deal policy names. Nobody decides their own request or one on their own deal (403).',
      params: idParams,
      body: z.strictObject({ decision: z.enum(['approve', 'reject']), comment: z.string().max(2000).optional() }),
      response: { 200: approvalRequestSchema, ...errorResponses },
    },
    handler: async (request) => decideApproval(db, actorOf(request), request.params.id, request.body, delivery),
  });
}
