import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses } from '../../http/schemas.ts';
import { SEARCH_TYPES } from './model.ts';
import { globalSearch } from './service.ts';

const hitSchema = z
  .object({
    type: z.enum(SEARCH_TYPES),
    id: z.uuid(),
    title: z.string(),
    subtitle: z.string(),
    score: z.number().describe('0 to about 1: how well it matches; results come best first'),
    link: z.string().describe('The page in the web app (a note links to its record)'),
  })
  .meta({ id: 'SearchHit' });

export function searchRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/search', {
    config: { permission: 'records:read' },
    schema: {
      tags: ['Search'],
      summary: 'Search leads, contacts, accounts, deals and notes at once',
      description:
        'Names, emails, company names and domains match with typos ("jonh smiht"); a phone number in any format matches by its last 7 digits; ' +
        'notes by their words (each word as a prefix). Only records you may see. Fewer than 2 characters return nothing.',
      querystring: z.strictObject({
        q: z.string().max(200),
        types: csv(z.enum(SEARCH_TYPES)).optional().describe('Only these kinds, comma-separated'),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
      response: { 200: z.object({ data: z.array(hitSchema) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await globalSearch(db, actorOf(request), request.query.q, { limit: request.query.limit, ...(request.query.types ? { types: request.query.types } : {}) }) }),
  });
}
