import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/core/db.ts';
import { migrate } from '../../src/core/migrate.ts';
import { deferCleanup } from './cleanup.ts';
import type { DatabaseKind } from './suite.ts';

export const DEFAULT_POSTGRES_URL = 'postgres://root@127.0.0.1:5432/test';
const postgresUrl = () => process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;

export const DATABASE_LABELS: Record<DatabaseKind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };

/**
 * A fresh, migrated database that exists only for one benchmark. `database` is open for loading
 * data; `release()` closes it so a server process can take over (PGlite is one process per data
 * directory); `drop()` deletes it.
 */
export type BenchDatabase = {
  kind: DatabaseKind;
  label: string;
  database: Database;
  /** What a `leadflow start` child needs in its environment to serve this database. */
  serverEnv: Record<string, string>;
  release: () => Promise<void>;
  drop: () => Promise<void>;
};

/** Says why PostgreSQL cannot be used (unreachable, no CREATE DATABASE right), or null if it can. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ can: boolean }>('select rolcreatedb or rolsuper as can from pg_roles where rolname = current_user');
    return rows[0]?.can ? null : `the role in ${redacted(postgresUrl())} may not CREATE DATABASE`;
  } catch (error) {
    return `PostgreSQL unreachable at ${redacted(postgresUrl())} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function postgresVersion(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createBenchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  return kind === 'pglite' ? createPgliteDatabase() : createPostgresDatabase();
}

async function createPgliteDatabase(): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-bench-'));
  const remove = deferCleanup(() => rm(dataDir, { recursive: true, force: true }));
  const database = await openDatabase({ dataDir }).catch(async (error: unknown) => {
    await remove();
    throw error;
  });
  return finishCreating('pglite', database, { LEADFLOW_DATA_DIR: dataDir }, remove);
}

async function createPostgresDatabase(): Promise<BenchDatabase> {
  const adminUrl = postgresUrl();
  const name = `leadflow_bench_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const remove = deferCleanup(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() }).catch(async (error: unknown) => {
    await remove();
    throw error;
  });
  return finishCreating('postgres', database, { DATABASE_URL: url.toString() }, remove);
}

async function finishCreating(kind: DatabaseKind, database: Database, serverEnv: Record<string, string>, remove: () => Promise<void>): Promise<BenchDatabase> {
  let open = true;
  const release = async () => {
    if (!open) return;
    open = false;
    await database.close();
  };
  const drop = deferCleanup(async () => {
    await release();
    await remove();
  });
  try {
    await migrate(database);
  } catch (error) {
    await drop();
    throw error;
  }
  return { kind, label: DATABASE_LABELS[kind], database, serverEnv, release, drop };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const redacted = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
