import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { placeRecord } from './assignment.service.ts';
import { getAvailability, setAvailability } from './availability.service.ts';
import { availabilityInput, availabilitySchema, territoryInput, territorySchema } from './schemas.ts';
import { createTerritory, deleteTerritory, getTerritory, listTerritories, myTerritory, realignTerritories, updateTerritory } from './territories.service.ts';
import { TERRITORY_ROLES } from './territories.model.ts';

const TAGS = ['Territories'];

const placementQuery = z.strictObject({
  country: z.string().max(2).optional(),
  region: z.string().max(200).optional(),
  postcode: z.string().max(20).optional(),
  industry: z.string().max(200).optional(),
  employeeCount: z.coerce.number().int().min(0).optional(),
  accountId: z.uuid().optional(),
});

const territoryLead = z.object({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  company: z.string(),
  email: z.string().nullable(),
  status: z.string(),
  score: z.number().int(),
  ownerId: z.uuid().nullable(),
  territoryId: z.uuid().nullable(),
  createdAt: z.string(),
});

const territoryAccount = z.object({
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  industry: z.string().nullable(),
  employeeCount: z.number().int().nullable(),
  country: z.string().nullable(),
  lifecycleStage: z.string(),
  ownerId: z.uuid().nullable(),
  territoryId: z.uuid().nullable(),
  lastTouchedAt: z.string().nullable(),
  coverage: z.enum(['recent', 'stale', 'never']),
});

const myTerritorySchema = z
  .object({
    userId: z.uuid(),
    territories: z.array(z.object({ id: z.uuid(), name: z.string(), path: z.array(z.string()), role: z.enum(TERRITORY_ROLES) })),
    coverage: z.object({
      accounts: z.number().int(),
      touchedRecently: z.number().int(),
      notTouchedIn90Days: z.number().int(),
      neverTouched: z.number().int(),
      openLeads: z.number().int(),
    }),
    accounts: z.array(territoryAccount),
    leads: z.array(territoryLead),
  })
  .meta({ id: 'MyTerritory' });

export function territoryRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/territories', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'The territory tree (parents before children)', response: { 200: z.object({ data: z.array(territorySchema), nextCursor: z.null() }), ...errorResponses } },
    handler: async (request) => ({ data: await listTerritories(db, actorOf(request)), nextCursor: null }),
  });

  r.post('/api/v1/territories', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Create a territory',
      description:
        'A record belongs to the one territory that fits it, by this tie-break: a territory naming its account first, then the deepest, then the lowest priority number, then the name. ' +
        'Leads and accounts are re-resolved in the background after territories change (or POST /api/v1/territories/realign).',
      body: z.strictObject(territoryInput).meta({ id: 'TerritoryCreate' }),
      response: { 201: territorySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const territory = await createTerritory(db, actorOf(request), request.body);
      return reply.code(201).header('etag', etagFor(territory.version)).send(territory);
    },
  });

  r.get('/api/v1/territories/placement', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Which territory a record with these facts belongs to, and which others it also fits',
      querystring: placementQuery,
      response: { 200: z.object({ territoryId: z.uuid().nullable(), name: z.string().nullable(), path: z.array(z.string()), alsoMatched: z.array(z.string()) }), ...errorResponses },
    },
    handler: async (request) => {
      const placement = await placeRecord(db, actorOf(request), request.query);
      return { territoryId: placement?.territoryId ?? null, name: placement?.name ?? null, path: placement?.path ?? [], alsoMatched: placement?.alsoMatched ?? [] };
    },
  });

  r.post('/api/v1/territories/realign', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Resolve every lead and account against the current territories now',
      response: { 200: z.object({ leads: z.object({ checked: z.number().int(), moved: z.number().int() }), accounts: z.object({ checked: z.number().int(), moved: z.number().int() }) }), ...errorResponses },
    },
    handler: async (request) => realignTerritories(db, actorOf(request)),
  });

  r.get('/api/v1/territories/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a territory', params: idParams, response: { 200: territorySchema, ...errorResponses } },
    handler: async (request, reply) => {
      const territory = await getTerritory(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(territory.version)).send(territory);
    },
  });

  r.patch('/api/v1/territories/:id', {
    config: { permission: 'routing:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change a territory (members, when given, replace its members)',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({ ...territoryInput, name: territoryInput.name.optional(), version: z.number().int().positive().optional() }).meta({ id: 'TerritoryUpdate' }),
      response: { 200: territorySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const territory = await updateTerritory(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(territory.version)).send(territory);
    },
  });

  r.delete('/api/v1/territories/:id', {
    config: { permission: 'routing:manage' },
    schema: { tags: TAGS, summary: 'Remove a territory without sub-territories', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteTerritory(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/my-territory', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'My territory: its accounts with coverage (never touched, not touched in 90 days) and its open leads',
      querystring: z.strictObject({ userId: z.uuid().optional().describe('Someone else’s territory (default: mine)'), leadLimit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: myTerritorySchema, ...errorResponses },
    },
    handler: async (request) => myTerritory(db, actorOf(request), { userId: request.query.userId, leadLimit: request.query.leadLimit, now: new Date() }),
  });

  r.get('/api/v1/users/me/availability', {
    schema: { tags: TAGS, summary: 'My availability for routing', response: { 200: availabilitySchema, ...errorResponses } },
    handler: async (request) => getAvailability(db, actorOf(request), actorOf(request).userId),
  });

  r.put('/api/v1/users/me/availability', {
    schema: {
      tags: TAGS,
      summary: 'Set my availability: out of office, working hours (in my time zone), daily cap',
      body: availabilityInput,
      response: { 200: availabilitySchema, ...errorResponses },
    },
    handler: async (request) => setAvailability(db, actorOf(request), actorOf(request).userId, request.body),
  });

  r.get('/api/v1/users/:id/availability', {
    config: { permission: 'users:read' },
    schema: { tags: TAGS, summary: 'Someone’s availability for routing', params: idParams, response: { 200: availabilitySchema, ...errorResponses } },
    handler: async (request) => getAvailability(db, actorOf(request), request.params.id),
  });

  r.put('/api/v1/users/:id/availability', {
    config: { permission: 'routing:manage' },
    schema: { tags: TAGS, summary: 'Set someone’s availability', params: idParams, body: availabilityInput, response: { 200: availabilitySchema, ...errorResponses } },
    handler: async (request) => setAvailability(db, actorOf(request), request.params.id, request.body),
  });
}
