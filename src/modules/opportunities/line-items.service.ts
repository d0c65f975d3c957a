import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { listPrice } from '../products/service.ts';
import { lineTotal, rollUp, type PricedLine } from './line-items.model.ts';
import { lineItems, opportunities } from './schema.ts';
import { lineItemsOf, lockOpportunity, opportunityKey, toLineItemView, writeHistory, type LineItemView, type OpportunityRow } from './store.ts';

export type LineItemInput = {
  productId: string;
  quantity: number;
  discountPercent?: number | undefined;
  /** Months a recurring product is sold for; one-time products have none. */
  termMonths?: number | null | undefined;
  /** When the term starts, if agreed; otherwise the day the deal is won. */
  startDate?: string | null | undefined;
};

export type LineItemChanges = Partial<Omit<LineItemInput, 'productId'>>;

const DEFAULT_TERM_MONTHS = 12;

const toBp = (percent: number) => Math.round(percent * 100);

function priced(line: PricedLine, field: string): number {
  const total = lineTotal(line);
  if (total === null) throw validationFailed([{ field, message: 'The line total is too large' }]);
  return total;
}

function termFor(billing: 'recurring' | 'one_time', termMonths: number | null | undefined, field: string): number | null {
  if (billing === 'one_time') {
    if (termMonths) throw validationFailed([{ field, message: 'A one-time product has no term' }]);
    return null;
  }
  return termMonths ?? DEFAULT_TERM_MONTHS;
}

/** Line items are the deal's terms: a closed deal keeps what it closed with. */
function assertOpen(deal: OpportunityRow): void {
  if (deal.status !== 'open') throw conflict(`This deal is ${deal.status}; reopen it (move it to an open stage) to change its products`, 'deal_closed');
}

/** Sets the deal's amount to the sum of its line items, with history and a new version. */
async function rollUpAmount(tx: Db, actor: Actor, deal: OpportunityRow): Promise<OpportunityRow> {
  const amount = rollUp(await lineItemsOf(tx, actor, deal.id));
  const at = now();
  const [updated] = await tx.update(opportunities).set({ amount, version: deal.version + 1, updatedAt: at }).where(opportunityKey(actor, deal.id)).returning();
  await writeHistory(tx, actor, deal, updated!, at);
  return updated!;
}

export async function addLineItem(db: Db, actor: Actor, opportunityId: string, input: LineItemInput, expected: ExpectedVersion): Promise<LineItemView> {
  assertCan(actor, 'records:write');
  return db.transaction(async (tx) => {
    const deal = await lockOpportunity(tx, actor, opportunityId);
    assertVersion(expected, deal.version);
    assertOpen(deal);
    const product = await listPrice(tx, actor, input.productId, deal.currency, 'productId');
    const termMonths = termFor(product.billing, input.termMonths, 'termMonths');
    const discountBp = toBp(input.discountPercent ?? 0);
    const total = priced({ billing: product.billing, quantity: input.quantity, unitPrice: product.unitPrice, discountBp, termMonths }, 'quantity');
    const [last] = await tx
      .select({ n: sql<number>`coalesce(max(${lineItems.position}), -1)::int` })
      .from(lineItems)
      .where(and(eq(lineItems.orgId, actor.orgId), eq(lineItems.opportunityId, opportunityId)));
    const [row] = await tx
      .insert(lineItems)
      .values({
        orgId: actor.orgId,
        id: newId(),
        opportunityId,
        productId: product.id,
        name: product.name,
        sku: product.sku,
        billing: product.billing,
        quantity: input.quantity,
        unitPrice: product.unitPrice,
        discountBp,
        termMonths,
        startDate: input.startDate ?? null,
        total,
        position: (last?.n ?? -1) + 1,
      })
      .returning();
    await rollUpAmount(tx, actor, deal);
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'line_item_added', after: toLineItemView(row!) });
    return toLineItemView(row!);
  });
}

export async function updateLineItem(db: Db, actor: Actor, opportunityId: string, lineId: string, changes: LineItemChanges, expected: ExpectedVersion): Promise<LineItemView> {
  assertCan(actor, 'records:write');
  return db.transaction(async (tx) => {
    const deal = await lockOpportunity(tx, actor, opportunityId);
    assertVersion(expected, deal.version);
    assertOpen(deal);
    const key = and(eq(lineItems.orgId, actor.orgId), eq(lineItems.opportunityId, opportunityId), eq(lineItems.id, lineId));
    const [line] = await tx.select().from(lineItems).where(key);
    if (!line) throw notFound('Line item');
    const billing = line.billing as 'recurring' | 'one_time';
    const termMonths = changes.termMonths === undefined ? line.termMonths : termFor(billing, changes.termMonths, 'termMonths');
    const quantity = changes.quantity ?? line.quantity;
    const discountBp = changes.discountPercent === undefined ? line.discountBp : toBp(changes.discountPercent);
    const total = priced({ billing, quantity, unitPrice: line.unitPrice, discountBp, termMonths }, 'quantity');
    const [updated] = await tx
      .update(lineItems)
      .set({ quantity, discountBp, termMonths, total, ...(changes.startDate !== undefined ? { startDate: changes.startDate } : {}) })
      .where(key)
      .returning();
    await rollUpAmount(tx, actor, deal);
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'line_item_changed', before: toLineItemView(line), after: toLineItemView(updated!) });
    return toLineItemView(updated!);
  });
}

export async function removeLineItem(db: Db, actor: Actor, opportunityId: string, lineId: string, expected: ExpectedVersion): Promise<void> {
  assertCan(actor, 'records:write');
  await db.transaction(async (tx) => {
    const deal = await lockOpportunity(tx, actor, opportunityId);
    assertVersion(expected, deal.version);
    assertOpen(deal);
    const [removed] = await tx
      .delete(lineItems)
      .where(and(eq(lineItems.orgId, actor.orgId), eq(lineItems.opportunityId, opportunityId), eq(lineItems.id, lineId)))
      .returning();
    if (!removed) throw notFound('Line item');
    await rollUpAmount(tx, actor, deal);
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'line_item_removed', before: toLineItemView(removed) });
  });
}
