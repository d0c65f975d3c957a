import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../core/db.ts';
import { AppError, badRequest } from '../core/errors.ts';
import { idempotencyKeys } from '../core/idempotency-schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { orgId: string; userId: string; key: string } | null;
  }
  interface FastifyContextConfig {
    /**
     * A public POST (no caller to scope keys by) that honours Idempotency-Key for JSON bodies. Keys
     * from anonymous callers share one scope, so they must be unguessable (a random UUID).
     */
    anonymousIdempotency?: boolean;
  }
}

// The scope of keys sent to public routes: no org, no user.
const ANONYMOUS = '00000000-0000-0000-0000-000000000000';

// A claim whose first request never finished (crash mid-request) may be retried after this.
const ABANDONED_AFTER_MS = 60_000;

/**
 * Honours `Idempotency-Key` on POST: the first request claims the key, its answer is stored, and a
 * retry with the same key and body gets that stored answer instead of doing the work again.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest('idempotency', null);
  // Claims this process gave up on but could not free (the database was away when the request
  // failed): a retry here may take them at once instead of waiting out ABANDONED_AFTER_MS.
  const failedHere = new Set<string>();
  const claimName = (claim: { orgId: string; userId: string; key: string }) => `${claim.orgId}\n${claim.userId}\n${claim.key}`;

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    // A browser's form post is answered with a redirect or a page, which a stored answer could not replay.
    const anonymous = request.routeOptions.config.anonymousIdempotency && String(request.headers['content-type'] ?? '').startsWith('application/json');
    const scope = request.actor ?? (anonymous ? { orgId: ANONYMOUS, userId: ANONYMOUS } : null);
    if (request.method !== 'POST' || key === undefined || !scope) return;
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      throw badRequest('Idempotency-Key must be 1 to 200 characters');
    }
    const { orgId, userId } = scope;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ orgId, userId, key, requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length > 0) {
      request.idempotency = { orgId, userId, key };
      return;
    }
    const where = and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
    const [previous] = await db.select().from(idempotencyKeys).where(where);
    if (!previous) throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is in progress');
    if (previous.requestHash !== requestHash) {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
    }
    if (previous.statusCode === null) {
      const claim = { orgId, userId, key };
      if (!failedHere.has(claimName(claim)) && Date.now() - previous.createdAt.getTime() < ABANDONED_AFTER_MS) {
        throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is in progress');
      }
      await db.update(idempotencyKeys).set({ createdAt: new Date() }).where(where);
      failedHere.delete(claimName(claim));
      request.idempotency = claim;
      return;
    }
    reply.header('idempotent-replayed', 'true');
    return reply.code(previous.statusCode).type('application/json').send(previous.response);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    const where = and(eq(idempotencyKeys.orgId, claim.orgId), eq(idempotencyKeys.userId, claim.userId), eq(idempotencyKeys.key, claim.key));
    if (reply.statusCode >= 500) {
      // The work failed on our side: free the key so a retry can do it properly. When the database
      // itself is away the key cannot be freed; the failure answer must still go out.
      await db.delete(idempotencyKeys).where(where).catch(() => failedHere.add(claimName(claim)));
      return payload;
    }
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    let response: unknown = null;
    try {
      response = text ? JSON.parse(text) : null;
    } catch {
      response = text;
    }
    await db.update(idempotencyKeys).set({ statusCode: reply.statusCode, response }).where(where);
    return payload;
  });
}

/**
 * Frees the claims of requests that never finished. Only for a server starting on PGlite: it is
 * the one process on its database, so an unfinished claim there belongs to a process that died
 * (kill -9) and the client's retry may run at once. On PostgreSQL other processes may be mid-
 * request, so their claims are taken over only after ABANDONED_AFTER_MS.
 */
export async function releaseUnfinishedClaims(db: Db): Promise<number> {
  const released = await db.delete(idempotencyKeys).where(isNull(idempotencyKeys.statusCode)).returning({ key: idempotencyKeys.key });
  return released.length;
}
