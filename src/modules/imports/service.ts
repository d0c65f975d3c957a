import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { copyText, inBulkTransaction } from '../../core/bulk-session.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict, notFound, validationFailed } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { loadLeadBatch, type LeadToLoad } from '../leads/bulk-load.ts';
import { assertActiveUser, listUsers } from '../users/service.ts';
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
  type ImportField,
  type ImportStatus,
} from './model.ts';
import { importRejections, imports } from './schema.ts';

type ImportRow = typeof imports.$inferSelect;

export type ImportView = {
  id: string;
  object: string;
  fileName: string;
  sizeBytes: number;
  status: ImportStatus;
  dedupePolicy: DedupePolicy;
  delimiter: string;
  encoding: string;
  columns: string[];
  /** Column name → the lead field it feeds (null: not imported). */
  mapping: Record<string, ImportField | null>;
  defaultOwnerId: string | null;
  defaultSource: string;
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
    status: row.status as ImportStatus,
    dedupePolicy: row.dedupePolicy as DedupePolicy,
    delimiter: row.delimiter,
    encoding: row.encoding,
    columns: names,
    mapping: Object.fromEntries(names.map((name, i) => [name, (row.mapping[i] ?? null) as ImportField | null])),
    defaultOwnerId: row.defaultOwnerId,
    defaultSource: row.defaultSource,
    processed: row.processed,
    inserted: row.inserted,
    updated: row.updated,
    skipped: row.skipped,
    rejected: row.rejected,
    bytesRead,
    percent: percentRead(bytesRead, row.sizeBytes, row.status === 'completed'),
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

/** The header and first rows of a file's head (`complete` when the head is the whole file). */
export function readHead(head: Buffer, complete: boolean, maxRows: number): FileHead {
  if (head.length === 0 || (head.length <= 3 && head.every((b, i) => b === [0xef, 0xbb, 0xbf][i]))) throw badFile('The file is empty');
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    throw new AppError(415, 'unsupported_format', 'This looks like an Excel (XLSX) or ZIP file; save it as CSV (UTF-8) and upload that');
  }
  if (head.includes(0)) throw new AppError(415, 'unsupported_format', 'This does not look like a CSV text file');
  const { delimiter, encoding } = sniffCsv(head);
  const reader = new CsvReader({ delimiter, encoding });
  const items = [...reader.push(head), ...(complete ? reader.end() : [])];
  const first = items.shift();
  if (!first || first.kind !== 'record' || isBlankRow(first.cells)) throw badFile('The first line must be a header naming the columns');
  return { delimiter, encoding, header: first.cells.map((cell) => cell.trim()), offset: first.end, line: first.nextLine, rows: items.slice(0, maxRows) };
}

const badFile = (message: string) => new AppError(400, 'bad_file', message);

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

async function activeOwnersByEmail(db: Db, actor: Actor): Promise<Map<string, string>> {
  const users = await listUsers(db, actor);
  return new Map(users.filter((u) => u.status === 'active').map((u) => [u.email.toLowerCase(), u.id]));
}

export type ImportPreview = {
  delimiter: string;
  encoding: CsvEncoding;
  columns: string[];
  suggestedMapping: Record<string, ImportField | null>;
  rows: { line: number; cells: string[]; problem: string | null }[];
};

/**
 * What an upload would import: its columns, the suggested mapping and the first rows, each with
 * the reason it would be rejected under `mapping` (or the suggestion). Creates nothing.
 */
export async function previewImport(db: Db, actor: Actor, head: Buffer, complete: boolean, mapping?: Record<string, string | null>): Promise<ImportPreview> {
  assertCan(actor, 'records:import');
  const file = readHead(head, complete, 20);
  const columns = columnNames(file.header);
  const suggestedMapping = suggestMapping(columns);
  const resolved = resolveMapping(columns, mapping ?? suggestedMapping);
  const context = 'fields' in resolved ? { fields: resolved.fields, ownersByEmail: await activeOwnersByEmail(db, actor) } : null;
  const rows = file.rows.map((item) =>
    item.kind === 'defect'
      ? { line: item.line, cells: [item.raw], problem: item.reason }
      : { line: item.line, cells: item.cells, problem: context && !isBlankRow(item.cells) ? problemOf(leadFromRow(item.cells, context)) : null },
  );
  return { delimiter: file.delimiter, encoding: file.encoding, columns, suggestedMapping, rows };
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
  sizeBytes: number;
  mapping?: Record<string, string | null> | undefined;
  dedupePolicy: DedupePolicy;
  /** Owner of new leads: a user id, null for the unassigned pool; the importer when undefined. */
  defaultOwnerId?: string | null | undefined;
  defaultSource?: string | undefined;
};

/** Registers an uploaded file as a pending import, after checking its header against the mapping. */
export async function createImport(db: Db, actor: Actor, dataDir: string, input: NewImport): Promise<ImportView> {
  assertCan(actor, 'records:import');
  const { head, complete } = await readFileHead(join(dataDir, input.storedPath));
  const file = readHead(head, complete, 0);
  const columns = columnNames(file.header);
  const resolved = resolveMapping(columns, input.mapping ?? suggestMapping(columns));
  if ('errors' in resolved) throw validationFailed(resolved.errors);
  const ownerId = input.defaultOwnerId === undefined ? actor.userId : input.defaultOwnerId;
  return db.transaction(async (tx) => {
    if (ownerId) await assertActiveUser(tx, actor, ownerId, 'defaultOwnerId');
    const [row] = await tx
      .insert(imports)
      .values({
        orgId: actor.orgId,
        id: input.id,
        fileName: input.fileName,
        storedPath: input.storedPath,
        sizeBytes: input.sizeBytes,
        delimiter: file.delimiter,
        encoding: file.encoding,
        columns: file.header,
        mapping: resolved.fields,
        dedupePolicy: input.dedupePolicy,
        defaultOwnerId: ownerId,
        defaultSource: input.defaultSource ?? 'import',
        resumeOffset: file.offset,
        resumeLine: file.line,
        createdBy: actor.userId,
      })
      .returning();
    const view = toImportView(row!);
    await recordAudit(tx, actor, {
      entityType: 'import',
      entityId: row!.id,
      action: 'create',
      after: { fileName: view.fileName, sizeBytes: view.sizeBytes, dedupePolicy: view.dedupePolicy, mapping: view.mapping, defaultOwnerId: ownerId },
    });
    return view;
  });
}

const byId = (orgId: string, id: string) => and(eq(imports.orgId, orgId), eq(imports.id, id));

export async function getImport(db: Db, actor: Actor, id: string): Promise<ImportView> {
  assertCan(actor, 'records:import');
  const [row] = await db.select().from(imports).where(byId(actor.orgId, id));
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
    const [row] = await tx.select().from(imports).where(byId(actor.orgId, id)).for('update');
    if (!row) throw notFound('Import');
    if (FINISHED.includes(row.status)) throw conflict(`The import has already ${row.status === 'cancelled' ? 'been cancelled' : row.status}`, 'import_finished');
    const [updated] = await tx
      .update(imports)
      .set({ status: 'cancelled', claimToken: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(byId(actor.orgId, id))
      .returning();
    await recordAudit(tx, actor, { entityType: 'import', entityId: id, action: 'cancel', after: counters(updated!) });
    return toImportView(updated!);
  });
  await removeUpload(dataDir, view.id, actor.orgId);
  return view;
}

const counters = (row: ImportRow) => ({ processed: row.processed, inserted: row.inserted, updated: row.updated, skipped: row.skipped, rejected: row.rejected });

async function removeUpload(dataDir: string, importId: string, orgId: string): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Running an import: claim it, read from its checkpoint, load batch by batch.

/** The run that holds an import stopped: it was cancelled, or another run took it over. */
export class ImportStopped extends Error {}

/** A heartbeat older than this means the run holding the import died (kill -9, lost machine). */
export const STALE_AFTER_SECONDS = 120;

/**
 * Takes an import for one run (`token`): a pending one, or a running one whose run has gone
 * quiet. Null when it is finished or another run holds it.
 */
export async function claimImport(db: Db, orgId: string, id: string, token: string): Promise<ImportView | null> {
  const [row] = await db
    .update(imports)
    .set({ status: 'running', claimToken: token, heartbeatAt: new Date(), attempts: sql`${imports.attempts} + 1`, startedAt: sql`coalesce(${imports.startedAt}, now())`, updatedAt: new Date() })
    .where(
      and(
        byId(orgId, id),
        sql`(${imports.status} = 'pending' or (${imports.status} = 'running' and (${imports.heartbeatAt} is null or ${imports.heartbeatAt} < now() - make_interval(secs => ${STALE_AFTER_SECONDS}))))`,
      ),
    )
    .returning();
  return row ? toImportView(row) : null;
}

/** Lets go of an import without finishing it, so the next run may take it at once. */
export async function releaseImport(db: Db, orgId: string, id: string, token: string): Promise<void> {
  await db
    .update(imports)
    .set({ claimToken: null, heartbeatAt: null })
    .where(and(byId(orgId, id), eq(imports.claimToken, token), eq(imports.status, 'running')));
}

export async function failImport(db: Db, orgId: string, id: string, token: string, message: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(imports)
      .set({ status: 'failed', error: message, claimToken: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(byId(orgId, id), eq(imports.claimToken, token), eq(imports.status, 'running')))
      .returning();
    if (row) await recordAudit(tx, runActor(row), { entityType: 'import', entityId: id, action: 'fail', after: { ...counters(row), error: message } });
  });
}

// The import runs as the user who started it; their permission was checked then.
const runActor = (row: ImportRow): Actor => ({ orgId: row.orgId, userId: row.createdBy ?? '', role: 'admin', via: 'system' });

export type RunOptions = {
  /** Rows per transaction. Bigger batches amortise each statement; smaller ones keep PGlite responsive. */
  batchSize?: number;
  onProgress?: (view: ImportView) => void;
  /** Stops after the batch in flight (the CLI's Ctrl-C); the import stays resumable. */
  signal?: AbortSignal;
  /** Tests: throws after this many committed batches, as a crash would. */
  crashAfterBatches?: number;
};

type Batch = {
  /** The checkpoint before this batch. */
  startOffset: number;
  leads: LeadToLoad[];
  rejections: { line: number; reason: string; cells: string[] }[];
  /** Rows read (blank lines are not rows). */
  processed: number;
  /** The checkpoint after this batch. */
  offset: number;
  line: number;
};

/**
 * Reads the claimed import's file from its checkpoint and loads it batch by batch. Each batch's
 * leads, rejections and new checkpoint commit in one transaction, so a run killed at any point
 * resumes after the last committed batch and every row lands exactly once.
 */
export async function runImport(db: Db, dataDir: string, orgId: string, id: string, token: string, options: RunOptions = {}): Promise<ImportView> {
  const [row] = await db.select().from(imports).where(byId(orgId, id));
  if (!row || row.claimToken !== token || row.status !== 'running') throw new ImportStopped('The import is not held by this run');
  const actor = runActor(row);
  const context = { fields: row.mapping as (ImportField | null)[], ownersByEmail: await activeOwnersByEmail(db, actor) };
  const batchSize = options.batchSize ?? 10_000;
  const path = join(dataDir, row.storedPath);
  const batches = readBatches(path, row, context, batchSize);
  let committed = 0;
  try {
    // The next batch is read and checked while the database loads this one.
    let next = batches.next();
    for (;;) {
      const step = await next;
      if (step.done) break;
      if (options.signal?.aborted) throw new ImportStopped('Stopped on request');
      next = batches.next();
      await commitBatch(db, actor, row, token, step.value);
      committed += 1;
      if (options.onProgress) options.onProgress(await getImport(db, actor, id));
      if (options.crashAfterBatches !== undefined && committed >= options.crashAfterBatches) throw new Error('Simulated crash');
    }
  } finally {
    await batches.return(undefined);
  }
  const done = await db.transaction(async (tx) => {
    const [finished] = await tx
      .update(imports)
      .set({ status: 'completed', claimToken: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(byId(orgId, id), eq(imports.claimToken, token), eq(imports.status, 'running')))
      .returning();
    if (!finished) throw new ImportStopped('The import was cancelled or taken over');
    // One audit entry for the whole import: one per lead would double a million-row import's work.
    await recordAudit(tx, actor, { entityType: 'import', entityId: id, action: 'complete', after: { fileName: finished.fileName, dedupePolicy: finished.dedupePolicy, ...counters(finished) } });
    return toImportView(finished);
  });
  await removeUpload(dataDir, id, orgId);
  options.onProgress?.(done);
  return done;
}

async function* readBatches(path: string, row: ImportRow, context: Parameters<typeof leadFromRow>[1], batchSize: number): AsyncGenerator<Batch> {
  const reader = new CsvReader({ delimiter: row.delimiter, encoding: row.encoding as CsvEncoding, offset: row.resumeOffset, line: row.resumeLine });
  let batch = emptyBatch(row.resumeOffset, row.resumeLine);
  const take = (items: CsvItem[]): Batch[] => {
    const full: Batch[] = [];
    for (const item of items) {
      batch.offset = item.end;
      batch.line = item.nextLine;
      if (item.kind === 'defect') {
        batch.rejections.push({ line: item.line, reason: item.reason, cells: [item.raw] });
        batch.processed += 1;
      } else if (!isBlankRow(item.cells)) {
        batch.processed += 1;
        const verdict = leadFromRow(item.cells, context);
        if ('reason' in verdict) batch.rejections.push({ line: item.line, reason: verdict.reason, cells: item.cells });
        else batch.leads.push({ ...verdict.lead, line: item.line, id: newId() });
      }
      if (batch.processed >= batchSize) {
        full.push(batch);
        batch = emptyBatch(batch.offset, batch.line);
      }
    }
    return full;
  };
  let stream: ReturnType<typeof createReadStream>;
  try {
    stream = createReadStream(path, { start: row.resumeOffset, highWaterMark: 1024 * 1024 });
    for await (const chunk of stream) yield* take(reader.push(chunk as Buffer));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImportFileMissing('The uploaded file is gone; upload it again');
    throw error;
  }
  yield* take(reader.end());
  if (batch.offset !== batch.startOffset) yield batch;
}

/** The upload an import reads from is no longer there: nothing a retry can fix. */
export class ImportFileMissing extends Error {}

const emptyBatch = (offset: number, line: number): Batch => ({ startOffset: offset, leads: [], rejections: [], processed: 0, offset, line });

const REJECTION_COLUMNS = ['org_id', 'import_id', 'line', 'reason', 'cells'] as const;

async function commitBatch(db: Db, actor: Actor, row: ImportRow, token: string, batch: Batch): Promise<void> {
  await inBulkTransaction(db, async (session) => {
    const loaded = await loadLeadBatch(session, actor, batch.leads, row.dedupePolicy as DedupePolicy, { ownerId: row.defaultOwnerId, source: row.defaultSource });
    if (batch.rejections.length) {
      const lines = batch.rejections.map((r) => `${row.orgId}\t${row.id}\t${r.line}\t${copyText(r.reason)}\t${copyText(JSON.stringify(r.cells))}\n`).join('');
      await session.copyRows('import_rejections', REJECTION_COLUMNS, lines);
    }
    // The checkpoint moves with the rows. It only moves from where this run started the batch,
    // and only while the run still holds a running import: a cancel, or a run that took over a
    // quiet import, makes this batch roll back whole.
    const moved = await session.query(
      `UPDATE imports SET processed = processed + $5, inserted = inserted + $6, updated = updated + $7, skipped = skipped + $8, rejected = rejected + $9,
          resume_offset = $10, resume_line = $11, heartbeat_at = now(), updated_at = now()
        WHERE org_id = $1 AND id = $2 AND claim_token = $3 AND resume_offset = $4 AND status = 'running' RETURNING id`,
      [row.orgId, row.id, token, batch.startOffset, batch.processed, loaded.inserted, loaded.updated, loaded.skipped, batch.rejections.length, batch.offset, batch.line],
    );
    if (moved.length === 0) throw new ImportStopped('The import was cancelled or taken over');
  });
}
