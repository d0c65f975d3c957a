// Routing many new leads at once (an import): the same pure `decide` as live assignment, run in
// batches over counters held in memory, with one COPY of decision rows per batch instead of a
// transaction per lead. Imported leads are cold prospects: they get no first-touch clock, and
// working hours and daily caps (which pace inbound leads against that clock) do not hold them back.
import type { Actor } from '../../core/actor.ts';
import { copyText, type BulkSession } from '../../core/bulk-session.ts';
import type { Db } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { findAccountsForLeads } from '../accounts/bulk.service.ts';
import { companyDomain } from '../duplicates/model.ts';
import { openLeadCounts } from '../leads/service.ts';
import { applyDecision, decide, type Arrival, type Directory } from './decision.model.ts';
import type { Counters } from './distribution.model.ts';
import { needsAccount } from './rules.model.ts';
import { counterSnapshot, loadDirectory, loadTerritories, activeRuleSet } from './store.ts';
import { resolveTerritory, type Placeable, type Placement, type TerritoryMap } from './territories.model.ts';

/** Where records with these fields belong; the same fields give the same answer, so answers are kept. */
function placer(map: TerritoryMap): (record: Placeable) => Placement | null {
  const seen = new Map<string, Placement | null>();
  return (record) => {
    const key = `${record.country}\u0000${record.region}\u0000${record.postcode}\u0000${record.industry}\u0000${record.employeeCount}\u0000${record.accountId ?? ''}`;
    let placement = seen.get(key);
    if (placement === undefined) {
      placement = resolveTerritory(map, record);
      if (seen.size >= 10_000) seen.clear();
      seen.set(key, placement);
    }
    return placement;
  };
}

/** The territory of each new lead, by the org's territories as they are when the import starts. */
export async function territoryPlacer(db: Db, orgId: string): Promise<(record: Placeable) => string | null> {
  const place = placer((await loadTerritories(db, orgId)).map);
  return (record) => place(record)?.territoryId ?? null;
}

/** What an import hands routing for each new lead without an owner. */
export type ImportedLeadToRoute = Placeable & {
  line: number;
  id: string;
  email: string | null;
  website: string | null;
  company: string;
  territoryId: string | null;
  [field: string]: unknown;
};

export type ImportRouter = {
  ruleSetId: string;
  /**
   * A batch's turn, taken in file order: `assign` decides owners by line for the batch's leads (after
   * the batches before it) and writes one decision row per lead; `release` lets the next batch go
   * when this one assigns nothing (call it once the batch is done either way).
   */
  reserve: () => {
    assign: (session: BulkSession, leads: ImportedLeadToRoute[]) => Promise<Map<number, string | null>>;
    release: () => void;
  };
  /** Stores the rotations the decisions so far have moved (after the batch before has committed). */
  saveRotations: (session: BulkSession) => Promise<void>;
};

const DECISION_COLUMNS = [
  'org_id',
  'id',
  'subject_type',
  'subject_id',
  'kind',
  'rule_set_id',
  'rule_set_version',
  'rule_id',
  'rule_name',
  'reason',
  'candidates',
  'owner_id',
  'territory_id',
  'actor_id',
] as const;

/**
 * A router for one import run over the active lead rule set, or null when the org has none (the
 * import's default owner applies then, as for a lead created without routing). Rule set, people,
 * territories, rotations and open load are read once; the rotations move in memory and are
 * stored with each batch, so a resumed run carries on from the last committed batch.
 */
export async function importRouter(db: Db, actor: Actor, options: { cause: string; now: Date }): Promise<ImportRouter | null> {
  const ruleSet = await activeRuleSet(db, actor.orgId, 'lead_create');
  if (!ruleSet) return null;
  const territoryData = await loadTerritories(db, actor.orgId);
  const snapshot = await counterSnapshot(db, actor.orgId);
  const loaded = await loadDirectory(db, actor, territoryData, snapshot.availability);
  const directory: Directory = {
    ...loaded.directory,
    people: Object.fromEntries(Object.entries(loaded.directory.people).map(([id, person]) => [id, { ...person, workingHours: null, dailyCap: null }])),
  };
  const loadBalanced = ruleSet.rules.some((rule) => rule.strategy === 'load_balanced');
  const counters: Counters = {
    rotations: snapshot.rotations,
    assignedToday: {},
    openLoad: loadBalanced ? await openLeadCounts(db, actor, [...loaded.people.keys()]) : {},
  };
  const place = placer(territoryData.map);
  const lookUpAccounts = needsAccount(ruleSet.rules);
  const moved = new Set<string>();
  const { now, cause } = options;
  // The rotations as each batch's decisions left them: a batch stores its own, not a later one's.
  const rotationsAfter = new WeakMap<BulkSession, { key: string; last_user_id: string | null; credits: Record<string, number> }[]>();
  let decided: Promise<void> = Promise.resolve();

  const decideAll = async (session: BulkSession, leads: ImportedLeadToRoute[]): Promise<Map<number, string | null>> => {
    const accounts = lookUpAccounts
      ? await findAccountsForLeads(session, actor.orgId, leads.map((lead) => ({ domain: companyDomain(lead.email, lead.website), company: lead.company })))
      : null;
    const owners = new Map<number, string | null>();
    const rows: string[] = [];
    leads.forEach((lead, i) => {
      const account = accounts?.[i] ?? null;
      const territory = place({ ...lead, accountId: account?.id ?? null });
      const arrival: Arrival = {
        record: { ...lead, emailDomain: lead.email?.split('@')[1] ?? null, territoryId: territory?.territoryId ?? null, accountId: account?.id ?? null, knownAccount: account ? true : null },
        territory,
        account,
      };
      const decision = decide(ruleSet, arrival, directory, counters, { now });
      applyDecision(counters, decision, directory, now);
      if (decision.rotationKey) moved.add(decision.rotationKey);
      owners.set(lead.line, decision.ownerId);
      rows.push(
        [
          actor.orgId,
          newId(),
          'lead',
          lead.id,
          'assignment',
          ruleSet.id,
          ruleSet.version,
          decision.ruleId,
          decision.ruleName,
          `${cause}: ${decision.reason}`,
          '[]',
          decision.ownerId,
          decision.territoryId,
          actor.userId || null,
        ]
          .map(copyText)
          .join('\t') + '\n',
      );
    });
    await session.copyRows('routing_decisions', DECISION_COLUMNS, rows.join(''));
    rotationsAfter.set(
      session,
      [...moved].map((key) => ({ key, last_user_id: counters.rotations[key]?.last ?? null, credits: { ...counters.rotations[key]?.credits } })),
    );
    return owners;
  };

  return {
    ruleSetId: ruleSet.id,
    // Batches overlap in the database, but their decisions are taken one batch after another in
    // file order, so turns go round as if the rows had arrived one by one: each batch takes its
    // turn when it is read (`reserve`, in file order), not when its transaction gets there.
    reserve: () => {
      const previous = decided;
      let release!: () => void;
      decided = new Promise<void>((resolve) => {
        release = resolve;
      });
      return {
        assign: async (session, leads) => {
          try {
            await previous;
            return await decideAll(session, leads);
          } finally {
            release();
          }
        },
        release: () => release(),
      };
    },
    saveRotations: async (session) => {
      const rotations = rotationsAfter.get(session);
      if (!rotations?.length) return;
      await session.query(
        `INSERT INTO routing_rotations (org_id, key, last_user_id, credits, updated_at)
           SELECT $1, r.key, r.last_user_id, r.credits, now() FROM jsonb_to_recordset($2::jsonb) AS r(key text, last_user_id uuid, credits jsonb)
         ON CONFLICT (org_id, key) DO UPDATE SET last_user_id = excluded.last_user_id, credits = excluded.credits, updated_at = now()`,
        [actor.orgId, JSON.stringify(rotations)],
      );
    },
  };
}
