import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, limitQuery } from '../../http/schemas.ts';
import { listAudit } from './service.ts';

const auditEntry = z
  .object({
    id: z.uuid(),
    actorId: z.uuid().nullable(),
    entityType: z.string(),
    entityId: z.uuid(),
    action: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const page = z.object({ data: z.array(auditEntry), nextCursor: z.string().nullable() });
const paging = { cursor: z.uuid().optional(), limit: limitQuery };
const TAGS = ['Audit'];

export function auditRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/audit-log', {
    config: { permission: 'org:audit' },
    schema: {
      tags: TAGS,
      summary: "Read the whole organisation's audit log (admin)",
      description: 'Who changed what and when, newest first, optionally narrowed to one kind of record or one record.',
      querystring: z.strictObject({ entityType: z.string().max(50).optional(), entityId: z.uuid().optional(), ...paging }),
      response: { 200: page, ...errorResponses },
    },
    handler: async (request) => listAudit(db, actorOf(request), request.query),
  });

  r.get('/api/v1/audit-log/:entityType/:entityId', {
    config: { permission: 'audit:read' },
    schema: {
      tags: TAGS,
      summary: "Read one record's history",
      description: 'Every change to the record (lead, account, contact, user…), newest first, with the values before and after.',
      params: z.strictObject({ entityType: z.string().max(50), entityId: z.uuid() }),
      querystring: z.strictObject(paging),
      response: { 200: page, ...errorResponses },
    },
    handler: async (request) => listAudit(db, actorOf(request), { ...request.params, ...request.query }),
  });
}
