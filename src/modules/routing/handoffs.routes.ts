import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { acceptHandoff, declineHandoff, getHandoff, handOff, HANDOFF_STATUSES, listHandoffs } from './handoffs.service.ts';
import { clockSchema } from './schemas.ts';

const TAGS = ['Hand-offs'];

const handoffSchema = z
  .object({
    id: z.uuid(),
    opportunityId: z.uuid(),
    leadId: z.uuid().nullable(),
    fromUserId: z.uuid().nullable().describe('The rep who sourced the deal (keeps the credit)'),
    toUserId: z.uuid().nullable().describe('The executive it was routed to'),
    status: z.enum(HANDOFF_STATUSES),
    summary: z.object({
      opportunity: z.object({ name: z.string(), amount: z.number().int(), currency: z.string(), closeDate: z.string() }),
      lead: z
        .object({
          id: z.uuid(),
          name: z.string(),
          company: z.string(),
          title: z.string().nullable(),
          email: z.string().nullable(),
          phone: z.string().nullable(),
          country: z.string().nullable(),
          score: z.number().int(),
          source: z.string(),
        })
        .nullable(),
      qualification: z.object({ framework: z.string(), percent: z.number(), answers: z.array(z.object({ question: z.string(), answer: z.unknown() })) }).nullable(),
      notes: z.array(z.string()),
      lastTouches: z.array(z.object({ kind: z.string(), summary: z.string(), occurredAt: z.string() })),
      sourcedBy: z.object({ userId: z.uuid(), name: z.string() }).nullable(),
    }),
    decisionId: z.uuid().nullable(),
    acceptDueAt: z.string().nullable(),
    respondedAt: z.string().nullable(),
    declineReason: z.string().nullable(),
    createdAt: z.string(),
    clocks: z.array(clockSchema),
  })
  .meta({ id: 'Handoff' });

export function handoffRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/handoffs', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Hand-offs, newest first',
      querystring: z.strictObject({ status: z.enum(HANDOFF_STATUSES).optional(), toUserId: z.uuid().optional(), opportunityId: z.uuid().optional(), cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(handoffSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listHandoffs(db, actorOf(request), request.query),
  });

  r.post('/api/v1/handoffs', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Hand a qualified deal to an executive, routed by the active lead_qualified rule set',
      description: 'The executive becomes the deal’s owner, the sourcing rep stays its `sourcedBy`, and the hand-off waits for acceptance (on a clock when the rule set has an SLA).',
      body: z.strictObject({ opportunityId: z.uuid(), leadId: z.uuid().nullable().optional(), sourcingRepId: z.uuid().nullable().optional() }),
      response: { 201: handoffSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await handOff(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/handoffs/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a hand-off with its summary and clock', params: idParams, response: { 200: handoffSchema, ...errorResponses } },
    handler: async (request) => getHandoff(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/handoffs/:id/accept', {
    config: { permission: 'records:write' },
    schema: { tags: TAGS, summary: 'Accept a hand-off (its executive, or a manager)', params: idParams, response: { 200: handoffSchema, ...errorResponses } },
    handler: async (request) => acceptHandoff(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/handoffs/:id/decline', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Decline a hand-off with a reason: the deal is routed to the next executive',
      params: idParams,
      body: z.strictObject({ reason: z.string().min(1).max(500) }),
      response: { 200: z.object({ declined: handoffSchema, next: handoffSchema.nullable() }), ...errorResponses },
    },
    handler: async (request) => declineHandoff(db, actorOf(request), request.params.id, request.body.reason),
  });
}
