import { and, asc, eq, sql } from 'drizzle-orm';
import { systemActor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { WorkerContext } from '../../workers.ts';
import { withNotifications, type Delivery } from '../notifications/service.ts';
import { assertActiveUser } from '../users/service.ts';
import { addDays, dateOf, rollUp } from './line-items.model.ts';
import { insertOpportunity } from './opportunities.service.ts';
import { pipelineOfKind } from './pipelines.service.ts';
import { DEFAULT_RENEWAL_LEAD_DAYS, renewalName } from './renewals.model.ts';
import { lineItems, opportunities, opportunityPolicies } from './schema.ts';

export const RENEWALS_QUEUE = 'opportunities-renewals';

/** Terms that ended up to this many days ago still get a (late) renewal; older ones were handled by people. */
const LATE_RENEWAL_DAYS = 30;

/**
 * Opens a renewal deal for every won recurring term that ends within the org's lead time
 * (default 90 days), once per deal and term end: the unique key (org, renewed deal, term end)
 * makes a second run — after a restart, or in another process — create nothing.
 */
export async function createDueRenewals(db: Db, today: string, delivery?: Delivery): Promise<number> {
  const leadDays = sql`coalesce(${opportunityPolicies.renewalLeadDays}, ${DEFAULT_RENEWAL_LEAD_DAYS})`;
  const termEnd = sql<string>`${lineItems.endDate}::text`;
  const due = await db
    .selectDistinct({ orgId: lineItems.orgId, opportunityId: lineItems.opportunityId, termEnd })
    .from(lineItems)
    .innerJoin(opportunities, and(eq(opportunities.orgId, lineItems.orgId), eq(opportunities.id, lineItems.opportunityId)))
    .leftJoin(opportunityPolicies, eq(opportunityPolicies.orgId, lineItems.orgId))
    .where(
      and(
        eq(lineItems.billing, 'recurring'),
        eq(opportunities.status, 'won'),
        sql`${opportunities.deletedAt} is null`,
        sql`${lineItems.endDate} <= ${today}::date + ${leadDays}`,
        sql`${lineItems.endDate} >= ${addDays(today, -LATE_RENEWAL_DAYS)}::date`,
        sql`not exists (select 1 from ${opportunities} r where r.org_id = ${lineItems.orgId} and r.renews_opportunity_id = ${lineItems.opportunityId} and r.renews_term_end = ${lineItems.endDate})`,
      ),
    )
    .orderBy(asc(lineItems.orgId), asc(termEnd), asc(lineItems.opportunityId))
    .limit(1000);
  let created = 0;
  for (const renewal of due) {
    try {
      await openRenewal(db, renewal, delivery);
      created += 1;
    } catch (error) {
      // Another process opened it between the look-up and the insert: that is the unique key at work.
      if (!(error instanceof AppError && error.code === 'renewal_exists')) throw error;
    }
  }
  return created;
}

async function openRenewal(db: Db, due: { orgId: string; opportunityId: string; termEnd: string }, delivery?: Delivery): Promise<void> {
  // The system acts; audit entries show no person, and everyone on the account is told.
  const actor = systemActor(due.orgId, '');
  await withNotifications(db, delivery, async (tx, outbox) => {
    const [deal] = await tx.select().from(opportunities).where(and(eq(opportunities.orgId, due.orgId), eq(opportunities.id, due.opportunityId)));
    const renewing = (
      await tx
        .select()
        .from(lineItems)
        .where(and(eq(lineItems.orgId, due.orgId), eq(lineItems.opportunityId, due.opportunityId), eq(lineItems.billing, 'recurring'), sql`${lineItems.endDate} = ${due.termEnd}::date`))
        .orderBy(asc(lineItems.position))
    ).map((line) => ({ ...line, id: newId(), startDate: due.termEnd, endDate: null }));
    const pipeline = await pipelineOfKind(tx, actor, 'renewal');
    const stage = pipeline.stages.find((s) => s.outcome === 'open')!;
    // A renewal goes to whoever owned the won deal, unless they have left.
    const ownerId = deal!.ownerId && (await assertActiveUser(tx, actor, deal!.ownerId, 'ownerId').then(() => true, () => false)) ? deal!.ownerId : null;
    const row = await insertOpportunity(
      tx,
      actor,
      {
        name: renewalName(deal!.name, due.termEnd),
        pipelineId: pipeline.id,
        stageId: stage.id,
        accountId: deal!.accountId,
        ownerId,
        amount: rollUp(renewing),
        currency: deal!.currency,
        closeDate: due.termEnd,
        source: 'renewal',
        paymentTermsDays: deal!.paymentTermsDays,
        renewsOpportunityId: deal!.id,
        renewsTermEnd: due.termEnd,
      },
      stage,
      outbox,
      `The recurring term of ${deal!.name} ends ${due.termEnd}`,
    );
    await tx.insert(lineItems).values(renewing.map((line) => ({ ...line, opportunityId: row.id, createdAt: now() })));
  });
}

/** The hourly renewal sweep, durable through the job queue: a restart neither loses nor repeats it. */
export async function startRenewalWorker(context: WorkerContext): Promise<void> {
  const delivery: Delivery = { mailer: context.mailer, publicUrl: context.config.publicUrl, log: context.log };
  await context.jobs.work(RENEWALS_QUEUE, async () => {
    const created = await createDueRenewals(context.db, dateOf(now()), delivery);
    if (created) context.log(`opened ${created} renewal deal(s)`);
  });
  await context.jobs.schedule(RENEWALS_QUEUE, '17 * * * *');
}
