import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import type { Mailer } from '../../core/mailer.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, expectedVersion, idParams, limitQuery } from '../../http/schemas.ts';
import { BUYING_ROLES } from '../accounts/relationships.model.ts';
import type { Delivery } from '../notifications/service.ts';
import { customFiltersOf } from '../customfields/service.ts';
import { customValuesInput, withCustomFilters } from '../customfields/schemas.ts';
import { removeDealContact, setDealContact } from './deal-contacts.service.ts';
import { dealHistory } from './history.service.ts';
import { addLineItem, removeLineItem, updateLineItem } from './line-items.service.ts';
import { OPPORTUNITY_SORTS, OPPORTUNITY_SOURCES, OPPORTUNITY_STATUSES, PARTNER_ROLES } from './model.ts';
import { createOpportunity, deleteOpportunity, getOpportunity, listOpportunities, moveOpportunity, updateOpportunity } from './opportunities.service.ts';
import { FORECAST_CATEGORIES } from './pipelines.model.ts';
import { quotePdf, sendQuote } from './quotes.service.ts';
import {
  currency,
  dealContactSchema,
  gateResponses,
  historySchema,
  isoDate,
  lineItemSchema,
  money,
  opportunityDetailSchema,
  opportunitySchema,
} from './schemas.ts';

const TAGS = ['Opportunities'];
const ifMatch = z.object({ 'if-match': z.string().optional() });
const version = z.number().int().positive().optional();
const text = (max: number) => z.string().max(max).nullable().optional();

const fields = {
  name: z.string().trim().min(1).max(300),
  accountId: z.uuid().nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
  amount: money.optional().describe('Minor units; only while the deal has no line items (then it is their sum)'),
  currency: currency.optional(),
  closeDate: isoDate.optional(),
  probability: z.number().int().min(0).max(100).optional(),
  forecastCategory: z.enum(FORECAST_CATEGORIES).optional(),
  nextStep: text(500),
  competitors: z.array(z.string().max(200)).max(20).optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
  description: z.string().max(20_000).optional(),
  sourcedBy: z.uuid().nullable().optional().describe('Who qualified the lead (SDR credit)'),
  partnerId: z.uuid().nullable().optional().describe('The channel partner credited with the deal'),
  partnerRole: z.enum(PARTNER_ROLES).nullable().optional().describe('sourced (the partner brought it) or influenced; sourced if left out with a partner'),
  custom: customValuesInput,
};

const lineParams = z.strictObject({ id: z.uuid(), lineId: z.uuid() });
const contactParams = z.strictObject({ id: z.uuid(), contactId: z.uuid() });
const lineFields = {
  quantity: z.number().int().min(1).max(1_000_000),
  discountPercent: z.number().min(0).max(100).multipleOf(0.01).optional(),
  termMonths: z.number().int().min(1).max(120).nullable().optional().describe('Recurring products only; 12 if left out'),
  startDate: isoDate.nullable().optional().describe('When the term starts, if agreed; otherwise the day the deal is won'),
};

export function opportunityRecordRoutes(app: FastifyInstance, db: Db, delivery: Delivery, mailer: Mailer): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const withEtag = <T extends { version: number }>(reply: { header: (k: string, v: string) => unknown }, body: T) => {
    reply.header('etag', etagFor(body.version));
    return body;
  };

  r.post('/api/v1/opportunities', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Create a deal',
      description: 'Without `pipelineId` the deal goes to the pipeline its `source` implies, first open stage. Creating in a later stage must pass that stage\'s gates (422 lists what is missing).',
      body: z.strictObject({
        ...fields,
        pipelineId: z.uuid().optional(),
        stageId: z.uuid().optional(),
        source: z.enum(OPPORTUNITY_SOURCES).optional(),
        sourceLeadId: z.uuid().nullable().optional(),
      }),
      response: { 201: opportunitySchema, ...errorResponses, ...gateResponses },
    },
    handler: async (request, reply) => {
      const deal = await createOpportunity(db, actorOf(request), { ...request.body, custom: request.body.custom ?? {} }, delivery);
      return reply.code(201).header('etag', etagFor(deal.version)).header('location', `/api/v1/opportunities/${deal.id}`).send(deal);
    },
  });

  r.get('/api/v1/opportunities', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'List deals (the table view)',
      querystring: withCustomFilters({
        pipelineId: z.uuid().optional(),
        stageId: z.uuid().optional(),
        status: csv(z.enum(OPPORTUNITY_STATUSES)).optional(),
        ownerId: z.uuid().optional(),
        accountId: z.uuid().optional(),
        partnerId: z.uuid().optional(),
        q: z.string().max(200).optional(),
        closeFrom: isoDate.optional(),
        closeTo: isoDate.optional(),
        sort: z.enum(OPPORTUNITY_SORTS).default('closeDate'),
        cursor: z.string().max(1000).optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(opportunitySchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listOpportunities(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) }),
  });

  r.get('/api/v1/opportunities/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a deal with its stage, line items, contacts and approvals', params: idParams, response: { 200: opportunityDetailSchema, ...errorResponses } },
    handler: async (request, reply) => withEtag(reply, await getOpportunity(db, actorOf(request), request.params.id)),
  });

  r.patch('/api/v1/opportunities/:id', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Update a deal (stages change through /move)',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ ...fields, name: fields.name.optional(), lossReason: text(500), winReason: text(500), version }),
      response: { 200: opportunitySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version: bodyVersion, ...changes } = request.body;
      return withEtag(reply, await updateOpportunity(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], bodyVersion), delivery));
    },
  });

  r.delete('/api/v1/opportunities/:id', {
    config: { permission: 'records:delete' },
    schema: { tags: TAGS, summary: 'Delete a deal (soft)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteOpportunity(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/opportunities/:id/move', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Move a deal to another stage (drag on the board)',
      description:
        'One round trip: answers the updated card, 409/412 when someone changed the deal since `version`, or 422 with one entry per missing gate requirement. ' +
        'Moving to the lost stage needs `lossReason`.',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ stageId: z.uuid(), version, lossReason: z.string().max(500).optional(), winReason: z.string().max(500).optional() }),
      response: { 200: opportunitySchema, ...errorResponses, ...gateResponses },
    },
    handler: async (request, reply) => {
      const { version: bodyVersion, ...move } = request.body;
      return withEtag(reply, await moveOpportunity(db, actorOf(request), request.params.id, move, expectedVersion(request.headers['if-match'], bodyVersion), delivery));
    },
  });

  r.get('/api/v1/opportunities/:id/history', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Stage history, time in stage, pushed close dates and amount changes', params: idParams, response: { 200: historySchema, ...errorResponses } },
    handler: async (request) => dealHistory(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/opportunities/:id/line-items', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Add a product to the deal at its list price in the deal currency',
      description: 'The deal amount becomes the sum of its line items. Send the deal\'s version (If-Match or `version`) to refuse stale edits.',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ productId: z.uuid(), ...lineFields, version }),
      response: { 201: lineItemSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version: bodyVersion, ...line } = request.body;
      return reply.code(201).send(await addLineItem(db, actorOf(request), request.params.id, line, expectedVersion(request.headers['if-match'], bodyVersion)));
    },
  });

  r.patch('/api/v1/opportunities/:id/line-items/:lineId', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Change a line item\'s quantity, discount or term',
      params: lineParams,
      headers: ifMatch,
      body: z.strictObject({ quantity: lineFields.quantity.optional(), discountPercent: lineFields.discountPercent, termMonths: lineFields.termMonths, startDate: lineFields.startDate, version }),
      response: { 200: lineItemSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { version: bodyVersion, ...changes } = request.body;
      return updateLineItem(db, actorOf(request), request.params.id, request.params.lineId, changes, expectedVersion(request.headers['if-match'], bodyVersion));
    },
  });

  r.delete('/api/v1/opportunities/:id/line-items/:lineId', {
    config: { permission: 'records:write' },
    schema: { tags: TAGS, summary: 'Remove a line item', params: lineParams, headers: ifMatch, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await removeLineItem(db, actorOf(request), request.params.id, request.params.lineId, expectedVersion(request.headers['if-match'], undefined));
      return reply.code(204).send(null);
    },
  });

  r.put('/api/v1/opportunities/:id/contacts/:contactId', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Put a contact on the deal with their roles (decision maker, economic buyer, champion…)',
      params: contactParams,
      body: z.strictObject({ roles: z.array(z.enum(BUYING_ROLES)).max(6), isPrimary: z.boolean().optional() }),
      response: { 200: z.object({ data: z.array(dealContactSchema) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await setDealContact(db, actorOf(request), request.params.id, request.params.contactId, request.body) }),
  });

  r.delete('/api/v1/opportunities/:id/contacts/:contactId', {
    config: { permission: 'records:write' },
    schema: { tags: TAGS, summary: 'Take a contact off the deal', params: contactParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await removeDealContact(db, actorOf(request), request.params.id, request.params.contactId);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/opportunities/:id/quote.pdf', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'The quote as a PDF, from the deal\'s line items',
      description: 'A deal whose terms still wait for approval gets a quote marked DRAFT.',
      params: idParams,
      response: { 200: z.any().describe('application/pdf'), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { pdf, fileName } = await quotePdf(db, actorOf(request), request.params.id);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).send(pdf);
    },
  });

  r.post('/api/v1/opportunities/:id/quote/send', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Email the quote PDF to the prospect',
      description: 'Refused (422) while the terms wait for approval. The send is logged on the deal\'s timeline.',
      params: idParams,
      body: z.strictObject({ to: z.email().max(320), message: z.string().max(5000).optional() }),
      response: { 200: z.object({ quoteNumber: z.string(), sentTo: z.string() }), ...errorResponses, ...gateResponses },
    },
    handler: async (request) => sendQuote(db, actorOf(request), request.params.id, request.body, mailer),
  });
}
