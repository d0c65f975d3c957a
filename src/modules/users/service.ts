import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { hash } from '@node-rs/argon2';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan, type Role } from '../../core/roles.ts';
import { randomToken, sha256 } from '../../core/tokens.ts';
import { recordAudit } from '../audit/service.ts';
import { normaliseEmail, passwordProblem, type UserStatus } from './model.ts';
import { sessions, teams, users } from './schema.ts';

export type UserView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  teamId: string | null;
  timeZone: string;
  lastLoginAt: string | null;
  version: number;
  createdAt: string;
};

type UserRow = typeof users.$inferSelect;

export const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role as Role,
  status: row.status as UserStatus,
  teamId: row.teamId,
  timeZone: row.timeZone,
  lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
});

const auditable = (row: UserRow) => ({
  email: row.email,
  name: row.name,
  role: row.role,
  status: row.status,
  teamId: row.teamId,
  timeZone: row.timeZone,
});

async function assertEmailFree(db: Db, email: string): Promise<void> {
  const [taken] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw conflict(`A user with the email ${email} already exists`, 'email_taken');
}

async function assertTeamExists(db: Db, actor: Actor, teamId: string | null | undefined): Promise<void> {
  if (!teamId) return;
  const [team] = await db.select({ id: teams.id }).from(teams).where(and(eq(teams.orgId, actor.orgId), eq(teams.id, teamId)));
  if (!team) throw validationFailed([{ field: 'teamId', message: 'No such team in your organisation' }]);
}

export type NewUser = { email: string; name: string; role: Role; password?: string | undefined; teamId?: string | null | undefined };

/** Creates an active user with a password (admins, the CLI and scripts). */
export async function createUser(db: Db, actor: Actor, input: NewUser & { password: string }): Promise<UserView> {
  assertCan(actor, 'users:manage');
  const bad = passwordProblem(input.password, input.email);
  if (bad) throw validationFailed([bad]);
  const email = normaliseEmail(input.email);
  const passwordHash = await hash(input.password);
  return db.transaction(async (tx) => {
    await assertEmailFree(tx, email);
    await assertTeamExists(tx, actor, input.teamId);
    const [row] = await tx
      .insert(users)
      .values({ orgId: actor.orgId, id: newId(), email, name: input.name.trim(), role: input.role, status: 'active', passwordHash, teamId: input.teamId ?? null })
      .returning();
    await recordAudit(tx, actor, { entityType: 'user', entityId: row!.id, action: 'create', after: auditable(row!) });
    return toUserView(row!);
  });
}

/** Invites a user: they get a link, choose their own password, and only then can sign in. */
export async function inviteUser(db: Db, actor: Actor, input: NewUser): Promise<{ user: UserView; inviteToken: string }> {
  assertCan(actor, 'users:manage');
  const email = normaliseEmail(input.email);
  const inviteToken = randomToken();
  return db.transaction(async (tx) => {
    await assertEmailFree(tx, email);
    await assertTeamExists(tx, actor, input.teamId);
    const [row] = await tx
      .insert(users)
      .values({
        orgId: actor.orgId,
        id: newId(),
        email,
        name: input.name.trim(),
        role: input.role,
        status: 'invited',
        teamId: input.teamId ?? null,
        inviteTokenHash: sha256(inviteToken),
        inviteExpiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
      })
      .returning();
    await recordAudit(tx, actor, { entityType: 'user', entityId: row!.id, action: 'invite', after: auditable(row!) });
    return { user: toUserView(row!), inviteToken };
  });
}

/** Turns an invitation into an active account. Returns the user so the caller can sign them in. */
export async function acceptInvitation(db: Db, input: { token: string; password: string; name?: string | undefined }): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.inviteTokenHash, sha256(input.token)));
  if (!row || row.status !== 'invited' || !row.inviteExpiresAt || row.inviteExpiresAt < new Date()) {
    throw new AppError(400, 'invalid_invitation', 'This invitation link is invalid or has expired; ask your admin for a new one');
  }
  const bad = passwordProblem(input.password, row.email);
  if (bad) throw validationFailed([bad]);
  const passwordHash = await hash(input.password);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({
        passwordHash,
        status: 'active',
        name: input.name?.trim() || row.name,
        inviteTokenHash: null,
        inviteExpiresAt: null,
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(users.orgId, row.orgId), eq(users.id, row.id)))
      .returning();
    await recordAudit(tx, { orgId: row.orgId, userId: row.id, role: row.role as Role, via: 'session' }, {
      entityType: 'user',
      entityId: row.id,
      action: 'accept_invitation',
      before: { status: 'invited' },
      after: { status: 'active' },
    });
    return updated!;
  });
}

export async function listUsers(db: Db, actor: Actor): Promise<UserView[]> {
  assertCan(actor, 'users:read');
  const rows = await db.select().from(users).where(eq(users.orgId, actor.orgId)).orderBy(asc(users.name));
  return rows.map(toUserView);
}

export async function getUser(db: Db, actor: Actor, userId: string): Promise<UserView> {
  assertCan(actor, 'users:read');
  const [row] = await db.select().from(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, userId)));
  if (!row) throw notFound('User');
  return toUserView(row);
}

/** The ids of the users in the org that exist, among those given: used to check owners. */
export async function existingUserIds(db: Db, actor: Actor, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), inArray(users.id, userIds)));
  return new Set(rows.map((r) => r.id));
}

export async function assertActiveUser(db: Db, actor: Actor, userId: string, field: string): Promise<void> {
  const [row] = await db
    .select({ status: users.status })
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), eq(users.id, userId)));
  if (!row) throw validationFailed([{ field, message: 'No such user in your organisation' }]);
  if (row.status === 'deactivated') throw validationFailed([{ field, message: 'That user is deactivated' }]);
}

export type UserChanges = {
  name?: string | undefined;
  role?: Role | undefined;
  status?: 'active' | 'deactivated' | undefined;
  teamId?: string | null | undefined;
  timeZone?: string | undefined;
};

export async function updateUser(db: Db, actor: Actor, userId: string, changes: UserChanges, expected: ExpectedVersion): Promise<UserView> {
  const editingSelf = userId === actor.userId;
  const adminOnly = changes.role !== undefined || changes.status !== undefined || changes.teamId !== undefined;
  // Anyone may change their own name and time zone; roles, status and teams are the admin's.
  if (!editingSelf || adminOnly) assertCan(actor, 'users:manage');
  if (editingSelf && (changes.status === 'deactivated' || (changes.role && changes.role !== 'admin'))) {
    throw validationFailed([{ field: changes.status ? 'status' : 'role', message: 'You cannot deactivate or demote yourself' }]);
  }
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, userId))).for('update');
    if (!row) throw notFound('User');
    assertVersion(expected, row.version);
    if (changes.status === 'active' && row.status === 'invited') {
      throw validationFailed([{ field: 'status', message: 'An invited user becomes active by accepting the invitation' }]);
    }
    await assertTeamExists(tx, actor, changes.teamId);
    const [updated] = await tx
      .update(users)
      .set({
        ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.status !== undefined ? { status: changes.status } : {}),
        ...(changes.teamId !== undefined ? { teamId: changes.teamId } : {}),
        ...(changes.timeZone !== undefined ? { timeZone: changes.timeZone } : {}),
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where(and(eq(users.orgId, actor.orgId), eq(users.id, userId)))
      .returning();
    if (changes.status === 'deactivated') {
      // A deactivated user is signed out at once; their records stay for reassignment.
      await tx.delete(sessions).where(and(eq(sessions.orgId, actor.orgId), eq(sessions.userId, userId)));
    }
    await recordAudit(tx, actor, { entityType: 'user', entityId: userId, action: 'update', before: auditable(row), after: auditable(updated!) });
    return toUserView(updated!);
  });
}

/**
 * Sets the actor's password and ends their other sessions: whoever knew the old password and signed
 * in with it is out. `currentSessionToken` (the caller's own cookie, when it came with one) stays.
 */
export async function changePassword(db: Db, actor: Actor, password: string, currentSessionToken?: string): Promise<void> {
  const [row] = await db.select().from(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, actor.userId)));
  if (!row) throw notFound('User');
  const bad = passwordProblem(password, row.email);
  if (bad) throw validationFailed([bad]);
  const passwordHash = await hash(password);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(and(eq(users.orgId, actor.orgId), eq(users.id, actor.userId)));
    const kept = currentSessionToken ? sha256(currentSessionToken) : undefined;
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.orgId, actor.orgId), eq(sessions.userId, actor.userId), kept ? ne(sessions.id, kept) : undefined))
      .returning({ id: sessions.id });
    await recordAudit(tx, actor, { entityType: 'user', entityId: actor.userId, action: 'change_password', after: { otherSessionsEnded: ended.length } });
  });
}

export type TeamView = { id: string; name: string; parentTeamId: string | null; managerId: string | null; memberIds: string[] };

export async function listTeams(db: Db, actor: Actor): Promise<TeamView[]> {
  assertCan(actor, 'users:read');
  const rows = await db.select().from(teams).where(eq(teams.orgId, actor.orgId)).orderBy(asc(teams.name));
  const members = await db.select({ id: users.id, teamId: users.teamId }).from(users).where(eq(users.orgId, actor.orgId));
  return rows.map((team) => ({
    id: team.id,
    name: team.name,
    parentTeamId: team.parentTeamId,
    managerId: team.managerId,
    memberIds: members.filter((m) => m.teamId === team.id).map((m) => m.id),
  }));
}

export async function createTeam(db: Db, actor: Actor, input: { name: string; parentTeamId?: string | null | undefined; managerId?: string | null | undefined }): Promise<TeamView> {
  assertCan(actor, 'teams:manage');
  return db.transaction(async (tx) => {
    await assertTeamExists(tx, actor, input.parentTeamId);
    if (input.managerId) await assertActiveUser(tx, actor, input.managerId, 'managerId');
    const [existing] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.orgId, actor.orgId), sql`lower(${teams.name}) = lower(${input.name.trim()})`));
    if (existing) throw conflict(`A team called "${input.name.trim()}" already exists`, 'team_name_taken');
    const [row] = await tx
      .insert(teams)
      .values({ orgId: actor.orgId, id: newId(), name: input.name.trim(), parentTeamId: input.parentTeamId ?? null, managerId: input.managerId ?? null })
      .returning();
    await recordAudit(tx, actor, { entityType: 'team', entityId: row!.id, action: 'create', after: { name: row!.name, parentTeamId: row!.parentTeamId, managerId: row!.managerId } });
    return { id: row!.id, name: row!.name, parentTeamId: row!.parentTeamId, managerId: row!.managerId, memberIds: [] };
  });
}

/** The user who signs in with this email, in whichever organisation (emails are unique installation-wide). */
export async function findUserByEmail(db: Db, email: string): Promise<{ orgId: string; id: string; role: Role; status: UserStatus; name: string } | null> {
  const [row] = await db
    .select({ orgId: users.orgId, id: users.id, role: users.role, status: users.status, name: users.name })
    .from(users)
    .where(sql`lower(${users.email}) = ${normaliseEmail(email)}`);
  return row ? { ...row, role: row.role as Role, status: row.status as UserStatus } : null;
}

export type TeamMove = { userId: string; at: string; from: string | null; to: string | null };

/** Every change of a user's team since `since`, oldest first, read from the users' audit entries. */
export async function teamMoves(db: Db, actor: Actor, since: Date): Promise<TeamMove[]> {
  const result = await db.execute(sql`
    select entity_id as user_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as at, before->>'teamId' as from_team, after->>'teamId' as to_team
    from audit_log
    where org_id = ${actor.orgId} and entity_type = 'user' and after ? 'teamId' and (before->>'teamId') is distinct from (after->>'teamId')
      and created_at >= ${since.toISOString()}::timestamptz
    order by created_at, id`);
  return (result as unknown as { rows: { user_id: string; at: string; from_team: string | null; to_team: string | null }[] }).rows.map((r) => ({
    userId: r.user_id,
    at: r.at,
    from: r.from_team,
    to: r.to_team,
  }));
}
