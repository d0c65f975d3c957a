import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import type { Db } from '../../core/db.ts';
import { conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { normaliseSku, priceProblems, type Price, type ProductBilling } from './model.ts';
import { productPrices, products } from './schema.ts';

type ProductRow = typeof products.$inferSelect;

export type ProductFields = {
  sku?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  billing?: ProductBilling | undefined;
  active?: boolean | undefined;
  /** The whole price list: replaces the one there was. */
  prices?: Price[] | undefined;
};

export type ProductView = {
  id: string;
  sku: string;
  name: string;
  description: string;
  billing: ProductBilling;
  active: boolean;
  prices: Price[];
  version: number;
  createdAt: string;
  updatedAt: string;
};

const toView = (row: ProductRow, prices: Price[]): ProductView => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  billing: row.billing as ProductBilling,
  active: row.active,
  prices: [...prices].sort((a, b) => a.currency.localeCompare(b.currency)),
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const byId = (actor: Actor, id: string) => and(eq(products.orgId, actor.orgId), eq(products.id, id));

async function pricesOf(db: Db, actor: Actor, ids: string[]): Promise<Map<string, Price[]>> {
  const out = new Map<string, Price[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.select().from(productPrices).where(and(eq(productPrices.orgId, actor.orgId), inArray(productPrices.productId, ids)));
  for (const row of rows) out.get(row.productId)?.push({ currency: row.currency, unitPrice: row.unitPrice });
  return out;
}

async function replacePrices(tx: Db, actor: Actor, productId: string, prices: Price[]): Promise<void> {
  await tx.delete(productPrices).where(and(eq(productPrices.orgId, actor.orgId), eq(productPrices.productId, productId)));
  if (prices.length) await tx.insert(productPrices).values(prices.map((p) => ({ orgId: actor.orgId, productId, currency: p.currency, unitPrice: p.unitPrice })));
}

async function assertSkuFree(tx: Db, actor: Actor, sku: string, exceptId?: string): Promise<void> {
  const [taken] = await tx.select({ id: products.id }).from(products).where(and(eq(products.orgId, actor.orgId), sql`lower(${products.sku}) = lower(${sku})`));
  if (taken && taken.id !== exceptId) throw conflict(`Another product already has the SKU ${sku}`, 'sku_taken');
}

function tidy(fields: ProductFields): ProductFields {
  const prices = fields.prices?.map((p) => ({ currency: p.currency.trim().toUpperCase(), unitPrice: p.unitPrice }));
  if (prices) {
    const problems = priceProblems(prices);
    if (problems.length) throw validationFailed(problems);
  }
  return {
    ...fields,
    ...(fields.sku !== undefined ? { sku: normaliseSku(fields.sku) } : {}),
    ...(fields.name !== undefined ? { name: fields.name.trim() } : {}),
    ...(prices ? { prices } : {}),
  };
}

export async function createProduct(db: Db, actor: Actor, input: ProductFields & { sku: string; name: string; billing: ProductBilling }): Promise<ProductView> {
  assertCan(actor, 'products:manage');
  const { prices = [], ...fields } = tidy(input);
  if (!fields.sku) throw validationFailed([{ field: 'sku', message: 'A product needs a SKU' }]);
  if (!fields.name) throw validationFailed([{ field: 'name', message: 'A product needs a name' }]);
  return db.transaction(async (tx) => {
    await assertSkuFree(tx, actor, fields.sku!);
    const [row] = await tx
      .insert(products)
      .values({ ...fields, sku: fields.sku!, name: fields.name!, billing: fields.billing!, orgId: actor.orgId, id: newId() })
      .returning();
    await replacePrices(tx, actor, row!.id, prices);
    await recordAudit(tx, actor, { entityType: 'product', entityId: row!.id, action: 'create', after: { sku: row!.sku, name: row!.name, billing: row!.billing, prices } });
    return toView(row!, prices);
  });
}

export async function getProduct(db: Db, actor: Actor, id: string): Promise<ProductView> {
  assertCan(actor, 'records:read');
  const [row] = await db.select().from(products).where(byId(actor, id));
  if (!row) throw notFound('Product');
  return toView(row, (await pricesOf(db, actor, [id])).get(id)!);
}

export async function listProducts(
  db: Db,
  actor: Actor,
  filter: { q?: string | undefined; active?: boolean | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: ProductView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:read');
  const conditions: SQL[] = [eq(products.orgId, actor.orgId)];
  if (filter.active !== undefined) conditions.push(eq(products.active, filter.active));
  const q = filter.q?.trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(products.name, pattern), ilike(products.sku, pattern))!);
  }
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    conditions.push(sql`(${products.name}, ${products.id}) > (${cursor.v}, ${cursor.id}::uuid)`);
  }
  const rows = await db.select().from(products).where(and(...conditions)).orderBy(asc(products.name), asc(products.id)).limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const prices = await pricesOf(db, actor, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    data: page.map((row) => toView(row, prices.get(row.id)!)),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ v: last.name, id: last.id }) : null,
  };
}

export async function updateProduct(db: Db, actor: Actor, id: string, changes: ProductFields, expected: ExpectedVersion): Promise<ProductView> {
  assertCan(actor, 'products:manage');
  const { prices, ...fields } = tidy(changes);
  if (fields.name !== undefined && !fields.name) throw validationFailed([{ field: 'name', message: 'A product needs a name' }]);
  if (fields.sku !== undefined && !fields.sku) throw validationFailed([{ field: 'sku', message: 'A product needs a SKU' }]);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(products).where(byId(actor, id)).for('update');
    if (!row) throw notFound('Product');
    assertVersion(expected, row.version);
    if (fields.sku && fields.sku !== row.sku) await assertSkuFree(tx, actor, fields.sku, id);
    const before = (await pricesOf(tx, actor, [id])).get(id)!;
    if (prices) await replacePrices(tx, actor, id, prices);
    const [updated] = await tx.update(products).set({ ...fields, version: row.version + 1, updatedAt: new Date() }).where(byId(actor, id)).returning();
    const snapshot = (r: ProductRow, p: Price[]) => ({ sku: r.sku, name: r.name, description: r.description, billing: r.billing, active: r.active, prices: p });
    await recordAudit(tx, actor, { entityType: 'product', entityId: id, action: 'update', before: snapshot(row, before), after: snapshot(updated!, prices ?? before) });
    return toView(updated!, prices ?? before);
  });
}

export type PricedProduct = { id: string; sku: string; name: string; billing: ProductBilling; unitPrice: number };

/** A product's list price in a currency, for a line item; a bad choice is the caller's field error. */
export async function listPrice(db: Db, actor: Actor, productId: string, currency: string, field: string): Promise<PricedProduct> {
  const [row] = await db
    .select({ product: products, unitPrice: productPrices.unitPrice })
    .from(products)
    .leftJoin(productPrices, and(eq(productPrices.orgId, products.orgId), eq(productPrices.productId, products.id), eq(productPrices.currency, currency)))
    .where(byId(actor, productId));
  if (!row) throw validationFailed([{ field, message: 'No such product in your price book' }]);
  if (!row.product.active) throw validationFailed([{ field, message: `${row.product.name} is no longer sold` }]);
  if (row.unitPrice === null) throw validationFailed([{ field, message: `${row.product.name} has no list price in ${currency}` }]);
  return { id: row.product.id, sku: row.product.sku, name: row.product.name, billing: row.product.billing as ProductBilling, unitPrice: row.unitPrice };
}

/** Names and SKUs of products by id (upsell suggestions show them). */
export async function productNames(db: Db, actor: Actor, ids: string[]): Promise<Map<string, { name: string; sku: string; billing: ProductBilling; active: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(products).where(and(eq(products.orgId, actor.orgId), inArray(products.id, ids)));
  return new Map(rows.map((r) => [r.id, { name: r.name, sku: r.sku, billing: r.billing as ProductBilling, active: r.active }]));
}
