import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { timelineItemSchema } from '../activities/routes.ts';
import type { Delivery } from '../notifications/service.ts';
import { BUYING_ROLES, TEAM_ROLES } from './relationships.model.ts';
import { escalate, listAccountTeam, listKeyPlayers, removeKeyPlayer, removeTeamMember, setKeyPlayer, setTeamMember } from './relationships.service.ts';

const TAGS = ['Accounts'];

const teamMemberSchema = z.object({ userId: z.uuid(), role: z.enum(TEAM_ROLES), addedAt: z.string() }).meta({ id: 'AccountTeamMember' });

const keyPlayerSchema = z
  .object({
    contactId: z.uuid(),
    roles: z.array(z.enum(BUYING_ROLES)),
    reportsToContactId: z.uuid().nullable(),
    firstName: z.string(),
    lastName: z.string(),
    title: z.string().nullable(),
    email: z.string().nullable(),
  })
  .meta({ id: 'KeyPlayer' });

type ChartNode = z.infer<typeof keyPlayerSchema> & { reports: ChartNode[] };
const orgChartNode: z.ZodType<ChartNode> = z.lazy(() => keyPlayerSchema.extend({ reports: z.array(orgChartNode) }));

const memberParams = z.strictObject({ id: z.uuid(), userId: z.uuid() });
const playerParams = z.strictObject({ id: z.uuid(), contactId: z.uuid() });

export function accountRelationshipRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/accounts/:id/team', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: "The account's team: who works it on our side, in which role", params: idParams, response: { 200: z.object({ data: z.array(teamMemberSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listAccountTeam(db, actorOf(request), request.params.id) }),
  });

  r.put('/api/v1/accounts/:id/team/:userId', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Put a user on the account team (or change their role)',
      description: 'The user is notified. The team and the account owner hear of new deals, stage changes and escalations on the account.',
      params: memberParams,
      body: z.strictObject({ role: z.enum(TEAM_ROLES) }),
      response: { 200: teamMemberSchema, ...errorResponses },
    },
    handler: async (request) => setTeamMember(db, actorOf(request), request.params.id, request.params.userId, request.body.role, delivery),
  });

  r.delete('/api/v1/accounts/:id/team/:userId', {
    config: { permission: 'records:write' },
    schema: { tags: TAGS, summary: 'Take a user off the account team', params: memberParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await removeTeamMember(db, actorOf(request), request.params.id, request.params.userId);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/accounts/:id/key-players', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: "The account's key players with their buying roles, and as an org chart",
      params: idParams,
      response: { 200: z.object({ data: z.array(keyPlayerSchema), orgChart: z.array(orgChartNode) }), ...errorResponses },
    },
    handler: async (request) => listKeyPlayers(db, actorOf(request), request.params.id),
  });

  r.put('/api/v1/accounts/:id/key-players/:contactId', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: "Set a contact's buying roles on the account and whom they report to",
      params: playerParams,
      body: z.strictObject({ roles: z.array(z.enum(BUYING_ROLES)).max(6), reportsToContactId: z.uuid().nullable().optional() }),
      response: { 200: keyPlayerSchema, ...errorResponses },
    },
    handler: async (request) => setKeyPlayer(db, actorOf(request), request.params.id, request.params.contactId, request.body),
  });

  r.delete('/api/v1/accounts/:id/key-players/:contactId', {
    config: { permission: 'records:write' },
    schema: { tags: TAGS, summary: 'Take a contact off the key players', params: playerParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await removeKeyPlayer(db, actorOf(request), request.params.id, request.params.contactId);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/accounts/:id/escalations', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Escalate something on the account to its whole team',
      params: idParams,
      body: z.strictObject({ summary: z.string().trim().min(1).max(300), details: z.string().max(10_000).optional() }),
      response: { 201: z.object({ activity: timelineItemSchema, notified: z.array(z.uuid()) }), ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await escalate(db, actorOf(request), request.params.id, request.body, delivery)),
  });
}
