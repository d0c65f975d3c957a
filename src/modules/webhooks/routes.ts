import type { FastifyInstance } from 'fastify';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { secretsOf } from '../../core/secrets.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { EVENT_TYPES, exampleEvent, MAX_ATTEMPTS, SIGNATURE_HEADER, TEST_EVENT, type EventType } from './model.ts';
import { createEndpoint, deleteEndpoint, getDelivery, getEndpoint, listDeliveries, listEndpoints, redeliver, rotateSecret, sendTestEvent, updateEndpoint } from './service.ts';

const TAGS = ['Webhooks'];

const endpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });
const deliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z.uuid(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: z.string().nullable().describe('When a pending delivery is tried next'),
    lastAttemptAt: z.string().nullable(),
    responseStatus: z.number().int().nullable().describe('The HTTP status the endpoint answered last, null when it could not be reached'),
    responseBody: z.string().nullable().describe('The first 2,000 characters the endpoint answered'),
    error: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    redeliveryOf: z.uuid().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
const payloadSchema = z
  .object({
    id: z.uuid().describe('The event id: the same on every delivery and redelivery, so receivers can deduplicate'),
    type: z.string().describe('One of GET /api/v1/webhook-event-types'),
    occurredAt: z.string(),
    orgId: z.uuid(),
    data: z.record(z.string(), z.unknown()).describe('The record as GET /api/v1/<records>/:id shows it (email.replied: the email and the address)'),
    previous: z.record(z.string(), z.unknown()).optional().describe('On updates, assignments and stage changes: the changed fields’ old values'),
  })
  .meta({ id: 'WebhookEvent' });

const endpointBody = {
  url: z.string().trim().min(1).max(2000).describe('http:// or https:// only'),
  description: z.string().max(500).optional(),
  events: z.array(z.string().trim().min(1).max(100)).max(100).describe('Event names, `<record>.*` or `*`'),
  enabled: z.boolean().optional(),
};

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event, the request Leadflow makes to an
 * endpoint, with its signature header and an example body (what Zapier and n8n builders read).
 */
type OpenApiDocument = NonNullable<FastifyDynamicSwaggerOptions['openapi']>;

export function webhooksOpenApi(): Extract<OpenApiDocument, { webhooks?: unknown }>['webhooks'] {
  return Object.fromEntries(
    (Object.keys(EVENT_TYPES) as EventType[]).map((type) => [
      type,
      {
        post: {
          tags: TAGS,
          summary: EVENT_TYPES[type],
          operationId: `webhook.${type}`,
          parameters: [
            { name: SIGNATURE_HEADER, in: 'header', required: true, schema: { type: 'string' }, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret> (a second v1 during a secret rotation)' },
            { name: 'Leadflow-Event', in: 'header', required: true, schema: { type: 'string', const: type } },
            { name: 'Leadflow-Event-Id', in: 'header', required: true, schema: { type: 'string', format: 'uuid' }, description: 'The same on every retry and redelivery' },
            { name: 'Leadflow-Delivery', in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
            { name: 'Leadflow-Attempt', in: 'header', required: true, schema: { type: 'integer', minimum: 1, maximum: MAX_ATTEMPTS } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookEvent' }, example: exampleEvent(type) } } },
          responses: { '2XX': { description: 'Delivered. Anything else (or no answer within 10 s) is retried with backoff.' } },
        },
      },
    ]),
  );
}

export function webhookRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secrets = secretsOf(config);

  r.get('/api/v1/webhook-event-types', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'The events an endpoint can subscribe to, with how deliveries are signed',
      description:
        `Each delivery is a POST with a JSON event ({id, type, occurredAt, orgId, data, previous?}) and the header ` +
        `\`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>\`. ` +
        `Any 2xx answer is delivered; anything else is retried with exponential backoff, ${MAX_ATTEMPTS} attempts in all.`,
      response: {
        200: z.object({ data: z.array(z.object({ type: z.string(), description: z.string(), example: payloadSchema })), testEvent: z.string(), signatureHeader: z.string(), maxAttempts: z.number().int() }),
        ...errorResponses,
      },
    },
    handler: async () => ({
      data: Object.entries(EVENT_TYPES).map(([type, description]) => ({ type, description, example: exampleEvent(type as EventType) })),
      testEvent: TEST_EVENT,
      signatureHeader: SIGNATURE_HEADER,
      maxAttempts: MAX_ATTEMPTS,
    }),
  });

  r.get('/api/v1/webhooks', {
    config: { permission: 'webhooks:manage' },
    schema: { tags: TAGS, summary: 'The org’s webhook endpoints', response: { 200: z.object({ data: z.array(endpointSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listEndpoints(db, actorOf(request)) }),
  });

  r.post('/api/v1/webhooks', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a webhook endpoint; the reply holds its signing secret, shown only this once',
      body: z.strictObject(endpointBody),
      response: { 201: endpointSchema.extend({ secret: z.string().describe('whsec_…: verify the Leadflow-Signature header with it') }), ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createEndpoint(db, actorOf(request), secrets, request.body)),
  });

  r.get('/api/v1/webhooks/:id', {
    config: { permission: 'webhooks:manage' },
    schema: { tags: TAGS, summary: 'One webhook endpoint', params: idParams, response: { 200: endpointSchema, ...errorResponses } },
    handler: async (request) => getEndpoint(db, actorOf(request), request.params.id),
  });

  r.patch('/api/v1/webhooks/:id', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change an endpoint’s URL, events or description, or disable and enable it',
      params: idParams,
      body: z.strictObject({ url: endpointBody.url.optional(), description: endpointBody.description, events: endpointBody.events.optional(), enabled: endpointBody.enabled }),
      response: { 200: endpointSchema, ...errorResponses },
    },
    handler: async (request) => updateEndpoint(db, actorOf(request), request.params.id, request.body),
  });

  r.delete('/api/v1/webhooks/:id', {
    config: { permission: 'webhooks:manage' },
    schema: { tags: TAGS, summary: 'Remove an endpoint and its delivery log', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteEndpoint(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/webhooks/:id/rotate-secret', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'Replace the signing secret (shown only in this reply)',
      description: 'Requests are signed with the new secret at once and, for `previousValidHours` (default 24; 0 drops it now), also with the old one: the header then has two `v1=` values.',
      params: idParams,
      body: z.strictObject({ previousValidHours: z.number().int().min(0).max(168).optional() }).nullish(),
      response: { 200: z.object({ secret: z.string(), previousValidUntil: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => rotateSecret(db, actorOf(request), secrets, request.params.id, request.body?.previousValidHours ?? undefined),
  });

  r.post('/api/v1/webhooks/:id/test', {
    config: { permission: 'webhooks:manage' },
    schema: { tags: TAGS, summary: `Send a ${TEST_EVENT} event to this endpoint now; the reply is the delivery with the endpoint's answer`, params: idParams, response: { 200: deliverySchema, ...errorResponses } },
    handler: async (request) => sendTestEvent(db, actorOf(request), secrets, request.params.id),
  });

  r.get('/api/v1/webhook-deliveries', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'The delivery log, newest first',
      querystring: z.strictObject({
        endpointId: z.uuid().optional(),
        status: z.enum(['pending', 'delivered', 'failed']).optional(),
        eventType: z.string().max(100).optional(),
        cursor: z.uuid().optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(deliverySchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listDeliveries(db, actorOf(request), request.query),
  });

  r.get('/api/v1/webhook-deliveries/:id', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'One delivery with the event body it sends',
      params: idParams,
      response: { 200: deliverySchema.extend({ endpointUrl: z.string(), payload: payloadSchema }), ...errorResponses },
    },
    handler: async (request) => getDelivery(db, actorOf(request), request.params.id) as never,
  });

  r.post('/api/v1/webhook-deliveries/:id/redeliver', {
    config: { permission: 'webhooks:manage' },
    schema: {
      tags: TAGS,
      summary: 'Send the same event again to the same endpoint now (a new delivery, retried as usual if it fails)',
      params: idParams,
      response: { 201: deliverySchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await redeliver(db, actorOf(request), secrets, request.params.id)),
  });
}
