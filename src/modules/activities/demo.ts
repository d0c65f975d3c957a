// The demo organisation's activity (see src/modules/demo/registry.ts): six months of calls, emails,
// meetings and notes by the owning reps on the demo leads, contacts, accounts and deals, on weekdays
// in business hours. Kinds are the ones scoring and account health read: a call that got through is
// `call_connected`, one that did not is `call`; a meeting that happened is `meeting_held`.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { listAccounts, listContacts } from '../accounts/service.ts';
import { formatCount, uuidv7At, type DemoContext, type Random } from '../demo/model.ts';
import { listLeads } from '../leads/service.ts';
import { listOpportunities } from '../opportunities/opportunities.service.ts';
import type { SubjectType } from './model.ts';
import { activities } from './schema.ts';

const DAY = 24 * 3600 * 1000;
const HISTORY_DAYS = 182;

/** A record that gets activity: whose it is, and the window its activity falls in. */
export type DemoSubject = { type: SubjectType; id: string; ownerId: string; from: Date; to: Date; touches: number };

type Touch = 'call' | 'call_connected' | 'email' | 'email_opened' | 'email_replied' | 'meeting_held' | 'note';
type ActivityRow = typeof activities.$inferInsert;

// Prospecting is mostly dials and emails; deals are worked in conversations and meetings.
const LEAD_MIX: { weight: number; kind: Touch }[] = [
  { weight: 34, kind: 'call' },
  { weight: 14, kind: 'call_connected' },
  { weight: 28, kind: 'email' },
  { weight: 8, kind: 'email_opened' },
  { weight: 6, kind: 'email_replied' },
  { weight: 3, kind: 'meeting_held' },
  { weight: 7, kind: 'note' },
];
const DEAL_MIX: { weight: number; kind: Touch }[] = [
  { weight: 10, kind: 'call' },
  { weight: 22, kind: 'call_connected' },
  { weight: 24, kind: 'email' },
  { weight: 12, kind: 'email_replied' },
  { weight: 17, kind: 'meeting_held' },
  { weight: 15, kind: 'note' },
];
const ACCOUNT_MIX: { weight: number; kind: Touch }[] = [
  { weight: 15, kind: 'call' },
  { weight: 25, kind: 'call_connected' },
  { weight: 25, kind: 'email' },
  { weight: 10, kind: 'email_replied' },
  { weight: 10, kind: 'meeting_held' },
  { weight: 15, kind: 'note' },
];

const CONVERSATIONS = [
  'Intro call: walked through how their team works leads today',
  'Discovery: 6 reps, inbound leads go unanswered for days',
  'Talked budget and timing; decision expected this quarter',
  'Follow-up on the proposal, questions about the dialer',
  'Reviewed pricing with the head of sales',
  'Check-in: rollout going well, asked about training',
  'Call with procurement about payment terms',
  'Spoke to the champion, will loop in IT for SSO',
];
const EMAIL_SUBJECTS = [
  'Quick question about your sales process',
  'Following up on our call',
  'Leadflow proposal',
  'Case study: how a 10-rep team halved response time',
  'Next steps',
  'Agenda for Thursday',
  'Your questions about pricing',
  'Checking in',
  'Order form for signature',
];
const MEETINGS = ['Product demo', 'Discovery meeting', 'Proposal walkthrough', 'Security review', 'Quarterly business review', 'Onboarding kick-off', 'Negotiation with procurement'];
const NOTES = [
  'Uses spreadsheets today; frustrated with missed follow-ups.',
  'Decision maker is the VP Sales; CFO signs above 50k.',
  'Evaluating two other vendors, we are the favourite on ease of use.',
  'Asked to call back after their board meeting.',
  'Gatekeeper very helpful, suggested emailing the sales ops lead.',
  'Budget approved for next quarter.',
  'Wants a pilot with the EMEA team first.',
  'Happy customer, open to a reference call.',
];

/** A weekday moment in business hours between `from` and `to`. */
function workingMoment(random: Random, from: number, to: number): Date {
  const at = new Date(from + (to - from) * random.next());
  const weekday = at.getUTCDay();
  if (weekday === 6) at.setUTCDate(at.getUTCDate() + 2);
  if (weekday === 0) at.setUTCDate(at.getUTCDate() + 1);
  at.setUTCHours(random.int(8, 17), random.int(0, 59), random.int(0, 59), random.int(0, 999));
  // Moving off the weekend can pass the end of the window; step back to the last weekday then.
  while (at.getTime() > to) at.setUTCDate(at.getUTCDate() - (at.getUTCDay() === 1 ? 3 : 1));
  return at;
}

function demoActivity(random: Random, kind: Touch): { summary: string; details: Record<string, unknown> } {
  switch (kind) {
    case 'call': {
      const outcome = random.chance(0.55) ? 'no_answer' : 'voicemail';
      return {
        summary: outcome === 'voicemail' ? 'Left a voicemail' : 'No answer',
        details: { direction: 'outbound', outcome, durationSeconds: outcome === 'voicemail' ? random.int(20, 60) : random.int(0, 30) },
      };
    }
    case 'call_connected':
      return { summary: random.pick(CONVERSATIONS), details: { direction: random.chance(0.85) ? 'outbound' : 'inbound', outcome: 'connected', durationSeconds: random.int(90, 1800) } };
    case 'email': {
      const subject = random.pick(EMAIL_SUBJECTS);
      return { summary: `Sent "${subject}"`, details: { direction: 'outbound', subject } };
    }
    case 'email_opened': {
      const subject = random.pick(EMAIL_SUBJECTS);
      return { summary: `Opened "${subject}"`, details: { subject, opens: random.int(1, 4) } };
    }
    case 'email_replied': {
      const subject = `Re: ${random.pick(EMAIL_SUBJECTS)}`;
      return { summary: `Replied "${subject}"`, details: { direction: 'inbound', subject } };
    }
    case 'meeting_held': {
      const title = random.pick(MEETINGS);
      return { summary: title, details: { title, durationMinutes: random.pick([30, 45, 60]), attendees: random.int(2, 6) } };
    }
    case 'note':
      return { summary: random.pick(NOTES), details: {} };
  }
}

const MIX: Record<SubjectType, { weight: number; kind: Touch }[]> = { lead: LEAD_MIX, contact: ACCOUNT_MIX, account: ACCOUNT_MIX, opportunity: DEAL_MIX };

export function demoActivityRows(context: Pick<DemoContext, 'orgId' | 'random' | 'now'>, subjects: readonly DemoSubject[]): ActivityRow[] {
  const { orgId, random, now } = context;
  const earliest = now.getTime() - HISTORY_DAYS * DAY;
  const rows: ActivityRow[] = [];
  for (const subject of subjects) {
    const from = Math.max(subject.from.getTime(), earliest);
    const to = Math.min(subject.to.getTime(), now.getTime());
    if (to <= from) continue;
    for (let n = 0; n < subject.touches; n += 1) {
      const kind = random.weighted(MIX[subject.type]).kind;
      const occurredAt = workingMoment(random, from, to);
      if (occurredAt.getTime() < from) continue;
      rows.push({
        orgId,
        id: uuidv7At(occurredAt.getTime(), random),
        subjectType: subject.type,
        subjectId: subject.id,
        kind,
        occurredAt,
        actorId: subject.ownerId,
        ...demoActivity(random, kind),
        createdAt: occurredAt,
      });
    }
  }
  return rows;
}

async function allPages<T>(page: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor);
    out.push(...result.data);
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The demo records that have an owner to have done the work, with how much each was worked. */
async function demoSubjects(db: Db, actor: Actor, random: Random, now: Date): Promise<DemoSubject[]> {
  const subjects: DemoSubject[] = [];
  const leads = await allPages((cursor) => listLeads(db, actor, { sort: 'createdAt', limit: 500, cursor }));
  const leadTouches = { new: [0, 1], working: [1, 5], nurture: [1, 3], qualified: [3, 7], disqualified: [1, 4], converted: [3, 8] } as const;
  for (const lead of leads) {
    if (!lead.ownerId) continue;
    const [min, max] = leadTouches[lead.status];
    const from = new Date(lead.createdAt);
    // New leads have only just been picked up; the others were worked until their last change.
    const to = lead.status === 'new' ? new Date(Math.min(from.getTime() + 3 * DAY, now.getTime())) : new Date(lead.updatedAt);
    subjects.push({ type: 'lead', id: lead.id, ownerId: lead.ownerId, from, to, touches: random.int(min, max) });
  }
  const deals = await allPages((cursor) => listOpportunities(db, actor, { sort: 'closeDate', limit: 500, cursor }));
  for (const deal of deals) {
    if (!deal.ownerId) continue;
    const to = deal.closedAt ? new Date(deal.closedAt) : now;
    subjects.push({ type: 'opportunity', id: deal.id, ownerId: deal.ownerId, from: new Date(deal.createdAt), to, touches: deal.status === 'open' ? random.int(2, 9) : random.int(4, 12) });
  }
  const accounts = await allPages((cursor) => listAccounts(db, actor, { limit: 500, cursor }));
  for (const account of accounts) {
    if (!account.ownerId) continue;
    const touches = account.lifecycleStage === 'customer' ? random.int(1, 4) : random.int(0, 2);
    subjects.push({ type: 'account', id: account.id, ownerId: account.ownerId, from: new Date(account.createdAt), to: now, touches });
  }
  const contacts = await allPages((cursor) => listContacts(db, actor, { limit: 500, cursor }));
  for (const contact of contacts) {
    if (!contact.ownerId || !random.chance(0.5)) continue;
    subjects.push({ type: 'contact', id: contact.id, ownerId: contact.ownerId, from: new Date(contact.createdAt), to: now, touches: random.int(1, 3) });
  }
  return subjects;
}

export async function seedDemoActivities(context: DemoContext): Promise<string> {
  const subjects = await demoSubjects(context.db, context.actor, context.random, context.now);
  const rows = demoActivityRows(context, subjects);
  for (let i = 0; i < rows.length; i += 500) await context.db.insert(activities).values(rows.slice(i, i + 500));
  const calls = rows.filter((r) => r.kind === 'call' || r.kind === 'call_connected').length;
  const emails = rows.filter((r) => r.kind?.startsWith('email')).length;
  const meetings = rows.filter((r) => r.kind === 'meeting_held').length;
  return `${formatCount(rows.length)} activities (${formatCount(calls)} calls, ${formatCount(emails)} emails, ${formatCount(meetings)} meetings, the rest notes)`;
}
