import { asc, count, eq, sql } from 'drizzle-orm';
import { hash } from '@node-rs/argon2';
import { systemActor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { conflict, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { recordAudit } from '../audit/service.ts';
import { seedDefaultPipelines } from '../opportunities/pipelines.service.ts';
import { ensureQualificationFramework } from '../qualification/service.ts';
import { normaliseEmail, passwordProblem } from '../users/model.ts';
import { users } from '../users/schema.ts';
import { organizations } from './schema.ts';

const FIRST_ORG_LOCK = 7_314_160;

export type NewOrganization = { name: string; admin: { email: string; name: string; password: string } };
export type CreatedOrganization = { orgId: string; orgName: string; adminId: string };

export async function countOrganizations(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(organizations);
  return row?.n ?? 0;
}

/** Creates an organisation and its first admin in one transaction. */
export async function createOrganization(
  db: Db,
  input: NewOrganization,
  options: { onlyIfFirst?: boolean } = {},
): Promise<CreatedOrganization> {
  const bad = passwordProblem(input.admin.password, input.admin.email);
  if (bad) throw validationFailed([{ ...bad, field: 'password' }]);
  const orgId = newId();
  const adminId = newId();
  const passwordHash = await hash(input.admin.password);
  await db.transaction(async (tx) => {
    if (options.onlyIfFirst) {
      // Two browsers racing through "create your organisation" must not both win.
      await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_ORG_LOCK})`);
      if ((await countOrganizations(tx)) > 0) throw conflict('Leadflow is already set up; sign in instead', 'already_set_up');
    }
    const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${normaliseEmail(input.admin.email)}`);
    if (taken) throw conflict(`A user with the email ${normaliseEmail(input.admin.email)} already exists`, 'email_taken');
    await tx.insert(organizations).values({ id: orgId, name: input.name.trim() });
    await tx.insert(users).values({
      orgId,
      id: adminId,
      email: normaliseEmail(input.admin.email),
      name: input.admin.name.trim(),
      role: 'admin',
      status: 'active',
      passwordHash,
    });
    await seedDefaultPipelines(tx, orgId);
    const actor = systemActor(orgId, adminId);
    await recordAudit(tx, actor, { entityType: 'organization', entityId: orgId, action: 'create', after: { name: input.name } });
    await ensureQualificationFramework(tx, orgId);
  });
  return { orgId, orgName: input.name.trim(), adminId };
}

export async function getOrganization(db: Db, orgId: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  return row ?? null;
}

/** Every organisation on this installation, by name: for operators choosing one (CLI, backups). */
export async function listOrganizations(db: Db): Promise<{ id: string; name: string }[]> {
  return db.select({ id: organizations.id, name: organizations.name }).from(organizations).orderBy(asc(organizations.name), asc(organizations.id));
}
