import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { AppError, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Jobs } from '../../core/jobs.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, idParams, isoDateTime, limitQuery } from '../../http/schemas.ts';
import { LIFECYCLE_STAGES } from '../accounts/model.ts';
import { LEAD_SORTS, LEAD_STATUSES } from '../leads/model.ts';
import { customFiltersOf } from '../customfields/service.ts';
import { withCustomFilters } from '../customfields/schemas.ts';
import { accountsCsv, contactsCsv, leadsCsv } from './exports.ts';
import { DEDUPE_POLICIES, IMPORT_FIELD_NAMES, IMPORT_FIELDS, IMPORT_ROUTING, IMPORT_STATUSES } from './model.ts';
import { cancelImport, createImport, fileHead, getImport, HEAD_BYTES, listImports, previewImport, rejectionsCsv, uploadPath, type UploadFormat } from './service.ts';
import { isZip } from './xlsx.ts';
import { queueImport } from './workers.ts';

const field = z.union([z.enum(IMPORT_FIELD_NAMES), z.templateLiteral(['custom.', z.string()])]).describe('A lead field, or a lead custom field as custom.<key>');

const importSchema = z
  .object({
    id: z.uuid(),
    object: z.string(),
    fileName: z.string(),
    sizeBytes: z.number().int().describe('Bytes of the CSV read (for a workbook, of its first sheet as CSV)'),
    format: z.enum(['csv', 'xlsx']).describe('What was uploaded: a CSV file, or an XLSX workbook whose first sheet is imported'),
    status: z.enum(IMPORT_STATUSES),
    dedupePolicy: z.enum(DEDUPE_POLICIES),
    delimiter: z.string(),
    encoding: z.string(),
    columns: z.array(z.string()),
    mapping: z.record(z.string(), field.nullable()).describe('Column → the lead field it feeds (null: not imported)'),
    defaultOwnerId: z.uuid().nullable(),
    defaultSource: z.string(),
    routing: z.enum(IMPORT_ROUTING).describe('off: new leads without an owner cell get defaultOwnerId; rules: the active lead routing rule set picks their owners'),
    processed: z.number().int().describe('Rows read so far (blank lines are not rows)'),
    inserted: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int().describe('Duplicates left alone under the skip policy'),
    rejected: z.number().int().describe('Rows refused; GET …/rejections.csv lists each with its line and reason'),
    bytesRead: z.number().int(),
    percent: z.number().int().min(0).max(100),
    error: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Import' });

const previewSchema = z
  .object({
    delimiter: z.string(),
    encoding: z.string(),
    columns: z.array(z.string()),
    suggestedMapping: z.record(z.string(), field.nullable()),
    fields: z.array(z.object({ field, label: z.string() })).describe('Every lead field a column can feed'),
    rows: z.array(z.object({ line: z.number().int(), cells: z.array(z.string()), problem: z.string().nullable() })),
  })
  .meta({ id: 'ImportPreview' });

// Multipart fields arrive as text; the mapping is JSON.
const mappingField = z
  .string()
  .max(100_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Must be JSON: {"Column name": "leadField" or null}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.string().nullable()));

const importFields = z.strictObject({
  mapping: mappingField.optional(),
  dedupe: z.enum(DEDUPE_POLICIES).default('skip'),
  defaultOwnerId: z.union([z.uuid(), z.literal('')]).optional().describe('Owner of new leads; empty for the unassigned pool; the importer when absent'),
  defaultSource: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'Letters, digits, - and _ only').optional(),
  routing: z.enum(IMPORT_ROUTING).default('off'),
});

const leadExportQuery = withCustomFilters({
  status: csv(z.enum(LEAD_STATUSES)).optional(),
  ownerId: z.uuid().optional(),
  unassigned: z.stringbool().optional(),
  source: z.string().max(64).optional(),
  country: z.string().length(2).optional(),
  createdFrom: isoDateTime.optional(),
  createdTo: isoDateTime.optional(),
  q: z.string().max(200).optional(),
  deleted: z.stringbool().optional(),
  sort: z.enum(LEAD_SORTS).default('-createdAt'),
});
const listFilters = { q: z.string().max(200).optional(), ownerId: z.uuid().optional() };

const TAGS = ['Imports and exports'];
const UPLOAD_DESCRIPTION =
  'multipart/form-data with a `file` part (CSV, comma/semicolon/tab separated, UTF-8 or Windows-1252, a header row; or an XLSX workbook, whose first sheet is read, header in its first non-empty row) and text parts: ' +
  '`mapping` (JSON: {"Column": "leadField" | null}; the suggested mapping when absent), `dedupe` (skip | update | create: what a row whose ' +
  'email is already a live lead does; default skip), `defaultOwnerId` (empty: unassigned), `defaultSource` (default import), ' +
  '`routing` (off | rules: rules routes new leads without an owner cell by the active lead rule set, with no first-touch SLA clock; default off).';

export function importRoutes(app: FastifyInstance, db: Db, config: Config, jobs: Jobs | undefined): void {
  const maxMb = Math.round(config.importMaxBytes / (1024 * 1024));

  // Uploads are multipart, streamed to disk; only these routes parse multipart bodies.
  void app.register(async (uploads) => {
    await uploads.register(fastifyMultipart, { limits: { fileSize: config.importMaxBytes, files: 1, fields: 10, fieldSize: 100_000 } });
    const r = uploads.withTypeProvider<ZodTypeProvider>();

    r.post('/api/v1/imports/preview', {
      config: { permission: 'records:import' },
      schema: {
        tags: TAGS,
        summary: 'Preview a CSV or XLSX file before importing it',
        description:
          'Send the file (of a CSV file its first megabyte is enough: only that is read; a workbook whole) as the `file` part, and optionally a `mapping`. Answers the columns, the suggested mapping, ' +
          'the delimiter and encoding, and the first 20 rows, each with the reason it would be rejected. Creates nothing.',
        consumes: ['multipart/form-data'],
        response: { 200: previewSchema, ...errorResponses },
      },
      handler: async (request) => {
        const actor = actorOf(request);
        assertMultipart(request);
        let head: FileStart | null = null;
        const fields: Record<string, string> = {};
        for await (const part of request.parts()) {
          if (part.type === 'file') head = await readFileStart(part, maxMb, join(config.dataDir, 'uploads', actor.orgId, `preview-${newId()}.xlsx`));
          else fields[part.fieldname] = String(part.value);
        }
        if (!head) throw validationFailed([{ field: 'file', message: 'Attach the CSV or XLSX file as the `file` part' }]);
        const { mapping } = parseFields(z.strictObject({ mapping: mappingField.optional() }), fields);
        const preview = await previewImport(db, actor, head.bytes, head.complete, mapping, head.format);
        return { ...preview, fields: [...IMPORT_FIELD_NAMES.map((name) => ({ field: name, label: IMPORT_FIELDS[name] })), ...preview.customTargets] };
      },
    });

    r.post('/api/v1/imports', {
      config: { permission: 'records:import' },
      schema: {
        tags: TAGS,
        summary: 'Upload a CSV or XLSX file and import it as leads',
        description: `${UPLOAD_DESCRIPTION} Files up to ${maxMb} MB. Answers 202 at once; the import runs in the background: poll GET /api/v1/imports/{id}.`,
        consumes: ['multipart/form-data'],
        response: { 202: importSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const actor = actorOf(request);
        if (!jobs) throw new AppError(503, 'jobs_unavailable', 'Background jobs are not running on this server');
        assertMultipart(request);
        const id = newId();
        const storedPath = uploadPath(actor.orgId, id);
        const absolute = join(config.dataDir, storedPath);
        try {
          const upload = await receiveUpload(request, absolute, maxMb);
          const input = parseFields(importFields, upload.fields);
          const view = await createImport(db, actor, config.dataDir, {
            id,
            fileName: upload.fileName,
            storedPath,
            mapping: input.mapping,
            dedupePolicy: input.dedupe,
            defaultOwnerId: input.defaultOwnerId === undefined ? undefined : input.defaultOwnerId || null,
            defaultSource: input.defaultSource,
            routing: input.routing,
          });
          await queueImport(jobs, { orgId: actor.orgId, importId: id });
          return reply.code(202).header('location', `/api/v1/imports/${id}`).send(view);
        } catch (error) {
          await rm(absolute, { force: true });
          throw error;
        }
      },
    });
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/imports', {
    config: { permission: 'records:import' },
    schema: {
      tags: TAGS,
      summary: "List the organisation's imports, newest first",
      querystring: z.strictObject({ cursor: z.uuid().optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(importSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listImports(db, actorOf(request), request.query),
  });

  r.get('/api/v1/imports/:id', {
    config: { permission: 'records:import' },
    schema: { tags: TAGS, summary: 'An import and its progress', params: idParams, response: { 200: importSchema, ...errorResponses } },
    handler: async (request) => getImport(db, actorOf(request), request.params.id),
  });

  r.get('/api/v1/imports/:id/rejections.csv', {
    config: { permission: 'records:import' },
    schema: {
      tags: TAGS,
      summary: 'The rejected rows as CSV: Line, Reason, then the columns as the file had them',
      params: idParams,
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const view = await getImport(db, actor, request.params.id);
      return sendCsv(reply, `${view.fileName.replace(/\.csv$/i, '')}-rejected.csv`, rejectionsCsv(db, actor, view.id));
    },
  });

  r.post('/api/v1/imports/:id/cancel', {
    config: { permission: 'records:import' },
    schema: {
      tags: TAGS,
      summary: 'Stop an import',
      description: 'Rows already imported stay (each batch commits with its checkpoint); the batch in flight is rolled back. 409 when it has finished.',
      params: idParams,
      response: { 200: importSchema, ...errorResponses },
    },
    handler: async (request) => cancelImport(db, actorOf(request), config.dataDir, request.params.id),
  });

  r.get('/api/v1/leads/export.csv', {
    config: { permission: 'records:export' },
    schema: {
      tags: TAGS,
      summary: 'Export leads as CSV',
      description: 'The same filters and sort as GET /api/v1/leads, all matching leads, streamed. Cells a spreadsheet would run as a formula are prefixed with \'.',
      querystring: leadExportQuery,
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (request, reply) => sendCsv(reply, dated('leads'), leadsCsv(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) })),
  });

  r.get('/api/v1/accounts/export.csv', {
    config: { permission: 'records:export' },
    schema: {
      tags: TAGS,
      summary: 'Export accounts as CSV',
      description: 'The same filters as GET /api/v1/accounts, streamed.',
      querystring: withCustomFilters({ ...listFilters, lifecycleStage: z.enum(LIFECYCLE_STAGES).optional() }),
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (request, reply) => sendCsv(reply, dated('accounts'), accountsCsv(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) })),
  });

  r.get('/api/v1/contacts/export.csv', {
    config: { permission: 'records:export' },
    schema: {
      tags: TAGS,
      summary: 'Export contacts as CSV',
      description: 'The same filters as GET /api/v1/contacts, streamed.',
      querystring: withCustomFilters({ ...listFilters, accountId: z.uuid().optional() }),
      produces: ['text/csv'],
      response: errorResponses,
    },
    handler: async (request, reply) => sendCsv(reply, dated('contacts'), contactsCsv(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) })),
  });
}

const dated = (what: string) => `${what}-${new Date().toISOString().slice(0, 10)}.csv`;

/**
 * Streams CSV text. The first chunk is produced before the headers go out, so a refusal (a
 * missing permission, an unknown import) is still a problem+json answer.
 */
export async function sendCsv(reply: FastifyReply, fileName: string, chunks: AsyncGenerator<string>): Promise<FastifyReply> {
  const first = await chunks.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* chunks;
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName.replace(/[^\w.@-]/g, '_')}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(all()));
}

function parseFields<T extends z.ZodType>(schema: T, fields: Record<string, string>): z.output<T> {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) {
    throw validationFailed(parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || String((issue as { keys?: string[] }).keys?.[0] ?? 'body'), message: issue.message })));
  }
  return parsed.data;
}

function assertMultipart(request: FastifyRequest): void {
  if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'Send the file as multipart/form-data, in a part named file');
}

const tooLarge = (maxMb: number) => new AppError(413, 'file_too_large', `The file is larger than ${maxMb} MB`);

function isSizeLimit(error: unknown): boolean {
  return (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
}

/** The file part to disk and the text parts in memory; the file must be the `file` part. */
async function receiveUpload(request: FastifyRequest, path: string, maxMb: number): Promise<{ fileName: string; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  let file: { fileName: string } | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || file) {
        part.file.resume();
        throw validationFailed([{ field: part.fieldname, message: 'Send one file, as the `file` part' }]);
      }
      await mkdir(dirname(path), { recursive: true });
      await pipeline(part.file, createWriteStream(path));
      file = { fileName: part.filename || 'upload.csv' };
    }
  } catch (error) {
    if (isSizeLimit(error)) throw tooLarge(maxMb);
    throw error;
  }
  if (!file) throw validationFailed([{ field: 'file', message: 'Attach the CSV file as the `file` part' }]);
  return { ...file, fields };
}

type FileStart = { bytes: Buffer; complete: boolean; format: UploadFormat };

/**
 * What a preview reads of the file part: the first megabyte of a CSV file (the rest is drained
 * unread), or a workbook's first rows, which needs the whole file (a ZIP's directory is at its
 * end): it goes to `workbookPath` for the reading and is removed again.
 */
async function readFileStart(part: MultipartFile, maxMb: number, workbookPath: string): Promise<FileStart> {
  const chunks: Buffer[] = [];
  let length = 0;
  let complete = true;
  const iterator = part.file[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    if (!first.done && isZip(first.value as Buffer)) {
      await mkdir(dirname(workbookPath), { recursive: true });
      try {
        await pipeline(Readable.from((async function* () {
          yield first.value as Buffer;
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
        })()), createWriteStream(workbookPath));
        const { head, complete: whole, format } = await fileHead(workbookPath);
        return { bytes: head, complete: whole, format };
      } finally {
        await rm(workbookPath, { force: true });
      }
    }
    for (let next = first; !next.done; next = await iterator.next()) {
      const chunk = next.value as Buffer;
      if (length < HEAD_BYTES) {
        chunks.push(chunk);
        length += chunk.length;
      } else {
        complete = false;
      }
    }
  } catch (error) {
    if (isSizeLimit(error)) throw tooLarge(maxMb);
    throw error;
  }
  const bytes = Buffer.concat(chunks);
  return { bytes: bytes.subarray(0, HEAD_BYTES), complete: complete && bytes.length <= HEAD_BYTES, format: 'csv' };
}
