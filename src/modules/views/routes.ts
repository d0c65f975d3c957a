import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { badRequest, validationFailed } from '../../core/errors.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, limitQuery } from '../../http/schemas.ts';
import { csvOf } from '../imports/exports.ts';
import { sendCsv } from '../imports/routes.ts';
import { LEAD_STATUSES } from '../leads/model.ts';
import { bulkUpdateLeads } from '../leads/service.ts';
import { enroll } from '../sequences/service.ts';
import { CUSTOM_PREFIX, filtersSchema, sortSchema, VIEW_FIELDS, VIEW_OBJECTS } from './model.ts';
import {
  COUNT_CAP,
  countRecords,
  createView,
  deleteView,
  getView,
  hasCustomFields,
  listViews,
  queryRecords,
  updateView,
  viewCounts,
  viewRecordIds,
  viewRecords,
  type ViewRecord,
} from './service.ts';

const TAGS = ['Saved views'];
const object = z.enum(VIEW_OBJECTS);

const viewSchema = z
  .object({
    id: z.uuid(),
    object,
    name: z.string(),
    ownerId: z.uuid(),
    shared: z.boolean(),
    filters: filtersSchema,
    sort: sortSchema,
    columns: z.array(z.string()),
    position: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedView' });

const viewBody = {
  name: z.string().trim().min(1).max(120),
  shared: z.boolean().optional().describe('Shared with everyone in the org (managers and admins); personal otherwise'),
  filters: filtersSchema.describe('`match` all or any of `conditions`: `{ field, op, value }` or `{ activity, has, range }`'),
  sort: sortSchema.optional().describe('A sortable field and direction; newest first by default'),
  columns: z.array(z.string().max(80)).max(40).optional().describe('Fields shown, in order (custom fields as custom.<key>)'),
  position: z.number().int().min(0).max(1000).optional(),
};

const recordsPage = z.object({ data: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() });
const countSchema = z.object({ count: z.number().int(), capped: z.boolean().describe(`More than ${COUNT_CAP.toLocaleString('en-US')} match; count shows the cap`) });

// Bulk changes and enrollments act on at most this many of a view's records, in its order.
const MAX_ACTED_ON = 5000;
const EXPORT_PAGE = 1000;

export function viewRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/views/fields', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'The fields a view of each object may filter, sort and show',
      response: {
        200: z.record(z.string(), z.object({ customFields: z.boolean(), fields: z.array(z.object({ name: z.string(), label: z.string(), type: z.string(), sortable: z.boolean(), values: z.array(z.string()).optional() })) })),
      },
    },
    handler: async () =>
      Object.fromEntries(
        VIEW_OBJECTS.map((o) => [
          o,
          {
            customFields: hasCustomFields(o),
            fields: Object.entries(VIEW_FIELDS[o]).map(([name, spec]) => ({ name, label: spec.label, type: spec.type, sortable: Boolean(spec.sortable), ...(spec.values ? { values: [...spec.values] } : {}) })),
          },
        ]),
      ),
  });

  r.get('/api/v1/views', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Your views and the org\'s shared ones',
      querystring: z.strictObject({ object: object.optional() }),
      response: { 200: z.object({ data: z.array(viewSchema) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await listViews(db, actorOf(request), request.query.object) }),
  });

  r.post('/api/v1/views', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Save a view',
      description:
        'Example: leads not called in 14 days, created this month, `{ "object": "lead", "name": "Gone quiet", "filters": { "match": "all", "conditions": [' +
        '{ "field": "status", "op": "in", "value": ["new", "working"] }, { "activity": "call", "has": false, "range": { "kind": "last_n_days", "n": 14 } }, ' +
        '{ "field": "createdAt", "op": "within", "value": { "kind": "this_month" } }] } }`. Relative dates are resolved when the view runs, in your time zone.',
      body: z.strictObject({ object, ...viewBody }),
      response: { 201: viewSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const view = await createView(db, actorOf(request), request.body);
      return reply.code(201).header('etag', etagFor(view.version)).header('location', `/api/v1/views/${view.id}`).send(view);
    },
  });

  r.post('/api/v1/views/preview', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Run an unsaved filter: a page of records and the count',
      body: z.strictObject({ object, filters: filtersSchema, sort: sortSchema.optional(), cursor: z.string().max(1000).optional(), limit: z.number().int().min(1).max(500).default(50) }),
      response: { 200: recordsPage.extend(countSchema.shape), ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { cursor, limit, ...query } = request.body;
      const page = await queryRecords(db, actor, query, { cursor, limit });
      const count = await countRecords(db, actor, query);
      return { ...page, count: Math.min(count, COUNT_CAP), capped: count > COUNT_CAP };
    },
  });

  r.get('/api/v1/views/counts', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'How many records each of your views holds',
      description: `Counts stop at ${COUNT_CAP.toLocaleString('en-US')} (\`capped\`), so a tab strip of large views stays fast.`,
      querystring: z.strictObject({ object: object.optional() }),
      response: { 200: z.object({ data: z.array(countSchema.extend({ viewId: z.uuid() })) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await viewCounts(db, actorOf(request), request.query.object) }),
  });

  r.get('/api/v1/views/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a view', params: idParams, response: { 200: viewSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const view = await getView(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(view.version)).send(view);
    },
  });

  r.patch('/api/v1/views/:id', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Change a view (its owner; a shared one also managers and admins)',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({ ...viewBody, name: viewBody.name.optional(), filters: filtersSchema.optional(), version: z.number().int().positive().optional() }),
      response: { 200: viewSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const view = await updateView(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(view.version)).send(view);
    },
  });

  r.delete('/api/v1/views/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Delete a view', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteView(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/views/:id/records', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'A page of the view\'s records, in its order',
      description: 'Pass `nextCursor` back as `cursor` for the next page. Each record has every field; the view\'s `columns` say which to show.',
      params: idParams,
      querystring: z.strictObject({ cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: recordsPage.extend({ view: viewSchema }), ...errorResponses },
    },
    handler: async (request) => viewRecords(db, actorOf(request), request.params.id, request.query),
  });

  r.get('/api/v1/views/:id/export.csv', {
    config: { permission: 'records:export' },
    schema: {
      tags: TAGS,
      summary: 'Export a view as CSV: its records, its columns, its order',
      params: idParams,
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const view = await getView(db, actor, request.params.id);
      const columns = ['id', ...view.columns.filter((c) => c !== 'id').map((c) => (c === 'ownerId' ? 'ownerEmail' : c))];
      const project = (row: ViewRecord) => {
        const out: Record<string, unknown> = { id: row.id, ownerId: row.ownerId ?? null };
        for (const c of view.columns) out[c] = c.startsWith(CUSTOM_PREFIX) ? ((row.custom as Record<string, unknown> | undefined)?.[c.slice(CUSTOM_PREFIX.length)] ?? null) : row[c];
        return out as { ownerId?: string | null };
      };
      const rows = csvOf(db, actor, columns, async (cursor) => {
        const page = await viewRecords(db, actor, view.id, { cursor, limit: EXPORT_PAGE });
        return { data: page.data.map(project), nextCursor: page.nextCursor };
      });
      const name = view.name.replace(/[^\w-]+/g, '-').toLowerCase() || 'view';
      return sendCsv(reply, `${name}-${new Date().toISOString().slice(0, 10)}.csv`, rows);
    },
  });

  r.post('/api/v1/views/:id/bulk', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Change every lead of a lead view at once (up to 5,000, in the view\'s order)',
      description: 'The same actions as POST /api/v1/leads/bulk: `assign` (managers and admins), `status`, `delete`.',
      params: idParams,
      body: z.strictObject({
        action: z.enum(['assign', 'status', 'delete']),
        ownerId: z.uuid().optional(),
        status: z.enum(LEAD_STATUSES).optional(),
        disqualifiedReason: z.string().max(100).optional(),
        reason: z.string().max(500).optional(),
      }),
      response: { 200: z.object({ updated: z.number().int(), selected: z.number().int() }), ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { action, ownerId, status, disqualifiedReason, reason } = request.body;
      if (action === 'assign' && !ownerId) throw validationFailed([{ field: 'ownerId', message: 'Required for this action' }]);
      if (action === 'status' && !status) throw validationFailed([{ field: 'status', message: 'Required for this action' }]);
      const { object: kind, ids } = await viewRecordIds(db, actor, request.params.id, MAX_ACTED_ON);
      if (kind !== 'lead') throw badRequest('Bulk changes from a view work on lead views', [{ field: 'id', message: `This is a view of ${kind}s` }]);
      if (ids.length === 0) return { updated: 0, selected: 0 };
      const change = action === 'assign' ? { action, ownerId: ownerId! } : action === 'status' ? { action, status: status!, disqualifiedReason } : { action };
      return { updated: await bulkUpdateLeads(db, actor, ids, change, reason ?? 'bulk change from a saved view'), selected: ids.length };
    },
  });

  r.post('/api/v1/views/:id/enroll', {
    config: { permission: 'sequences:enroll' },
    schema: {
      tags: TAGS,
      summary: 'Enroll a view\'s leads or contacts in a sequence (up to 5,000)',
      params: idParams,
      body: z.strictObject({ sequenceId: z.uuid(), senderId: z.uuid().optional() }),
      response: {
        201: z.object({ enrolled: z.number().int(), skipped: z.array(z.object({ subjectType: z.string(), subjectId: z.string(), reason: z.string() })) }),
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { object: kind, ids } = await viewRecordIds(db, actor, request.params.id, MAX_ACTED_ON);
      if (kind !== 'lead' && kind !== 'contact') throw badRequest('Sequences enroll leads and contacts', [{ field: 'id', message: `This is a view of ${kind}s` }]);
      const result = await enroll(db, actor, request.body.sequenceId, ids.map((id) => ({ subjectType: kind, subjectId: id })), { senderId: request.body.senderId });
      return reply.code(201).send({ enrolled: result.enrolled.length, skipped: result.skipped });
    },
  });
}
