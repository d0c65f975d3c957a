import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { Database, Db } from '../../src/core/db.ts';
import * as schema from '../../src/core/schema.ts';

export type QueryPlan = {
  /** The SQL the service sent (the last statement of the call). */
  sql: string;
  plan: string;
  /** Indexes the plan reads. */
  indexes: string[];
  /** A Sort node means the order did not come from an index: every matching row gets sorted. */
  sorts: boolean;
  /** The median execution time of a few EXPLAIN ANALYZE runs (the first warms the cache). */
  executionMs: number;
};

/**
 * Runs a service call on a copy of the connection that records its SQL, then EXPLAIN ANALYZEs
 * the last statement — the plan of the query the app really sends, not a hand-written lookalike.
 */
export async function explainServiceCall(database: Database, call: (db: Db) => Promise<unknown>, runs = 5): Promise<QueryPlan> {
  const statements: { sql: string; params: unknown[] }[] = [];
  const logger = { logQuery: (sql: string, params: unknown[]) => statements.push({ sql, params }) };
  const recording = (
    database.pglite ? drizzlePglite(database.pglite, { schema, logger }) : drizzlePg(database.pool!, { schema, logger })
  ) as unknown as Db;
  await call(recording);
  const last = statements.at(-1);
  if (!last) throw new Error('The service call sent no SQL');
  let plan = '';
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { rows } = await database.executeSql(`explain (analyze, buffers) ${last.sql}`, last.params);
    plan = rows.map((row) => String(row['QUERY PLAN'])).join('\n');
    times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN));
  }
  times.sort((a, b) => a - b);
  return {
    sql: last.sql,
    plan,
    indexes: [...new Set([...plan.matchAll(/(?:Index|Index Only) Scan(?: Backward)? using (\S+)|Bitmap Index Scan on (\S+)/g)].map((m) => m[1] ?? m[2]!))],
    sorts: /^\s*(?:->\s*)?(?:Incremental )?Sort\b/m.test(plan),
    executionMs: times[Math.floor(times.length / 2)]!,
  };
}
