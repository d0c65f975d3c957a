import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { dismissDuplicates, findDuplicates, listDismissals, undoDismissal } from './service.ts';

const reason = z.enum(['email', 'phone', 'name_and_domain', 'similar_company', 'same_account', 'domain', 'similar_name']);

const duplicateGroup = z
  .object({
    ids: z.array(z.uuid()),
    score: z.number().describe('0–1: how sure the match is (1 = same email)'),
    reasons: z.array(z.object({ reason, ids: z.tuple([z.uuid(), z.uuid()]), score: z.number(), value: z.string().nullable() })),
    records: z.array(z.object({ id: z.uuid(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), company: z.string().nullable() })),
  })
  .meta({ id: 'DuplicateGroup' });

const recordType = z.enum(['lead', 'contact', 'account']);
const dismissal = z
  .object({ id: z.uuid(), type: recordType, ids: z.tuple([z.uuid(), z.uuid()]), dismissedBy: z.uuid().nullable(), createdAt: z.string() })
  .meta({ id: 'DuplicateDismissal' });

export function duplicateRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/duplicate-dismissals', {
    config: { permission: 'records:write' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Not a duplicate: leave these records out of later duplicate scans',
      description: 'Every pair among `ids` is dismissed for good (until undone with DELETE /api/v1/duplicate-dismissals/:id).',
      body: z.strictObject({ type: recordType, ids: z.array(z.uuid()).min(2).max(20) }),
      response: { 201: z.object({ data: z.array(dismissal) }), ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send({ data: await dismissDuplicates(db, actorOf(request), request.body.type, request.body.ids) }),
  });

  r.get('/api/v1/duplicate-dismissals', {
    config: { permission: 'records:read' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Pairs marked as not duplicates, newest first',
      querystring: z.strictObject({ type: recordType }),
      response: { 200: z.object({ data: z.array(dismissal) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await listDismissals(db, actorOf(request), request.query.type) }),
  });

  r.delete('/api/v1/duplicate-dismissals/:id', {
    config: { permission: 'records:write' },
    schema: { tags: ['Duplicates'], summary: 'Undo a "not a duplicate"', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await undoDismissal(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/duplicates', {
    config: { permission: 'records:read' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Find likely duplicate leads, contacts or accounts',
      description:
        'Groups of records that are probably the same person or company, strongest first. Leads and contacts match by ' +
        'email (any case), phone number (compared in E.164; national numbers are read in the record\'s country, else ' +
        '`defaultCountry`), the same first and last name at the same company domain (free-mail domains never count), and — ' +
        'for leads — the same name at a similarly named company (pg_trgm similarity ≥ 0.5). Accounts match by domain and ' +
        'by similar name. Review a group with GET /api/v1/merges/preview and merge it with POST /api/v1/merges; pairs marked ' +
        'not duplicates (POST /api/v1/duplicate-dismissals) are left out.',
      querystring: z.strictObject({
        type: z.enum(['lead', 'contact', 'account']),
        defaultCountry: z.string().regex(/^[A-Za-z]{2}$/, 'Use a two-letter ISO country code').optional(),
        cursor: z.string().max(1000).optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(duplicateGroup), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => {
      const { type, ...query } = request.query;
      return findDuplicates(db, actorOf(request), type, query);
    },
  });
}
