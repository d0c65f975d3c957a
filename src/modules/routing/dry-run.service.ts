// Dry run: a rule set (any version, usually a draft) replayed over the last N leads or accounts,
// from a snapshot of today's counters, through the same `decide` live assignment uses.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { badRequest } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { accountCountsByOwner, findAccountForLead, listAccounts, type AccountView } from '../accounts/service.ts';
import { companyDomain } from '../duplicates/model.ts';
import { listLeads, openLeadCounts, type LeadView } from '../leads/service.ts';
import { simulate, type Arrival, type Decision } from './decision.model.ts';
import type { Counters } from './distribution.model.ts';
import { needsAccount } from './rules.model.ts';
import { counterSnapshot, loadDirectory, loadTerritories, ruleSetById, type StoredRuleSet } from './store.ts';
import { resolveTerritory, type TerritoryMap } from './territories.model.ts';

export type DryRunRow = {
  subjectId: string;
  label: string;
  arrivedAt: string;
  territoryId: string | null;
  currentOwnerId: string | null;
  proposedOwnerId: string | null;
  ruleName: string | null;
  ruleNumber: number | null;
  reason: string;
  changed: boolean;
};

export type DryRun = {
  ruleSetId: string;
  version: number;
  object: StoredRuleSet['object'];
  simulatedAt: string;
  rows: DryRunRow[];
  byOwner: { userId: string | null; name: string; current: number; proposed: number }[];
  changed: number;
  unassigned: number;
};

type Subject = { id: string; label: string; arrivedAt: string; ownerId: string | null; arrival: Arrival };

const MAX_REPLAY = 1000;

/** The last `n` records of the rule set's object, oldest first (the order they arrived in). */
async function lastRecords(db: Db, actor: Actor, ruleSet: StoredRuleSet, n: number, map: TerritoryMap): Promise<Subject[]> {
  const lookUpAccounts = needsAccount(ruleSet.rules);
  if (ruleSet.object === 'account') {
    const accounts: AccountView[] = [];
    // Accounts list by name; the newest N come from sorting all of one page's worth by creation.
    for (let cursor: string | undefined; ; ) {
      const page = await listAccounts(db, actor, { limit: 500, cursor });
      accounts.push(...page.data);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return accounts
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .slice(-n)
      .map((account) => ({
        id: account.id,
        label: account.name,
        arrivedAt: account.createdAt,
        ownerId: account.ownerId,
        arrival: { record: { ...account }, territory: resolveTerritory(map, { ...account, accountId: account.id }), account: null },
      }));
  }
  const leads: LeadView[] = [];
  const status = ruleSet.object === 'lead_qualified' ? (['qualified', 'converted'] as LeadView['status'][]) : undefined;
  for (let cursor: string | undefined; leads.length < n; ) {
    const page = await listLeads(db, actor, { status, sort: '-createdAt', limit: Math.min(500, n - leads.length), cursor });
    leads.push(...page.data);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const subjects: Subject[] = [];
  for (const lead of leads.reverse()) {
    const account = lookUpAccounts ? await findAccountForLead(db, actor, { domain: companyDomain(lead.email, lead.website), company: lead.company }) : null;
    const territory = resolveTerritory(map, lead);
    subjects.push({
      id: lead.id,
      label: [`${lead.firstName} ${lead.lastName}`.trim(), lead.company].filter(Boolean).join(', ') || lead.email || lead.id,
      arrivedAt: lead.createdAt,
      ownerId: lead.ownerId,
      arrival: {
        record: { ...lead, emailDomain: lead.email?.split('@')[1] ?? null, territoryId: territory?.territoryId ?? null, accountId: account?.id ?? null, knownAccount: account ? true : null },
        territory,
        account,
      },
    });
  }
  return subjects;
}

/**
 * Who would have got what: the rule set replayed over the last `lastN` records as if they arrived
 * now, one after another, starting from the current counters (rotations, today's counts, open
 * load), which the dry run never changes. `at` evaluates availability at another moment.
 */
export async function dryRun(db: Db, actor: Actor, ruleSetId: string, options: { lastN: number; at?: Date | undefined; counters?: Counters | undefined }): Promise<DryRun> {
  assertCan(actor, 'routing:manage');
  if (options.lastN < 1 || options.lastN > MAX_REPLAY) throw badRequest(`Replay between 1 and ${MAX_REPLAY} records`, [{ field: 'lastN', message: `Between 1 and ${MAX_REPLAY}` }]);
  const ruleSet = await ruleSetById(db, actor.orgId, ruleSetId);
  const territoryData = await loadTerritories(db, actor.orgId);
  const subjects = await lastRecords(db, actor, ruleSet, options.lastN, territoryData.map);
  const snapshot = await counterSnapshot(db, actor.orgId);
  const { directory, people } = await loadDirectory(db, actor, territoryData, snapshot.availability);
  const counters = options.counters ?? { rotations: snapshot.rotations, assignedToday: snapshot.assignedToday, openLoad: await openLoadOf(db, actor, ruleSet, [...people.keys()]) };
  const now = options.at ?? new Date();
  const decisions = simulate(ruleSet, subjects.map((s) => s.arrival), directory, counters, { now });
  return summarise(ruleSet, subjects, decisions, (id) => (id ? (people.get(id)?.name ?? id) : 'Unassigned'), now);
}

/** Open records per person, as the rule set's load-balancing counts them. */
function openLoadOf(db: Db, actor: Actor, ruleSet: Pick<StoredRuleSet, 'object'>, userIds: string[]): Promise<Record<string, number>> {
  return ruleSet.object === 'account' ? accountCountsByOwner(db, actor, userIds) : openLeadCounts(db, actor, userIds);
}

function summarise(ruleSet: StoredRuleSet, subjects: Subject[], decisions: Decision[], nameOf: (id: string | null) => string, now: Date): DryRun {
  const rows = subjects.map((subject, i): DryRunRow => {
    const decision = decisions[i]!;
    return {
      subjectId: subject.id,
      label: subject.label,
      arrivedAt: subject.arrivedAt,
      territoryId: decision.territoryId,
      currentOwnerId: subject.ownerId,
      proposedOwnerId: decision.ownerId,
      ruleName: decision.ruleName,
      ruleNumber: decision.ruleIndex === null ? null : decision.ruleIndex + 1,
      reason: decision.reason,
      changed: decision.ownerId !== subject.ownerId,
    };
  });
  const tally = new Map<string | null, { current: number; proposed: number }>();
  for (const row of rows) {
    for (const [id, side] of [[row.currentOwnerId, 'current'], [row.proposedOwnerId, 'proposed']] as const) {
      const entry = tally.get(id) ?? { current: 0, proposed: 0 };
      entry[side] += 1;
      tally.set(id, entry);
    }
  }
  return {
    ruleSetId: ruleSet.id,
    version: ruleSet.version,
    object: ruleSet.object,
    simulatedAt: now.toISOString(),
    rows,
    byOwner: [...tally].map(([userId, counts]) => ({ userId, name: nameOf(userId), ...counts })).sort((a, b) => b.proposed - a.proposed || a.name.localeCompare(b.name)),
    changed: rows.filter((r) => r.changed).length,
    unassigned: rows.filter((r) => r.proposedOwnerId === null).length,
  };
}
