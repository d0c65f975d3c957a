import { and, eq, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { notFound, validationFailed } from '../../core/errors.ts';
import { recordAudit } from '../audit/service.ts';
import type { LifecycleStage } from './model.ts';
import { SIZE_BANDS, sizeBand } from './relationships.model.ts';
import { accounts } from './schema.ts';
import { visibleRecords } from '../visibility/records.ts';

export type AccountBrief = { id: string; name: string; industry: string | null; employeeCount: number | null; lifecycleStage: LifecycleStage; ownerId: string | null };

const brief = {
  id: accounts.id,
  name: accounts.name,
  industry: accounts.industry,
  employeeCount: accounts.employeeCount,
  lifecycleStage: sql<LifecycleStage>`${accounts.lifecycleStage}`,
  ownerId: accounts.ownerId,
};

/**
 * A live account of the org; `field` names the request field to blame when there is none (or 404
 * without one). Without `field` the account is what the request is about, so it must be one the
 * actor may see; with one it is only referred to (a deal's account), so it must only exist.
 */
export async function accountBrief(db: Db, actor: Actor, id: string, field?: string): Promise<AccountBrief> {
  const visible = field ? undefined : visibleRecords(actor, 'accounts');
  const [row] = await db.select(brief).from(accounts).where(and(eq(accounts.orgId, actor.orgId), eq(accounts.id, id), isNull(accounts.deletedAt), visible));
  if (row) return row;
  throw field ? validationFailed([{ field, message: 'No such account in your organisation' }]) : notFound('Account');
}

/** A won deal makes its account a customer; the lifecycle stage stays on the account. */
export async function markCustomer(tx: Db, actor: Actor, accountId: string, reason: string): Promise<boolean> {
  const where = and(eq(accounts.orgId, actor.orgId), eq(accounts.id, accountId), ne(accounts.lifecycleStage, 'customer'));
  const [before] = await tx.select({ lifecycleStage: accounts.lifecycleStage }).from(accounts).where(where).for('update');
  if (!before) return false;
  await tx.update(accounts).set({ lifecycleStage: 'customer', version: sql`${accounts.version} + 1`, updatedAt: new Date() }).where(where);
  await recordAudit(tx, actor, { entityType: 'account', entityId: accountId, action: 'update', before: { lifecycleStage: before.lifecycleStage }, after: { lifecycleStage: 'customer' }, reason });
  return true;
}

/** The employee-count band in SQL, from the same bands as the pure rule. */
function sizeBandSql(column: typeof accounts.employeeCount): SQL {
  const cases = SIZE_BANDS.filter((b) => Number.isFinite(b.max)).map((b) => sql`when ${column} <= ${b.max} then ${b.band}`);
  return sql`case when ${column} is null then null ${sql.join(cases, sql` `)} else ${SIZE_BANDS.at(-1)!.band} end`;
}

/**
 * Other customers like this account: the same industry and, when both sizes are known, the same
 * size band. No industry, no peers — "similar" would be a guess.
 */
export async function similarCustomerIds(db: Db, actor: Actor, accountId: string): Promise<string[]> {
  const account = await accountBrief(db, actor, accountId);
  if (!account.industry) return [];
  const conditions: SQL[] = [
    eq(accounts.orgId, actor.orgId),
    ne(accounts.id, accountId),
    isNull(accounts.deletedAt),
    eq(accounts.lifecycleStage, 'customer'),
    sql`lower(${accounts.industry}) = lower(${account.industry})`,
  ];
  if (account.employeeCount !== null) {
    conditions.push(sql`(${accounts.employeeCount} is null or ${sizeBandSql(accounts.employeeCount)} = ${sizeBand(account.employeeCount)})`);
  }
  const rows = await db.select({ id: accounts.id }).from(accounts).where(and(...conditions));
  return rows.map((r) => r.id);
}
