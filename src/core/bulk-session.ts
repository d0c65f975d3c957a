import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from './db.ts';

// Bulk loads (imports) stage rows by COPY, which drizzle does not speak: COPY of a million rows
// runs two orders of magnitude faster than row-by-row INSERT (ARCHITECTURE.md). This gives one
// transaction on one connection with COPY, on both drivers, from the drizzle handle routes have.

export type BulkSession = {
  kind: 'pglite' | 'postgres';
  query: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  /** COPY in text format: one line per row, columns tab-separated, escaped by `copyText`. */
  copyRows: (table: string, columns: readonly string[], lines: string) => Promise<void>;
};

const clientOf = (db: Db): unknown => (db as unknown as { $client: unknown }).$client;

/** Which engine a drizzle handle talks to: PGlite is one process per database, which some recovery relies on. */
export const databaseKindOf = (db: Db): 'pglite' | 'postgres' => (clientOf(db) instanceof PGlite ? 'pglite' : 'postgres');

/** Runs `work` in one transaction with COPY at hand; it commits when `work` resolves. */
export async function inBulkTransaction<T>(db: Db, work: (session: BulkSession) => Promise<T>): Promise<T> {
  const client = clientOf(db);
  if (client instanceof PGlite) {
    return client.transaction(async (tx) =>
      work({
        kind: 'pglite',
        query: async <R,>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
        copyRows: async (table, columns, lines) => {
          await tx.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([lines]) });
        },
      }),
    );
  }
  if (!(client instanceof pg.Pool)) throw new Error('Bulk loads need a PGlite or node-postgres database');
  const connection = await client.connect();
  let broken = false;
  try {
    await connection.query('BEGIN');
    const result = await work({
      kind: 'postgres',
      query: async <R,>(text: string, params?: unknown[]) => (await connection.query(text, params)).rows as R[],
      copyRows: async (table, columns, lines) => {
        await pipeline(Readable.from([Buffer.from(lines)]), connection.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
      },
    });
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    connection.release(broken);
  }
}

/** One value for COPY's text format: \N for null, with backslash, tab and line breaks escaped. */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
