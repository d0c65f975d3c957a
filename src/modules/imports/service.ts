import { randomUUID } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, notFound, validationFailed } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { assertActiveUser, listUsers } from '../users/service.ts';
import { fieldDefinitions } from '../customfields/service.ts';
import { CsvReader, sniffCsv, type CsvEncoding, type CsvItem } from './csv.ts';
import {
  columnNames,
  csvLine,
  isBlankRow,
  leadFromRow,
  percentRead,
  resolveMapping,
  suggestMapping,
  type DedupePolicy,
  importableCustomFields,
  type ImportRouting,
  type MappingTarget,
  type ImportStatus,
} from './model.ts';
import { importRejections, imports } from './schema.ts';
import { isZip, notAWorkbook, sheetToCsv } from './xlsx.ts';

export type ImportRow = typeof imports.$inferSelect;

export type ImportView = {
  id: string;
  object: string;
  fileName: string;
  sizeBytes: number;
  format: UploadFormat;
  status: ImportStatus;
  dedupePolicy: DedupePolicy;
  delimiter: string;
  encoding: string;
  columns: string[];
  /** Column name → the lead field (or `custom.<key>`) it feeds (null: not imported). */
  mapping: Record<string, MappingTarget | null>;
  defaultOwnerId: string | null;
  defaultSource: string;
  routing: ImportRouting;
  processed: number;
  inserted: number;
  updated: number;
  skipped: number;
  rejected: number;
  bytesRead: number;
  percent: number;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const FINISHED: readonly string[] = ['completed', 'failed', 'cancelled'];

export function toImportView(row: ImportRow): ImportView {
  const names = columnNames(row.columns);
  const bytesRead = row.resumeOffset;
  return {
    id: row.id,
    object: row.object,
    fileName: row.fileName,
    sizeBytes: row.sizeBytes,
    format: row.format as UploadFormat,
    status: row.status as ImportStatus,
    dedupePolicy: row.dedupePolicy as DedupePolicy,
    delimiter: row.delimiter,
    encoding: row.encoding,
    columns: names,
    mapping: Object.fromEntries(names.map((name, i) => [name, (row.mapping[i] ?? null) as MappingTarget | null])),
    defaultOwnerId: row.defaultOwnerId,
    defaultSource: row.defaultSource,
    routing: row.routing as ImportRouting,
    processed: row.processed,
    inserted: row.inserted,
    updated: row.updated,
    skipped: row.skipped,
    rejected: row.rejected,
    bytesRead,
    // Nothing read yet counts as nothing, though the checkpoint already sits past the header.
    percent: row.processed === 0 && row.status !== 'completed' ? 0 : percentRead(bytesRead, row.sizeBytes, row.status === 'completed'),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading a file's head: delimiter, encoding, header and a few rows.

/** How much of a file the header and the preview are read from. */
export const HEAD_BYTES = 1024 * 1024;

export type FileHead = {
  delimiter: string;
  encoding: CsvEncoding;
  header: string[];
  /** Where the first data row starts: the checkpoint of an import that has read nothing yet. */
  offset: number;
  line: number;
  rows: CsvItem[];
};

/** What an upload was: a CSV file, or an XLSX workbook whose first sheet was converted to CSV. */
export type UploadFormat = 'csv' | 'xlsx';

/**
 * The header and first rows of a file's head (`complete` when the head is the whole file). A
 * converted sheet may start with empty rows before its header, and its lines are its rows.
 */
export function readHead(head: Buffer, complete: boolean, maxRows: number, format: UploadFormat = 'csv'): FileHead {
  if (head.length === 0 || (head.length <= 3 && head.every((b, i) => b === [0xef, 0xbb, 0xbf][i]))) throw badFile('The file is empty');
  if (isZip(head)) throw notAWorkbook('it was not converted');
  if (head.includes(0)) throw new AppError(415, 'unsupported_format', 'This does not look like a CSV text file');
  const { delimiter, encoding } = sniffCsv(head);
  const reader = new CsvReader({ delimiter, encoding, countBreaksInCells: format === 'csv' });
  const items = [...reader.push(head), ...(complete ? reader.end() : [])];
  if (format === 'xlsx') while (items[0]?.kind === 'record' && isBlankRow(items[0].cells)) items.shift();
  const first = items.shift();
  if (!first || first.kind !== 'record' || isBlankRow(first.cells)) throw badFile(format === 'xlsx' ? 'The first sheet must start with a header row naming the columns' : 'The first line must be a header naming the columns');
  return { delimiter, encoding, header: first.cells.map((cell) => cell.trim()), offset: first.end, line: first.nextLine, rows: items.slice(0, maxRows) };
}

const badFile = (message: string) => new AppError(400, 'bad_file', message);

/**
 * The start of an uploaded file as CSV: its first megabyte, or for a workbook its first sheet's
 * header and the rows a preview shows, converted beside it (the workbook itself is left as is).
 */
export async function fileHead(path: string): Promise<{ head: Buffer; complete: boolean; format: UploadFormat }> {
  const start = await readFileHead(path);
  if (!isZip(start.head)) return { ...start, format: 'csv' };
  const converted = join(tmpdir(), `leadflow-sheet-head-${randomUUID()}.csv`);
  try {
    // The header can follow empty rows: enough rows for those, the header and a preview's twenty.
    const { rows } = await sheetToCsv(path, converted, PREVIEW_SHEET_ROWS);
    const { head } = await readFileHead(converted);
    return { head, complete: rows < PREVIEW_SHEET_ROWS, format: 'xlsx' };
  } finally {
    await rm(converted, { force: true });
  }
}

const PREVIEW_SHEET_ROWS = 200;

/**
 * Turns an uploaded workbook into the CSV an import reads, in place (the path keeps its name,
 * now holding CSV); a CSV upload is left alone. Answers the format and the size to read.
 */
export async function convertUpload(path: string): Promise<{ format: UploadFormat; sizeBytes: number }> {
  const { head } = await readFileHead(path);
  if (!isZip(head)) return { format: 'csv', sizeBytes: (await stat(path)).size };
  const workbook = `${path}.xlsx`;
  await rename(path, workbook);
  try {
    await sheetToCsv(workbook, path);
  } finally {
    await rm(workbook, { force: true });
  }
  return { format: 'xlsx', sizeBytes: (await stat(path)).size };
}

async function readFileHead(path: string): Promise<{ head: Buffer; complete: boolean }> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return { head: buffer.subarray(0, bytesRead), complete: bytesRead < HEAD_BYTES };
  } finally {
    await file.close();
  }
}

export async function activeOwnersByEmail(db: Db, actor: Actor): Promise<Map<string, string>> {
  const active = (await listUsers(db, actor)).filter((u) => u.status === 'active');
  const owners = new Map(active.map((u) => [u.email.toLowerCase(), u.id]));
  // Exports from other CRMs often name the owner ("Anna Berg"); a name two users share names no one.
  const byName = new Map<string, string | null>();
  for (const user of active) {
    const name = user.name.trim().toLowerCase();
    byName.set(name, byName.has(name) ? null : user.id);
  }
  for (const [name, id] of byName) if (id && !owners.has(name)) owners.set(name, id);
  return owners;
}

export type ImportPreview = {
  delimiter: string;
  encoding: CsvEncoding;
  columns: string[];
  suggestedMapping: Record<string, MappingTarget | null>;
  /** The lead custom fields a column can feed, as mapping targets. */
  customTargets: { field: MappingTarget; label: string }[];
  rows: { line: number; cells: string[]; problem: string | null }[];
};

/**
 * What an upload would import: its columns, the suggested mapping and the first rows, each with
 * the reason it would be rejected under `mapping` (or the suggestion). Creates nothing.
 */
export async function previewImport(
  db: Db,
  actor: Actor,
  head: Buffer,
  complete: boolean,
  mapping?: Record<string, string | null>,
  format: UploadFormat = 'csv',
): Promise<ImportPreview> {
  assertCan(actor, 'records:import');
  const file = readHead(head, complete, 20, format);
  const columns = columnNames(file.header);
  const customFields = importableCustomFields(await fieldDefinitions(db, actor, 'lead'));
  const suggestedMapping = suggestMapping(columns, customFields);
  const resolved = resolveMapping(columns, mapping ?? suggestedMapping, customFields);
  const context = 'fields' in resolved ? { fields: resolved.fields, customFields, ownersByEmail: await activeOwnersByEmail(db, actor) } : null;
  const rows = file.rows.map((item) =>
    item.kind === 'defect'
      ? { line: item.line, cells: [item.raw], problem: item.reason }
      : { line: item.line, cells: item.cells, problem: context && !isBlankRow(item.cells) ? problemOf(leadFromRow(item.cells, context)) : null },
  );
  const customTargets = customFields.map((f) => ({ field: `custom.${f.key}` as MappingTarget, label: f.label }));
  return { delimiter: file.delimiter, encoding: file.encoding, columns, suggestedMapping, customTargets, rows };
}

const problemOf = (verdict: ReturnType<typeof leadFromRow>) => ('reason' in verdict ? verdict.reason : null);

// ---------------------------------------------------------------------------------------------
// Creating, reading, listing and cancelling imports.

/** Where an org's uploads are kept (relative to the data directory) until their import ends. */
export const uploadPath = (orgId: string, importId: string) => join('uploads', orgId, `${importId}.csv`);

export type NewImport = {
  id: string;
  fileName: string;
  /** Relative to the data directory; the file is already there. */
  storedPath: string;
  mapping?: Record<string, string | null> | undefined;
  dedupePolicy: DedupePolicy;
  /** Owner of new leads: a user id, null for the unassigned pool; the importer when undefined. */
  defaultOwnerId?: string | null | undefined;
  defaultSource?: string | undefined;
  /** Route new leads without an owner cell by the active lead rule set (default off). */
  routing?: ImportRouting | undefined;
};

/** Registers an uploaded file as a pending import, after checking its header against the mapping. */
export async function createImport(db: Db, actor: Actor, dataDir: string, input: NewImport): Promise<ImportView> {
  assertCan(actor, 'records:import');
  const path = join(dataDir, input.storedPath);
  const { format, sizeBytes } = await convertUpload(path);
  const { head, complete } = await readFileHead(path);
  const file = readHead(head, complete, 0, format);
  const columns = columnNames(file.header);
  const customFields = importableCustomFields(await fieldDefinitions(db, actor, 'lead'));
  const resolved = resolveMapping(columns, input.mapping ?? suggestMapping(columns, customFields), customFields);
  if ('errors' in resolved) throw validationFailed(resolved.errors);
  // The importer owns new leads by default; an import the system runs (the CLI) leaves them unassigned.
  const ownerId = input.defaultOwnerId === undefined ? actor.userId || null : input.defaultOwnerId;
  return db.transaction(async (tx) => {
    if (ownerId) await assertActiveUser(tx, actor, ownerId, 'defaultOwnerId');
    const [row] = await tx
      .insert(imports)
      .values({
        orgId: actor.orgId,
        id: input.id,
        fileName: input.fileName,
        storedPath: input.storedPath,
        sizeBytes,
        format,
        delimiter: file.delimiter,
        encoding: file.encoding,
        columns: file.header,
        mapping: resolved.fields,
        dedupePolicy: input.dedupePolicy,
        defaultOwnerId: ownerId,
        defaultSource: input.defaultSource ?? 'import',
        routing: input.routing ?? 'off',
        resumeOffset: file.offset,
        resumeLine: file.line,
        createdBy: actor.userId || null,
      })
      .returning();
    const view = toImportView(row!);
    await recordAudit(tx, actor, {
      entityType: 'import',
      entityId: row!.id,
      action: 'create',
      after: { fileName: view.fileName, sizeBytes: view.sizeBytes, dedupePolicy: view.dedupePolicy, mapping: view.mapping, defaultOwnerId: ownerId, routing: view.routing },
    });
    return view;
  });
}

export const importById = (orgId: string, id: string) => and(eq(imports.orgId, orgId), eq(imports.id, id));

export async function getImport(db: Db, actor: Actor, id: string): Promise<ImportView> {
  assertCan(actor, 'records:import');
  const [row] = await db.select().from(imports).where(importById(actor.orgId, id));
  if (!row) throw notFound('Import');
  return toImportView(row);
}

/** The org's imports, newest first (ids are time-ordered, so the id is the cursor). */
export async function listImports(db: Db, actor: Actor, filter: { cursor?: string | undefined; limit: number }): Promise<{ data: ImportView[]; nextCursor: string | null }> {
  assertCan(actor, 'records:import');
  const conditions = [eq(imports.orgId, actor.orgId)];
  if (filter.cursor) conditions.push(lt(imports.id, filter.cursor));
  const rows = await db
    .select()
    .from(imports)
    .where(and(...conditions))
    .orderBy(desc(imports.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { data: page.map(toImportView), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}

/**
 * Stops an import that has not finished. Rows already imported stay: every batch is committed
 * with its checkpoint, and the batch in flight is rolled back.
 */
export async function cancelImport(db: Db, actor: Actor, dataDir: string, id: string): Promise<ImportView> {
  assertCan(actor, 'records:import');
  const view = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(imports).where(importById(actor.orgId, id)).for('update');
    if (!row) throw notFound('Import');
    if (FINISHED.includes(row.status)) throw conflict(`The import has already ${row.status === 'cancelled' ? 'been cancelled' : row.status}`, 'import_finished');
    const [updated] = await tx
      .update(imports)
      .set({ status: 'cancelled', claimToken: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(importById(actor.orgId, id))
      .returning();
    await recordAudit(tx, actor, { entityType: 'import', entityId: id, action: 'cancel', after: counters(updated!) });
    return toImportView(updated!);
  });
  await removeUpload(dataDir, view.id, actor.orgId);
  return view;
}

export const counters = (row: ImportRow) => ({ processed: row.processed, inserted: row.inserted, updated: row.updated, skipped: row.skipped, rejected: row.rejected });

export async function removeUpload(dataDir: string, importId: string, orgId: string): Promise<void> {
  await rm(join(dataDir, uploadPath(orgId, importId)), { force: true });
}

/** The rejected rows as CSV, in line order, read page by page: Line, Reason, then the file's columns. */
export async function* rejectionsCsv(db: Db, actor: Actor, id: string): AsyncGenerator<string> {
  const view = await getImport(db, actor, id);
  yield csvLine(['Line', 'Reason', ...view.columns]);
  let after = 0;
  for (;;) {
    const page = await db
      .select({ line: importRejections.line, reason: importRejections.reason, cells: importRejections.cells })
      .from(importRejections)
      .where(and(eq(importRejections.orgId, actor.orgId), eq(importRejections.importId, id), gt(importRejections.line, after)))
      .orderBy(asc(importRejections.line))
      .limit(1000);
    if (page.length === 0) return;
    yield page.map((r) => csvLine([r.line, r.reason, ...r.cells])).join('');
    after = page.at(-1)!.line;
  }
}
