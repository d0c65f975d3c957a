import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { listNotifications, markAllRead, markRead } from './service.ts';

const TAGS = ['Notifications'];

export const notificationSchema = z
  .object({ id: z.uuid(), kind: z.string(), title: z.string(), body: z.string(), link: z.string().nullable(), readAt: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Notification' });

export function notificationRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/notifications', {
    config: { permission: 'notifications:own' },
    schema: {
      tags: TAGS,
      summary: 'My notifications, newest first',
      querystring: z.strictObject({ unread: z.stringbool().optional(), cursor: z.uuid().optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(notificationSchema), nextCursor: z.string().nullable(), unread: z.number().int() }), ...errorResponses },
    },
    handler: async (request) => listNotifications(db, actorOf(request), request.query),
  });

  r.post('/api/v1/notifications/:id/read', {
    config: { permission: 'notifications:own' },
    schema: { tags: TAGS, summary: 'Mark one of my notifications read', params: idParams, response: { 200: notificationSchema, ...errorResponses } },
    handler: async (request) => markRead(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/notifications/read-all', {
    config: { permission: 'notifications:own' },
    schema: { tags: TAGS, summary: 'Mark all my notifications read', response: { 200: z.object({ updated: z.number().int() }), ...errorResponses } },
    handler: async (request) => ({ updated: await markAllRead(db, actorOf(request)) }),
  });
}
