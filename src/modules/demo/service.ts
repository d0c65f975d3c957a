import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Database } from '../../core/db.ts';
import type { Role } from '../../core/roles.ts';
import { createOrganization } from '../orgs/service.ts';
import { createTeam, createUser, findUserByEmail, updateUser } from '../users/service.ts';
import { createRandom, type DemoPeople } from './model.ts';
import { DEMO_PARTS } from './registry.ts';

export const DEMO_ORG_NAME = 'Northwind Demo';
export const DEMO_ADMIN_EMAIL = 'admin@northwind.demo';
/** Every demo user signs in with this password (it is in the README: the demo is for trying Leadflow). */
export const DEMO_PASSWORD = 'northwind-demo';

// Two servers started with --demo against one PostgreSQL database must not both seed it.
const DEMO_SEED_LOCK = 7_314_161;

type StaffMember = { key: 'manager' | 'executive' | 'partner' | 'rep'; name: string; email: string; role: Role; team?: 'EMEA' | 'NA' };

const STAFF: StaffMember[] = [
  { key: 'manager', name: 'Marcus Reed', email: 'marcus.reed@northwind.demo', role: 'manager' },
  { key: 'rep', name: 'Sophie Laurent', email: 'sophie.laurent@northwind.demo', role: 'rep', team: 'EMEA' },
  { key: 'rep', name: 'Jonas Becker', email: 'jonas.becker@northwind.demo', role: 'rep', team: 'EMEA' },
  { key: 'rep', name: 'Emily Carter', email: 'emily.carter@northwind.demo', role: 'rep', team: 'EMEA' },
  { key: 'rep', name: 'Jake Morrison', email: 'jake.morrison@northwind.demo', role: 'rep', team: 'NA' },
  { key: 'rep', name: 'Priya Raman', email: 'priya.raman@northwind.demo', role: 'rep', team: 'NA' },
  { key: 'executive', name: 'Elena Vargas', email: 'elena.vargas@northwind.demo', role: 'executive' },
  { key: 'partner', name: 'Tom Hughes', email: 'tom.hughes@brightpath-partners.demo', role: 'partner' },
];

export type DemoSeedResult = { created: boolean; orgId?: string };

/**
 * Loads the demo organisation "Northwind Demo" unless it is already there: its staff and teams
 * through the users service, then each capability's part (see registry.ts), all in one transaction
 * so an interrupted seed leaves nothing behind. Per-row audit entries are not written for demo data.
 */
export async function seedDemo(database: Database, log: (line: string) => void, now = new Date()): Promise<DemoSeedResult> {
  if (await findUserByEmail(database.db, DEMO_ADMIN_EMAIL)) {
    log(`The demo organisation "${DEMO_ORG_NAME}" is already there; nothing added. Sign in as ${DEMO_ADMIN_EMAIL} / ${DEMO_PASSWORD}.`);
    return { created: false };
  }
  const started = Date.now();
  const orgId = await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_SEED_LOCK})`);
    if (await findUserByEmail(tx, DEMO_ADMIN_EMAIL)) return null;
    const org = await createOrganization(tx, { name: DEMO_ORG_NAME, admin: { email: DEMO_ADMIN_EMAIL, name: 'Dana Whitfield', password: DEMO_PASSWORD } });
    const actor: Actor = { orgId: org.orgId, userId: org.adminId, role: 'admin', via: 'system' };
    const ids = new Map<StaffMember, string>();
    for (const member of STAFF) {
      const user = await createUser(tx, actor, { email: member.email, name: member.name, role: member.role, password: DEMO_PASSWORD });
      ids.set(member, user.id);
    }
    const idOf = (key: StaffMember['key']) => ids.get(STAFF.find((member) => member.key === key)!)!;
    const manager = idOf('manager');
    for (const territory of ['EMEA', 'NA'] as const) {
      const team = await createTeam(tx, actor, { name: `Inside Sales ${territory}`, managerId: manager });
      for (const member of STAFF.filter((m) => m.team === territory)) await updateUser(tx, actor, ids.get(member)!, { teamId: team.id }, undefined);
    }
    const people: DemoPeople = {
      admin: org.adminId,
      manager,
      reps: STAFF.filter((member) => member.key === 'rep').map((member) => ({ id: ids.get(member)!, territory: member.team! })),
      executive: idOf('executive'),
      partner: idOf('partner'),
    };
    log(`Created "${DEMO_ORG_NAME}" with ${STAFF.length + 1} users in 2 teams.`);
    for (const part of DEMO_PARTS) {
      const summary = await part.seed({ db: tx, orgId: org.orgId, actor, people, random: createRandom(`northwind:${part.capability}`), now });
      log(`  ${summary}`);
    }
    return org.orgId;
  });
  if (!orgId) {
    log(`The demo organisation "${DEMO_ORG_NAME}" is already there; nothing added.`);
    return { created: false };
  }
  log(`Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s. Sign in as ${DEMO_ADMIN_EMAIL} / ${DEMO_PASSWORD} (every demo user has that password).`);
  return { created: true, orgId };
}
