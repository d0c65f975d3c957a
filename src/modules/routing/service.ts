// What other modules call: the hooks that place and route new leads and accounts inside their
// creating transaction, and the first touch that stops a lead's speed-to-lead clock.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { findAccountForLead, setAccountRouting, type AccountView } from '../accounts/service.ts';
import { companyDomain } from '../duplicates/model.ts';
import { setLeadRouting, type LeadView } from '../leads/service.ts';
import { placeRecord, route, type DecisionKind, type Routed } from './assignment.service.ts';
import { tell } from './notices.ts';
import { cancelClocks, runningClocks, startClock, stopClocks } from './sla.service.ts';
import { clockHandover, isFirstTouchKind } from './sla.model.ts';
import { activeRuleSet, ruleSetById } from './store.ts';
import type { Placeable } from './territories.model.ts';

/** The fields a territory looks at: only a change to one of them can move a record to another territory. */
const PLACEMENT_FIELDS = ['country', 'region', 'postcode', 'industry', 'employeeCount'] as const;
const movesTerritory = (changes: object) => PLACEMENT_FIELDS.some((field) => field in changes);

const leadLabel = (lead: Pick<LeadView, 'firstName' | 'lastName' | 'company' | 'email'>) =>
  [`${lead.firstName} ${lead.lastName}`.trim(), lead.company].filter(Boolean).join(', ') || lead.email || 'a lead';

export type LeadRouting = {
  kind: DecisionKind;
  cause?: string | undefined;
  exclude?: string[] | undefined;
  now?: Date | undefined;
};

/**
 * Routes a lead by the active lead rule set and applies the outcome: owner and territory on the
 * lead, a first-touch clock for a new lead, the owner told in-app and by email. New arrivals,
 * re-routes, bulk reassignments and SLA escalations all come through here.
 */
export async function assignLead(tx: Db, actor: Actor, lead: LeadView, how: LeadRouting): Promise<{ lead: LeadView; routed: Routed | null }> {
  const now = how.now ?? new Date();
  const { placement, routed } = await route(tx, actor, {
    object: 'lead_create',
    subject: { type: 'lead', id: lead.id },
    record: { ...lead, emailDomain: lead.email?.split('@')[1] ?? null },
    placeable: lead,
    account: () => findAccountForLead(tx, actor, { domain: companyDomain(lead.email, lead.website), company: lead.company }),
    kind: how.kind,
    previousOwnerId: lead.ownerId,
    exclude: how.exclude,
    cause: how.cause,
    now,
  });
  const territoryId = placement?.territoryId ?? null;
  if (!routed) return { lead: await setLeadRouting(tx, actor, lead.id, { territoryId }, null, lead), routed: null };
  const ownerId = routed.decision.ownerId;
  const updated = await setLeadRouting(tx, actor, lead.id, { ownerId, territoryId }, routed.reason, lead);
  const newOwner = how.kind === 'assignment' || ownerId !== lead.ownerId;
  if (!newOwner) return { lead: updated, routed };
  if (how.kind !== 'assignment') await cancelClocks(tx, actor, lead.id, `the lead went to someone else (${how.kind})`, 'first_touch');
  if (!ownerId) return { lead: updated, routed };
  const minutes = routed.ruleSet.slaMinutes;
  const clock = minutes && updated.status === 'new'
    ? await startClock(tx, actor, { kind: 'first_touch', subjectType: 'lead', subjectId: lead.id, ownerId, ruleSet: routed.ruleSet, minutes, decisionId: routed.decisionId, now })
    : null;
  await tell(tx, actor, [ownerId], {
    kind: 'lead_assigned',
    title: `New lead for you: ${leadLabel(lead)}`,
    body: `${routed.reason}${clock ? `\nFirst touch due by ${clock.dueAt.slice(0, 16).replace('T', ' ')} UTC.` : ''}`,
    link: `/leads/${lead.id}`,
  });
  return { lead: updated, routed };
}

/**
 * createLead's hook, in its transaction: the new lead gets its territory, and without an owner
 * given, the owner the active lead rule set picks (when there is one; else the creator keeps it).
 */
export async function routeLead(tx: Db, actor: Actor, lead: LeadView, options: { explicitOwner: boolean }): Promise<LeadView> {
  if (options.explicitOwner) {
    // Given an owner by hand (the API, a form's or a booking page's owner): they hear of it like a routed one.
    if (lead.ownerId) await tell(tx, actor, [lead.ownerId], { kind: 'lead_assigned', title: `New lead for you: ${leadLabel(lead)}`, body: 'Assigned to you when the lead was created.', link: `/leads/${lead.id}` });
    return placeLead(tx, actor, lead);
  }
  return (await assignLead(tx, actor, lead, { kind: 'assignment' })).lead;
}

/** updateLead's hook: a lead whose country, region, postcode, industry or size changed may move territory. */
export async function placeLead(tx: Db, actor: Actor, lead: LeadView, changes: object = lead): Promise<LeadView> {
  if (!movesTerritory(changes)) return lead;
  const placement = await placeRecord(tx, actor, lead as Placeable);
  const territoryId = placement?.territoryId ?? null;
  return territoryId === lead.territoryId ? lead : { ...(await setLeadRouting(tx, actor, lead.id, { territoryId }, null, lead)), score: lead.score };
}

/** Routes an account by the active account rule set; used for new accounts and reassignments. */
export async function assignAccount(tx: Db, actor: Actor, account: AccountView, how: LeadRouting): Promise<{ account: AccountView; routed: Routed | null }> {
  const { placement, routed } = await route(tx, actor, {
    object: 'account',
    subject: { type: 'account', id: account.id },
    record: { ...account },
    placeable: { ...account, accountId: account.id },
    kind: how.kind,
    previousOwnerId: account.ownerId,
    exclude: how.exclude,
    cause: how.cause,
    now: how.now,
  });
  const territoryId = placement?.territoryId ?? null;
  if (!routed) return { account: await setAccountRouting(tx, actor, account.id, { territoryId }, null), routed: null };
  const ownerId = routed.decision.ownerId;
  const updated = await setAccountRouting(tx, actor, account.id, { ownerId, territoryId }, routed.reason);
  if (ownerId && ownerId !== account.ownerId) {
    await tell(tx, actor, [ownerId], { kind: 'account_assigned', title: `Account assigned to you: ${account.name}`, body: routed.reason, link: `/accounts/${account.id}` });
  }
  return { account: updated, routed };
}

/** createAccount's hook: territory always; the owner from the active account rule set when none was given. */
export async function routeAccount(tx: Db, actor: Actor, account: AccountView, options: { explicitOwner: boolean }): Promise<AccountView> {
  if (options.explicitOwner) return placeAccount(tx, actor, account);
  return (await assignAccount(tx, actor, account, { kind: 'assignment' })).account;
}

/** updateAccount's hook: an account whose country, region, industry or size changed may move territory. */
export async function placeAccount(tx: Db, actor: Actor, account: AccountView, changes: object = account): Promise<AccountView> {
  if (!movesTerritory(changes)) return account;
  const placement = await placeRecord(tx, actor, { ...account, accountId: account.id });
  const territoryId = placement?.territoryId ?? null;
  return territoryId === account.territoryId ? account : setAccountRouting(tx, actor, account.id, { territoryId }, null);
}

/**
 * A rep reached out to the lead (a call or email was logged): its first-touch clock stops, met
 * when in time, counted as breached when late. Call it in the transaction that logs the touch.
 */
export async function recordFirstTouch(db: Db, actor: Actor, leadId: string, at: Date = new Date()): Promise<'met' | 'breached' | null> {
  return stopClocks(db, actor, 'first_touch', leadId, at, 'first touch');
}

/** First touches of many leads at once: one locked read of their running clocks, and only those are stopped. */
export async function recordFirstTouches(db: Db, actor: Actor, touches: { leadId: string; at: Date }[]): Promise<void> {
  const earliest = new Map<string, Date>();
  for (const t of touches) if (!earliest.has(t.leadId) || t.at < earliest.get(t.leadId)!) earliest.set(t.leadId, t.at);
  const running = new Set((await runningClocks(db, actor, 'first_touch', [...earliest.keys()])).map((c) => c.subjectId));
  for (const leadId of running) await recordFirstTouch(db, actor, leadId, earliest.get(leadId)!);
}

/** The activities module calls this for every activity it logs: a call or email on a lead is its first touch. */
export async function firstTouchAfterActivity(db: Db, actor: Actor, activity: { subjectType: string; subjectId: string; kind: string; occurredAt?: Date | undefined }): Promise<void> {
  if (activity.subjectType === 'lead' && isFirstTouchKind(activity.kind)) await recordFirstTouch(db, actor, activity.subjectId, activity.occurredAt ?? new Date());
}

/**
 * A person changed leads' owner by hand (the lead form, a bulk assignment, a leaving rep's
 * records): the old owner's running first-touch clock no longer measures anyone, so it is
 * cancelled, and the new owner gets a fresh clock of the same length under the same rule set: a
 * lead still waiting for its first touch is now their lead to call, measured from now. Unassigned,
 * the lead waits in the pool without a clock (routing starts one when it assigns it). Call it in
 * the transaction that changes the owner. The new owner is told, once per call, unless the caller
 * tells them itself. Returns how many clocks were started again.
 */
export async function ownerChangedByHand(tx: Db, actor: Actor, leadIds: string[], newOwnerId: string | null, why: string, options: { tell?: boolean } = {}): Promise<number> {
  const now = new Date();
  let rearmed = 0;
  let firstDue: string | null = null;
  for (const clock of await runningClocks(tx, actor, 'first_touch', leadIds)) {
    const handover = clockHandover(clock, newOwnerId);
    if (handover === 'keep') continue;
    await cancelClocks(tx, actor, clock.subjectId, `the owner was changed by hand: ${why}`, 'first_touch');
    if (handover === 'cancel' || !clock.ruleSetId) continue;
    const ruleSet = await ruleSetById(tx, actor.orgId, clock.ruleSetId).catch(() => null);
    if (!ruleSet) continue;
    const started = await startClock(tx, actor, { kind: 'first_touch', subjectType: 'lead', subjectId: clock.subjectId, ownerId: newOwnerId!, ruleSet, minutes: clock.minutes, decisionId: null, now });
    firstDue ??= started.dueAt;
    rearmed += 1;
  }
  if (rearmed > 0 && newOwnerId && options.tell !== false) {
    const single = leadIds.length === 1;
    await tell(tx, actor, [newOwnerId], {
      kind: 'lead_assigned',
      title: single ? 'A lead waiting for its first touch is now yours' : `${rearmed} leads waiting for their first touch are now yours`,
      body: `${why}\nFirst touch due by ${firstDue!.slice(0, 16).replace('T', ' ')} UTC${single ? '' : ' for the first of them'}.`,
      link: single ? `/leads/${leadIds[0]}` : `/leads?ownerId=${newOwnerId}`,
    });
  } else if (newOwnerId && leadIds.length > 0 && options.tell !== false) {
    // No clock to hand over: still a new lead (or several) for them to work, so they hear of it.
    const single = leadIds.length === 1;
    await tell(tx, actor, [newOwnerId], {
      kind: 'lead_assigned',
      title: single ? 'A lead is now yours' : `${leadIds.length} leads are now yours`,
      body: why,
      link: single ? `/leads/${leadIds[0]}` : `/leads?ownerId=${newOwnerId}`,
    });
  }
  return rearmed;
}

/** A lead was converted: its first-touch clock, if one still runs, no longer applies. */
export async function leadConverted(tx: Db, actor: Actor, leadId: string): Promise<void> {
  await cancelClocks(tx, actor, leadId, 'the lead was converted', 'first_touch');
}

/**
 * Leads were merged: the duplicates merged away wait for nobody any more, and a survivor whose
 * owner the merge changed hands its clock over as a change by hand would.
 */
export async function leadsMerged(tx: Db, actor: Actor, survivor: { id: string; ownerBefore: string | null; ownerAfter: string | null }, mergedIds: string[], why: string): Promise<void> {
  for (const id of mergedIds) await cancelClocks(tx, actor, id, `the lead was merged: ${why}`, 'first_touch');
  if (survivor.ownerAfter !== survivor.ownerBefore) await ownerChangedByHand(tx, actor, [survivor.id], survivor.ownerAfter, why);
}

/** The active hand-off rule set ("lead on qualification → opportunity owner"), if any: what a conversion will route by. */
export async function activeHandoffRuleSet(db: Db, actor: Actor): Promise<{ id: string; name: string } | null> {
  const ruleSet = await activeRuleSet(db, actor.orgId, 'lead_qualified');
  return ruleSet ? { id: ruleSet.id, name: ruleSet.name } : null;
}
