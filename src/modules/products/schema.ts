import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// The price book: what an org sells, one-time or recurring, with a list price per currency.
export const products = pgTable(
  'products',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** 'recurring' (priced per month, sold for a term) or 'one_time'. */
    billing: text('billing').notNull(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('products_sku_key').on(t.orgId, sql`lower(${t.sku})`),
    index('products_name_idx').on(t.orgId, t.name, t.id),
  ],
);

export const productPrices = pgTable(
  'product_prices',
  {
    orgId: uuid('org_id').notNull(),
    productId: uuid('product_id').notNull(),
    currency: text('currency').notNull(),
    /** List price in minor units: per unit, and per month for recurring products. */
    unitPrice: bigint('unit_price', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.productId, t.currency] })],
);
