import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, limitQuery } from '../../http/schemas.ts';
import { BILLINGS } from './model.ts';
import { createProduct, getProduct, listProducts, updateProduct } from './service.ts';

const TAGS = ['Products'];

const price = z.strictObject({
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'A three-letter ISO 4217 code'),
  unitPrice: z.number().int().min(0).max(1e13).describe('Minor units (cents); per month for recurring products'),
});

const fields = {
  sku: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(300),
  description: z.string().max(5000).optional(),
  billing: z.enum(BILLINGS).describe('`recurring`: priced per month and sold for a term; `one_time`'),
  active: z.boolean().optional(),
  prices: z.array(price).max(50).optional(),
};

export const productSchema = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    billing: z.enum(BILLINGS),
    active: z.boolean(),
    prices: z.array(z.object({ currency: z.string(), unitPrice: z.number().int() })),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });

export function productRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/products', {
    config: { permission: 'products:manage' },
    schema: { tags: TAGS, summary: 'Add a product to the price book', body: z.strictObject(fields), response: { 201: productSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const product = await createProduct(db, actorOf(request), request.body);
      return reply.code(201).header('etag', etagFor(product.version)).header('location', `/api/v1/products/${product.id}`).send(product);
    },
  });

  r.get('/api/v1/products', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'The price book, by name',
      querystring: z.strictObject({ q: z.string().max(200).optional(), active: z.stringbool().optional(), cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(productSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listProducts(db, actorOf(request), request.query),
  });

  r.get('/api/v1/products/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a product', params: idParams, response: { 200: productSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const product = await getProduct(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(product.version)).send(product);
    },
  });

  r.patch('/api/v1/products/:id', {
    config: { permission: 'products:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change a product (prices replace the whole list; `active: false` stops selling it)',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({
        sku: fields.sku.optional(),
        name: fields.name.optional(),
        description: fields.description,
        billing: fields.billing.optional(),
        active: fields.active,
        prices: fields.prices,
        version: z.number().int().positive().optional(),
      }),
      response: { 200: productSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const product = await updateProduct(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(product.version)).send(product);
    },
  });
}
