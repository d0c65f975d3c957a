// Running an import: claim it, read the file from its checkpoint, load it batch by batch.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { copyText, databaseKindOf, inBulkTransaction } from '../../core/bulk-session.ts';
import type { Db } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { recordAudit } from '../audit/service.ts';
import { leadLoadLine, loadLeadBatch, type OwnerAssigner } from '../leads/bulk-load.ts';
import { importRouter, territoryPlacer, type ImportRouter } from '../routing/bulk.service.ts';
import { newLeadScorer } from '../scoring/new-leads.service.ts';
import { CsvReader, type CsvEncoding, type CsvItem } from './csv.ts';
import { fieldDefinitions } from '../customfields/service.ts';
import { importableCustomFields, isBlankRow, leadFromRow, type DedupePolicy, type MappingTarget } from './model.ts';
import { imports } from './schema.ts';
import { activeOwnersByEmail, counters, getImport, importById, removeUpload, toImportView, type ImportRow, type ImportView } from './service.ts';

/** The run that holds an import stopped: it was cancelled, or another run took it over. */
export class ImportStopped extends Error {}

/** A heartbeat older than this means the run holding the import died (kill -9, lost machine). */
export const STALE_AFTER_SECONDS = 120;

/**
 * Takes an import for one run (`token`): a pending one, or a running one whose run has gone
 * quiet. Null when it is finished or another run holds it.
 */
export async function claimImport(db: Db, orgId: string, id: string, token: string): Promise<{ view: ImportView; attempts: number } | null> {
  const [row] = await db
    .update(imports)
    .set({ status: 'running', claimToken: token, heartbeatAt: new Date(), attempts: sql`${imports.attempts} + 1`, startedAt: sql`coalesce(${imports.startedAt}, now())`, updatedAt: new Date() })
    .where(
      and(
        importById(orgId, id),
        sql`(${imports.status} = 'pending' or (${imports.status} = 'running' and (${imports.heartbeatAt} is null or ${imports.heartbeatAt} < now() - make_interval(secs => ${STALE_AFTER_SECONDS}))))`,
      ),
    )
    .returning();
  return row ? { view: toImportView(row), attempts: row.attempts } : null;
}

/** Lets go of an import without finishing it, so the next run may take it at once. */
export async function releaseImport(db: Db, orgId: string, id: string, token: string): Promise<void> {
  await db
    .update(imports)
    .set({ claimToken: null, heartbeatAt: null })
    .where(and(importById(orgId, id), eq(imports.claimToken, token), eq(imports.status, 'running')));
}

/**
 * Hands unfinished imports whose run went quiet back to the queue: running ones are let go so the
 * next run takes them at once, pending ones (their job lost) are marked so the next sweep waits.
 * `all` takes every unfinished import: right for a PGlite server starting, the only process on its
 * database, whose running imports are those it was running when it died.
 */
export async function releaseQuietImports(db: Db, all: boolean): Promise<{ orgId: string; id: string }[]> {
  const quiet = all ? sql`true` : sql`coalesce(${imports.heartbeatAt}, ${imports.createdAt}) < now() - make_interval(secs => ${STALE_AFTER_SECONDS})`;
  return db
    .update(imports)
    .set({
      claimToken: sql`case when ${imports.status} = 'running' then null else ${imports.claimToken} end`,
      heartbeatAt: sql`case when ${imports.status} = 'running' then null else now() end`,
    })
    .where(and(sql`${imports.status} in ('pending', 'running')`, quiet))
    .returning({ orgId: imports.orgId, id: imports.id });
}

export async function failImport(db: Db, orgId: string, id: string, token: string, message: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(imports)
      .set({ status: 'failed', error: message, claimToken: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(importById(orgId, id), eq(imports.claimToken, token), eq(imports.status, 'running')))
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
  /** The leads to load, as load lines, and the email of each (null: none), by position. */
  leads: string[];
  emails: (string | null)[];
  /** Rows dropped before loading as repeats of the batch in flight (skip policy). */
  skippedAhead: number;
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
  const [row] = await db.select().from(imports).where(importById(orgId, id));
  if (!row || row.claimToken !== token || row.status !== 'running') throw new ImportStopped('The import is not held by this run');
  const actor = runActor(row);
  const now = new Date();
  const context: BatchContext = {
    fields: row.mapping as (MappingTarget | null)[],
    customFields: importableCustomFields(await fieldDefinitions(db, actor, 'lead')),
    ownersByEmail: await activeOwnersByEmail(db, actor),
    score: await newLeadScorer(db, orgId, now),
    place: await territoryPlacer(db, orgId),
  };
  // Routing reads the rule set, people and counters once per run; a resumed run reads them again.
  const router = row.routing === 'rules' ? await importRouter(db, actor, { cause: `Imported from ${row.fileName}`, now }) : null;
  // PGlite runs one statement at a time for everyone: smaller batches, one at a time, let the
  // app's requests in between (a GET waited up to 4 s behind two queued 10,000-row batches).
  const embedded = databaseKindOf(db) === 'pglite';
  const batchSize = options.batchSize ?? (embedded ? 5_000 : 10_000);
  const path = join(dataDir, row.storedPath);
  const batches = readBatches(path, row, context, batchSize);
  const policy = row.dedupePolicy as DedupePolicy;
  // On PostgreSQL two batches are in the database at once, on two connections: one loads while the
  // other commits. Each commits only after the one before it, so the checkpoint only moves
  // forward and a batch whose predecessor failed rolls back with it.
  let committed = 0;
  let stopped = false;
  let last: { committed: Promise<void>; emails: Set<string> } | null = null;
  let beforeLast: Promise<void> = Promise.resolve();
  // The next batch is read and checked while the database loads these.
  let next = batches.next();
  try {
    for (;;) {
      const step = await next;
      if (step.done) break;
      next = batches.next();
      await (embedded ? last?.committed : beforeLast);
      // PGlite hands its lock to whoever asks first once the event loop turns: without this turn,
      // back-to-back batches kept every other query out until the import ended.
      if (embedded) await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) throw new ImportStopped('Stopped on request');
      const batch = step.value;
      let wait: Promise<void> = Promise.resolve();
      // The batch still in flight is invisible to this one: its emails are checked here instead.
      if (last && policy !== 'create') {
        const earlier = last.emails;
        const repeats = batch.emails.filter((email) => email !== null && earlier.has(email)).length;
        if (repeats && policy === 'skip') {
          const keep = batch.emails.map((email) => email === null || !earlier.has(email));
          batch.leads = batch.leads.filter((_, i) => keep[i]);
          batch.emails = batch.emails.filter((_, i) => keep[i]);
          batch.skippedAhead = repeats;
        } else if (repeats) {
          // Updating a lead the batch in flight creates needs that batch committed first.
          wait = last.committed;
        }
      }
      const predecessor: Promise<void> = last?.committed ?? Promise.resolve();
      // Routing decisions go in file order: the batch takes its turn now, as it is read.
      const turn = router?.reserve() ?? null;
      const landed: Promise<void> = wait
        .then((): Promise<void> => commitBatch(db, actor, row, token, batch, turn, router, predecessor, () => stopped))
        .then(() => {
          committed += 1;
          if (options.crashAfterBatches !== undefined && committed >= options.crashAfterBatches) {
            stopped = true;
            throw new Error('Simulated crash');
          }
        });
      // A batch that never ran (the one before it failed) must still let the next one take its turn.
      landed.catch(() => turn?.release());
      if (options.onProgress) {
        const report = options.onProgress;
        landed.then(() => getImport(db, actor, id).then(report)).catch(() => {});
      }
      beforeLast = predecessor;
      last = { committed: landed, emails: new Set(batch.emails.filter((email): email is string => email !== null)) };
    }
    await beforeLast;
    await last?.committed;
  } catch (error) {
    stopped = true;
    await Promise.allSettled([beforeLast, last?.committed]);
    throw error;
  } finally {
    // A batch read ahead and never taken must not fail unheard.
    next.catch(() => {});
    await batches.return(undefined);
  }
  const done = await db.transaction(async (tx) => {
    const [finished] = await tx
      .update(imports)
      .set({ status: 'completed', claimToken: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(importById(orgId, id), eq(imports.claimToken, token), eq(imports.status, 'running')))
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

type BatchContext = Parameters<typeof leadFromRow>[1] & {
  score: Awaited<ReturnType<typeof newLeadScorer>>;
  place: Awaited<ReturnType<typeof territoryPlacer>>;
};

async function* readBatches(path: string, row: ImportRow, context: BatchContext, batchSize: number): AsyncGenerator<Batch> {
  const reader = new CsvReader({ delimiter: row.delimiter, encoding: row.encoding as CsvEncoding, offset: row.resumeOffset, line: row.resumeLine, countBreaksInCells: row.format !== 'xlsx' });
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
        else {
          const lead = verdict.lead;
          const { score, explanation } = context.score(lead);
          batch.leads.push(leadLoadLine({ ...lead, custom: lead.custom && JSON.stringify(lead.custom), line: item.line, id: newId(), score, scoreExplanation: explanation, territoryId: context.place(lead) }));
          batch.emails.push(verdict.lead.email);
        }
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

const emptyBatch = (offset: number, line: number): Batch => ({ startOffset: offset, leads: [], emails: [], skippedAhead: 0, rejections: [], processed: 0, offset, line });

const REJECTION_COLUMNS = ['org_id', 'import_id', 'line', 'reason', 'cells'] as const;

async function commitBatch(
  db: Db,
  actor: Actor,
  row: ImportRow,
  token: string,
  batch: Batch,
  turn: ReturnType<ImportRouter['reserve']> | null,
  router: ImportRouter | null,
  predecessor: Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  try {
    await loadAndCheckpoint(db, actor, row, token, batch, turn, router, predecessor, stopped);
  } finally {
    turn?.release();
  }
}

async function loadAndCheckpoint(
  db: Db,
  actor: Actor,
  row: ImportRow,
  token: string,
  batch: Batch,
  turn: ReturnType<ImportRouter['reserve']> | null,
  router: ImportRouter | null,
  predecessor: Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  await inBulkTransaction(db, async (session) => {
    // Safe to lose on a crash: the checkpoint commits with the rows, so a batch whose commit did
    // not reach the disk is read again from the file. Saves a WAL flush per batch.
    if (session.kind === 'postgres') await session.query('SET LOCAL synchronous_commit = off');
    const assignOwners: OwnerAssigner | undefined = turn ? (s, leads) => turn.assign(s, leads) : undefined;
    const loaded = await loadLeadBatch(session, actor, batch.leads, row.dedupePolicy as DedupePolicy, { ownerId: row.defaultOwnerId, source: row.defaultSource }, assignOwners);
    if (batch.rejections.length) {
      const lines = batch.rejections.map((r) => `${row.orgId}\t${row.id}\t${r.line}\t${copyText(r.reason)}\t${copyText(JSON.stringify(r.cells))}\n`).join('');
      await session.copyRows('import_rejections', REJECTION_COLUMNS, lines);
    }
    await predecessor;
    if (stopped()) throw new ImportStopped('The run is stopping');
    await router?.saveRotations(session);
    // The checkpoint moves with the rows. It only moves from where this run started the batch,
    // and only while the run still holds a running import: a cancel, or a run that took over a
    // quiet import, makes this batch roll back whole.
    const moved = await session.query(
      `UPDATE imports SET processed = processed + $5, inserted = inserted + $6, updated = updated + $7, skipped = skipped + $8, rejected = rejected + $9,
          resume_offset = $10, resume_line = $11, heartbeat_at = now(), updated_at = now()
        WHERE org_id = $1 AND id = $2 AND claim_token = $3 AND resume_offset = $4 AND status = 'running' RETURNING id`,
      [row.orgId, row.id, token, batch.startOffset, batch.processed, loaded.inserted, loaded.updated, loaded.skipped + batch.skippedAhead, batch.rejections.length, batch.offset, batch.line],
    );
    if (moved.length === 0) throw new ImportStopped('The import was cancelled or taken over');
  });
}
