// Routing records that already exist: re-routing chosen leads by the active rules (the unassigned
// queue, a real run after a dry run), and moving everything of a rep who leaves, with the reason.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { accountIdsOf, getAccount, setAccountRouting } from '../accounts/service.ts';
import { getLead, openLeadIdsOf, setLeadRouting } from '../leads/service.ts';
import { assertActiveUser, getUser } from '../users/service.ts';
import { recordDecision } from './assignment.service.ts';
import { tell } from './notices.ts';
import { assignAccount, assignLead, ownerChangedByHand } from './service.ts';
import { activeRuleSet } from './store.ts';

// PGlite is one connection: back-to-back transactions would hold every request until the last
// record moved (1,500 leads kept a lead list waiting 47 s). A turn of the event loop between
// records lets waiting queries in.
const letOthersIn = () => new Promise((resolve) => setImmediate(resolve));

export type RerouteOutcome = { leadId: string; ownerId: string | null; reason: string | null };

/**
 * Routes existing leads by the active lead rule set, one transaction per lead in the order given,
 * each decision stored with the cause. Without an active rule set nothing changes.
 */
export async function rerouteLeads(db: Db, actor: Actor, leadIds: string[], cause?: string): Promise<RerouteOutcome[]> {
  assertCan(actor, 'routing:manage');
  const outcomes: RerouteOutcome[] = [];
  for (const leadId of leadIds) {
    outcomes.push(
      await db.transaction(async (tx) => {
        const lead = await getLead(tx, actor, leadId);
        const { lead: routed, routed: decision } = await assignLead(tx, actor, lead, { kind: 'reassignment', cause: cause ?? 'routed again' });
        return { leadId, ownerId: routed.ownerId, reason: decision?.reason ?? null };
      }),
    );
    await letOthersIn();
  }
  return outcomes;
}

export type Reassignment = { fromUserId: string; toUserId?: string | undefined; reason: string; leads: boolean; accounts: boolean };
export type ReassignmentResult = { leads: { moved: number; unassigned: number }; accounts: { moved: number; unassigned: number } };

/**
 * Everything a rep leaving owns goes to someone else: to one named person, or each record routed
 * again by the active rules without the leaving rep. Open leads and live accounts move; every
 * move is a decision and an audited change carrying the reason. One transaction per record, so a
 * failure half way keeps what moved and a second run picks up the rest.
 */
export async function reassignOwner(db: Db, actor: Actor, request: Reassignment): Promise<ReassignmentResult> {
  assertCan(actor, 'routing:manage');
  assertCan(actor, 'records:reassign');
  const reason = request.reason.trim();
  if (!reason) throw validationFailed([{ field: 'reason', message: 'Say why (it is logged with every move)' }]);
  const leaving = await getUser(db, actor, request.fromUserId);
  const target = request.toUserId ? await getUser(db, actor, request.toUserId) : null;
  if (target) {
    if (target.id === leaving.id) throw validationFailed([{ field: 'toUserId', message: 'Choose someone other than the person leaving' }]);
    await assertActiveUser(db, actor, target.id, 'toUserId');
  }
  if (!target) {
    const missing = [request.leads && !(await activeRuleSet(db, actor.orgId, 'lead_create')) ? 'lead' : null, request.accounts && !(await activeRuleSet(db, actor.orgId, 'account')) ? 'account' : null].filter(Boolean);
    if (missing.length) throw validationFailed([{ field: 'toUserId', message: `No active ${missing.join(' or ')} rule set routes them; name the person to move them to` }]);
  }
  const cause = `${reason} (from ${leaving.name})`;
  const result: ReassignmentResult = { leads: { moved: 0, unassigned: 0 }, accounts: { moved: 0, unassigned: 0 } };

  if (request.leads) {
    for (const leadId of await openLeadIdsOf(db, actor, leaving.id)) {
      const ownerId = await db.transaction(async (tx) => {
        const lead = await getLead(tx, actor, leadId);
        if (lead.ownerId !== leaving.id) return lead.ownerId;
        if (!target) return (await assignLead(tx, actor, lead, { kind: 'reassignment', cause, exclude: [leaving.id] })).lead.ownerId;
        const why = `${cause}: moved to ${target.name}`;
        await setLeadRouting(tx, actor, leadId, { ownerId: target.id }, why);
        await recordDecision(tx, actor, { subjectType: 'lead', subjectId: leadId, kind: 'reassignment', ruleSet: null, reason: why, ownerId: target.id, previousOwnerId: leaving.id, territoryId: lead.territoryId });
        // The summary at the end tells the new owner; one notification per lead would bury it.
        await ownerChangedByHand(tx, actor, [leadId], target.id, `reassigned: ${reason}`, { tell: false });
        return target.id;
      });
      if (ownerId) result.leads.moved += 1;
      else result.leads.unassigned += 1;
      await letOthersIn();
    }
  }

  if (request.accounts) {
    for (const accountId of await accountIdsOf(db, actor, leaving.id)) {
      const ownerId = await db.transaction(async (tx) => {
        const account = await getAccount(tx, actor, accountId);
        if (account.ownerId !== leaving.id) return account.ownerId;
        if (!target) return (await assignAccount(tx, actor, account, { kind: 'reassignment', cause, exclude: [leaving.id] })).account.ownerId;
        const why = `${cause}: moved to ${target.name}`;
        await setAccountRouting(tx, actor, accountId, { ownerId: target.id }, why);
        await recordDecision(tx, actor, { subjectType: 'account', subjectId: accountId, kind: 'reassignment', ruleSet: null, reason: why, ownerId: target.id, previousOwnerId: leaving.id, territoryId: account.territoryId });
        return target.id;
      });
      if (ownerId) result.accounts.moved += 1;
      else result.accounts.unassigned += 1;
      await letOthersIn();
    }
  }

  if (target && result.leads.moved + result.accounts.moved > 0) {
    await db.transaction((tx) =>
      tell(tx, actor, [target.id], {
        kind: 'records_reassigned',
        title: `${result.leads.moved} leads and ${result.accounts.moved} accounts of ${leaving.name} are now yours`,
        body: reason,
        link: `/leads?ownerId=${target.id}`,
      }),
    );
  }
  return result;
}
