import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, expectedVersion, idParams, isoDateTime, limitQuery, optionalText } from '../../http/schemas.ts';
import { isTimeZone } from '../routing/hours.model.ts';
import { customFiltersOf } from '../customfields/service.ts';
import { customValuesInput, customValuesOutput, withCustomFilters } from '../customfields/schemas.ts';
import { LEAD_SORTS, LEAD_STATUSES } from './model.ts';
import { bulkUpdateLeads, createLead, deleteLead, getLead, listLeads, restoreLead, updateLead } from './service.ts';

const status = z.enum(LEAD_STATUSES);

const leadFields = {
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  email: z.union([z.email({ error: 'Must be an email address' }).max(320), z.literal('')]).nullable().optional(),
  phone: z.string().max(50).regex(/^[0-9+()./\s-]*(?:(?:x|ext\.?)\s*\d+)?$/i, 'Must be a phone number').nullable().optional(),
  company: z.string().max(300).optional(),
  title: optionalText(200),
  website: optionalText(500),
  industry: optionalText(200),
  employeeCount: z.number().int().min(0).max(10_000_000).nullable().optional(),
  country: z.union([z.string().regex(/^[A-Za-z]{2}$/, 'Use a two-letter ISO country code'), z.literal('')]).nullable().optional(),
  region: optionalText(200),
  city: optionalText(200),
  postcode: optionalText(20),
  timeZone: z.union([z.string().max(64).refine(isTimeZone, 'Use an IANA time zone such as America/Chicago'), z.literal('')]).nullable().optional().describe('The lead\'s IANA time zone when country and region do not tell it (calling hours)'),
  doNotCall: z.boolean().optional().describe('Do not call: the call queue skips the lead and outbound calls to it are refused'),
  status: status.optional(),
  source: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'Letters, digits, - and _ only').optional(),
  ownerId: z.uuid().nullable().optional(),
  notes: z.string().max(20_000).optional(),
  disqualifiedReason: z.string().max(100).nullable().optional().describe('Required when the status becomes disqualified: one of the org settings\' disqualification reasons'),
  custom: customValuesInput,
};

export const leadSchema = z
  .object({
    id: z.uuid(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string(),
    title: z.string().nullable(),
    website: z.string().nullable(),
    industry: z.string().nullable(),
    employeeCount: z.number().int().nullable(),
    country: z.string().nullable(),
    region: z.string().nullable(),
    city: z.string().nullable(),
    postcode: z.string().nullable(),
    timeZone: z.string().nullable(),
    doNotCall: z.boolean(),
    status,
    source: z.string(),
    ownerId: z.uuid().nullable(),
    notes: z.string(),
    version: z.number().int(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
    score: z.number().int().describe('Fit plus engagement; GET /api/v1/leads/{id}/score explains it'),
    disqualifiedReason: z.string().nullable().describe('Why the lead was last disqualified (kept after it is recycled)'),
    disqualifiedAt: z.string().nullable(),
    qualifiedAt: z.string().nullable().describe('When the lead became qualified'),
    recycleAt: z.string().nullable().describe('When a disqualified lead returns to the pool as new, unassigned'),
    territoryId: z.uuid().nullable().describe('The territory the lead resolves to (GET /api/v1/territories)'),
    custom: customValuesOutput,
  })
  .meta({ id: 'Lead' });

const leadCreate = z.strictObject(leadFields).meta({ id: 'LeadCreate' });
const leadUpdate = z.strictObject({ ...leadFields, version: z.number().int().positive().optional() }).meta({ id: 'LeadUpdate' });

const listQuery = withCustomFilters({
  status: csv(status).optional().describe('One status or several, comma-separated'),
  ownerId: z.uuid().optional(),
  unassigned: z.stringbool().optional(),
  source: z.string().max(64).optional(),
  country: z.string().length(2).optional(),
  createdFrom: isoDateTime.optional(),
  createdTo: isoDateTime.optional(),
  q: z.string().max(200).optional().describe('Free text over name, email and company'),
  deleted: z.stringbool().optional().describe('true lists the trash (soft-deleted leads)'),
  sort: z.enum(LEAD_SORTS).default('-createdAt'),
  cursor: z.string().max(1000).optional(),
  limit: limitQuery,
});

const bulkBody = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(5000),
  action: z.enum(['assign', 'status', 'delete']),
  ownerId: z.uuid().optional(),
  status: status.optional(),
  disqualifiedReason: z.string().max(100).optional(),
  reason: z.string().max(500).optional(),
});

const TAGS = ['Leads'];

export function leadRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/leads', {
    config: { permission: 'records:write' },
    schema: { tags: TAGS, summary: 'Create a lead', body: leadCreate, response: { 201: leadSchema, ...errorResponses } },
    handler: async (request, reply) => {
      // Always an object, so a create through the API fills the required custom fields (customfields/service.ts).
      const lead = await createLead(db, actorOf(request), { ...request.body, custom: request.body.custom ?? {} });
      return reply.code(201).header('etag', etagFor(lead.version)).header('location', `/api/v1/leads/${lead.id}`).send(lead);
    },
  });

  r.get('/api/v1/leads', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'List leads',
      description: 'Filtered and sorted, 50 a page by default; pass `nextCursor` back as `cursor` for the next page.',
      querystring: listQuery,
      response: { 200: z.object({ data: z.array(leadSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listLeads(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) }),
  });

  r.get('/api/v1/leads/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a lead', params: idParams, response: { 200: leadSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const lead = await getLead(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(lead.version)).send(lead);
    },
  });

  r.patch('/api/v1/leads/:id', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Update a lead',
      description: 'Send `If-Match: "<version>"` (or `version` in the body) to refuse the write if someone else changed the lead first.',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: leadUpdate,
      response: { 200: leadSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const lead = await updateLead(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(lead.version)).send(lead);
    },
  });

  r.delete('/api/v1/leads/:id', {
    config: { permission: 'records:delete' },
    schema: { tags: TAGS, summary: 'Move a lead to the trash (restorable)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteLead(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/leads/:id/restore', {
    config: { permission: 'records:delete' },
    schema: { tags: TAGS, summary: 'Restore a lead from the trash', params: idParams, response: { 200: leadSchema, ...errorResponses } },
    handler: async (request) => restoreLead(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/leads/bulk', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Change many leads at once',
      description:
        '`assign` needs `ownerId` (managers and admins), `status` needs `status` (and `disqualifiedReason` to disqualify; one lead the lifecycle refuses stops the whole change), `delete` moves them to the trash.',
      body: bulkBody,
      response: { 200: z.object({ updated: z.number().int() }), ...errorResponses },
    },
    handler: async (request) => {
      const { ids, action, ownerId, status: newStatus, disqualifiedReason, reason } = request.body;
      const change =
        action === 'assign'
          ? { action, ownerId: required(ownerId, 'ownerId') }
          : action === 'status'
            ? { action, status: required(newStatus, 'status'), disqualifiedReason }
            : { action };
      return { updated: await bulkUpdateLeads(db, actorOf(request), ids, change, reason) };
    },
  });
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw validationFailed([{ field, message: 'Required for this action' }]);
  return value;
}
