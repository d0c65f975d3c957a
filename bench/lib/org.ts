import { systemActor } from '../../src/core/actor.ts';
import type { Db } from '../../src/core/db.ts';
import { createApiKey } from '../../src/modules/auth/service.ts';
import { createOrganization } from '../../src/modules/orgs/service.ts';
import { createUser } from '../../src/modules/users/service.ts';

export type BenchOrg = {
  orgId: string;
  adminId: string;
  /** A write-scoped API key of the admin, for `Authorization: Bearer …`. */
  apiKey: string;
  /** Everyone who can own leads: the admin first, then the reps. */
  ownerIds: string[];
};

const PASSWORD = 'bench-password-1234';

/** An organisation with an admin, `reps` sales reps and an API key, made through the services. */
export async function createBenchOrg(db: Db, reps = 19): Promise<BenchOrg> {
  const { orgId, adminId } = await createOrganization(db, {
    name: 'Benchmark Inc',
    admin: { email: 'admin@bench.example', name: 'Bench Admin', password: PASSWORD },
  });
  const admin = systemActor(orgId, adminId);
  const ownerIds = [adminId];
  for (let i = 1; i <= reps; i++) {
    const rep = await createUser(db, admin, { email: `rep${i}@bench.example`, name: `Rep ${i}`, role: 'rep', password: PASSWORD });
    ownerIds.push(rep.id);
  }
  const { key } = await createApiKey(db, admin, { name: 'benchmark', scope: 'write' });
  return { orgId, adminId, apiKey: key, ownerIds };
}
