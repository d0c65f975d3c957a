import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import type { GateRequirement } from './gates.model.ts';
import { DEFAULT_PIPELINES, stageListProblems, type ForecastCategory, type PipelineKind, type StageOutcome, type StageTemplate } from './pipelines.model.ts';
import { opportunities, pipelines, pipelineStages } from './schema.ts';

export type StageView = {
  id: string;
  name: string;
  position: number;
  probability: number;
  forecastCategory: ForecastCategory;
  outcome: StageOutcome;
  gates: GateRequirement[];
};

export type PipelineView = { id: string; name: string; kind: PipelineKind; position: number; version: number; archived: boolean; stages: StageView[] };

type StageRow = typeof pipelineStages.$inferSelect;

export const toStageView = (row: StageRow): StageView => ({
  id: row.id,
  name: row.name,
  position: row.position,
  probability: row.probability,
  forecastCategory: row.forecastCategory as ForecastCategory,
  outcome: row.outcome as StageOutcome,
  gates: row.gates as GateRequirement[],
});

async function insertPipeline(tx: Db, orgId: string, pipeline: { name: string; kind: PipelineKind; position: number; stages: StageTemplate[] }): Promise<string> {
  const id = newId();
  await tx.insert(pipelines).values({ orgId, id, name: pipeline.name, kind: pipeline.kind, position: pipeline.position });
  await tx.insert(pipelineStages).values(pipeline.stages.map((stage, position) => ({ ...stage, orgId, id: newId(), pipelineId: id, position })));
  return id;
}

/** The default pipelines of a new organisation; call it in the transaction that creates the org. */
export async function seedDefaultPipelines(tx: Db, orgId: string): Promise<void> {
  for (const [position, pipeline] of DEFAULT_PIPELINES.entries()) await insertPipeline(tx, orgId, { ...pipeline, position });
}

/**
 * Organisations created before pipelines existed get the defaults the first time they need one.
 * The advisory lock keeps two first requests from seeding twice.
 */
export async function ensurePipelines(db: Db, orgId: string): Promise<void> {
  const [any] = await db.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.orgId, orgId)).limit(1);
  if (any) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pipelines:${orgId}`}))`);
    const [seeded] = await tx.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.orgId, orgId)).limit(1);
    if (!seeded) await seedDefaultPipelines(tx, orgId);
  });
}

async function stagesOf(db: Db, orgId: string, pipelineIds: string[]): Promise<Map<string, StageView[]>> {
  const out = new Map<string, StageView[]>(pipelineIds.map((id) => [id, []]));
  if (pipelineIds.length === 0) return out;
  const rows = await db
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.orgId, orgId), inArray(pipelineStages.pipelineId, pipelineIds)))
    .orderBy(asc(pipelineStages.position));
  for (const row of rows) out.get(row.pipelineId)?.push(toStageView(row));
  return out;
}

export async function listPipelines(db: Db, actor: Actor): Promise<PipelineView[]> {
  assertCan(actor, 'records:read');
  await ensurePipelines(db, actor.orgId);
  const rows = await db.select().from(pipelines).where(eq(pipelines.orgId, actor.orgId)).orderBy(asc(pipelines.position), asc(pipelines.name));
  const stages = await stagesOf(db, actor.orgId, rows.map((r) => r.id));
  return rows.map((row) => ({ ...pipelineFields(row), stages: stages.get(row.id)! }));
}

/** A pipeline with its stages in one round trip: every move and every board reads it. */
export async function getPipeline(db: Db, actor: Actor, id: string): Promise<PipelineView> {
  assertCan(actor, 'records:read');
  const rows = await db
    .select({ pipeline: pipelines, stage: pipelineStages })
    .from(pipelines)
    .leftJoin(pipelineStages, and(eq(pipelineStages.orgId, pipelines.orgId), eq(pipelineStages.pipelineId, pipelines.id)))
    .where(and(eq(pipelines.orgId, actor.orgId), eq(pipelines.id, id)))
    .orderBy(asc(pipelineStages.position));
  const row = rows[0]?.pipeline;
  if (!row) throw notFound('Pipeline');
  const stages = rows.flatMap((r) => (r.stage ? [toStageView(r.stage)] : []));
  return { ...pipelineFields(row), stages };
}

const pipelineFields = (row: typeof pipelines.$inferSelect) => ({
  id: row.id,
  name: row.name,
  kind: row.kind as PipelineKind,
  position: row.position,
  version: row.version,
  archived: row.archivedAt !== null,
});

/** The org's first active pipeline of a kind: where renewals and expansions go. */
export async function pipelineOfKind(db: Db, actor: Actor, kind: PipelineKind): Promise<PipelineView> {
  await ensurePipelines(db, actor.orgId);
  const [row] = await db
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.orgId, actor.orgId), eq(pipelines.kind, kind), isNull(pipelines.archivedAt)))
    .orderBy(asc(pipelines.position))
    .limit(1);
  if (!row) throw validationFailed([{ field: 'pipelineId', message: `Your organisation has no ${kind.replace('_', ' ')} pipeline` }]);
  return getPipeline(db, actor, row.id);
}

export type StageInput = StageTemplate & { id?: string | undefined };

function checkStages(stages: StageInput[]): void {
  const problems = stageListProblems(stages);
  if (problems.length) throw validationFailed(problems);
}

export async function createPipeline(db: Db, actor: Actor, input: { name: string; kind: PipelineKind; stages: StageInput[] }): Promise<PipelineView> {
  assertCan(actor, 'pipelines:manage');
  checkStages(input.stages);
  await ensurePipelines(db, actor.orgId);
  const id = await db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.orgId, actor.orgId), sql`lower(${pipelines.name}) = lower(${input.name.trim()})`));
    if (taken) throw conflict(`A pipeline called "${input.name.trim()}" already exists`, 'pipeline_name_taken');
    const [last] = await tx.select({ n: sql<number>`coalesce(max(${pipelines.position}), -1)` }).from(pipelines).where(eq(pipelines.orgId, actor.orgId));
    const stages = input.stages.map(({ id: _id, ...stage }) => ({ ...stage, name: stage.name.trim() }));
    const created = await insertPipeline(tx, actor.orgId, { name: input.name.trim(), kind: input.kind, position: (last?.n ?? -1) + 1, stages });
    await recordAudit(tx, actor, { entityType: 'pipeline', entityId: created, action: 'create', after: { name: input.name.trim(), kind: input.kind, stages } });
    return created;
  });
  return getPipeline(db, actor, id);
}

/**
 * Renames a pipeline and/or replaces its stage list: stages sent with an id are updated, without
 * one are added, and stages left out are removed — only while no deal (open or closed) sits in
 * them, so no deal loses its stage.
 */
export async function updatePipeline(
  db: Db,
  actor: Actor,
  id: string,
  changes: { name?: string | undefined; stages?: StageInput[] | undefined },
  expected: ExpectedVersion,
): Promise<PipelineView> {
  assertCan(actor, 'pipelines:manage');
  if (changes.stages) checkStages(changes.stages);
  await db.transaction(async (tx) => {
    const where = and(eq(pipelines.orgId, actor.orgId), eq(pipelines.id, id));
    const [row] = await tx.select().from(pipelines).where(where).for('update');
    if (!row) throw notFound('Pipeline');
    assertVersion(expected, row.version);
    const before = (await stagesOf(tx, actor.orgId, [id])).get(id)!;
    if (changes.stages) {
      const keep = new Set(changes.stages.flatMap((s) => (s.id ? [s.id] : [])));
      const unknown = changes.stages.findIndex((s) => s.id && !before.some((b) => b.id === s.id));
      if (unknown >= 0) throw validationFailed([{ field: `stages.${unknown}.id`, message: 'Not a stage of this pipeline' }]);
      const removed = before.filter((s) => !keep.has(s.id));
      if (removed.length) {
        const [used] = await tx
          .select({ stageId: opportunities.stageId, n: sql<number>`count(*)::int` })
          .from(opportunities)
          .where(and(eq(opportunities.orgId, actor.orgId), inArray(opportunities.stageId, removed.map((s) => s.id))))
          .groupBy(opportunities.stageId)
          .limit(1);
        if (used) {
          const name = removed.find((s) => s.id === used.stageId)!.name;
          throw conflict(`${used.n} deal(s) are in "${name}"; move them to another stage before removing it`, 'stage_in_use');
        }
        await tx.delete(pipelineStages).where(and(eq(pipelineStages.orgId, actor.orgId), inArray(pipelineStages.id, removed.map((s) => s.id))));
      }
      for (const [position, stage] of changes.stages.entries()) {
        const values = { name: stage.name.trim(), position, probability: stage.probability, forecastCategory: stage.forecastCategory, outcome: stage.outcome, gates: stage.gates };
        if (stage.id) {
          await tx
            .update(pipelineStages)
            .set({ ...values, version: sql`${pipelineStages.version} + 1` })
            .where(and(eq(pipelineStages.orgId, actor.orgId), eq(pipelineStages.id, stage.id)));
        } else {
          await tx.insert(pipelineStages).values({ ...values, orgId: actor.orgId, id: newId(), pipelineId: id });
        }
      }
    }
    if (changes.name !== undefined && changes.name.trim().toLowerCase() !== row.name.toLowerCase()) {
      const [taken] = await tx.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.orgId, actor.orgId), sql`lower(${pipelines.name}) = lower(${changes.name.trim()})`));
      if (taken) throw conflict(`A pipeline called "${changes.name.trim()}" already exists`, 'pipeline_name_taken');
    }
    await tx.update(pipelines).set({ name: changes.name?.trim() ?? row.name, version: row.version + 1 }).where(where);
    const after = (await stagesOf(tx, actor.orgId, [id])).get(id)!;
    await recordAudit(tx, actor, {
      entityType: 'pipeline',
      entityId: id,
      action: 'update',
      before: { name: row.name, stages: before },
      after: { name: changes.name?.trim() ?? row.name, stages: after },
    });
  });
  return getPipeline(db, actor, id);
}

/**
 * Archives a pipeline or brings it back. An archived pipeline takes no new deals and leaves the
 * pickers; its closed deals stay in reports. Refused while open deals sit in it (move or close
 * them first), or when it is the last active pipeline of its kind, which conversions, renewals and
 * partner registrations need somewhere to go.
 */
export async function setPipelineArchived(db: Db, actor: Actor, id: string, archived: boolean): Promise<PipelineView> {
  assertCan(actor, 'pipelines:manage');
  await db.transaction(async (tx) => {
    const where = and(eq(pipelines.orgId, actor.orgId), eq(pipelines.id, id));
    const [row] = await tx.select().from(pipelines).where(where).for('update');
    if (!row) throw notFound('Pipeline');
    if ((row.archivedAt !== null) === archived) return;
    if (archived) {
      const [open] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(opportunities)
        .innerJoin(pipelineStages, and(eq(pipelineStages.orgId, opportunities.orgId), eq(pipelineStages.id, opportunities.stageId)))
        .where(and(eq(opportunities.orgId, actor.orgId), eq(opportunities.pipelineId, id), eq(pipelineStages.outcome, 'open'), isNull(opportunities.deletedAt)));
      if (open!.n > 0) throw conflict(`${open!.n} open deal(s) are in "${row.name}"; move or close them before archiving it`, 'pipeline_has_open_deals');
      const [other] = await tx
        .select({ id: pipelines.id })
        .from(pipelines)
        .where(and(eq(pipelines.orgId, actor.orgId), eq(pipelines.kind, row.kind), ne(pipelines.id, id), isNull(pipelines.archivedAt)))
        .limit(1);
      if (!other) throw conflict(`"${row.name}" is your only active ${row.kind.replace('_', ' ')} pipeline; add another before archiving it`, 'last_pipeline_of_kind');
    }
    await tx.update(pipelines).set({ archivedAt: archived ? new Date() : null, version: row.version + 1 }).where(where);
    await recordAudit(tx, actor, { entityType: 'pipeline', entityId: id, action: archived ? 'archive' : 'restore', before: { archived: !archived }, after: { archived } });
  });
  return getPipeline(db, actor, id);
}

/**
 * The org's partner pipeline, made from the default partner stages if an admin has removed it:
 * approved partner registrations always have somewhere to go. Run it in the caller's transaction.
 */
export async function ensurePartnerPipeline(tx: Db, actor: Actor): Promise<PipelineView> {
  await ensurePipelines(tx, actor.orgId);
  const [row] = await tx
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.orgId, actor.orgId), eq(pipelines.kind, 'partner'), isNull(pipelines.archivedAt)))
    .orderBy(asc(pipelines.position))
    .limit(1);
  if (row) return getPipeline(tx, actor, row.id);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`partner-pipeline:${actor.orgId}`}))`);
  const template = DEFAULT_PIPELINES.find((p) => p.kind === 'partner')!;
  const [taken] = await tx.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.orgId, actor.orgId), sql`lower(${pipelines.name}) = lower(${template.name})`));
  const [last] = await tx.select({ n: sql<number>`coalesce(max(${pipelines.position}), -1)` }).from(pipelines).where(eq(pipelines.orgId, actor.orgId));
  const id = await insertPipeline(tx, actor.orgId, { ...template, name: taken ? `${template.name} deals` : template.name, position: Number(last?.n ?? -1) + 1 });
  await recordAudit(tx, actor, { entityType: 'pipeline', entityId: id, action: 'create', after: { name: template.name, kind: 'partner' }, reason: 'A partner registration was approved and no partner pipeline existed' });
  return getPipeline(tx, actor, id);
}
