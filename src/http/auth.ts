import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../core/actor.ts';
import type { Db } from '../core/db.ts';
import { forbidden, unauthorized, AppError } from '../core/errors.ts';
import { can, type Permission } from '../core/roles.ts';
import { sameSecret } from '../core/tokens.ts';
import { resolveApiKey, resolveSession } from '../modules/auth/service.ts';

export const SESSION_COOKIE = 'lf_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Admin-scoped work an API key needs the `admin` scope for, even when its user is an admin.
const ADMIN_PERMISSIONS = new Set<Permission>(['users:manage', 'org:backup', 'org:audit', 'teams:manage', 'org:settings', 'qualification:manage', 'scoring:manage', 'webhooks:manage']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (login, setup, public forms). */
    public?: boolean;
    /** What the caller's role must allow; checked before the handler runs. */
    permission?: Permission;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** Every API route with the access it requires: the source of the access-matrix tests. */
    apiRoutes: ApiRoute[];
  }
}

export type ApiRoute = { method: string; url: string; public: boolean; permission: Permission | undefined };

/** The signed-in actor; routes that are not public can rely on it. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('actor', null);
  const apiRoutes: ApiRoute[] = [];
  app.decorate('apiRoutes', apiRoutes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      apiRoutes.push({ method, url: route.url, public: Boolean(route.config?.public), permission: route.config?.permission });
    }
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url?.startsWith('/api/v1') || request.routeOptions.config.public) return;

    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const key = match ? await resolveApiKey(db, match[1]!) : null;
      if (!key) throw unauthorized('The API key is invalid or revoked');
      if (key.scope === 'read' && !SAFE_METHODS.has(request.method)) {
        throw new AppError(403, 'insufficient_scope', 'This API key is read-only');
      }
      const permission = request.routeOptions.config.permission;
      if (key.scope !== 'admin' && permission && ADMIN_PERMISSIONS.has(permission)) {
        throw new AppError(403, 'insufficient_scope', 'This API key needs the admin scope');
      }
      request.actor = { orgId: key.orgId, userId: key.userId, role: key.role, via: 'api_key' };
    } else {
      const token = request.cookies[SESSION_COOKIE];
      const session = token ? await resolveSession(db, token) : null;
      if (!session) throw unauthorized();
      // Cookies ride along on cross-site requests; the CSRF token, readable only by our own
      // pages, proves the request came from the Leadflow UI.
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
          throw new AppError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header');
        }
      }
      request.actor = { orgId: session.orgId, userId: session.userId, role: session.role, via: 'session' };
    }

    const permission = request.routeOptions.config.permission;
    if (permission && !can(request.actor.role, permission)) throw forbidden();
  });
}
