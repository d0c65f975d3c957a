import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { actorOf, SESSION_COOKIE } from '../../http/auth.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { getOrganization } from '../orgs/service.ts';
import { acceptInvitation, getUser } from '../users/service.ts';
import { API_KEY_SCOPES, createApiKey, listApiKeys, login, logout, logoutEverywhere, resolveSession, revokeApiKey, startSession } from './service.ts';

const TAGS = ['Auth'];

const meSchema = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.string(), teamId: z.uuid().nullable(), timeZone: z.string() }),
    org: z.object({ id: z.uuid(), name: z.string() }),
    csrfToken: z.string().nullable().describe('Send as X-CSRF-Token on writes made with the session cookie'),
  })
  .meta({ id: 'Me' });

const apiKeySchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    scope: z.enum(API_KEY_SCOPES),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https://'),
    maxAge: Math.round(config.sessionHours * 3600),
  });
}

export function authRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/auth/login', {
    config: {
      public: true,
      rateLimit: {
        max: config.loginLimitPerMinute,
        timeWindow: '1 minute',
        // Per address and per account, so one attacker cannot lock everyone out from one IP.
        keyGenerator: (request) => `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
      },
    },
    schema: {
      tags: TAGS,
      summary: 'Sign in with email and password',
      description: 'Sets an http-only session cookie. Rate limited per address and email.',
      body: z.strictObject({ email: z.string().max(320), password: z.string().max(256) }),
      response: { 200: meSchema, ...errorResponses, 429: errorResponses[400] },
    },
    handler: async (request, reply) => {
      const session = await login(db, request.body, config.sessionHours);
      setSessionCookie(reply, config, session.token);
      return describe(db, session.orgId, session.userId, session.csrfToken);
    },
  });

  r.post('/api/v1/auth/accept-invitation', {
    config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags: TAGS,
      summary: 'Accept an invitation: choose a password and sign in',
      body: z.strictObject({ token: z.string().min(10).max(200), password: z.string().max(256), name: z.string().min(1).max(200).optional() }),
      response: { 200: meSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const user = await acceptInvitation(db, request.body);
      const session = await startSession(db, user, config.sessionHours);
      setSessionCookie(reply, config, session.token);
      return describe(db, session.orgId, session.userId, session.csrfToken);
    },
  });

  r.post('/api/v1/auth/logout', {
    config: { public: true },
    schema: { tags: TAGS, summary: 'Sign out this session', response: { 204: z.null() } },
    handler: async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/auth/logout-everywhere', {
    schema: {
      tags: TAGS,
      summary: 'Sign out every session of the current user',
      description: 'Ends every session of the caller on every device; with `revokeApiKeys: true` the caller\'s API keys stop working too.',
      body: z.strictObject({ revokeApiKeys: z.boolean().default(false) }).nullish(),
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await logoutEverywhere(db, actorOf(request), { revokeApiKeys: request.body?.revokeApiKeys ?? false });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/auth/me', {
    schema: { tags: TAGS, summary: 'Who am I', response: { 200: meSchema, ...errorResponses } },
    handler: async (request) => {
      const actor = actorOf(request);
      const token = request.cookies[SESSION_COOKIE];
      const session = actor.via === 'session' && token ? await resolveSession(db, token) : null;
      return describe(db, actor.orgId, actor.userId, session?.csrfToken ?? null);
    },
  });

  r.get('/api/v1/api-keys', {
    config: { permission: 'apikeys:own' },
    schema: { tags: ['API keys'], summary: 'List my API keys', response: { 200: z.object({ data: z.array(apiKeySchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listApiKeys(db, actorOf(request)) }),
  });

  r.post('/api/v1/api-keys', {
    config: { permission: 'apikeys:own' },
    schema: {
      tags: ['API keys'],
      summary: 'Create an API key',
      description: 'The `key` is shown in this answer only; Leadflow keeps just its hash. Send it as `Authorization: Bearer <key>`.',
      body: z.strictObject({ name: z.string().min(1).max(100), scope: z.enum(API_KEY_SCOPES).default('write') }),
      response: { 201: apiKeySchema.extend({ key: z.string() }), ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createApiKey(db, actorOf(request), request.body)),
  });

  r.delete('/api/v1/api-keys/:id', {
    config: { permission: 'apikeys:own' },
    schema: { tags: ['API keys'], summary: 'Revoke an API key', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await revokeApiKey(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
}

async function describe(db: Db, orgId: string, userId: string, csrfToken: string | null) {
  const actor = { orgId, userId, role: 'admin' as const, via: 'system' as const };
  const [user, org] = await Promise.all([getUser(db, actor, userId), getOrganization(db, orgId)]);
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, teamId: user.teamId, timeZone: user.timeZone },
    org: { id: orgId, name: org?.name ?? '' },
    csrfToken,
  };
}
