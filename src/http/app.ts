import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../core/config.ts';
import type { Database } from '../core/db.ts';
import type { Jobs } from '../core/jobs.ts';
import { createMailer, type Mailer } from '../core/mailer.ts';
import { accountRoutes } from '../modules/accounts/routes.ts';
import { activityRoutes } from '../modules/activities/routes.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { conversionRoutes } from '../modules/conversions/routes.ts';
import { duplicateRoutes } from '../modules/duplicates/routes.ts';
import { emailRoutes } from '../modules/emails/routes.ts';
import { formRoutes } from '../modules/forms/routes.ts';
import { backupRoutes } from '../modules/backup/routes.ts';
import { callRoutes } from '../modules/calls/routes.ts';
import { taskRoutes } from '../modules/tasks/routes.ts';
import { todayRoutes } from '../modules/today/routes.ts';
import { quotaRoutes } from '../modules/quotas/routes.ts';
import { forecastRoutes } from '../modules/forecasts/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { importRoutes } from '../modules/imports/routes.ts';
import { leadRoutes } from '../modules/leads/routes.ts';
import { mergeRoutes } from '../modules/merges/routes.ts';
import { meetingRoutes } from '../modules/meetings/routes.ts';
import { opportunityRoutes } from '../modules/opportunities/routes.ts';
import { partnerRoutes } from '../modules/partners/routes.ts';
import { feedbackRoutes } from '../modules/feedback/routes.ts';
import { customFieldRoutes } from '../modules/customfields/routes.ts';
import { orgRoutes } from '../modules/orgs/routes.ts';
import { orgSettingsRoutes } from '../modules/orgs/settings-routes.ts';
import { qualificationRoutes } from '../modules/qualification/routes.ts';
import { routingRoutes } from '../modules/routing/routes.ts';
import { sequenceRoutes } from '../modules/sequences/routes.ts';
import { dashboardRoutes } from '../modules/reports/dashboards.routes.ts';
import { reportRoutes } from '../modules/reports/routes.ts';
import { scoringRoutes } from '../modules/scoring/routes.ts';
import { userRoutes } from '../modules/users/routes.ts';
import { webhookRoutes, webhooksOpenApi } from '../modules/webhooks/routes.ts';
import { viewRoutes } from '../modules/views/routes.ts';
import { searchRoutes } from '../modules/search/routes.ts';
import { registerAuth } from './auth.ts';
import { registerIdempotency } from './idempotency.ts';
import { problem, registerProblemHandlers } from './problem.ts';
import { API_DOCS_CSP, registerApiRateLimit, registerInputGuards, securityHeaders } from './security.ts';

export type AppOptions = {
  database: Database;
  config: Config;
  mailer?: Mailer;
  /** Durable background jobs; the server always has them, tests only where they need them. */
  jobs?: Jobs;
  logger?: boolean | object;
  /** Where the server's own log lines go (stdout if left out); the log tests read them here. */
  logStream?: { write: (line: string) => void };
};

const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The one app factory: the server, the CLI and the tests all build Leadflow through it. */
export async function buildApp({ database, config, mailer, jobs, logger, logStream }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
      ...(logStream ? { stream: logStream } : {}),
    },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
    // Paths the router refuses before any route (a parameter over 100 characters, broken %-escapes).
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      void (reply as FastifyReply).code(status).type('application/problem+json').send(problem(status, String(error.code).toLowerCase(), error.message));
    },
  });
  const db = database.db;
  const mail = mailer ?? createMailer(config, (message) => app.log.warn(message));

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);

  await app.register(fastifyHelmet, securityHeaders(config));
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler' });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leadflow API',
        version: '1',
        description:
          'The REST API of Leadflow, the inside-sales CRM. Authenticate with `Authorization: Bearer <api key>` ' +
          '(create one with POST /api/v1/api-keys) or the session cookie from POST /api/v1/auth/login (then send ' +
          '`X-CSRF-Token` on writes). Errors are RFC 9457 problem+json. Lists page with `cursor` and `limit`. ' +
          'POST honours `Idempotency-Key`; PATCH honours `If-Match`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'lf_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
      // What Leadflow sends to webhook endpoints (OpenAPI 3.1), beside what it answers.
      webhooks: webhooksOpenApi(),
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: API_DOCS_CSP });

  registerAuth(app, db, config.publicUrl);
  registerApiRateLimit(app, config.apiLimitPerMinute);
  registerInputGuards(app);
  registerIdempotency(app, db);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await database.executeSql('select 1');
      return { status: 'ready', database: database.kind };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: database.kind });
    }
  });

  orgRoutes(app, db, config);
  authRoutes(app, db, config);
  userRoutes(app, db, config, mail);
  leadRoutes(app, db);
  accountRoutes(app, db);
  auditRoutes(app, db);
  orgSettingsRoutes(app, db);
  qualificationRoutes(app, db);
  scoringRoutes(app, db, jobs);
  activityRoutes(app, db);
  callRoutes(app, db);
  taskRoutes(app, db);
  todayRoutes(app, db);
  formRoutes(app, db, config);
  duplicateRoutes(app, db);
  mergeRoutes(app, db);
  importRoutes(app, db, config, jobs);
  opportunityRoutes(app, db, config, mail);
  routingRoutes(app, db);
  emailRoutes(app, db, config);
  sequenceRoutes(app, db);
  reportRoutes(app, db);
  dashboardRoutes(app, db);
  meetingRoutes(app, db, { mailer: mail, log: (message) => app.log.warn(message) });
  conversionRoutes(app, db, { mailer: mail, publicUrl: config.publicUrl, log: (message: string) => app.log.warn(message) });
  quotaRoutes(app, db);
  forecastRoutes(app, db);
  partnerRoutes(app, db, { mailer: mail, publicUrl: config.publicUrl, log: (message: string) => app.log.warn(message) });
  feedbackRoutes(app, db, { mailer: mail, publicUrl: config.publicUrl, log: (message: string) => app.log.warn(message) });
  customFieldRoutes(app, db);
  viewRoutes(app, db);
  searchRoutes(app, db);
  backupRoutes(app, database);
  webhookRoutes(app, db, config);

  if (existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, maxAge: '1h' });
    // Client-side routes (/leads/123) all load the SPA shell; unknown API paths stay 404 problems.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }

  return app;
}
