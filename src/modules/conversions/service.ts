// Lead conversion: a qualified lead becomes an account, a contact and a deal in one transaction,
// its history copied onto them, and the deal handed to an executive by the active hand-off rules.
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accountMatchCandidates, contactMatchCandidates, createAccount, createContact, getAccount, getContact, updateAccount, updateContact } from '../accounts/service.ts';
import { copyActivities, logActivity } from '../activities/service.ts';
import { listAudit, recordAudit } from '../audit/service.ts';
import { companyDomain, emailKey, phoneTail, toE164 } from '../duplicates/model.ts';
import { getLead, lockLead, markLeadConverted, type LeadView } from '../leads/service.ts';
import { withNotifications, type Delivery } from '../notifications/service.ts';
import { dateOf } from '../opportunities/line-items.model.ts';
import { createOpportunity } from '../opportunities/opportunities.service.ts';
import { setDealContact } from '../opportunities/deal-contacts.service.ts';
import { getLeadQualification } from '../qualification/service.ts';
import { getHandoff, routeOpportunity } from '../routing/handoffs.service.ts';
import { activeHandoffRuleSet, leadConverted } from '../routing/service.ts';
import { getUser } from '../users/service.ts';
import {
  accountFill,
  chooseAccount,
  chooseContact,
  contactAccountProblem,
  contactFill,
  conversionRefusal,
  MIN_ACCOUNT_SIMILARITY,
  newAccountFields,
  newContactFields,
  personName,
  proposeOpportunity,
  qualifyingRep,
  rankAccounts,
  rankContacts,
  type AccountCandidate,
  type LeadFacts,
  type ProposedOpportunity,
  type QualificationSnapshot,
  type RankedAccount,
  type RankedContact,
  type RecordChoice,
} from './model.ts';
import { leadConversions } from './schema.ts';

export type OpportunityChoice = {
  name?: string | undefined;
  amount?: number | undefined;
  currency?: string | undefined;
  closeDate?: string | undefined;
  pipelineId?: string | undefined;
  description?: string | undefined;
};

export type ConvertInput = {
  account?: RecordChoice | undefined;
  contact?: RecordChoice | undefined;
  /** false: no deal now (Salesforce's "don't create an opportunity"); the lead still converts. */
  createOpportunity?: boolean | undefined;
  opportunity?: OpportunityChoice | undefined;
  /** Who owns the new records (default: the person converting); a hand-off then moves the deal. */
  ownerId?: string | undefined;
};

export type ConversionView = {
  id: string;
  leadId: string;
  account: { id: string; name: string; reused: boolean };
  contact: { id: string; name: string; reused: boolean } | null;
  opportunity: { id: string; name: string } | null;
  handoff: { id: string; toUserId: string | null; status: string; acceptDueAt: string | null } | null;
  sourcedBy: string | null;
  convertedBy: string | null;
  convertedAt: string;
  qualification: QualificationSnapshot | null;
  activitiesCopied: number;
};

type ConversionRow = typeof leadConversions.$inferSelect;

async function toView(db: Db, actor: Actor, row: ConversionRow): Promise<ConversionView> {
  const handoff = row.handoffId ? await getHandoff(db, actor, row.handoffId).catch(() => null) : null;
  return {
    id: row.id,
    leadId: row.leadId,
    account: { id: row.accountId, name: row.accountName, reused: row.accountReused },
    contact: row.contactId ? { id: row.contactId, name: row.contactName ?? '', reused: row.contactReused } : null,
    opportunity: row.opportunityId ? { id: row.opportunityId, name: row.opportunityName ?? '' } : null,
    handoff: handoff ? { id: handoff.id, toUserId: handoff.toUserId, status: handoff.status, acceptDueAt: handoff.acceptDueAt } : null,
    sourcedBy: row.sourcedBy,
    convertedBy: row.convertedBy,
    convertedAt: row.convertedAt.toISOString(),
    qualification: row.qualification ?? null,
    activitiesCopied: row.activitiesCopied,
  };
}

const facts = (lead: LeadView): LeadFacts => lead;

/** The qualification answers as the deal keeps them: only when someone answered something. */
async function qualificationSnapshot(db: Db, actor: Actor, leadId: string): Promise<QualificationSnapshot | null> {
  const q = await getLeadQualification(db, actor, leadId);
  if (q.version === 0) return null;
  const answers = q.framework.questions
    .filter((question) => q.answers[question.key] !== undefined && q.answers[question.key] !== null)
    .map((question) => ({ key: question.key, question: question.label, type: question.type, answer: q.answers[question.key] }));
  return { frameworkId: q.framework.id, framework: q.framework.name, percent: q.progress.percent, answers };
}

/** Who gets the SDR credit, read from the lead's audited history (who owned it when it became qualified). */
async function sourcingRep(db: Db, actor: Actor, lead: LeadView): Promise<string | null> {
  const history = (await listAudit(db, actor, { entityType: 'lead', entityId: lead.id, limit: 500 })).data.reverse();
  const candidates = [...new Set([...history.map((h) => h.actorId), ...history.map((h) => (h.after as { ownerId?: string } | null)?.ownerId), lead.ownerId, actor.userId])].filter(
    (id): id is string => typeof id === 'string' && id.length > 0,
  );
  const active = new Set<string>();
  for (const id of candidates) {
    const user = await getUser(db, actor, id).catch(() => null);
    if (user && user.status !== 'deactivated') active.add(id);
  }
  return qualifyingRep(history, lead.ownerId, actor.userId || null, (id) => active.has(id));
}

type Matches = { contacts: RankedContact[]; accounts: RankedAccount[]; contact: ReturnType<typeof chooseContact>; account: ReturnType<typeof chooseAccount> };

/** The lead's matching contacts and accounts, ranked, and which of them the choices pick. */
async function match(db: Db, actor: Actor, lead: LeadFacts, choices: { account: RecordChoice; contact: RecordChoice }): Promise<Matches> {
  const e164 = toE164(lead.phone, lead.country);
  const probe = { email: emailKey(lead.email), phoneTail: e164 ? phoneTail(e164) : null, firstName: lead.firstName.trim() || null, lastName: lead.lastName.trim() || null };
  const contacts = rankContacts(lead, await contactMatchCandidates(db, actor, probe));
  const contact = chooseContact(lead, choices.contact, contacts);
  let ofContact: AccountCandidate | null = null;
  if (contact.mode === 'existing') {
    const chosen = contacts.find((c) => c.id === contact.id) ?? (await getContact(db, actor, contact.id).catch(() => null));
    if (!chosen || ('deletedAt' in chosen && chosen.deletedAt)) throw validationFailed([{ field: 'contact', message: 'No such contact in your organisation' }]);
    if (chosen.accountId) {
      const account = await getAccount(db, actor, chosen.accountId).catch(() => null);
      if (account && !account.deletedAt) ofContact = { id: account.id, name: account.name, domain: account.domain, ownerId: account.ownerId, createdAt: account.createdAt, similarity: 1 };
    }
  }
  const found = await accountMatchCandidates(db, actor, { domain: companyDomain(lead.email, lead.website), company: lead.company }, MIN_ACCOUNT_SIMILARITY);
  const accounts = rankAccounts(lead, { ...found, ofContact });
  return { contacts, accounts, contact, account: chooseAccount(choices.account, accounts) };
}

export type ConversionPreview = {
  leadId: string;
  convertible: boolean;
  problem: { code: string; message: string } | null;
  conversion: ConversionView | null;
  account: { proposed: { mode: 'existing'; id: string; name: string } | { mode: 'new'; name: string; domain: string | null }; candidates: RankedAccount[] };
  contact: { proposed: { mode: 'existing'; id: string; name: string } | { mode: 'new'; name: string; email: string | null } | { mode: 'none' }; candidates: RankedContact[] };
  opportunity: ProposedOpportunity;
  qualification: QualificationSnapshot | null;
  sourcedBy: string | null;
  handoffRuleSet: { id: string; name: string } | null;
};

/** What converting the lead would do: the matching accounts and contacts, what is picked, and the proposed deal. */
export async function conversionPreview(db: Db, actor: Actor, leadId: string): Promise<ConversionPreview> {
  assertCan(actor, 'leads:convert');
  const lead = await getLead(db, actor, leadId);
  if (lead.deletedAt) throw notFound('Lead');
  const refusal = conversionRefusal(actor, lead);
  const [existing] = await db.select().from(leadConversions).where(and(eq(leadConversions.orgId, actor.orgId), eq(leadConversions.leadId, leadId)));
  const leadFacts = facts(lead);
  const found = await match(db, actor, leadFacts, { account: 'match', contact: 'match' });
  const account = found.account.mode === 'existing' ? found.accounts.find((a) => a.id === (found.account as { id: string }).id)! : null;
  const contactId = found.contact.mode === 'existing' ? found.contact.id : null;
  const contact = contactId ? found.contacts.find((c) => c.id === contactId) : null;
  const newAccount = newAccountFields(leadFacts);
  const accountName = account?.name ?? newAccount.name;
  const qualification = await qualificationSnapshot(db, actor, leadId);
  return {
    leadId,
    convertible: refusal === null,
    problem: refusal ? { code: refusal.code, message: refusal.message } : null,
    conversion: existing ? await toView(db, actor, existing) : null,
    account: { proposed: account ? { mode: 'existing', id: account.id, name: account.name } : { mode: 'new', name: newAccount.name, domain: newAccount.domain }, candidates: found.accounts },
    contact: {
      proposed: contact ? { mode: 'existing', id: contact.id, name: personName(contact) || contact.email || '' } : found.contact.mode === 'new' ? { mode: 'new', name: personName(lead), email: lead.email } : { mode: 'none' },
      candidates: found.contacts,
    },
    opportunity: proposeOpportunity(accountName, leadFacts, qualification, dateOf(now())),
    qualification,
    sourcedBy: await sourcingRep(db, actor, lead),
    handoffRuleSet: await activeHandoffRuleSet(db, actor),
  };
}

/**
 * Converts a qualified lead in one transaction: the account and contact it matches (or new ones),
 * a deal with the lead as its source and the qualifying rep as `sourcedBy`, the lead's activities
 * and notes copied onto all three (they stay on the lead too), the qualification answers kept with
 * the deal, the lead marked converted, and the deal handed to an executive by the active
 * "lead on qualification" rule set (without one the converting rep keeps it). Mail waits for the commit.
 */
export async function convertLead(db: Db, actor: Actor, leadId: string, input: ConvertInput, delivery?: Delivery): Promise<ConversionView> {
  assertCan(actor, 'leads:convert');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const lead = await lockLead(tx, actor, leadId);
    const refusal = conversionRefusal(actor, lead);
    if (refusal) throw new AppError(refusal.status, refusal.code, refusal.message);
    const leadFacts = facts(lead);
    const found = await match(tx, actor, leadFacts, { account: input.account ?? 'match', contact: input.contact ?? 'match' });
    const ownerId = input.ownerId;
    const label = personName(lead) || lead.company || lead.email || 'a lead';
    const reason = `converted from lead ${label}`;

    // The account: an existing one gains only what it did not know; a new one is routed like any new account.
    let account: { id: string; name: string };
    if (found.account.mode === 'existing') {
      const existing = await getAccount(tx, actor, found.account.id).catch(() => null);
      if (!existing || existing.deletedAt) throw validationFailed([{ field: 'account', message: 'No such account in your organisation' }]);
      const fill = accountFill(existing, leadFacts);
      if (Object.keys(fill).length > 0) await updateAccount(tx, actor, existing.id, fill, undefined);
      account = existing;
    } else {
      account = await createAccount(tx, actor, { ...newAccountFields(leadFacts), ...(ownerId ? { ownerId } : {}) });
    }

    // The contact: one on another account is refused; one without an account joins this one.
    let contact: { id: string; name: string } | null = null;
    if (found.contact.mode === 'existing') {
      const existing = await getContact(tx, actor, found.contact.id);
      const name = personName(existing) || existing.email || '';
      const problem = contactAccountProblem({ accountId: existing.accountId, name }, account.id, account.name);
      if (problem) throw validationFailed([problem]);
      const fill = contactFill(existing, leadFacts, account.id);
      if (Object.keys(fill).length > 0) await updateContact(tx, actor, existing.id, fill, undefined);
      contact = { id: existing.id, name };
    } else if (found.contact.mode === 'new') {
      const created = await createContact(tx, actor, { ...newContactFields(leadFacts, account.id), ...(ownerId ? { ownerId } : {}) });
      contact = { id: created.id, name: personName(created) || created.email || '' };
    }

    const qualification = await qualificationSnapshot(tx, actor, lead.id);
    const sourcedBy = await sourcingRep(tx, actor, lead);
    let opportunity: { id: string; name: string } | null = null;
    if (input.createOpportunity !== false) {
      const proposed = proposeOpportunity(account.name, leadFacts, qualification, dateOf(now()));
      const chosen = input.opportunity ?? {};
      const amount = chosen.amount ?? proposed.amount ?? undefined;
      const currency = chosen.currency ?? (chosen.amount === undefined ? proposed.currency : null) ?? undefined;
      const deal = await createOpportunity(
        tx,
        actor,
        {
          name: chosen.name ?? proposed.name,
          accountId: account.id,
          ...(ownerId ? { ownerId } : {}),
          ...(amount !== undefined ? { amount } : {}),
          ...(currency ? { currency } : {}),
          closeDate: chosen.closeDate ?? proposed.closeDate ?? undefined,
          pipelineId: chosen.pipelineId,
          description: chosen.description ?? proposed.description,
          source: 'lead',
          sourceLeadId: lead.id,
          sourcedBy,
        },
        { outbox },
      );
      if (contact) await setDealContact(tx, actor, deal.id, contact.id, { roles: [], isPrimary: true });
      opportunity = { id: deal.id, name: deal.name };
    }

    // The lead's history onto what it became; the lead keeps its own.
    const targets = [
      ...(contact ? [{ subjectType: 'contact' as const, subjectId: contact.id }] : []),
      { subjectType: 'account' as const, subjectId: account.id },
      ...(opportunity ? [{ subjectType: 'opportunity' as const, subjectId: opportunity.id }] : []),
    ];
    const activitiesCopied = await copyActivities(tx, actor, { subjectType: 'lead', subjectId: lead.id }, targets);
    const links = { accountId: account.id, contactId: contact?.id ?? null, opportunityId: opportunity?.id ?? null };
    for (const target of targets) await logActivity(tx, actor, { ...target, kind: 'lead_converted', summary: `Converted from lead ${label}`, details: { leadId: lead.id, ...links } });
    const became = [account.name, contact?.name, opportunity?.name].filter(Boolean).join(', ');
    await logActivity(tx, actor, { subjectType: 'lead', subjectId: lead.id, kind: 'lead_converted', summary: `Converted into ${became}`, details: links });

    // Handed to an executive by the rules that apply to a lead on qualification, before the lead
    // is marked converted: the rules look at the lead as it was qualified.
    const handoff = opportunity ? await routeOpportunity(tx, actor, { opportunityId: opportunity.id, leadId: lead.id, sourcingRepId: sourcedBy, outbox }) : null;

    await markLeadConverted(tx, actor, lead, `into ${became}`);
    await leadConverted(tx, actor, lead.id);
    const [row] = await tx
      .insert(leadConversions)
      .values({
        orgId: actor.orgId,
        id: newId(),
        leadId: lead.id,
        accountId: account.id,
        accountName: account.name,
        accountReused: found.account.mode === 'existing',
        contactId: contact?.id ?? null,
        contactName: contact?.name ?? null,
        contactReused: found.contact.mode === 'existing',
        opportunityId: opportunity?.id ?? null,
        opportunityName: opportunity?.name ?? null,
        handoffId: handoff?.id ?? null,
        sourcedBy,
        convertedBy: actor.userId || null,
        convertedAt: now(),
        qualification,
        activitiesCopied,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('This lead is already converted', 'already_converted');
    await recordAudit(tx, actor, {
      entityType: 'lead_conversion',
      entityId: row.id,
      action: 'create',
      after: { leadId: lead.id, ...links, accountReused: row.accountReused, contactReused: row.contactReused, sourcedBy, handoffId: row.handoffId, activitiesCopied },
      reason,
    });
    return toView(tx, actor, row);
  });
}

async function conversionWhere(db: Db, actor: Actor, column: 'leadId' | 'opportunityId', id: string): Promise<ConversionView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(leadConversions).where(and(eq(leadConversions.orgId, actor.orgId), eq(leadConversions[column], id)));
  if (!row) throw notFound('Conversion');
  return toView(db, actor, row);
}

/** What a converted lead became (404 while it is not converted). */
export const conversionOfLead = (db: Db, actor: Actor, leadId: string) => conversionWhere(db, actor, 'leadId', leadId);

/** Where a deal came from: its lead, the qualifying rep and the qualification answers (404 for a deal not converted from a lead). */
export const conversionOfOpportunity = (db: Db, actor: Actor, opportunityId: string) => conversionWhere(db, actor, 'opportunityId', opportunityId);
