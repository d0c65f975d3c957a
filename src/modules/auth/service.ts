import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { hash, verify } from '@node-rs/argon2';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, unauthorized } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan, type Role } from '../../core/roles.ts';
import { randomToken, sha256 } from '../../core/tokens.ts';
import { recordAudit } from '../audit/service.ts';
import { canSignIn, normaliseEmail } from '../users/model.ts';
import { apiKeys, sessions, users } from '../users/schema.ts';

export type SessionActor = Actor & { csrfToken: string; sessionId: string };

// Verifying against a throwaway hash when the email is unknown keeps both answers equally slow,
// so response time does not reveal which emails have accounts.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hash(randomToken()));

export async function login(db: Db, input: { email: string; password: string }, sessionHours: number) {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${normaliseEmail(input.email)}`);
  const valid = user?.passwordHash
    ? await verify(user.passwordHash, input.password)
    : (await verify(await decoy(), input.password), false);
  if (!user || !valid || !canSignIn(user.status)) throw unauthorized('Wrong email or password');
  return startSession(db, user, sessionHours);
}

/** A fresh session id at every sign-in, so an id planted before sign-in is worthless (fixation). */
export async function startSession(db: Db, user: typeof users.$inferSelect, sessionHours: number) {
  const token = randomToken();
  const csrfToken = randomToken();
  const at = new Date();
  await db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      orgId: user.orgId,
      id: sha256(token),
      userId: user.id,
      csrfToken,
      expiresAt: new Date(at.getTime() + sessionHours * 3600 * 1000),
    });
    await tx.update(users).set({ lastLoginAt: at }).where(and(eq(users.orgId, user.orgId), eq(users.id, user.id)));
    await tx.delete(sessions).where(and(eq(sessions.orgId, user.orgId), eq(sessions.userId, user.id), lt(sessions.expiresAt, at)));
  });
  return { token, csrfToken, userId: user.id, orgId: user.orgId };
}

export async function startSessionForUser(db: Db, orgId: string, userId: string, sessionHours: number) {
  const [user] = await db.select().from(users).where(and(eq(users.orgId, orgId), eq(users.id, userId)));
  if (!user || !canSignIn(user.status)) throw unauthorized('This user cannot sign in');
  return startSession(db, user, sessionHours);
}

export async function resolveSession(db: Db, token: string): Promise<SessionActor | null> {
  const id = sha256(token);
  const [row] = await db
    .select({ orgId: sessions.orgId, userId: sessions.userId, csrfToken: sessions.csrfToken, role: users.role, status: users.status })
    .from(sessions)
    .innerJoin(users, and(eq(users.orgId, sessions.orgId), eq(users.id, sessions.userId)))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date())));
  if (!row || !canSignIn(row.status)) return null;
  return { orgId: row.orgId, userId: row.userId, role: row.role as Role, via: 'session', csrfToken: row.csrfToken, sessionId: id };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sha256(token)));
}

/** Ends every session of the user, on every device, and with `revokeApiKeys` their API keys too. */
export async function logoutEverywhere(db: Db, actor: Actor, options: { revokeApiKeys?: boolean } = {}): Promise<{ sessionsEnded: number; apiKeysRevoked: number }> {
  return db.transaction(async (tx) => {
    const ended = await tx.delete(sessions).where(and(eq(sessions.orgId, actor.orgId), eq(sessions.userId, actor.userId))).returning({ id: sessions.id });
    const revoked = options.revokeApiKeys
      ? await tx
          .update(apiKeys)
          .set({ revokedAt: new Date() })
          .where(and(eq(apiKeys.orgId, actor.orgId), eq(apiKeys.userId, actor.userId), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id })
      : [];
    await recordAudit(tx, actor, { entityType: 'user', entityId: actor.userId, action: 'logout_everywhere', after: { sessionsEnded: ended.length, apiKeysRevoked: revoked.length } });
    return { sessionsEnded: ended.length, apiKeysRevoked: revoked.length };
  });
}

export const API_KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type ApiKeyView = {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const toApiKeyView = (row: typeof apiKeys.$inferSelect): ApiKeyView => ({
  id: row.id,
  userId: row.userId,
  name: row.name,
  prefix: row.prefix,
  scope: row.scope as ApiKeyScope,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Creates a key for the actor; the secret is returned once and only its hash is kept. */
export async function createApiKey(db: Db, actor: Actor, input: { name: string; scope: ApiKeyScope }) {
  assertCan(actor, 'apikeys:own');
  const key = `lf_${randomToken()}`;
  const [row] = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(apiKeys)
      .values({ orgId: actor.orgId, id: newId(), userId: actor.userId, name: input.name.trim(), prefix: key.slice(0, 10), tokenHash: sha256(key), scope: input.scope })
      .returning();
    await recordAudit(tx, actor, { entityType: 'api_key', entityId: inserted[0]!.id, action: 'create', after: { name: input.name, scope: input.scope } });
    return inserted;
  });
  return { ...toApiKeyView(row!), key };
}

export async function listApiKeys(db: Db, actor: Actor): Promise<ApiKeyView[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, actor.orgId), eq(apiKeys.userId, actor.userId)))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toApiKeyView);
}

/** Revokes one of the actor's keys; admins may revoke anyone's in their org. */
export async function revokeApiKey(db: Db, actor: Actor, keyId: string): Promise<void> {
  const ownOnly = actor.role !== 'admin';
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiKeys.orgId, actor.orgId),
          eq(apiKeys.id, keyId),
          isNull(apiKeys.revokedAt),
          ownOnly ? eq(apiKeys.userId, actor.userId) : undefined,
        ),
      )
      .returning();
    if (!row) throw notFound('API key');
    await recordAudit(tx, actor, { entityType: 'api_key', entityId: keyId, action: 'revoke' });
  });
}

export async function resolveApiKey(db: Db, key: string): Promise<(Actor & { scope: ApiKeyScope }) | null> {
  const [row] = await db
    .select({ orgId: apiKeys.orgId, id: apiKeys.id, userId: apiKeys.userId, scope: apiKeys.scope, lastUsedAt: apiKeys.lastUsedAt, role: users.role, status: users.status })
    .from(apiKeys)
    .innerJoin(users, and(eq(users.orgId, apiKeys.orgId), eq(users.id, apiKeys.userId)))
    .where(and(eq(apiKeys.tokenHash, sha256(key)), isNull(apiKeys.revokedAt)));
  if (!row || !canSignIn(row.status)) return null;
  // Touch last-used at most once a minute: a write per request would double the load of reads.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(and(eq(apiKeys.orgId, row.orgId), eq(apiKeys.id, row.id)));
  }
  return { orgId: row.orgId, userId: row.userId, role: row.role as Role, via: 'api_key', scope: row.scope as ApiKeyScope };
}
