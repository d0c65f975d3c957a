// The rule that lets Leadflow move onto Citus (distributed by org_id) and keeps one org's data out
// of another's reach, checked on the SQL the app really sends: every statement that touches a
// business table names org_id (in its filter, join or insert columns). The app is driven through
// every GET route, every signed-in POST route and a rep's working day; each statement is recorded.
// A statement that breaks the rule fails CI unless it is a listed cross-org lookup, with the reason.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { Database, Db } from '../src/core/db.ts';
import * as schema from '../src/core/schema.ts';
import { buildApp } from '../src/http/app.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { callerWithKey, openTestDatabase, PASSWORD, signIn, testConfig } from './helpers.ts';

// Lookups that must find their org first (a token or an email is all the request carries), and
// maintenance that spans every org by design. Each matches the statement's text.
const CROSS_ORG: { pattern: RegExp; why: string }[] = [
  { pattern: /from "api_keys" .*where \("api_keys"\."token_hash" = \$1/s, why: 'a bearer key carries only its token (global unique index api_keys_token_key)' },
  { pattern: /from "sessions" .*where \("sessions"\."id" = \$1/s, why: 'the session cookie carries only its token; the session id is its hash' },
  { pattern: /from "users" where lower\("users"\."email"\) = \$1/s, why: 'sign-in is by email alone across the installation (users_email_key)' },
  { pattern: /from "email_user_settings" .*"imap_host" is not null/s, why: 'the reply poller, a background job, sweeps the mailboxes of every org' },
];

const businessTables = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => value instanceof PgTable)
  .map((table) => getTableConfig(table))
  .filter((table) => !table.schema && table.columns.some((column) => column.name === 'org_id'))
  .map((table) => table.name);
// A table is touched when it follows FROM, JOIN, UPDATE, INTO or DELETE FROM, quoted or not.
const touches = new RegExp(`\\b(?:from|join|update|into)\\s+"?(${businessTables.join('|')})"?(?=[\\s,;)(]|$)`, 'i');

// An insert names org_id among its columns; anything else filters by it (a join on it alone is not a filter).
const scoped = (statement: string) =>
  /^\s*insert\b/i.test(statement) ? /^\s*insert\s+into\s+"?\w+"?\s*\([^)]*\borg_id\b/i.test(statement) : /\bwhere\b[\s\S]*\borg_id\b/i.test(statement);

const statements: string[] = [];
const base = await openTestDatabase();
const logger = { logQuery: (query: string) => statements.push(query) };
const recordingDb = (base.pglite ? drizzlePglite(base.pglite, { schema, logger }) : drizzlePg(base.pool!, { schema, logger })) as unknown as Db;
const database: Database = {
  ...base,
  db: recordingDb,
  executeSql: (text, values) => {
    statements.push(text);
    return base.executeSql(text, values);
  },
};
const app = await buildApp({ database, config: testConfig(), logger: false });
await app.ready();
after(async () => {
  await app.close();
  await base.close();
});

test('every statement the app sends on a business table is scoped by org_id', { timeout: 180_000 }, async () => {
  const email = `scoped-${process.pid}@leadflow.test`;
  await createOrganization(database.db, { name: 'Scoped', admin: { email, name: 'Ada', password: PASSWORD } });
  const admin = await signIn(app, email);
  const rep = await admin.post('/api/v1/users', { email: `rep-${process.pid}@leadflow.test`, name: 'Rey', role: 'rep', password: PASSWORD });
  assert.equal(rep.statusCode, 201, rep.body);
  const repCaller = callerWithKey(app, { userId: rep.json().id, orgId: admin.orgId, email: '' }, (await signIn(app, `rep-${process.pid}@leadflow.test`)).key);

  // A rep's day: leads, a timeline, calls, a note, a deal moved, the home page and a chart.
  const lead = (await repCaller.post('/api/v1/leads', { firstName: 'Lia', lastName: 'Lind', email: 'lia@lind.example', company: 'Lind AB' })).json();
  await repCaller.get(`/api/v1/leads/${lead.id}/timeline`);
  await repCaller.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', durationSeconds: 120 });
  await repCaller.post(`/api/v1/leads/${lead.id}/notes`, { body: 'Wants a demo' });
  await repCaller.get('/api/v1/leads?q=lind');
  const account = (await admin.post('/api/v1/accounts', { name: 'Lind AB' })).json();
  const pipelines = (await admin.get('/api/v1/pipelines')).json();
  const pipeline = (pipelines.data ?? pipelines)[0];
  const deal = await admin.post('/api/v1/opportunities', { name: 'Lind pilot', accountId: account.id, pipelineId: pipeline?.id, amount: 100000, currency: 'EUR', closeDate: '2026-12-31' });
  const stages = (pipeline?.stages ?? []) as { id: string }[];
  if (deal.statusCode === 201 && stages[1]) await admin.post(`/api/v1/opportunities/${deal.json().id}/move`, { stageId: stages[1].id });

  // Every GET route: with the ids made above where the route names one.
  const ids: Record<string, string> = { leads: lead.id, accounts: account.id, opportunities: deal.statusCode === 201 ? deal.json().id : lead.id, users: admin.userId, pipelines: pipeline?.id ?? lead.id };
  const fill = (url: string) =>
    url.replace(/\/([a-z-]+)\/:[A-Za-z]+/g, (_match, resource: string) => `/${resource}/${ids[resource] ?? '01900000-0000-7000-8000-00000000abcd'}`).replace(/:[A-Za-z]+/g, '01900000-0000-7000-8000-00000000abcd').replace('*', 'anything');
  for (const route of app.apiRoutes.filter((r) => r.method === 'GET' && !r.public)) await admin.get(fill(route.url));
  // Every signed-in POST, with an empty body: handlers that look records up before refusing still query.
  for (const route of app.apiRoutes.filter((r) => r.method === 'POST' && !r.public)) await admin.post(fill(route.url), {});

  const offending = new Map<string, number>();
  let checked = 0;
  for (const statement of statements) {
    if (!touches.test(statement)) continue;
    checked += 1;
    if (scoped(statement)) continue;
    if (CROSS_ORG.some((allowed) => allowed.pattern.test(statement))) continue;
    const text = statement.replace(/\s+/g, ' ').slice(0, 300);
    offending.set(text, (offending.get(text) ?? 0) + 1);
  }
  const unused = CROSS_ORG.filter((allowed) => !statements.some((statement) => touches.test(statement) && !scoped(statement) && allowed.pattern.test(statement)));
  assert.deepEqual(unused.map((allowed) => allowed.why), [], 'listed cross-org lookups the app no longer sends: remove them');
  assert.ok(checked > 500, `only ${checked} statements on business tables were recorded`);
  assert.deepEqual([...offending.keys()], [], `statements on business tables without org_id:\n${[...offending.keys()].join('\n')}`);
});
