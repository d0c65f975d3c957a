import { and, asc, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { logActivity } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { notify, withNotifications, type Delivery, type Outbox } from '../notifications/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { accountBrief } from './customers.service.ts';
import { orgChart, reportingCycle, type BuyingRole, type OrgChartNode, type TeamRole } from './relationships.model.ts';
import { accountKeyPlayers, accounts, accountTeamMembers, contacts } from './schema.ts';

const TEAM_ROLE_LABELS: Record<TeamRole, string> = {
  inside_rep: 'inside rep',
  outside_exec: 'outside sales executive',
  account_manager: 'account manager',
  partner: 'partner',
};

export type TeamMemberView = { userId: string; role: TeamRole; addedAt: string };

export async function listAccountTeam(db: Db, actor: Actor, accountId: string): Promise<TeamMemberView[]> {
  assertCan(actor, 'records:read');
  await accountBrief(db, actor, accountId);
  const rows = await db
    .select()
    .from(accountTeamMembers)
    .where(and(eq(accountTeamMembers.orgId, actor.orgId), eq(accountTeamMembers.accountId, accountId)))
    .orderBy(asc(accountTeamMembers.addedAt));
  return rows.map((r) => ({ userId: r.userId, role: r.role as TeamRole, addedAt: r.addedAt.toISOString() }));
}

/** Everyone to tell when something that matters happens on the account: its team and its owner. */
export async function accountAudience(db: Db, actor: Actor, accountId: string): Promise<string[]> {
  const [account] = await db.select({ ownerId: accounts.ownerId }).from(accounts).where(and(eq(accounts.orgId, actor.orgId), eq(accounts.id, accountId)));
  if (!account) return [];
  const team = await db
    .select({ userId: accountTeamMembers.userId })
    .from(accountTeamMembers)
    .where(and(eq(accountTeamMembers.orgId, actor.orgId), eq(accountTeamMembers.accountId, accountId)));
  return [...new Set([...(account.ownerId ? [account.ownerId] : []), ...team.map((t) => t.userId)])];
}

/** Puts someone on the account team in a role (or changes their role); they hear about it. */
export async function setTeamMember(db: Db, actor: Actor, accountId: string, userId: string, role: TeamRole, delivery?: Delivery): Promise<TeamMemberView> {
  assertCan(actor, 'records:write');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const account = await accountBrief(tx, actor, accountId);
    await assertActiveUser(tx, actor, userId, 'userId');
    const key = and(eq(accountTeamMembers.orgId, actor.orgId), eq(accountTeamMembers.accountId, accountId), eq(accountTeamMembers.userId, userId));
    const [before] = await tx.select().from(accountTeamMembers).where(key).for('update');
    const [row] = await tx
      .insert(accountTeamMembers)
      .values({ orgId: actor.orgId, accountId, userId, role })
      .onConflictDoUpdate({ target: [accountTeamMembers.orgId, accountTeamMembers.accountId, accountTeamMembers.userId], set: { role } })
      .returning();
    if (before?.role !== role) {
      await recordAudit(tx, actor, { entityType: 'account', entityId: accountId, action: 'team_member_set', before: before ? { userId, role: before.role } : null, after: { userId, role } });
      await notify(tx, actor, [userId], { kind: 'account_team', title: `You are on the ${account.name} account team`, body: `You were added as ${TEAM_ROLE_LABELS[role]} on ${account.name}.`, link: `/accounts/${accountId}` }, outbox);
    }
    return { userId: row!.userId, role: row!.role as TeamRole, addedAt: row!.addedAt.toISOString() };
  });
}

export async function removeTeamMember(db: Db, actor: Actor, accountId: string, userId: string): Promise<void> {
  assertCan(actor, 'records:write');
  await db.transaction(async (tx) => {
    await accountBrief(tx, actor, accountId);
    const [removed] = await tx
      .delete(accountTeamMembers)
      .where(and(eq(accountTeamMembers.orgId, actor.orgId), eq(accountTeamMembers.accountId, accountId), eq(accountTeamMembers.userId, userId)))
      .returning();
    if (!removed) throw notFound('Team member');
    await recordAudit(tx, actor, { entityType: 'account', entityId: accountId, action: 'team_member_removed', before: { userId, role: removed.role }, after: null });
  });
}

export type KeyPlayerView = {
  contactId: string;
  roles: BuyingRole[];
  reportsToContactId: string | null;
  firstName: string;
  lastName: string;
  title: string | null;
  email: string | null;
};

async function keyPlayerRows(db: Db, actor: Actor, accountId: string): Promise<KeyPlayerView[]> {
  const rows = await db
    .select({ player: accountKeyPlayers, contact: contacts })
    .from(accountKeyPlayers)
    .innerJoin(contacts, and(eq(contacts.orgId, accountKeyPlayers.orgId), eq(contacts.id, accountKeyPlayers.contactId)))
    .where(and(eq(accountKeyPlayers.orgId, actor.orgId), eq(accountKeyPlayers.accountId, accountId)))
    .orderBy(asc(contacts.lastName), asc(contacts.firstName));
  return rows.map(({ player, contact }) => ({
    contactId: player.contactId,
    roles: player.roles as BuyingRole[],
    reportsToContactId: player.reportsToContactId,
    firstName: contact.firstName,
    lastName: contact.lastName,
    title: contact.title,
    email: contact.email,
  }));
}

/** The account's key players with their buying roles, and the same people as an org chart. */
export async function listKeyPlayers(db: Db, actor: Actor, accountId: string): Promise<{ data: KeyPlayerView[]; orgChart: OrgChartNode<KeyPlayerView>[] }> {
  assertCan(actor, 'records:read');
  await accountBrief(db, actor, accountId);
  const data = await keyPlayerRows(db, actor, accountId);
  return { data, orgChart: orgChart(data) };
}

async function assertContactOfAccount(db: Db, actor: Actor, accountId: string, contactId: string, field: string): Promise<void> {
  const [row] = await db.select({ accountId: contacts.accountId, deletedAt: contacts.deletedAt }).from(contacts).where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, contactId)));
  if (!row || row.deletedAt) throw validationFailed([{ field, message: 'No such contact in your organisation' }]);
  if (row.accountId !== accountId) throw validationFailed([{ field, message: 'That contact does not work at this account; link them to it first' }]);
}

/** Names a contact's buying roles on the account and whom they report to. */
export async function setKeyPlayer(
  db: Db,
  actor: Actor,
  accountId: string,
  contactId: string,
  input: { roles: BuyingRole[]; reportsToContactId?: string | null | undefined },
): Promise<KeyPlayerView> {
  assertCan(actor, 'records:write');
  return db.transaction(async (tx) => {
    await accountBrief(tx, actor, accountId);
    await assertContactOfAccount(tx, actor, accountId, contactId, 'contactId');
    const players = await keyPlayerRows(tx, actor, accountId);
    const before = players.find((p) => p.contactId === contactId);
    const reportsTo = input.reportsToContactId === undefined ? (before?.reportsToContactId ?? null) : input.reportsToContactId;
    if (reportsTo) {
      await assertContactOfAccount(tx, actor, accountId, reportsTo, 'reportsToContactId');
      if (reportingCycle(contactId, reportsTo, players)) {
        throw validationFailed([{ field: 'reportsToContactId', message: 'That would make someone report to themselves through the chain' }]);
      }
    }
    const roles = [...new Set(input.roles)];
    await tx
      .insert(accountKeyPlayers)
      .values({ orgId: actor.orgId, accountId, contactId, roles, reportsToContactId: reportsTo })
      .onConflictDoUpdate({
        target: [accountKeyPlayers.orgId, accountKeyPlayers.accountId, accountKeyPlayers.contactId],
        set: { roles, reportsToContactId: reportsTo, updatedAt: new Date() },
      });
    await recordAudit(tx, actor, {
      entityType: 'account',
      entityId: accountId,
      action: 'key_player_set',
      before: before ? { contactId, roles: before.roles, reportsToContactId: before.reportsToContactId } : null,
      after: { contactId, roles, reportsToContactId: reportsTo },
    });
    return (await keyPlayerRows(tx, actor, accountId)).find((p) => p.contactId === contactId)!;
  });
}

/** Takes a contact off the key players; whoever reported to them now sits at the top of the chart. */
export async function removeKeyPlayer(db: Db, actor: Actor, accountId: string, contactId: string): Promise<void> {
  assertCan(actor, 'records:write');
  await db.transaction(async (tx) => {
    const scope = and(eq(accountKeyPlayers.orgId, actor.orgId), eq(accountKeyPlayers.accountId, accountId));
    const [removed] = await tx.delete(accountKeyPlayers).where(and(scope, eq(accountKeyPlayers.contactId, contactId))).returning();
    if (!removed) throw notFound('Key player');
    await tx.update(accountKeyPlayers).set({ reportsToContactId: null, updatedAt: new Date() }).where(and(scope, eq(accountKeyPlayers.reportsToContactId, contactId)));
    await recordAudit(tx, actor, { entityType: 'account', entityId: accountId, action: 'key_player_removed', before: { contactId, roles: removed.roles }, after: null });
  });
}

/** The buying roles the account's key players hold (account health asks whether there is a champion). */
export async function keyPlayerRoles(db: Db, actor: Actor, accountId: string): Promise<BuyingRole[]> {
  const rows = await db
    .select({ roles: accountKeyPlayers.roles })
    .from(accountKeyPlayers)
    .where(and(eq(accountKeyPlayers.orgId, actor.orgId), eq(accountKeyPlayers.accountId, accountId)));
  return [...new Set(rows.flatMap((r) => r.roles as BuyingRole[]))];
}

/** Tells the account's team and owner something that matters on the account, in the caller's transaction. */
export async function notifyAccountTeam(
  tx: Db,
  actor: Actor,
  accountId: string,
  message: { kind: string; title: string; body?: string; link?: string },
  outbox: Outbox,
): Promise<string[]> {
  return notify(tx, actor, await accountAudience(tx, actor, accountId), message, outbox);
}

/** An escalation: on the account's timeline, and to everyone on its team at once. */
export async function escalate(db: Db, actor: Actor, accountId: string, input: { summary: string; details?: string | undefined }, delivery?: Delivery) {
  assertCan(actor, 'records:write');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const account = await accountBrief(tx, actor, accountId);
    const item = await logActivity(tx, actor, { subjectType: 'account', subjectId: accountId, kind: 'escalation', summary: input.summary.trim(), details: { details: input.details ?? '' } });
    await recordAudit(tx, actor, { entityType: 'activity', entityId: item.id, action: 'create', after: { subjectType: 'account', subjectId: accountId, kind: 'escalation', summary: input.summary.trim() } });
    const notified = await notifyAccountTeam(tx, actor, accountId, { kind: 'escalation', title: `Escalation on ${account.name}: ${input.summary.trim()}`, body: input.details ?? input.summary, link: `/accounts/${accountId}` }, outbox);
    return { activity: item, notified };
  });
}
