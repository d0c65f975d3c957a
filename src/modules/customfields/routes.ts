import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { CUSTOM_OBJECTS, FIELD_TYPES, keyFromLabel } from './model.ts';
import { createField, customSchemas, deleteField, fieldBreakdown, getField, listFields, setArchived, updateField } from './service.ts';

const TAGS = ['Custom fields'];

const fieldSchema = z
  .object({
    id: z.uuid(),
    object: z.enum(CUSTOM_OBJECTS),
    key: z.string().describe('The name in the API (`custom.<key>`), list filters, CSV mappings and rules'),
    label: z.string(),
    type: z.enum(FIELD_TYPES),
    options: z.array(z.string()).describe('Picklist choices'),
    lookupObject: z.enum(CUSTOM_OBJECTS).nullable().describe('What a lookup field points at'),
    required: z.boolean(),
    unique: z.boolean(),
    helpText: z.string(),
    position: z.number().int(),
    archivedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CustomField' });

const definition = {
  label: z.string().trim().min(1).max(100),
  type: z.enum(FIELD_TYPES),
  options: z.array(z.string().max(200)).max(500).optional(),
  lookupObject: z.enum(CUSTOM_OBJECTS).nullable().optional(),
  required: z.boolean().optional(),
  unique: z.boolean().optional(),
  helpText: z.string().max(500).optional(),
};

export function customFieldRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/custom-fields', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'The org’s custom fields',
      querystring: z.strictObject({
        object: z.enum(CUSTOM_OBJECTS).optional(),
        archived: z.stringbool().optional().describe('true: only archived fields; false: only active ones; leave out for both'),
      }),
      response: { 200: z.object({ data: z.array(fieldSchema) }), ...errorResponses },
    },
    handler: async (request) => ({ data: await listFields(db, actorOf(request), request.query) }),
  });

  r.get('/api/v1/custom-fields/schema.json', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'JSON Schema of this org’s `custom` object, per record type',
      description: 'The `custom` property of leads, contacts, accounts and opportunities is described here for the caller’s org, since it differs between orgs (the shared OpenAPI document at /api/docs shows it as a free-form object).',
      response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
    },
    handler: async (request) => customSchemas(db, actorOf(request)),
  });

  r.post('/api/v1/custom-fields', {
    config: { permission: 'customfields:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a custom field (admins)',
      body: z.strictObject({
        object: z.enum(CUSTOM_OBJECTS),
        key: z.string().max(63).optional().describe('Defaults to the label in snake_case; never changes afterwards'),
        ...definition,
      }),
      response: { 201: fieldSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { key, ...rest } = request.body;
      const field = await createField(db, actorOf(request), { ...rest, key: key?.trim() || keyFromLabel(rest.label) });
      return reply.code(201).header('etag', etagFor(field.version)).header('location', `/api/v1/custom-fields/${field.id}`).send(field);
    },
  });

  r.get('/api/v1/custom-fields/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'One custom field', params: idParams, response: { 200: fieldSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const field = await getField(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(field.version)).send(field);
    },
  });

  r.get('/api/v1/custom-fields/:id/breakdown', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Records by the value of a picklist, multi-picklist, checkbox or user field',
      description: 'Live records the caller may see, counted per value (null: no value), with the open pipeline per currency for opportunity fields.',
      params: idParams,
      response: {
        200: z.object({
          field: fieldSchema,
          data: z.array(z.object({ value: z.string().nullable(), records: z.number().int(), openAmounts: z.array(z.object({ currency: z.string(), amount: z.number().int() })) })),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => fieldBreakdown(db, actorOf(request), request.params.id),
  });

  r.patch('/api/v1/custom-fields/:id', {
    config: { permission: 'customfields:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change a custom field (admins)',
      description:
        'The key stays. A new type, options or lookup target is refused (409 `values_do_not_fit`) while records hold values it would not take; `unique` is refused (409 `values_not_unique`) while live records share a value.',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({
        label: definition.label.optional(),
        type: definition.type.optional(),
        options: definition.options,
        lookupObject: definition.lookupObject,
        required: definition.required,
        unique: definition.unique,
        helpText: definition.helpText,
        position: z.number().int().min(0).max(10_000).optional(),
        version: z.number().int().positive().optional(),
      }),
      response: { 200: fieldSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const field = await updateField(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(field.version)).send(field);
    },
  });

  const archived = fieldSchema.extend({ records: z.number().int().describe('Records whose values moved') });

  r.post('/api/v1/custom-fields/:id/archive', {
    config: { permission: 'customfields:manage' },
    schema: {
      tags: TAGS,
      summary: 'Archive a field: hidden everywhere, its values kept aside on each record (admins)',
      params: idParams,
      response: { 200: archived, ...errorResponses },
    },
    handler: async (request) => setArchived(db, actorOf(request), request.params.id, true),
  });

  r.post('/api/v1/custom-fields/:id/restore', {
    config: { permission: 'customfields:manage' },
    schema: { tags: TAGS, summary: 'Restore an archived field with its values (admins)', params: idParams, response: { 200: archived, ...errorResponses } },
    handler: async (request) => setArchived(db, actorOf(request), request.params.id, false),
  });

  r.delete('/api/v1/custom-fields/:id', {
    config: { permission: 'customfields:manage' },
    schema: {
      tags: TAGS,
      summary: 'Remove a field that no record holds a value of (admins)',
      description: 'While any record (live, in the trash, or archived values) holds a value, this answers 409 `field_has_values`: archive the field instead.',
      params: idParams,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteField(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
}
