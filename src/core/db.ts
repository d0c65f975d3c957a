import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
// Both drivers share this type, so repositories run unchanged on PGlite and PostgreSQL.
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs raw SQL; statements without parameters may hold several commands (pg-boss needs that). */
  executeSql: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
  pglite?: PGlite;
  pool?: pg.Pool;
  close: () => Promise<void>;
};

export type DatabaseTarget = {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number;
  /** An in-memory PGlite starts from this dumped data directory (the tests' migrated template). */
  loadDataDir?: Blob | undefined;
};

// PostgreSQL returns bigint counts as strings; every count here fits a JS number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.databaseUrl) return openPostgres(target.databaseUrl, target.poolSize ?? 10);
  return openPglite(target.dataDir, target.loadDataDir);
}

// JIT off: PostgreSQL compiles a query with LLVM once its estimated cost passes jit_above_cost, and
// the record-visibility condition (an OR of sub-selects) inflates report estimates past it. Measured
// on 1,000,000 leads / 200,000 deals: a quarter's deals due, 66,000 index-only rows, took 775 ms
// with JIT (620 ms of it compiling) and 56 ms without. Leadflow's queries are short; none gains.
const POSTGRES_OPTIONS = '-c jit=off';

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // A database that stops answering (a network partition, not a refusal) fails requests after 10 s
  // instead of holding them forever; the same bound applies to waiting for a free connection.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000, options: POSTGRES_OPTIONS });
  // An idle client losing its server (a PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  // Nor may a checked-out one (a transaction holds its client outside pool.query, which has no error
  // listener then): its queries fail with the error and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    pool,
    executeSql: async (text, values) => {
      const result = await pool.query(text, values as unknown[]);
      return { rows: Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows };
    },
    close: () => pool.end(),
  };
}

// PGlite keeps PostgreSQL's shared memory in its WebAssembly heap and touches all of it at start:
// the default 128 MB of shared buffers cost 108 MB of resident memory before any query (378 MB
// against 270 MB for an idle instance). The operating system's page cache holds the data files
// anyway, so 32 MB of buffers is enough for one embedded process; it keeps a server importing a
// million leads under 500 MB. One backend needs few connection slots either.
const PGLITE_SETTINGS = ['shared_buffers=32MB', 'max_connections=10'];

async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<Database> {
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => {};
  let client: PGlite;
  try {
    const options = { extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])], ...(loadDataDir ? { loadDataDir } : {}) };
    client = dataDir ? new PGlite(resolve(dataDir), options) : new PGlite(options);
    await client.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    executeSql: async (text, values) => {
      if (!values || values.length === 0) {
        const results = await client.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      }
      const result = await client.query(text, values);
      return { rows: result.rows as Record<string, unknown>[] };
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

export class DataDirInUseError extends Error {}

// PGlite is one process per data directory; a second opener would corrupt it, so refuse.
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'leadflow.pid');
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (pid && pid !== process.pid && processAlive(pid)) {
      throw new DataDirInUseError(
        `The data directory ${resolve(dataDir)} is in use by process ${pid} (a running Leadflow server?). ` +
          'Stop it first, or use the REST API against the running server.',
      );
    }
  } catch (error) {
    if (error instanceof DataDirInUseError) throw error;
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
