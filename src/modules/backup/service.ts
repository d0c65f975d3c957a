import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { getTableName, is, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { Actor } from '../../core/actor.ts';
import type { Database, Db } from '../../core/db.ts';
import { AppError, conflict, notFound } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { assertCan } from '../../core/roles.ts';
import * as schema from '../../core/schema.ts';
import { recordAudit } from '../audit/service.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupFormatError,
  backupFileName,
  batchIsFull,
  columnsToRestore,
  countMismatches,
  describeClash,
  headerLine,
  ORGANIZATIONS_TABLE,
  parseHeader,
  parseRowLine,
  restoreOrder,
  rowLine,
  type BackupHeader,
  type TableShape,
} from './model.ts';

type Shape = TableShape & { table: PgTable; orderBy: string[] };

/** Called as rows are written or restored; `total` is every row of the org, across tables. */
export type BackupProgress = (done: number, total: number, table: string) => void;

let shapes: { root: Shape; scoped: Shape[] } | undefined;

// Rollups the database keeps from other tables by triggers: restoring their sources rebuilds them,
// so a backup leaves them out (restoring them as well would count every row twice).
export const TRIGGER_KEPT = new Set(['activity_daily_counts', 'opportunity_stage_totals', 'opportunity_month_totals']);

/**
 * The tables a backup holds, read from the drizzle schema index: the organisations table and
 * every table with an org_id column. A capability that adds tables is backed up without any change here.
 */
export function backupTables(): { root: Shape; scoped: Shape[] } {
  if (shapes) return shapes;
  let root: Shape | undefined;
  const scoped: Shape[] = [];
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const config = getTableConfig(value);
    const primary = config.primaryKeys[0]?.columns.map((column) => column.name) ?? config.columns.filter((column) => column.primary).map((column) => column.name);
    const shape: Shape = {
      table: value,
      name: config.name,
      writableColumns: config.columns.filter((column) => !column.generated).map((column) => column.name),
      generatedColumns: config.columns.filter((column) => column.generated).map((column) => column.name),
      identityAlways: config.columns.some((column) => column.generatedIdentity?.type === 'always'),
      dependsOn: config.foreignKeys.map((key) => getTableName(key.reference().foreignTable)),
      orderBy: primary.length > 0 ? primary : config.columns.map((column) => column.name),
    };
    if (config.name === ORGANIZATIONS_TABLE) root = shape;
    else if (TRIGGER_KEPT.has(config.name)) continue;
    else if (config.columns.some((column) => column.name === 'org_id')) scoped.push(shape);
  }
  if (!root) throw new Error('The schema has no organizations table');
  shapes = { root, scoped: restoreOrder(scoped) };
  return shapes;
}

const ident = (name: string) => sql.identifier(name);
const list = (names: string[]) => sql.join(names.map(ident), sql`, `);
const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

/** The row as the database's JSON text, generated columns left out (they are computed again on restore). */
const rowJson = (shape: Shape): SQL =>
  shape.generatedColumns.length > 0
    ? sql`(to_jsonb(t) - ${`{${shape.generatedColumns.join(',')}}`}::text[])::text`
    : sql`to_jsonb(t)::text`;

// Rows are read through a server-side cursor inside the backup's snapshot: one table at a time,
// a page at a time, whatever the size of the org.
const PAGE = 1000;

async function* backupLines(tx: Db, orgId: string, onProgress?: BackupProgress): AsyncGenerator<string> {
  const { root, scoped } = backupTables();
  const [org] = rowsOf(await tx.execute(sql`select ${rowJson(root)} as r, t.name from ${ident(root.name)} t where t.id = ${orgId}`));
  if (!org) throw notFound('Organisation');
  const tables = [];
  for (const shape of scoped) {
    const [counted] = rowsOf(await tx.execute(sql`select count(*)::int as n from ${ident(shape.name)} where org_id = ${orgId}`));
    tables.push({ name: shape.name, columns: shape.writableColumns, rows: Number(counted!.n) });
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    orgId,
    orgName: String(org.name),
    createdAt: new Date().toISOString(),
    tables: [{ name: root.name, columns: root.writableColumns, rows: 1 }, ...tables],
  };
  const total = tables.reduce((sum, table) => sum + table.rows, 1);
  yield `${headerLine(header)}\n${rowLine(root.name, String(org.r))}\n`;
  let done = 1;
  onProgress?.(done, total, root.name);
  for (const shape of scoped) {
    await tx.execute(
      sql`declare leadflow_backup no scroll cursor for select ${rowJson(shape)} as r from ${ident(shape.name)} t where t.org_id = ${orgId} order by ${list(shape.orderBy)}`,
    );
    try {
      for (;;) {
        const page = rowsOf(await tx.execute(sql.raw(`fetch ${PAGE} from leadflow_backup`)));
        if (page.length === 0) break;
        yield page.map((row) => `${rowLine(shape.name, String(row.r))}\n`).join('');
        done += page.length;
        onProgress?.(done, total, shape.name);
      }
    } finally {
      await tx.execute(sql.raw('close leadflow_backup'));
    }
  }
}

export type BackupSummary = { orgId: string; orgName: string; rows: number };

/**
 * Writes one org's backup (gzipped NDJSON) to `out`, from one consistent snapshot of the database.
 * On PGlite the snapshot holds the single connection, so keep `out` fast (a file, not a network peer).
 */
export async function writeBackup(database: Database, orgId: string, out: Writable, onProgress?: BackupProgress): Promise<BackupSummary> {
  if (!isUuid(orgId)) throw notFound('Organisation');
  let summary: BackupSummary = { orgId, orgName: '', rows: 0 };
  await database.db.transaction(
    async (tx) => {
      const lines = backupLines(tx, orgId, (done, total, table) => {
        summary = { ...summary, rows: done };
        onProgress?.(done, total, table);
      });
      const [org] = rowsOf(await tx.execute(sql`select name from organizations where id = ${orgId}`));
      summary.orgName = String(org?.name ?? '');
      await pipeline(Readable.from(lines), createGzip(), out);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return summary;
}

/** Writes the backup next to `path` first and renames it, so a failed backup never looks like a good one. */
export async function backupToFile(database: Database, orgId: string, path: string, onProgress?: BackupProgress): Promise<BackupSummary> {
  const partial = `${path}.partial`;
  try {
    const summary = await writeBackup(database, orgId, createWriteStream(partial), onProgress);
    await rename(partial, path);
    return summary;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** The actor's org as a download. Records who took it: a backup holds every record of the org. */
export async function backupDownload(database: Database, actor: Actor): Promise<{ fileName: string; stream: Readable }> {
  assertCan(actor, 'org:backup');
  const [org] = rowsOf(await database.db.execute(sql`select name from organizations where id = ${actor.orgId}`));
  if (!org) throw notFound('Organisation');
  await recordAudit(database.db, actor, { entityType: 'organization', entityId: actor.orgId, action: 'backup' });
  const fileName = backupFileName(String(org.name), new Date());
  if (database.kind === 'postgres') {
    // A pooled connection can hold its snapshot for as long as the download takes.
    const stream = new PassThrough();
    writeBackup(database, actor.orgId, stream).catch((error: unknown) => stream.destroy(error as Error));
    return { fileName, stream };
  }
  // PGlite has one connection: take the snapshot into a temporary file at disk speed, then let a
  // slow download read the file while the server goes on serving everyone else.
  const dir = await mkdtemp(join(tmpdir(), 'leadflow-backup-'));
  const path = join(dir, fileName);
  try {
    await backupToFile(database, actor.orgId, path);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const stream = createReadStream(path);
  stream.once('close', () => void rm(dir, { recursive: true, force: true }));
  return { fileName, stream };
}

/** Lines of a gunzipped stream; gzip and read errors surface as a damaged-file error. */
async function* readLines(source: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  source.once('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of gunzip) {
      pending += decoder.write(chunk as Buffer);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        yield pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new AppError(400, 'backup_unreadable', `Cannot read the backup file: ${(error as Error).message}`);
    if (code === 'Z_DATA_ERROR' && /header check/.test((error as Error).message)) throw new BackupFormatError('This is not a Leadflow backup file (it is not gzipped)');
    throw new BackupFormatError(`The backup file is damaged or cut off (${(error as Error).message}); nothing was restored`);
  } finally {
    source.destroy();
  }
  pending += decoder.end();
  if (pending) yield pending;
}

export type RestoreOptions = { replace?: boolean; onProgress?: BackupProgress };
export type RestoreSummary = { orgId: string; orgName: string; rows: number; replaced: boolean };

type DatabaseError = { code?: string; constraint?: string; detail?: string; message?: string };
const databaseErrorOf = (error: unknown): DatabaseError | undefined => {
  const cause = (error as { cause?: unknown }).cause ?? error;
  return typeof cause === 'object' && cause !== null && 'code' in cause ? (cause as DatabaseError) : undefined;
};

/**
 * Restores a backup file (the gzipped bytes in `source`) into this database in one transaction:
 * all of it or, on any problem, nothing. Refuses an org that is already here unless `replace`,
 * which first deletes that org's rows in the same transaction.
 */
export async function restoreBackup(database: Database, source: Readable, options: RestoreOptions = {}): Promise<RestoreSummary> {
  try {
    return await restore(database, source, options);
  } catch (error) {
    if (error instanceof BackupFormatError) throw new AppError(400, 'invalid_backup', error.message);
    throw error;
  }
}

async function restore(database: Database, source: Readable, options: RestoreOptions): Promise<RestoreSummary> {
  const { root, scoped } = backupTables();
  const byName = new Map([root, ...scoped].map((shape) => [shape.name, shape]));
  const lines = readLines(source);
  let lineNumber = 1;
  const header = parseHeader((await lines.next()).value || undefined, scoped);
  const saved = new Map(header.tables.map((table) => [table.name, table]));
  const total = header.tables.reduce((sum, table) => sum + table.rows, 0);
  const orgId = header.orgId;

  return database.db.transaction(async (tx) => {
    const [existing] = rowsOf(await tx.execute(sql`select name from organizations where id = ${orgId}`));
    if (existing && !options.replace) {
      throw conflict(
        `The organisation "${String(existing.name)}" (${orgId}) already exists in this database. Restore with --replace to overwrite it with the backup; nothing was changed.`,
        'org_exists',
      );
    }
    if (existing) {
      for (const shape of [...scoped].reverse()) await tx.execute(sql`delete from ${ident(shape.name)} where org_id = ${orgId}`);
      await tx.execute(sql`delete from ${ident(root.name)} where id = ${orgId}`);
    }

    const restored = new Map<string, number>();
    let done = 0;
    let batch: { table: string; rows: string[]; bytes: number } | undefined;
    const flush = async () => {
      if (!batch || batch.rows.length === 0) return;
      const shape = byName.get(batch.table);
      const columns = shape && saved.has(batch.table) ? columnsToRestore(saved.get(batch.table)!.columns, shape) : undefined;
      if (!shape || !columns) throw new BackupFormatError(`The backup has rows of "${batch.table}", which its header does not list`);
      const owner = shape === root ? sql`id` : sql`org_id`;
      const statement = sql`with restored as (
          insert into ${ident(shape.name)} (${list(columns)}) ${shape.identityAlways ? sql`overriding system value` : sql``}
          select ${list(columns)} from jsonb_populate_recordset(null::${ident(shape.name)}, ${`[${batch.rows.join(',')}]`}::jsonb)
          where ${owner} = ${orgId}
          returning 1)
        select count(*)::int as n from restored`;
      let inserted: number;
      try {
        inserted = Number(rowsOf(await tx.execute(statement))[0]!.n);
      } catch (error) {
        const cause = databaseErrorOf(error);
        if (cause?.code === '23505') throw conflict(describeClash(batch.table, cause.constraint, cause.detail), 'restore_clash');
        if (cause?.code) throw new AppError(400, 'invalid_backup', `A row of ${batch.table} could not be restored: ${cause.message ?? cause.code}. Nothing was restored.`);
        throw error;
      }
      // Rows of another org are never written: a file edited to reach into other tenants is refused.
      if (inserted !== batch.rows.length) throw new BackupFormatError(`The backup has rows of ${batch.table} that belong to another organisation; nothing was restored`);
      restored.set(batch.table, (restored.get(batch.table) ?? 0) + inserted);
      done += inserted;
      options.onProgress?.(done, total, batch.table);
      batch = undefined;
    };

    for await (const line of lines) {
      lineNumber += 1;
      if (!line.trim()) continue;
      const row = parseRowLine(line, lineNumber);
      if (batch && batch.table !== row.table) await flush();
      batch ??= { table: row.table, rows: [], bytes: 0 };
      batch.rows.push(row.rowJson);
      batch.bytes += row.rowJson.length;
      if (batchIsFull(batch.rows.length, batch.bytes)) await flush();
    }
    await flush();
    const problems = countMismatches(header, restored);
    if (problems.length > 0) {
      throw new BackupFormatError(`The backup file is incomplete or was edited (${problems.join('; ')}); nothing was restored`);
    }
    return { orgId, orgName: header.orgName, rows: done, replaced: Boolean(existing) };
  });
}
