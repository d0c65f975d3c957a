import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { MAX_MERGED, MERGE_TYPES } from './model.ts';
import { getMerge, listMerges, mergeRecords, previewMerge, undoMerge } from './service.ts';

const type = z.enum(MERGE_TYPES);
const snapshot = z.record(z.string(), z.unknown());

const mergeSchema = z
  .object({
    id: z.uuid(),
    type,
    survivorId: z.uuid(),
    mergedIds: z.array(z.uuid()),
    fieldChoices: z.record(z.string(), z.uuid()),
    survivorBefore: snapshot,
    mergedBefore: z.array(snapshot),
    moved: z.object({ activities: z.number().int(), contacts: z.number().int(), subsidiaries: z.number().int() }),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    undoneAt: z.string().nullable(),
    undoneBy: z.uuid().nullable(),
  })
  .meta({ id: 'Merge' });

const previewSchema = z
  .object({
    type,
    records: z.array(snapshot),
    fields: z.array(z.object({ field: z.string(), values: z.array(z.object({ recordId: z.uuid(), value: z.unknown() })), differs: z.boolean() })),
  })
  .meta({ id: 'MergePreview' });

const TAGS = ['Duplicates'];

export function mergeRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/merges/preview', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Compare records side by side before merging them',
      description: 'Each mergeable field with every record\'s value and whether they differ.',
      querystring: z.strictObject({ type, ids: csv(z.uuid()).pipe(z.array(z.uuid()).min(2).max(MAX_MERGED + 1)).describe('Comma-separated record ids') }),
      response: { 200: previewSchema, ...errorResponses },
    },
    handler: async (request) => previewMerge(db, actorOf(request), request.query.type, request.query.ids),
  });

  r.post('/api/v1/merges', {
    config: { permission: 'records:delete' },
    schema: {
      tags: TAGS,
      summary: 'Merge duplicates into one record',
      description:
        'The survivor keeps, for each field, the value of the record named in `fieldChoices` (field → record id); for ' +
        'fields not named, its own value, or where it has none the first merged record\'s. Notes are combined. The ' +
        'merged records go to the trash, and their timeline (and, for accounts, their contacts and subsidiaries) moves to ' +
        'the survivor. Undo with POST /api/v1/merges/{id}/undo while none of the records has changed since.',
      body: z.strictObject({
        type,
        survivorId: z.uuid(),
        mergedIds: z.array(z.uuid()).min(1).max(MAX_MERGED),
        fieldChoices: z.record(z.string(), z.uuid()).default({}),
      }),
      response: { 201: mergeSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { type: mergeType, ...merge } = request.body;
      return reply.code(201).send(await mergeRecords(db, actorOf(request), mergeType, merge));
    },
  });

  r.get('/api/v1/merges', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'List merges, newest first',
      querystring: z.strictObject({ type: type.optional(), survivorId: z.uuid().optional(), cursor: z.uuid().optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(mergeSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listMerges(db, actorOf(request), request.query),
  });

  r.get('/api/v1/merges/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a merge, with the records as they were before it', params: idParams, response: { 200: mergeSchema, ...errorResponses } },
    handler: async (request) => getMerge(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/merges/:id/undo', {
    config: { permission: 'records:delete' },
    schema: {
      tags: TAGS,
      summary: 'Undo a merge',
      description:
        'Restores the survivor and the merged records exactly as they were and moves their timeline entries, contacts and ' +
        'subsidiaries back. Refused with 409 `merge_undo_conflict` when any of those records was changed after the merge ' +
        '(undoing would silently discard that change), and with 409 `merge_already_undone` the second time.',
      params: idParams,
      response: { 200: mergeSchema, ...errorResponses },
    },
    handler: async (request) => undoMerge(db, actorOf(request), request.params.id),
  });
}
