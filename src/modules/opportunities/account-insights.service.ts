// What the account page asks of deals: the account's health, products similar customers
// bought that it does not have, and one-click expansion deals for them.
import { and, countDistinct, eq, gte, inArray, isNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { accountBrief, similarCustomerIds } from '../accounts/customers.service.ts';
import { keyPlayerRoles } from '../accounts/relationships.service.ts';
import { timeline } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { withNotifications, type Delivery } from '../notifications/service.ts';
import type { ProductBilling } from '../products/model.ts';
import { listPrice, productNames } from '../products/service.ts';
import { accountHealth, type AccountHealth, type HealthFacts } from './health.model.ts';
import { addDays, dateOf, isCurrency, lineTotal } from './line-items.model.ts';
import { insertOpportunity } from './opportunities.service.ts';
import { pipelineOfKind } from './pipelines.service.ts';
import { readPolicy } from './policies.service.ts';
import { lineItems, opportunities, opportunityHistory } from './schema.ts';
import { toLineItemView, toOpportunityView, type OpportunityView } from './store.ts';

const DAY = 86_400_000;
// Activity kinds that mean someone worked the account: calls, emails, meetings, notes (the
// activities module's vocabulary, including the kinds the engagement score reads).
const TOUCHES = ['note', 'call', 'call_connected', 'email', 'email_sent', 'email_replied', 'meeting', 'meeting_held'];

export async function healthOfAccount(db: Db, actor: Actor, accountId: string): Promise<AccountHealth & { facts: HealthFacts }> {
  assertCan(actor, 'records:read');
  const account = await accountBrief(db, actor, accountId);
  const at = now();
  const today = dateOf(at);
  const [touch, escalations, roles] = await Promise.all([
    timeline(db, actor, 'account', accountId, { kinds: TOUCHES, limit: 1 }),
    timeline(db, actor, 'account', accountId, { kinds: ['escalation'], limit: 50 }),
    keyPlayerRoles(db, actor, accountId),
  ]);
  const deals = and(eq(opportunities.orgId, actor.orgId), eq(opportunities.accountId, accountId), isNull(opportunities.deletedAt));
  const count = (condition: ReturnType<typeof and>) => db.$count(opportunities, and(deals, condition));
  const since = (days: number) => new Date(at.getTime() - days * DAY);
  const openDeals = await count(eq(opportunities.status, 'open'));
  const overdueDeals = await count(and(eq(opportunities.status, 'open'), lt(opportunities.closeDate, today)));
  const lostLast90Days = await count(and(eq(opportunities.status, 'lost'), gte(opportunities.closedAt, since(90))));
  const wonLast365Days = await count(and(eq(opportunities.status, 'won'), gte(opportunities.closedAt, since(365))));
  const [pushes] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(opportunityHistory)
    .innerJoin(opportunities, and(eq(opportunities.orgId, opportunityHistory.orgId), eq(opportunities.id, opportunityHistory.opportunityId)))
    .where(
      and(
        deals,
        eq(opportunities.status, 'open'),
        gte(opportunityHistory.changedAt, since(90)),
        sql`'close_date' = any(${opportunityHistory.changes})`,
        sql`${opportunityHistory.closeDate} > ${opportunityHistory.previousCloseDate}`,
      ),
    );
  const lastTouch = touch.data[0]?.occurredAt;
  const facts: HealthFacts = {
    daysSinceLastTouch: lastTouch ? Math.floor((at.getTime() - Date.parse(lastTouch)) / DAY) : null,
    openDeals,
    overdueDeals,
    closeDatePushes: pushes?.n ?? 0,
    lostLast90Days,
    wonLast365Days,
    escalationsLast30Days: escalations.data.filter((e) => Date.parse(e.occurredAt) >= since(30).getTime()).length,
    hasChampion: roles.includes('champion'),
    isCustomer: account.lifecycleStage === 'customer',
  };
  return { ...accountHealth(facts), facts };
}

export type UpsellSuggestion = { productId: string; name: string; sku: string; billing: ProductBilling; customers: number };

/** Products of a customer's won deals. */
const ownedBy = (actor: Actor, accountIds: string[]) =>
  and(eq(lineItems.orgId, actor.orgId), eq(opportunities.status, 'won'), isNull(opportunities.deletedAt), inArray(opportunities.accountId, accountIds));

/**
 * Upsell and cross-sell: products that customers like this one (same industry and size band)
 * bought in won deals and this one never did, most-bought first (ties by name). Products no
 * longer sold are left out.
 */
export async function upsellSuggestions(db: Db, actor: Actor, accountId: string, limit = 10): Promise<{ peers: number; data: UpsellSuggestion[] }> {
  assertCan(actor, 'records:read');
  const peers = await similarCustomerIds(db, actor, accountId);
  if (peers.length === 0) return { peers: 0, data: [] };
  const joinDeal = and(eq(opportunities.orgId, lineItems.orgId), eq(opportunities.id, lineItems.opportunityId));
  const owned = db.selectDistinct({ productId: lineItems.productId }).from(lineItems).innerJoin(opportunities, joinDeal).where(ownedBy(actor, [accountId]));
  const rows = await db
    .select({ productId: lineItems.productId, customers: countDistinct(opportunities.accountId) })
    .from(lineItems)
    .innerJoin(opportunities, joinDeal)
    .where(and(ownedBy(actor, peers), notInArray(lineItems.productId, owned)))
    .groupBy(lineItems.productId);
  const products = await productNames(db, actor, rows.map((r) => r.productId));
  const data = rows
    .flatMap((r) => {
      const product = products.get(r.productId);
      return product?.active ? [{ productId: r.productId, name: product.name, sku: product.sku, billing: product.billing, customers: Number(r.customers) }] : [];
    })
    .sort((a, b) => b.customers - a.customers || a.name.localeCompare(b.name))
    .slice(0, limit);
  return { peers: peers.length, data };
}

const EXPANSION_TERM_MONTHS = 12;

/** One click from a suggestion: an expansion deal on the account with those products, one each. */
export async function createExpansion(
  db: Db,
  actor: Actor,
  accountId: string,
  input: { productIds: string[]; name?: string | undefined; currency?: string | undefined; closeDate?: string | undefined },
  delivery?: Delivery,
): Promise<OpportunityView> {
  assertCan(actor, 'records:write');
  return withNotifications(db, delivery, async (tx, outbox) => {
    const account = await accountBrief(tx, actor, accountId, 'accountId');
    const policy = await readPolicy(tx, actor.orgId);
    const currency = (input.currency ?? policy.defaultCurrency).toUpperCase();
    if (!isCurrency(currency)) throw validationFailed([{ field: 'currency', message: `${currency} is not an ISO 4217 currency code` }]);
    const priced = [];
    for (const [i, productId] of [...new Set(input.productIds)].entries()) {
      const product = await listPrice(tx, actor, productId, currency, `productIds.${i}`);
      const termMonths = product.billing === 'recurring' ? EXPANSION_TERM_MONTHS : null;
      const total = lineTotal({ billing: product.billing, quantity: 1, unitPrice: product.unitPrice, discountBp: 0, termMonths })!;
      priced.push({ product, termMonths, total });
    }
    const pipeline = await pipelineOfKind(tx, actor, 'expansion');
    const stage = pipeline.stages.find((s) => s.outcome === 'open')!;
    const row = await insertOpportunity(
      tx,
      actor,
      {
        name: input.name?.trim() || `${account.name} — ${priced.map((p) => p.product.name).join(', ')}`,
        pipelineId: pipeline.id,
        stageId: stage.id,
        accountId,
        ownerId: actor.userId || account.ownerId,
        amount: priced.reduce((sum, p) => sum + p.total, 0),
        currency,
        closeDate: input.closeDate ?? addDays(dateOf(now()), 30),
        source: 'expansion',
        paymentTermsDays: policy.standardPaymentTermsDays,
      },
      stage,
      outbox,
    );
    for (const [position, { product, termMonths, total }] of priced.entries()) {
      const [line] = await tx
        .insert(lineItems)
        .values({ orgId: actor.orgId, id: newId(), opportunityId: row.id, productId: product.id, name: product.name, sku: product.sku, billing: product.billing, quantity: 1, unitPrice: product.unitPrice, termMonths, total, position })
        .returning();
      await recordAudit(tx, actor, { entityType: 'opportunity', entityId: row.id, action: 'line_item_added', after: toLineItemView(line!) });
    }
    return toOpportunityView(row);
  });
}
