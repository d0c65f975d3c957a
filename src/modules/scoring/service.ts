import { and, eq, sql } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import type { Jobs } from '../../core/jobs.ts';
import { assertCan } from '../../core/roles.ts';
import { recentActivities } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { countLeads, getLead, leadsToScore, storeLeadScores, type LeadsToScoreQuery } from '../leads/service.ts';
import { listOrganizations } from '../orgs/service.ts';
import {
  DEFAULT_SCORING_RULES,
  ENGAGEMENT_KINDS,
  scoreLead,
  scoringRulesProblems,
  type EngagementEvent,
  type EngagementKind,
  type LeadScore,
  type ScoringRules,
} from './model.ts';
import { newId } from '../../core/ids.ts';
import { leadRescores, scoringRules } from './schema.ts';

export const LEAD_RESCORE_QUEUE = 'lead-rescore';

/** Version 0: the org has never changed its rules and scores by the defaults. */
export type ScoringRulesView = ScoringRules & { version: number; updatedAt: string | null };

async function readRules(db: Db, orgId: string, lock = false): Promise<ScoringRulesView> {
  const query = db.select().from(scoringRules).where(eq(scoringRules.orgId, orgId));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) return { ...DEFAULT_SCORING_RULES, version: 0, updatedAt: null };
  return { fit: row.fit, engagement: row.engagement, version: row.version, updatedAt: row.updatedAt.toISOString() };
}

export async function getScoringRules(db: Db, actor: Actor): Promise<ScoringRulesView> {
  assertCan(actor, 'scoring:manage');
  return readRules(db, actor.orgId);
}

/** Saves an org's rules; every lead must then be rescored (see `rescoreAfterRulesChange`). */
export async function updateScoringRules(db: Db, actor: Actor, rules: ScoringRules, expected: ExpectedVersion): Promise<ScoringRulesView> {
  assertCan(actor, 'scoring:manage');
  const problems = scoringRulesProblems(rules);
  if (problems.length > 0) throw validationFailed(problems);
  return db.transaction(async (tx) => {
    const current = await readRules(tx, actor.orgId, true);
    assertVersion(expected, current.version);
    const values = { fit: rules.fit, engagement: rules.engagement, version: current.version + 1, updatedBy: actor.userId || null, updatedAt: new Date() };
    const [row] = await tx
      .insert(scoringRules)
      .values({ orgId: actor.orgId, ...values })
      .onConflictDoUpdate({ target: scoringRules.orgId, set: values })
      .returning();
    await recordAudit(tx, actor, {
      entityType: 'scoring_rules',
      entityId: actor.orgId,
      action: 'update',
      before: { fit: current.fit, engagement: current.engagement },
      after: { fit: rules.fit, engagement: rules.engagement },
    });
    return { fit: row!.fit, engagement: row!.engagement, version: row!.version, updatedAt: row!.updatedAt.toISOString() };
  });
}

const DAY_MS = 86_400_000;
// After 8 half-lives an event keeps under 1/256 of its points: below 0.5 for the 100 points a
// rule may give at most, so it rounds to nothing and older activity need not be read.
const HALF_LIVES_THAT_COUNT = 8;

/** Each lead's engagement events: the activities of the kinds the rules score, recent enough to count. */
async function engagementOf(db: Db, actor: Actor, rules: ScoringRules, leadIds: string[], now: Date): Promise<Map<string, EngagementEvent[]>> {
  const byLead = new Map<string, EngagementEvent[]>();
  if (rules.engagement.length === 0 || leadIds.length === 0) return byLead;
  const horizonDays = HALF_LIVES_THAT_COUNT * Math.max(...rules.engagement.map((r) => r.halfLifeDays));
  const since = new Date(now.getTime() - horizonDays * DAY_MS);
  const perKind = Math.max(...rules.engagement.map((r) => r.maxEvents));
  const kinds = rules.engagement.map((r) => r.kind);
  for (const moment of await recentActivities(db, actor, 'lead', leadIds, kinds, since, perKind)) {
    const events = byLead.get(moment.subjectId) ?? [];
    events.push({ kind: moment.kind as EngagementKind, occurredAt: moment.occurredAt });
    byLead.set(moment.subjectId, events);
  }
  return byLead;
}

/** Scores the leads (locked by the query) and stores their scores, all in the caller's transaction. */
async function scoreAndStore(tx: Db, actor: Actor, rules: ScoringRules, query: LeadsToScoreQuery, now: Date): Promise<{ id: string; score: number }[]> {
  const batch = await leadsToScore(tx, actor, query);
  const events = await engagementOf(tx, actor, rules, batch.map((lead) => lead.id), now);
  const scores = batch.map((lead) => {
    const { score, ...explanation } = scoreLead(lead, rules, events.get(lead.id) ?? [], now);
    return { id: lead.id, score, explanation: { ...explanation, scoredAt: now.toISOString() } };
  });
  await storeLeadScores(tx, actor, scores);
  return scores;
}

/**
 * Scores one lead from its current fields and engagement and stores the score; returns it (0 for a
 * lead that is gone). The leads service calls it inside its create and update transactions.
 */
export async function recomputeLeadScore(db: Db, actor: Actor, leadId: string, now = new Date()): Promise<number> {
  const rules = await readRules(db, actor.orgId);
  const [scored] = await scoreAndStore(db, actor, rules, { ids: [leadId] }, now);
  return scored?.score ?? 0;
}

/** Rescores some leads whose engagement changed wholesale (activities moved by a merge or its undo). */
export async function rescoreLeads(db: Db, actor: Actor, leadIds: string[], now = new Date()): Promise<void> {
  await scoreAndStore(db, actor, await readRules(db, actor.orgId), { ids: leadIds }, now);
}

/** The activities module calls this for every activity it logs: engagement on a lead moves its score. */
export async function scoreAfterActivity(db: Db, actor: Actor, activity: { subjectType: string; subjectId: string; kind: string }): Promise<void> {
  if (activity.subjectType === 'lead' && (ENGAGEMENT_KINDS as readonly string[]).includes(activity.kind)) {
    await recomputeLeadScore(db, actor, activity.subjectId);
  }
}

/** Why a lead scores what it does, as of `now`: every point with its reason. */
export async function explainLeadScore(db: Db, actor: Actor, leadId: string, now: Date): Promise<LeadScore & { leadId: string; computedAt: string }> {
  const lead = await getLead(db, actor, leadId);
  const rules = await readRules(db, actor.orgId);
  const events = (await engagementOf(db, actor, rules, [leadId], now)).get(leadId) ?? [];
  return { leadId, ...scoreLead(lead, rules, events, now), computedAt: now.toISOString() };
}

const RESCORE_BATCH = 500;

/**
 * Rescores an org's leads in batches, each its own transaction, so a crash loses nothing and a
 * retry simply goes again. A run for rules version N stops as soon as the rules move past N: the
 * job queued for the newer rules does the work. `which` narrows the run (see `LeadsToScoreQuery`).
 */
export async function rescoreOrganization(
  db: Db,
  orgId: string,
  options: { rulesVersion?: number | undefined; which?: 'all' | 'decaying' | { changedSince: Date }; now: Date; runId?: string | undefined },
): Promise<{ rescored: number; superseded: boolean }> {
  const actor = systemActor(orgId, '');
  // Progress is written only for the run the org's progress row names (a newer run replaces it).
  const thisRun = options.runId ? and(eq(leadRescores.orgId, orgId), eq(leadRescores.runId, options.runId)) : undefined;
  if (thisRun) await db.update(leadRescores).set({ startedAt: new Date() }).where(thisRun);
  let afterId: string | null = null;
  let rescored = 0;
  for (;;) {
    const step: { size: number; lastId: string | null } | 'superseded' = await db.transaction(async (tx) => {
      const rules = await readRules(tx, orgId);
      if (options.rulesVersion !== undefined && rules.version !== options.rulesVersion) return 'superseded';
      const batch = await scoreAndStore(tx, actor, rules, { afterId, limit: RESCORE_BATCH, which: options.which ?? 'all' }, options.now);
      const finished = batch.length < RESCORE_BATCH;
      if (thisRun) {
        await tx
          .update(leadRescores)
          .set({ done: sql`${leadRescores.done} + ${batch.length}`, ...(finished ? { finishedAt: new Date() } : {}) })
          .where(thisRun);
      }
      return { size: batch.length, lastId: batch.at(-1)?.id ?? null };
    });
    if (step === 'superseded') return { rescored, superseded: true };
    rescored += step.size;
    if (step.size < RESCORE_BATCH) return { rescored, superseded: false };
    afterId = step.lastId;
    // PGlite is one connection: without a turn of the event loop between batches, back-to-back
    // transactions keep every request out until the whole org is rescored.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Rescores every lead of the org (after the rules change, or when an admin asks): by a background
 * job where the app has job workers (the server), otherwise (tests, a one-off script) right here.
 * The run's progress is kept for `getRescoreProgress`.
 */
export async function rescoreAfterRulesChange(db: Db, jobs: Jobs | undefined, actor: Actor, rulesVersion: number): Promise<void> {
  const runId = newId();
  const progress = { runId, rulesVersion, total: await countLeads(db, actor, {}), done: 0, requestedBy: actor.userId || null, requestedAt: new Date(), startedAt: null, finishedAt: null };
  await db.insert(leadRescores).values({ orgId: actor.orgId, ...progress }).onConflictDoUpdate({ target: leadRescores.orgId, set: progress });
  if (jobs) await jobs.send(LEAD_RESCORE_QUEUE, { orgId: actor.orgId, rulesVersion, runId });
  else await rescoreOrganization(db, actor.orgId, { rulesVersion, now: new Date(), runId });
}

/** An admin asks for every lead to be rescored by the current rules (say, after a bulk data fix). */
export async function requestRescore(db: Db, jobs: Jobs | undefined, actor: Actor): Promise<RescoreProgress> {
  assertCan(actor, 'scoring:manage');
  const rules = await readRules(db, actor.orgId);
  await rescoreAfterRulesChange(db, jobs, actor, rules.version);
  await recordAudit(db, actor, { entityType: 'scoring_rules', entityId: actor.orgId, action: 'rescore', after: { rulesVersion: rules.version } });
  return getRescoreProgress(db, actor);
}

export type RescoreProgress = {
  state: 'none' | 'queued' | 'running' | 'done';
  rulesVersion: number | null;
  total: number;
  done: number;
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
};

/** How far the org's latest full rescore has come. */
export async function getRescoreProgress(db: Db, actor: Actor): Promise<RescoreProgress> {
  assertCan(actor, 'scoring:manage');
  const [row] = await db.select().from(leadRescores).where(eq(leadRescores.orgId, actor.orgId));
  if (!row) return { state: 'none', rulesVersion: null, total: 0, done: 0, requestedAt: null, startedAt: null, finishedAt: null };
  return {
    state: row.finishedAt ? 'done' : row.startedAt ? 'running' : 'queued',
    rulesVersion: row.rulesVersion,
    // Leads created while it runs are scored on creation, but the run may count them too.
    total: Math.max(row.total, row.done),
    done: row.done,
    requestedAt: row.requestedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export type RescoreJob = { orgId?: string; rulesVersion?: number; runId?: string };

/**
 * The 'lead-rescore' job: one org after its rules changed, or (the nightly schedule, no org) the
 * decaying scores of every org, so lists sorted by score stay true as engagement ages; it also
 * catches leads never scored (an import that stopped between loading and scoring).
 */
export async function runRescoreJob(db: Db, job: RescoreJob, now: Date): Promise<number> {
  if (job.orgId) return (await rescoreOrganization(db, job.orgId, { rulesVersion: job.rulesVersion, now, runId: job.runId })).rescored;
  let rescored = 0;
  for (const org of await listOrganizations(db)) rescored += (await rescoreOrganization(db, org.id, { which: 'decaying', now })).rescored;
  return rescored;
}
