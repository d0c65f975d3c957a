import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../src/core/schema.ts';

// The rule that lets Citus distribute Leadflow by org_id: every business table carries org_id,
// its primary key starts with it, and every unique index includes it. Exceptions are listed here
// with the reason; a new table that breaks the rule fails CI until it is fixed or listed.
const EXCEPTIONS: Record<string, string> = {
  organizations: 'the tenant root: its id is the org_id (a Citus reference or distributed-by-id table)',
};
const GLOBAL_UNIQUE_INDEXES: Record<string, string> = {
  users_email_key: 'sign-in is by email alone across the installation (a Citus reference lookup)',
  users_invite_token_key: 'an invitation link carries only the token',
  sessions_token_key: 'the session cookie carries only the token',
  api_keys_token_key: 'a bearer key carries only the token',
  booking_pages_slug_key: 'a public booking link (/book/<slug>) carries only the slug (a Citus reference lookup, like sign-in emails)',
};

const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => value instanceof PgTable).map((table) => getTableConfig(table));

test('every business table is keyed by (org_id, …)', () => {
  assert.ok(tables.length >= 8);
  for (const table of tables) {
    if (EXCEPTIONS[table.name] || table.schema) continue;
    const columns = table.columns.map((c) => c.name);
    assert.ok(columns.includes('org_id'), `${table.name} has no org_id column`);
    const orgColumn = table.columns.find((c) => c.name === 'org_id')!;
    assert.ok(orgColumn.notNull, `${table.name}.org_id must be NOT NULL`);
    const primary = table.primaryKeys[0]?.columns.map((c) => c.name) ?? table.columns.filter((c) => c.primary).map((c) => c.name);
    assert.equal(primary[0], 'org_id', `${table.name}'s primary key must start with org_id (is ${primary.join(', ') || 'missing'})`);
  }
});

test('every unique index includes org_id, unless it is a listed global lookup', () => {
  for (const table of tables) {
    if (EXCEPTIONS[table.name]) continue;
    for (const index of table.indexes) {
      if (!index.config.unique || GLOBAL_UNIQUE_INDEXES[index.config.name ?? '']) continue;
      const names = index.config.columns.map((c) => ('name' in c ? c.name : ''));
      assert.ok(names.includes('org_id'), `${table.name}: unique index ${index.config.name} must include org_id`);
    }
  }
});

test('service code filters the business tables it reads by org', () => {
  // A cheap static guard: every service file that selects from, updates or deletes a table
  // mentions orgId (or org_id) — a query without the org filter is the bug this catches.
  const root = new URL('../src/modules/', import.meta.url).pathname;
  for (const module of readdirSync(root)) {
    for (const file of readdirSync(join(root, module))) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'schema.ts' || file === 'model.ts') continue;
      const text = readFileSync(join(root, module, file), 'utf8');
      if (!/\b(db|tx)\s*\.\s*(select|update|delete)\b/.test(text)) continue;
      assert.match(text, /orgId|org_id/, `${module}/${file} queries tables without an org filter`);
    }
  }
});

test('index columns are ascending (PostgreSQL scans them backwards for ORDER BY … DESC)', () => {
  // Drizzle builds a `.desc()` column as DESC NULLS LAST, which a plain `ORDER BY x DESC`
  // (NULLS FIRST) cannot read in order: the list then sorts every match instead of stopping early.
  for (const table of tables) {
    for (const index of table.indexes) {
      for (const column of index.config.columns) {
        const order = 'indexConfig' in column ? (column.indexConfig as { order?: string }).order : undefined;
        const name = 'name' in column ? column.name : '(expression)';
        assert.notEqual(order, 'desc', `${table.name}: index ${index.config.name} declares ${name} DESC`);
      }
    }
  }
});
