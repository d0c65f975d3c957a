import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import type { Delivery } from '../notifications/service.ts';
import { PARTNER_KINDS, REGISTRATION_STATUSES } from './model.ts';
import {
  addRegistrationNote,
  createPartner,
  createRegistration,
  createTier,
  decideRegistration,
  deleteTier,
  getPartner,
  getProgram,
  getRegistration,
  invitePartnerUser,
  linkPartnerUser,
  listPartners,
  listRegistrations,
  listTiers,
  partnerReport,
  portalProfile,
  updatePartner,
  updateProgram,
  withdrawRegistration,
} from './service.ts';

const TAGS = ['Partners'];
const money = z.record(z.string(), z.number());
const isoDate = z.iso.date();

const tierSchema = z.object({ id: z.uuid(), name: z.string(), position: z.number().int() }).meta({ id: 'PartnerTier' });
const partnerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(PARTNER_KINDS),
    tierId: z.uuid().nullable(),
    managerId: z.uuid().nullable(),
    website: z.string().nullable(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    members: z.array(z.object({ userId: z.uuid(), name: z.string(), email: z.string(), status: z.string() })),
  })
  .meta({ id: 'Partner' });
const registrationSchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    partnerName: z.string(),
    registeredBy: z.uuid().nullable(),
    company: z.string(),
    domain: z.string().nullable(),
    contactName: z.string(),
    contactEmail: z.string().nullable(),
    country: z.string().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    closeDate: z.string(),
    productNotes: z.string(),
    status: z.enum(REGISTRATION_STATUSES),
    decisionReason: z.string().nullable(),
    decidedAt: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
    version: z.number().int(),
    decidedBy: z.uuid().nullable(),
    accountId: z.uuid().nullable(),
    opportunityId: z.uuid().nullable(),
  })
  .meta({ id: 'DealRegistration' });
const noteSchema = z.object({
  id: z.uuid(),
  authorId: z.uuid().nullable(),
  authorName: z.string().nullable(),
  authorSide: z.enum(['partner', 'internal']),
  body: z.string(),
  shared: z.boolean(),
  createdAt: z.string(),
});
const conflictSchema = z.object({
  type: z.enum(['account', 'lead', 'opportunity']),
  id: z.uuid(),
  name: z.string(),
  reason: z.enum(['domain', 'similar_name', 'account']),
  similarity: z.number(),
  ownerId: z.uuid().nullable(),
  partnerId: z.uuid().nullable().optional(),
});
const numbers = {
  openDeals: z.number().int(),
  wonDeals: z.number().int(),
  lostDeals: z.number().int(),
  pipeline: money,
  wonRevenue: money,
  winRate: z.number().nullable(),
  averageCycleDays: z.number().nullable(),
};

const partnerFields = {
  tierId: z.uuid().nullable().optional(),
  managerId: z.uuid().nullable().optional().describe('The internal owner; the creator if left out'),
  website: z.string().max(300).nullable().optional(),
  active: z.boolean().optional(),
};

export function partnerRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/partner-program', {
    config: { permission: 'partners:read' },
    schema: { tags: TAGS, summary: 'The partner programme settings', response: { 200: z.object({ registrationExpiryDays: z.number().int() }), ...errorResponses } },
    handler: async (request) => getProgram(db, actorOf(request)),
  });

  r.patch('/api/v1/partner-program', {
    config: { permission: 'partners:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change the partner programme settings',
      body: z.strictObject({ registrationExpiryDays: z.number().int().min(1).max(730).describe('Days a pending registration lives without progress') }),
      response: { 200: z.object({ registrationExpiryDays: z.number().int() }), ...errorResponses },
    },
    handler: async (request) => updateProgram(db, actorOf(request), request.body),
  });

  r.get('/api/v1/partner-tiers', {
    config: { permission: 'partners:read' },
    schema: { tags: TAGS, summary: 'Partner tiers, in order', response: { 200: z.object({ data: z.array(tierSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listTiers(db, actorOf(request)) }),
  });

  r.post('/api/v1/partner-tiers', {
    config: { permission: 'partners:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a partner tier',
      body: z.strictObject({ name: z.string().trim().min(1).max(100), position: z.number().int().min(0).max(1_000_000).optional() }),
      response: { 201: tierSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createTier(db, actorOf(request), request.body)),
  });

  r.delete('/api/v1/partner-tiers/:id', {
    config: { permission: 'partners:manage' },
    schema: { tags: TAGS, summary: 'Remove a tier (its partners keep going without one)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteTier(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/partners', {
    config: { permission: 'partners:read' },
    schema: { tags: TAGS, summary: 'Partner organisations with their users', response: { 200: z.object({ data: z.array(partnerSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listPartners(db, actorOf(request)) }),
  });

  r.post('/api/v1/partners', {
    config: { permission: 'partners:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a partner organisation',
      body: z.strictObject({ name: z.string().trim().min(1).max(200), kind: z.enum(PARTNER_KINDS), ...partnerFields }),
      response: { 201: partnerSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const created = await createPartner(db, actor, request.body);
      return reply.code(201).send(await getPartner(db, actor, created.id));
    },
  });

  r.get('/api/v1/partners/:id', {
    config: { permission: 'partners:read' },
    schema: { tags: TAGS, summary: 'A partner organisation', params: idParams, response: { 200: partnerSchema, ...errorResponses } },
    handler: async (request) => getPartner(db, actorOf(request), request.params.id),
  });

  r.patch('/api/v1/partners/:id', {
    config: { permission: 'partners:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change a partner organisation',
      params: idParams,
      body: z.strictObject({ name: z.string().trim().min(1).max(200).optional(), kind: z.enum(PARTNER_KINDS).optional(), ...partnerFields, version: z.number().int().positive().optional() }),
      response: { 200: partnerSchema, ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { version, ...changes } = request.body;
      await updatePartner(db, actor, request.params.id, changes, version);
      return getPartner(db, actor, request.params.id);
    },
  });

  r.post('/api/v1/partners/:id/users', {
    config: { permission: 'partners:manage' },
    schema: {
      tags: TAGS,
      summary: 'Invite a partner user, or link an existing partner-role user',
      description: 'With `email` and `name`: invites a new user with the partner role (the response carries the one-time invitation token for the link). With `userId`: links an existing partner-role user to this partner.',
      params: idParams,
      body: z.union([z.strictObject({ email: z.email().max(320), name: z.string().trim().min(1).max(200) }), z.strictObject({ userId: z.uuid() })]),
      response: { 201: z.object({ userId: z.uuid(), inviteToken: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body;
      if ('userId' in body) {
        await linkPartnerUser(db, actor, request.params.id, body.userId);
        return reply.code(201).send({ userId: body.userId, inviteToken: null });
      }
      return reply.code(201).send(await invitePartnerUser(db, actor, request.params.id, body));
    },
  });

  r.get('/api/v1/partner-report', {
    config: { permission: 'partners:read' },
    schema: {
      tags: TAGS,
      summary: 'Pipeline, won revenue, win rate and average cycle per partner and per tier',
      description: 'Deals count when credited to a partner (sourced or influenced). Amounts are minor units per currency; the cycle is days from creation to win.',
      response: {
        200: z.object({
          partners: z.array(z.object({ partnerId: z.uuid(), name: z.string(), tierId: z.uuid().nullable(), ...numbers })),
          tiers: z.array(z.object({ tierId: z.uuid().nullable(), name: z.string(), partners: z.number().int(), ...numbers })),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => partnerReport(db, actorOf(request)),
  });

  r.get('/api/v1/partner-portal', {
    config: { permission: 'registrations:access' },
    schema: { tags: TAGS, summary: "The signed-in partner user's own partner organisation", response: { 200: z.object({ partner: z.object({ id: z.uuid(), name: z.string(), kind: z.enum(PARTNER_KINDS), tier: z.string().nullable() }).nullable() }), ...errorResponses } },
    handler: async (request) => portalProfile(db, actorOf(request)),
  });

  r.get('/api/v1/deal-registrations', {
    config: { permission: 'registrations:access' },
    schema: {
      tags: TAGS,
      summary: 'Deal registrations, newest first',
      description: "Partner users see their own partner organisation's only; internal users see all.",
      querystring: z.strictObject({ status: z.enum(REGISTRATION_STATUSES).optional(), partnerId: z.uuid().optional(), cursor: z.string().max(500).optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(registrationSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listRegistrations(db, actorOf(request), request.query),
  });

  r.post('/api/v1/deal-registrations', {
    config: { permission: 'registrations:access' },
    schema: {
      tags: TAGS,
      summary: 'Register a deal',
      description: 'A partner user registers for their own partner organisation; partner managers register on behalf of one (`partnerId`).',
      body: z.strictObject({
        partnerId: z.uuid().optional(),
        company: z.string().trim().min(1).max(300),
        domain: z.string().trim().max(300).nullable().optional(),
        contactName: z.string().trim().min(1).max(200),
        contactEmail: z.email().max(320).nullable().optional(),
        country: z.string().trim().length(2).nullable().optional(),
        amount: z.number().int().min(0).max(1e15).describe('Minor units'),
        currency: z.string().regex(/^[A-Za-z]{3}$/),
        closeDate: isoDate,
        productNotes: z.string().max(5000).optional(),
      }),
      response: { 201: registrationSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createRegistration(db, actorOf(request), request.body, delivery)),
  });

  r.get('/api/v1/deal-registrations/:id', {
    config: { permission: 'registrations:access' },
    schema: {
      tags: TAGS,
      summary: 'A registration with its timeline (and, for internal users, its conflicts)',
      params: idParams,
      response: { 200: registrationSchema.extend({ notes: z.array(noteSchema), conflicts: z.array(conflictSchema) }), ...errorResponses },
    },
    handler: async (request) => getRegistration(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/deal-registrations/:id/notes', {
    config: { permission: 'registrations:access' },
    schema: {
      tags: TAGS,
      summary: 'Add a note to the registration timeline',
      description: "A partner's notes are always shared; internal notes only with `shared: true`. A note keeps a pending registration from expiring.",
      params: idParams,
      body: z.strictObject({ body: z.string().trim().min(1).max(5000), shared: z.boolean().optional() }),
      response: { 201: noteSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await addRegistrationNote(db, actorOf(request), request.params.id, request.body, delivery)),
  });

  r.post('/api/v1/deal-registrations/:id/withdraw', {
    config: { permission: 'registrations:access' },
    schema: {
      tags: TAGS,
      summary: 'Withdraw a pending registration',
      description: "A user of the registering partner, or the partner's manager (or an admin or sales manager), takes back a pending registration; its status becomes `withdrawn`. A decided one is a 409.",
      params: idParams,
      body: z.strictObject({ reason: z.string().trim().max(2000).optional() }).nullish(),
      response: { 200: registrationSchema, ...errorResponses },
    },
    handler: async (request) => withdrawRegistration(db, actorOf(request), request.params.id, request.body ?? {}, delivery),
  });

  r.post('/api/v1/deal-registrations/:id/decision', {
    config: { permission: 'partners:read' },
    schema: {
      tags: TAGS,
      summary: 'Approve or reject a registration',
      description: "The partner's manager (or an admin or sales manager) decides. Approval links `accountId` or creates the account and contact, opens a deal in the partner pipeline credited to the partner and routes it; rejection needs a `reason`.",
      params: idParams,
      body: z.discriminatedUnion('decision', [
        z.strictObject({ decision: z.literal('approve'), reason: z.string().max(2000).optional(), accountId: z.uuid().optional() }),
        z.strictObject({ decision: z.literal('reject'), reason: z.string().trim().min(1).max(2000) }),
      ]),
      response: { 200: registrationSchema.extend({ handoffId: z.uuid().nullable() }), ...errorResponses },
    },
    handler: async (request) => decideRegistration(db, actorOf(request), request.params.id, request.body, delivery),
  });
}
