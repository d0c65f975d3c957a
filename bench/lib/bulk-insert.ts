import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../../src/core/db.ts';

// PostgreSQL's wire protocol numbers parameters with 16 bits.
const MAX_PARAMETERS = 65_535;

/**
 * Inserts rows with multi-row INSERT statements built here rather than by drizzle's insert
 * builder, which spends ~250 µs of CPU per 24-column row assembling SQL chunks — 25 s of a
 * 100,000-lead load. Columns and value conversion still come from the drizzle table, so a schema
 * change cannot silently desynchronise the benchmark data.
 */
export async function insertRows<T extends PgTable>(database: Database, table: T, rows: readonly T['$inferInsert'][], batchSize = 2000): Promise<void> {
  const columns = Object.entries(getTableColumns(table)).filter(([, column]) => !column.generated);
  const perStatement = Math.min(batchSize, Math.floor(MAX_PARAMETERS / columns.length));
  const head = `insert into "${getTableName(table)}" (${columns.map(([, column]) => `"${column.name}"`).join(', ')}) values `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows.slice(start, start + perStatement)) {
      const cells = columns.map(([key, column]) => {
        const value = (row as Record<string, unknown>)[key];
        if (value === undefined) return 'default';
        params.push(value === null ? null : column.mapToDriverValue(value));
        return `$${params.length}`;
      });
      tuples.push(`(${cells.join(', ')})`);
    }
    await database.executeSql(head + tuples.join(', '), params);
  }
}
