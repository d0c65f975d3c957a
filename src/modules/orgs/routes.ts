import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { errorResponses } from '../../http/schemas.ts';
import { setSessionCookie } from '../auth/routes.ts';
import { startSessionForUser } from '../auth/service.ts';
import { countOrganizations, createOrganization } from './service.ts';

const TAGS = ['Setup'];

export function orgRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/setup', {
    config: { public: true },
    schema: { tags: TAGS, summary: 'Does this installation still need its first organisation?', response: { 200: z.object({ needsSetup: z.boolean() }) } },
    handler: async () => ({ needsSetup: (await countOrganizations(db)) === 0 }),
  });

  r.post('/api/v1/setup', {
    config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags: TAGS,
      summary: 'Create your organisation (empty installation only)',
      description: 'The first user becomes the organisation\'s admin and is signed in.',
      body: z.strictObject({
        orgName: z.string().trim().min(1).max(200),
        name: z.string().trim().min(1).max(200),
        email: z.email().max(320),
        password: z.string().max(256),
      }),
      response: { 201: z.object({ orgId: z.uuid(), userId: z.uuid(), csrfToken: z.string() }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { orgName, name, email, password } = request.body;
      const created = await createOrganization(db, { name: orgName, admin: { email, name, password } }, { onlyIfFirst: true });
      const session = await startSessionForUser(db, created.orgId, created.adminId, config.sessionHours);
      setSessionCookie(reply, config, session.token);
      return reply.code(201).send({ orgId: created.orgId, userId: created.adminId, csrfToken: session.csrfToken });
    },
  });
}
