import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import type { BuyingRole } from '../accounts/relationships.model.ts';
import { getContact } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { opportunityContacts } from './schema.ts';
import { contactRolesOf, lockOpportunity } from './store.ts';

export type DealContactView = {
  contactId: string;
  roles: BuyingRole[];
  isPrimary: boolean;
  firstName: string;
  lastName: string;
  title: string | null;
  email: string | null;
  accountId: string | null;
};

/** The people on a deal with their roles in the buying decision, primary contact first. */
export async function dealContacts(db: Db, actor: Actor, opportunityId: string): Promise<DealContactView[]> {
  const rows = await contactRolesOf(db, actor, opportunityId);
  const out: DealContactView[] = [];
  for (const row of rows) {
    const contact = await getContact(db, actor, row.contactId).catch(() => null);
    if (!contact || contact.deletedAt) continue;
    out.push({
      contactId: row.contactId,
      roles: row.roles as BuyingRole[],
      isPrimary: row.isPrimary,
      firstName: contact.firstName,
      lastName: contact.lastName,
      title: contact.title,
      email: contact.email,
      accountId: contact.accountId,
    });
  }
  return out.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary));
}

/** Puts a contact on the deal with their roles (decision maker, champion…); one contact is the primary. */
export async function setDealContact(
  db: Db,
  actor: Actor,
  opportunityId: string,
  contactId: string,
  input: { roles: BuyingRole[]; isPrimary?: boolean | undefined },
): Promise<DealContactView[]> {
  assertCan(actor, 'records:write');
  await db.transaction(async (tx) => {
    await lockOpportunity(tx, actor, opportunityId);
    const contact = await getContact(tx, actor, contactId).catch(() => null);
    if (!contact || contact.deletedAt) throw validationFailed([{ field: 'contactId', message: 'No such contact in your organisation' }]);
    const roles = [...new Set(input.roles)];
    const deal = and(eq(opportunityContacts.orgId, actor.orgId), eq(opportunityContacts.opportunityId, opportunityId));
    const before = (await contactRolesOf(tx, actor, opportunityId)).find((r) => r.contactId === contactId);
    const isPrimary = input.isPrimary ?? before?.isPrimary ?? false;
    if (isPrimary) await tx.update(opportunityContacts).set({ isPrimary: false }).where(deal);
    await tx
      .insert(opportunityContacts)
      .values({ orgId: actor.orgId, opportunityId, contactId, roles, isPrimary })
      .onConflictDoUpdate({ target: [opportunityContacts.orgId, opportunityContacts.opportunityId, opportunityContacts.contactId], set: { roles, isPrimary } });
    await recordAudit(tx, actor, {
      entityType: 'opportunity',
      entityId: opportunityId,
      action: 'contact_role_set',
      before: before ? { contactId, roles: before.roles, isPrimary: before.isPrimary } : null,
      after: { contactId, roles, isPrimary },
    });
  });
  return dealContacts(db, actor, opportunityId);
}

export async function removeDealContact(db: Db, actor: Actor, opportunityId: string, contactId: string): Promise<void> {
  assertCan(actor, 'records:write');
  await db.transaction(async (tx) => {
    await lockOpportunity(tx, actor, opportunityId);
    const [removed] = await tx
      .delete(opportunityContacts)
      .where(and(eq(opportunityContacts.orgId, actor.orgId), eq(opportunityContacts.opportunityId, opportunityId), eq(opportunityContacts.contactId, contactId)))
      .returning();
    if (!removed) throw notFound('Contact on this deal');
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'contact_role_removed', before: { contactId, roles: removed.roles } });
  });
}
