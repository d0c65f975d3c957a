import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import type { Delivery } from '../notifications/service.ts';
import { createExpansion, healthOfAccount, upsellSuggestions } from './account-insights.service.ts';
import { currency, healthSchema, isoDate, opportunitySchema, upsellSchema } from './schemas.ts';

const TAGS = ['Accounts'];

export function accountInsightRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/accounts/:id/health', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: "The account's health: a score with the reasons behind it", params: idParams, response: { 200: healthSchema, ...errorResponses } },
    handler: async (request) => healthOfAccount(db, actorOf(request), request.params.id),
  });

  r.get('/api/v1/accounts/:id/upsell-suggestions', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Products similar customers bought that this one has not',
      description: 'Similar: customers in the same industry and size band. Ranked by how many of them bought the product.',
      params: idParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
      response: { 200: upsellSchema, ...errorResponses },
    },
    handler: async (request) => upsellSuggestions(db, actorOf(request), request.params.id, request.query.limit),
  });

  r.post('/api/v1/accounts/:id/expansions', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Create an expansion deal on the account for some products (one click from a suggestion)',
      params: idParams,
      body: z.strictObject({ productIds: z.array(z.uuid()).min(1).max(20), name: z.string().max(300).optional(), currency: currency.optional(), closeDate: isoDate.optional() }),
      response: { 201: opportunitySchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createExpansion(db, actorOf(request), request.params.id, request.body, delivery)),
  });
}
