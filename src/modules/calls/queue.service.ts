import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { badRequest } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { lastActivityOfKinds } from '../activities/call-log.ts';
import type { TimelineItem } from '../activities/model.ts';
import { timeline } from '../activities/service.ts';
import { accountNames, contactSnapshots, listContacts, type ContactView } from '../accounts/service.ts';
import { leadSnapshots, listLeads, type LeadFilter, type LeadView } from '../leads/service.ts';
import { dueManualSteps, type DueStep } from '../sequences/service.ts';
import { firstTouchDeadlines } from '../routing/clock-deadlines.service.ts';
import { dueCallTasks } from '../tasks/service.ts';
import { viewRecordIds } from '../views/service.ts';
import { CALL_KINDS, localClock, planQueue, prospectZone, telHref, type QueueCandidate, type SkipReason } from './model.ts';
import { readCallSettings, scriptFor, type CallScriptView } from './service.ts';

/**
 * Where a queue's prospects come from: a lead list filter (the leads list's own filters), a contact
 * list filter, a sequence's call steps waiting for a rep, or a saved view of leads or contacts (its
 * first CANDIDATES records in the view's order); the ordering, do-not-call and calling-hours rules
 * stay the same for every source.
 */
export type QueueSource =
  | { type: 'leads'; filter: Omit<LeadFilter, 'sort' | 'cursor' | 'limit'> }
  | { type: 'contacts'; filter: { ownerId?: string | undefined; accountId?: string | undefined; q?: string | undefined } }
  | { type: 'sequence'; sequenceId?: string | undefined; senderId?: string | undefined }
  | { type: 'view'; viewId: string };

/** A person the queue may offer, lead or contact, with what calling them needs. */
export type QueueProspect = {
  subjectType: 'lead' | 'contact';
  id: string;
  firstName: string;
  lastName: string;
  title: string | null;
  company: string;
  email: string | null;
  phone: string | null;
  doNotCall: boolean;
  score: number;
  createdAt: string;
  timeZone: string | null;
  country: string | null;
  region: string | null;
};

/** The sequence step a queue entry is for (a `sequence` source). */
export type QueueStep = Pick<DueStep, 'enrollmentId' | 'sequenceId' | 'sequenceName' | 'stepNumber' | 'instruction' | 'taskId'>;

const fromLead = (lead: LeadView): QueueProspect => ({
  subjectType: 'lead', id: lead.id, firstName: lead.firstName, lastName: lead.lastName, title: lead.title, company: lead.company, email: lead.email, phone: lead.phone,
  doNotCall: lead.doNotCall, score: lead.score, createdAt: lead.createdAt, timeZone: lead.timeZone, country: lead.country, region: lead.region,
});
const fromContact = (contact: ContactView, company: string): QueueProspect => ({
  subjectType: 'contact', id: contact.id, firstName: contact.firstName, lastName: contact.lastName, title: contact.title, company, email: contact.email, phone: contact.phone,
  doNotCall: contact.doNotCall, score: 0, createdAt: contact.createdAt, timeZone: contact.timeZone, country: null, region: null,
});

async function contactProspects(db: Db, actor: Actor, people: ContactView[]): Promise<QueueProspect[]> {
  const names = await accountNames(db, actor, [...new Set(people.map((c) => c.accountId).filter((id): id is string => Boolean(id)))]);
  return people.filter((c) => !c.deletedAt).map((c) => fromContact(c, (c.accountId && names.get(c.accountId)) || ''));
}

/** Each source's candidates (at most CANDIDATES), the leads among them in full, and the sequence steps they are for. */
async function prospectsOf(db: Db, actor: Actor, source: QueueSource): Promise<{ prospects: QueueProspect[]; leads: Map<string, LeadView>; steps: Map<string, QueueStep> }> {
  switch (source.type) {
    case 'leads': {
      const { data } = await listLeads(db, actor, { ...source.filter, sort: '-score', limit: CANDIDATES });
      return { prospects: data.map(fromLead), leads: new Map(data.map((l) => [l.id, l])), steps: new Map() };
    }
    case 'contacts': {
      const { data } = await listContacts(db, actor, { ...source.filter, limit: CANDIDATES });
      return { prospects: await contactProspects(db, actor, data), leads: new Map(), steps: new Map() };
    }
    case 'sequence': {
      const due = await dueManualSteps(db, actor, { sequenceId: source.sequenceId, senderId: source.senderId, channel: 'call', limit: CANDIDATES });
      const [leadRows, contactRows] = await Promise.all([
        leadSnapshots(db, actor, due.filter((s) => s.subjectType === 'lead').map((s) => s.subjectId)),
        contactSnapshots(db, actor, due.filter((s) => s.subjectType === 'contact').map((s) => s.subjectId)),
      ]);
      const live = leadRows.filter((l) => !l.deletedAt);
      const prospects = [...live.map(fromLead), ...(await contactProspects(db, actor, contactRows))];
      const steps = new Map(due.map((s) => [s.subjectId, { enrollmentId: s.enrollmentId, sequenceId: s.sequenceId, sequenceName: s.sequenceName, stepNumber: s.stepNumber, instruction: s.instruction, taskId: s.taskId }]));
      return { prospects, leads: new Map(live.map((l) => [l.id, l])), steps };
    }
    case 'view': {
      const { object, ids } = await viewRecordIds(db, actor, source.viewId, CANDIDATES);
      if (object !== 'lead' && object !== 'contact') throw badRequest('A call queue runs from a view of leads or contacts', [{ field: 'query.viewId', message: `This is a view of ${object}s` }]);
      if (object === 'contact') return { prospects: await contactProspects(db, actor, await contactSnapshots(db, actor, ids)), leads: new Map(), steps: new Map() };
      const live = (await leadSnapshots(db, actor, ids)).filter((l) => !l.deletedAt);
      return { prospects: live.map(fromLead), leads: new Map(live.map((l) => [l.id, l])), steps: new Map() };
    }
  }
}

/** How many leads a queue considers at once: the best-scored of the source. */
const CANDIDATES = 500;

export type QueueEntry = {
  prospect: QueueProspect;
  /** The lead in full when the prospect is a lead. */
  lead: LeadView | null;
  sequenceStep: QueueStep | null;
  reason: string;
  zone: string;
  localTime: string;
  tel: string;
  slaDueAt: string | null;
  callTaskId: string | null;
  callDueAt: string | null;
  lastCallAt: string | null;
};

export type CallQueueView = {
  current: (QueueEntry & { history: TimelineItem[] }) | null;
  upNext: QueueEntry[];
  ready: number;
  skipped: Record<SkipReason, number>;
  script: CallScriptView | null;
  considered: number;
};

/**
 * The call queue, power-dialer style: the prospect to call now (with their recent history, the
 * script and a `tel:` link), who comes after, and how many the queue holds back and why. It is
 * recomputed on every request, so a logged call (now "recently called") or a skip advances it
 * and a second rep working the same list sees the same rules.
 */
export async function callQueue(
  db: Db,
  actor: Actor,
  source: QueueSource,
  options: { skip?: string[] | undefined; scriptId?: string | undefined; now?: Date | undefined; upNext?: number | undefined },
): Promise<CallQueueView> {
  assertCan(actor, 'records:read');
  const now = options.now ?? new Date();
  const settings = await readCallSettings(db, actor);
  const { prospects, leads, steps } = await prospectsOf(db, actor, source);
  const idsOf = (type: 'lead' | 'contact') => prospects.filter((p) => p.subjectType === type).map((p) => p.id);
  const [deadlines, leadCallTasks, contactCallTasks, leadCalls, contactCalls] = await Promise.all([
    firstTouchDeadlines(db, actor, idsOf('lead')),
    dueCallTasks(db, actor, 'lead', idsOf('lead')),
    dueCallTasks(db, actor, 'contact', idsOf('contact')),
    lastActivityOfKinds(db, actor, 'lead', idsOf('lead'), CALL_KINDS),
    lastActivityOfKinds(db, actor, 'contact', idsOf('contact'), CALL_KINDS),
  ]);
  const callTasks = new Map([...leadCallTasks, ...contactCallTasks]);
  const lastCalls = new Map([...leadCalls, ...contactCalls]);
  const byId = new Map(prospects.map((p) => [p.id, p]));
  const candidates: QueueCandidate[] = prospects.map((p) => ({
    id: p.id,
    phone: p.phone,
    doNotCall: p.doNotCall,
    score: p.score,
    createdAt: new Date(p.createdAt),
    zone: prospectZone(p, settings.defaultTimeZone),
    slaDueAt: deadlines.get(p.id) ?? null,
    callDueAt: callTasks.get(p.id)?.dueAt ?? null,
    lastCallAt: lastCalls.get(p.id) ?? null,
  }));
  const plan = planQueue(candidates, { now, hours: settings.callingHours, recallAfterMinutes: settings.recallAfterMinutes, skip: new Set(options.skip ?? []) });
  const entry = (c: QueueCandidate): QueueEntry => {
    const prospect = byId.get(c.id)!;
    const zone = c.zone!.zones[0]!;
    const step = steps.get(c.id) ?? null;
    return {
      prospect,
      lead: leads.get(c.id) ?? null,
      sequenceStep: step,
      reason: step ? `${step.sequenceName}: step ${step.stepNumber}` : whyNow(c, now),
      zone,
      localTime: localClock(now, zone),
      tel: telHref(prospect.phone!),
      slaDueAt: c.slaDueAt?.toISOString() ?? null,
      callTaskId: callTasks.get(c.id)?.id ?? null,
      callDueAt: c.callDueAt?.toISOString() ?? null,
      lastCallAt: c.lastCallAt?.toISOString() ?? null,
    };
  };
  const [first, ...rest] = plan.ready;
  const current = first ? { ...entry(first), history: (await timeline(db, actor, byId.get(first.id)!.subjectType, first.id, { limit: 10 })).data } : null;
  return {
    current,
    upNext: rest.slice(0, options.upNext ?? 5).map(entry),
    ready: plan.ready.length,
    skipped: plan.skipped,
    script: await scriptFor(db, actor, options.scriptId),
    considered: prospects.length,
  };
}

function whyNow(c: QueueCandidate, now: Date): string {
  if (c.slaDueAt) return c.slaDueAt.getTime() < now.getTime() ? 'First touch overdue' : 'First touch due';
  if (c.callDueAt && c.callDueAt.getTime() <= now.getTime()) return 'Call-back due';
  if (!c.lastCallAt) return 'Not called yet';
  return `Score ${c.score}`;
}
