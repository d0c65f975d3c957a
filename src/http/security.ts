import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { Config } from '../core/config.ts';
import { AppError, validationFailed, type FieldError } from '../core/errors.ts';

/**
 * Response headers for every answer. The CSP fits the built SPA: scripts and styles from our own
 * origin only (Vite emits no inline script); inline style attributes stay allowed because Recharts
 * and the layout set `style=` on elements. HSTS only when the server is reached over https, since
 * a browser that saw it on http://localhost would refuse plain http to every local app.
 */
export function securityHeaders(config: Pick<Config, 'publicUrl' | 'hsts'>): FastifyHelmetOptions {
  const https = config.publicUrl.startsWith('https://');
  const hsts = config.hsts === 'on' || (config.hsts === 'auto' && https);
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

/**
 * The API docs page (Swagger UI) brings an inline <style>; its own default policy also upgrades
 * every request to https, which breaks docs served over plain http. Same rules as the app otherwise.
 */
export const API_DOCS_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Strings (and keys) in a parsed body, query or path that PostgreSQL could not store: NUL bytes. */
function nulFields(value: unknown, path: string, found: FieldError[], depth = 0): void {
  if (found.length >= 10 || depth > 20) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ field: path || 'body', message: 'Must not contain NUL (\\u0000) characters' });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nulFields(item, path ? `${path}.${index}` : String(index), found, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) found.push({ field: path || 'body', message: 'Keys must not contain NUL (\\u0000) characters' });
      nulFields(item, path ? `${path}.${key}` : key, found, depth + 1);
    }
  }
}

/**
 * Input no route should have to think about: text with NUL bytes (PostgreSQL's text type cannot
 * hold them, so they would fail deep inside a write) is refused with the fields named, before any
 * handler runs.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found: FieldError[] = [];
    nulFields(request.params, 'params', found);
    nulFields(request.query, 'query', found);
    if (typeof request.body === 'string' || (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body))) nulFields(request.body, '', found);
    if (found.length) throw validationFailed(found);
  });
}

/**
 * A general per-caller limit on the API (LEADFLOW_API_LIMIT_PER_MINUTE; 0 turns it off), on top of
 * the tighter limits of sign-in and public forms. It counts per API key user or session user, after
 * authentication, so one busy integration cannot starve the rest of its org; unauthenticated
 * requests are refused before they are counted.
 */
export function registerApiRateLimit(app: FastifyInstance, perMinute: number): void {
  if (perMinute <= 0) return;
  const limiter = app.createRateLimit({
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `api|${request.actor?.orgId}|${request.actor?.userId}|${request.actor?.via}`,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.actor || request.routeOptions.config.rateLimit) return;
    const limit = await limiter(request);
    if (limit.isAllowed) return;
    reply.header('x-ratelimit-limit', String(limit.max));
    reply.header('x-ratelimit-remaining', String(limit.remaining));
    if (limit.isExceeded) {
      reply.header('retry-after', String(limit.ttlInSeconds));
      throw new AppError(429, 'rate_limited', `More than ${perMinute} API requests a minute; retry in ${limit.ttlInSeconds} s`);
    }
  });
}
