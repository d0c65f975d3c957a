import { and, asc, count, desc, eq, ne, sql } from 'drizzle-orm';
import { systemActor, type Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { getLead } from '../leads/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { BANT, checkAnswers, currentAnswers, qualificationProgress, questionProblems, type Answers, type QualificationProgress, type Question } from './model.ts';
import { leadQualifications, qualificationFrameworks } from './schema.ts';

type FrameworkRow = typeof qualificationFrameworks.$inferSelect;

export type FrameworkView = {
  id: string;
  name: string;
  questions: Question[];
  isDefault: boolean;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
};

const toFrameworkView = (row: FrameworkRow): FrameworkView => ({
  id: row.id,
  name: row.name,
  questions: row.questions,
  isDefault: row.isDefault,
  active: row.active,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const auditable = (row: FrameworkRow) => ({ name: row.name, questions: row.questions, isDefault: row.isDefault, active: row.active });
const frameworkById = (actor: Actor, id: string) => and(eq(qualificationFrameworks.orgId, actor.orgId), eq(qualificationFrameworks.id, id));

/**
 * Gives an org BANT as its default framework if it has none yet: at org creation, and on first use
 * for orgs that existed before qualification did.
 */
export async function ensureQualificationFramework(db: Db, orgId: string): Promise<void> {
  const [any] = await db.select({ id: qualificationFrameworks.id }).from(qualificationFrameworks).where(eq(qualificationFrameworks.orgId, orgId)).limit(1);
  if (any) return;
  // Two first uses at once: the unique default index lets one insert win and the other do nothing.
  const [row] = await db
    .insert(qualificationFrameworks)
    .values({ orgId, id: newId(), name: BANT.name, questions: BANT.questions, isDefault: true })
    .onConflictDoNothing()
    .returning();
  if (row) await recordAudit(db, systemActor(orgId, ''), { entityType: 'qualification_framework', entityId: row.id, action: 'create', after: auditable(row), reason: 'default framework' });
}

export async function listFrameworks(db: Db, actor: Actor, filter: { active?: boolean | undefined }): Promise<{ data: FrameworkView[]; nextCursor: null }> {
  assertCan(actor, 'records:read');
  await ensureQualificationFramework(db, actor.orgId);
  const conditions = [eq(qualificationFrameworks.orgId, actor.orgId)];
  if (filter.active !== undefined) conditions.push(eq(qualificationFrameworks.active, filter.active));
  const rows = await db
    .select()
    .from(qualificationFrameworks)
    .where(and(...conditions))
    .orderBy(desc(qualificationFrameworks.isDefault), asc(qualificationFrameworks.name));
  // An org has a handful of frameworks: one page holds them all.
  return { data: rows.map(toFrameworkView), nextCursor: null };
}

export async function getFramework(db: Db, actor: Actor, id: string): Promise<FrameworkView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(qualificationFrameworks).where(frameworkById(actor, id));
  if (!row) throw notFound('Qualification framework');
  return toFrameworkView(row);
}

export type FrameworkFields = { name?: string | undefined; questions?: Question[] | undefined; isDefault?: boolean | undefined; active?: boolean | undefined };

function assertQuestions(questions: Question[] | undefined): void {
  const problems = questions ? questionProblems(questions) : [];
  if (problems.length > 0) throw validationFailed(problems);
}

async function assertNameFree(tx: Db, actor: Actor, name: string, exceptId: string | null): Promise<void> {
  const conditions = [eq(qualificationFrameworks.orgId, actor.orgId), sql`lower(${qualificationFrameworks.name}) = ${name.toLowerCase()}`];
  if (exceptId) conditions.push(ne(qualificationFrameworks.id, exceptId));
  const [taken] = await tx.select({ id: qualificationFrameworks.id }).from(qualificationFrameworks).where(and(...conditions));
  if (taken) throw conflict(`A framework called "${name}" exists already`, 'name_taken');
}

/** The default framework is the one reps see first; there is exactly one, so making one default unmakes the other. */
async function clearDefault(tx: Db, actor: Actor): Promise<void> {
  await tx
    .update(qualificationFrameworks)
    .set({ isDefault: false, version: sql`${qualificationFrameworks.version} + 1`, updatedAt: new Date() })
    .where(and(eq(qualificationFrameworks.orgId, actor.orgId), eq(qualificationFrameworks.isDefault, true)));
}

export async function createFramework(db: Db, actor: Actor, input: FrameworkFields & { name: string; questions: Question[] }): Promise<FrameworkView> {
  assertCan(actor, 'qualification:manage');
  assertQuestions(input.questions);
  const name = input.name.trim();
  if (input.isDefault && input.active === false) throw validationFailed([{ field: 'active', message: 'The default framework must be active' }]);
  return db.transaction(async (tx) => {
    await ensureQualificationFramework(tx, actor.orgId);
    await assertNameFree(tx, actor, name, null);
    if (input.isDefault) await clearDefault(tx, actor);
    const [row] = await tx
      .insert(qualificationFrameworks)
      .values({ orgId: actor.orgId, id: newId(), name, questions: input.questions, isDefault: input.isDefault ?? false, active: input.active ?? true })
      .returning();
    await recordAudit(tx, actor, { entityType: 'qualification_framework', entityId: row!.id, action: 'create', after: auditable(row!) });
    return toFrameworkView(row!);
  });
}

export async function updateFramework(db: Db, actor: Actor, id: string, changes: FrameworkFields, expected: ExpectedVersion): Promise<FrameworkView> {
  assertCan(actor, 'qualification:manage');
  assertQuestions(changes.questions);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(qualificationFrameworks).where(frameworkById(actor, id)).for('update');
    if (!row) throw notFound('Qualification framework');
    assertVersion(expected, row.version);
    const name = changes.name?.trim() ?? row.name;
    const isDefault = changes.isDefault ?? row.isDefault;
    const active = changes.active ?? row.active;
    if (row.isDefault && !isDefault) throw conflict('Make another framework the default instead; there is always one', 'default_required');
    if (isDefault && !active) throw conflict('The default framework must stay active; make another one the default first', 'default_required');
    if (name.toLowerCase() !== row.name.toLowerCase()) await assertNameFree(tx, actor, name, id);
    if (isDefault && !row.isDefault) await clearDefault(tx, actor);
    const [updated] = await tx
      .update(qualificationFrameworks)
      .set({ name, questions: changes.questions ?? row.questions, isDefault, active, version: row.version + 1, updatedAt: new Date() })
      .where(frameworkById(actor, id))
      .returning();
    await recordAudit(tx, actor, { entityType: 'qualification_framework', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    return toFrameworkView(updated!);
  });
}

/** Only a framework nobody has answered can go; one in use is deactivated instead, keeping its answers. */
export async function deleteFramework(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'qualification:manage');
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(qualificationFrameworks).where(frameworkById(actor, id)).for('update');
    if (!row) throw notFound('Qualification framework');
    if (row.isDefault) throw conflict('The default framework cannot be deleted; make another one the default first', 'default_required');
    const [used] = await tx
      .select({ n: count() })
      .from(leadQualifications)
      .where(and(eq(leadQualifications.orgId, actor.orgId), eq(leadQualifications.frameworkId, id)));
    if (used!.n > 0) throw conflict(`${used!.n} lead(s) have answers in this framework; deactivate it instead`, 'framework_in_use');
    await tx.delete(qualificationFrameworks).where(frameworkById(actor, id));
    await recordAudit(tx, actor, { entityType: 'qualification_framework', entityId: id, action: 'delete', before: auditable(row) });
  });
}

export type LeadQualificationView = {
  leadId: string;
  framework: FrameworkView;
  answers: Answers;
  progress: QualificationProgress;
  /** 0 until someone first saves answers for this lead in this framework. */
  version: number;
  updatedBy: string | null;
  updatedAt: string | null;
};

type AnswersRow = typeof leadQualifications.$inferSelect;

const answersOf = (actor: Actor, leadId: string, frameworkId: string) =>
  and(eq(leadQualifications.orgId, actor.orgId), eq(leadQualifications.leadId, leadId), eq(leadQualifications.frameworkId, frameworkId));

function toQualificationView(leadId: string, framework: FrameworkRow, row: AnswersRow | undefined): LeadQualificationView {
  const answers = currentAnswers(framework.questions, row?.answers ?? {});
  return {
    leadId,
    framework: toFrameworkView(framework),
    answers,
    progress: qualificationProgress(framework.questions, answers),
    version: row?.version ?? 0,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/**
 * The framework a lead is qualified in: the one asked for; else the one a rep last answered for
 * this lead (a deal being qualified in MEDDIC stays in MEDDIC), if still active; else the default.
 */
async function frameworkFor(db: Db, actor: Actor, leadId: string, frameworkId: string | undefined): Promise<FrameworkRow> {
  if (frameworkId) {
    const [row] = await db.select().from(qualificationFrameworks).where(frameworkById(actor, frameworkId));
    if (!row) throw notFound('Qualification framework');
    return row;
  }
  const [lastUsed] = await db
    .select({ framework: qualificationFrameworks })
    .from(leadQualifications)
    .innerJoin(qualificationFrameworks, and(eq(qualificationFrameworks.orgId, leadQualifications.orgId), eq(qualificationFrameworks.id, leadQualifications.frameworkId)))
    .where(and(eq(leadQualifications.orgId, actor.orgId), eq(leadQualifications.leadId, leadId), eq(qualificationFrameworks.active, true)))
    .orderBy(desc(leadQualifications.updatedAt))
    .limit(1);
  if (lastUsed) return lastUsed.framework;
  await ensureQualificationFramework(db, actor.orgId);
  const [fallback] = await db
    .select()
    .from(qualificationFrameworks)
    .where(and(eq(qualificationFrameworks.orgId, actor.orgId), eq(qualificationFrameworks.isDefault, true)));
  return fallback!;
}

export async function getLeadQualification(db: Db, actor: Actor, leadId: string, frameworkId?: string): Promise<LeadQualificationView> {
  await getLead(db, actor, leadId);
  const framework = await frameworkFor(db, actor, leadId, frameworkId);
  const [row] = await db.select().from(leadQualifications).where(answersOf(actor, leadId, framework.id));
  return toQualificationView(leadId, framework, row);
}

/** Saves a rep's answers for a lead (all of them: a question left out is unanswered). */
export async function saveLeadQualification(
  db: Db,
  actor: Actor,
  leadId: string,
  input: { frameworkId?: string | undefined; answers: Record<string, unknown> },
  expected: ExpectedVersion,
): Promise<LeadQualificationView> {
  assertCan(actor, 'records:write');
  const lead = await getLead(db, actor, leadId);
  if (lead.deletedAt) throw notFound('Lead');
  return db.transaction(async (tx) => {
    const framework = await frameworkFor(tx, actor, leadId, input.frameworkId);
    if (!framework.active) throw validationFailed([{ field: 'frameworkId', message: `${framework.name} is no longer in use; answer the default framework` }]);
    const { answers, problems } = checkAnswers(framework.questions, input.answers);
    if (problems.length > 0) throw validationFailed(problems);
    for (const question of framework.questions) {
      const userId = answers[question.key];
      if (question.type === 'user' && typeof userId === 'string') await assertActiveUser(tx, actor, userId, `answers.${question.key}`);
    }
    const [existing] = await tx.select().from(leadQualifications).where(answersOf(actor, leadId, framework.id)).for('update');
    assertVersion(expected, existing?.version ?? 0);
    const values = { answers, version: (existing?.version ?? 0) + 1, updatedBy: actor.userId || null, updatedAt: new Date() };
    const [row] = existing
      ? await tx.update(leadQualifications).set(values).where(answersOf(actor, leadId, framework.id)).returning()
      : await tx.insert(leadQualifications).values({ orgId: actor.orgId, id: newId(), leadId, frameworkId: framework.id, ...values }).returning();
    // On the lead's own history, so the timeline shows "Changed qualification" beside its other changes.
    await recordAudit(tx, actor, {
      entityType: 'lead',
      entityId: leadId,
      action: 'update',
      before: { qualification: existing ? currentAnswers(framework.questions, existing.answers) : {} },
      after: { qualification: answers },
    });
    return toQualificationView(leadId, framework, row);
  });
}
