import { and, eq, or } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { badRequest, forbidden, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan, can } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { DEFAULT_DASHBOARDS, defaultDashboardFor, widgetProblem } from './dashboards.model.ts';
import { dashboards, type DashboardWidget } from './schema.ts';

export type DashboardView = {
  id: string;
  name: string;
  ownerId: string | null;
  shared: boolean;
  /** A role's built-in dashboard (read-only: copy it to change it). */
  builtIn: boolean;
  widgets: DashboardWidget[];
  version: number;
  updatedAt: string | null;
};

type Row = typeof dashboards.$inferSelect;
const view = (row: Row): DashboardView => ({ id: row.id, name: row.name, ownerId: row.ownerId, shared: row.shared, builtIn: false, widgets: row.widgets, version: row.version, updatedAt: row.updatedAt.toISOString() });
const auditable = (row: Row) => ({ name: row.name, shared: row.shared, widgets: row.widgets });

/** The asker's role default first, then the other built-ins, their own and the org's shared ones. */
export async function listDashboards(db: Db, actor: Actor): Promise<DashboardView[]> {
  assertCan(actor, 'reports:read');
  const mine = defaultDashboardFor(actor.role);
  const builtIns = [...DEFAULT_DASHBOARDS].sort((a, b) => Number(b.id === mine?.id) - Number(a.id === mine?.id));
  const rows = await db
    .select()
    .from(dashboards)
    .where(and(eq(dashboards.orgId, actor.orgId), or(eq(dashboards.ownerId, actor.userId), eq(dashboards.shared, true))))
    .orderBy(dashboards.name, dashboards.id);
  return [...builtIns.map((d) => ({ id: d.id, name: d.name, ownerId: null, shared: true, builtIn: true, widgets: d.widgets, version: 0, updatedAt: null })), ...rows.map(view)];
}

export async function getDashboard(db: Db, actor: Actor, id: string): Promise<DashboardView> {
  const found = (await listDashboards(db, actor)).find((d) => d.id === id);
  if (!found) throw notFound('Dashboard');
  return found;
}

export type DashboardInput = { name: string; shared: boolean; widgets: DashboardWidget[] };

function check(actor: Actor, input: Partial<DashboardInput>): void {
  if (input.shared && !can(actor.role, 'dashboards:share')) throw forbidden('Your role may not share dashboards with the whole org');
  const problem = input.widgets ? widgetProblem(input.widgets) : null;
  if (problem) throw badRequest(problem, [{ field: 'widgets', message: problem }]);
}

export async function createDashboard(db: Db, actor: Actor, input: DashboardInput): Promise<DashboardView> {
  assertCan(actor, 'reports:read');
  check(actor, input);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(dashboards).values({ orgId: actor.orgId, id: newId(), ownerId: actor.userId, name: input.name, shared: input.shared, widgets: input.widgets }).returning();
    await recordAudit(tx, actor, { entityType: 'dashboard', entityId: row!.id, action: 'create', after: auditable(row!) });
    return view(row!);
  });
}

/** Its owner changes a dashboard; an admin may change or remove a shared one. */
async function editable(tx: Db, actor: Actor, id: string): Promise<Row> {
  const [row] = await tx.select().from(dashboards).where(and(eq(dashboards.orgId, actor.orgId), eq(dashboards.id, id))).for('update');
  if (!row || (row.ownerId !== actor.userId && !row.shared)) throw notFound('Dashboard');
  if (row.ownerId !== actor.userId && actor.role !== 'admin') throw forbidden('Only its owner changes a dashboard');
  return row;
}

export async function updateDashboard(db: Db, actor: Actor, id: string, changes: Partial<DashboardInput>, expected: ExpectedVersion): Promise<DashboardView> {
  assertCan(actor, 'reports:read');
  check(actor, changes);
  return db.transaction(async (tx) => {
    const row = await editable(tx, actor, id);
    assertVersion(expected, row.version);
    const [updated] = await tx
      .update(dashboards)
      .set({ ...changes, version: row.version + 1, updatedAt: new Date() })
      .where(and(eq(dashboards.orgId, actor.orgId), eq(dashboards.id, id)))
      .returning();
    await recordAudit(tx, actor, { entityType: 'dashboard', entityId: id, action: 'update', before: auditable(row), after: auditable(updated!) });
    return view(updated!);
  });
}

export async function deleteDashboard(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'reports:read');
  await db.transaction(async (tx) => {
    const row = await editable(tx, actor, id);
    await tx.delete(dashboards).where(and(eq(dashboards.orgId, actor.orgId), eq(dashboards.id, id)));
    await recordAudit(tx, actor, { entityType: 'dashboard', entityId: id, action: 'delete', before: auditable(row) });
  });
}
