import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { EVENT_LABELS, NOTIFICATION_EVENTS, type NotificationEvent } from './model.ts';
import { getPreferences, listNotifications, markAllRead, markRead, setPreferences } from './service.ts';

const TAGS = ['Notifications'];

export const notificationSchema = z
  .object({ id: z.uuid(), kind: z.string(), title: z.string(), body: z.string(), link: z.string().nullable(), readAt: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Notification' });

const channels = z.object({ inApp: z.boolean(), email: z.boolean() });
const channelsPatch = z.strictObject({ inApp: z.boolean().optional(), email: z.boolean().optional() });
const preferencesSchema = z
  .object({
    events: z.object(Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, channels])) as Record<NotificationEvent, typeof channels>),
    dailyDigest: z.boolean(),
    labels: z.record(z.string(), z.string()).describe('What each event covers, in words'),
  })
  .meta({ id: 'NotificationPreferences' });

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

  r.get('/api/v1/notification-preferences', {
    config: { permission: 'notifications:own' },
    schema: { tags: TAGS, summary: 'What I am told, and how: per event in the app and by email; the daily digest', response: { 200: preferencesSchema, ...errorResponses } },
    handler: async (request) => ({ ...(await getPreferences(db, actorOf(request))), labels: EVENT_LABELS }),
  });

  r.patch('/api/v1/notification-preferences', {
    config: { permission: 'notifications:own' },
    schema: {
      tags: TAGS,
      summary: 'Change what I am told, and how',
      description:
        'Events and channels left out keep their setting. `dailyDigest: true` sends, each morning from 07:00 in my time zone, one email listing ' +
        'my notifications of the last day still unread (none when there are none).',
      body: z.strictObject({
        events: z.strictObject(Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, channelsPatch.optional()])) as Record<NotificationEvent, z.ZodOptional<typeof channelsPatch>>).optional(),
        dailyDigest: z.boolean().optional(),
      }),
      response: { 200: preferencesSchema, ...errorResponses },
    },
    handler: async (request) => ({ ...(await setPreferences(db, actorOf(request), request.body)), labels: EVENT_LABELS }),
  });
}
