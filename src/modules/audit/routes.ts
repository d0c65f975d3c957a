import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { forbidden } from '../../core/errors.ts';
import { can } from '../../core/roles.ts';
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

export function auditRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/audit-log', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['Audit'],
      summary: 'Read the audit log',
      description: 'Who changed what and when, newest first. Pass `entityType` and `entityId` for one record\'s history; the whole-org log is for admins.',
      querystring: z.strictObject({
        entityType: z.string().max(50).optional(),
        entityId: z.uuid().optional(),
        cursor: z.uuid().optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(auditEntry), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      if (!request.query.entityId && !can(actor.role, 'org:audit')) {
        throw forbidden('Only admins read the whole organisation\'s log; pass entityId for one record');
      }
      return listAudit(db, actor, request.query);
    },
  });
}
