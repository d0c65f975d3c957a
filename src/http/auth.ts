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
export const ADMIN_SCOPE_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['users:manage', 'org:backup', 'org:audit', 'teams:manage', 'org:settings', 'qualification:manage', 'scoring:manage', 'webhooks:manage']);

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

// Public routes that start or end a session: a page on another site must not sign a visitor in to
// the attacker's account (login CSRF) or out of their own.
const SESSION_ROUTES = new Set(['/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/auth/accept-invitation', '/api/v1/setup']);

/**
 * Whether the browser says the request was made by a page of another site: `Sec-Fetch-Site` from
 * current browsers, otherwise an `Origin` that is neither this host nor LEADFLOW_PUBLIC_URL. Tools
 * that send neither header (curl, the CLI) are not browsers riding on a cookie, so they pass.
 */
export function fromAnotherSite(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined || site === 'same-origin' || site === 'none') return false;
  if (origin === 'null') return true;
  try {
    const from = new URL(origin).origin;
    return from !== new URL(`${request.protocol}://${request.host}`).origin && from !== new URL(publicUrl).origin;
  } catch {
    return true;
  }
}

export function registerAuth(app: FastifyInstance, db: Db, publicUrl = 'http://localhost'): void {
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
    if (url && SESSION_ROUTES.has(url) && !SAFE_METHODS.has(request.method) && fromAnotherSite(request, publicUrl)) {
      throw new AppError(403, 'cross_site_request', 'Sign-in and sign-out are accepted only from Leadflow\'s own pages');
    }
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
      if (key.scope !== 'admin' && permission && ADMIN_SCOPE_PERMISSIONS.has(permission)) {
        throw new AppError(403, 'insufficient_scope', 'This API key needs the admin scope');
      }
      request.actor = { orgId: key.orgId, userId: key.userId, role: key.role, via: 'api_key' };
    } else {
      const token = request.cookies[SESSION_COOKIE];
      const session = token ? await resolveSession(db, token) : null;
      if (!session) throw unauthorized();
      // Cookies ride along on cross-site requests; the CSRF token, readable only by our own
      // pages, proves the request came from the Leadflow UI, and the browser's own word on where
      // the request came from is checked as well (SameSite=Lax leaves same-site subdomains in).
      if (!SAFE_METHODS.has(request.method)) {
        if (fromAnotherSite(request, publicUrl)) throw new AppError(403, 'csrf_failed', 'Writes with the session cookie are accepted only from Leadflow\'s own pages');
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
