import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../../core/db.ts';
import { AppError } from '../../core/errors.ts';
import { addUser, newOrg, openTestDatabase, PASSWORD, startTestApp, testDatabaseKind } from '../../../test/helpers.ts';
import { seedDemo } from '../demo/service.ts';
import { createOrganization } from '../orgs/service.ts';
import { restoreBackup, TRIGGER_KEPT, writeBackup } from './service.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Backup');
const rep = await addUser(t, admin, 'rep');

// Records that exercise the awkward corners: quotes, newlines, emoji, NULLs, jsonb, soft deletes,
// a parent account, a team, a stored idempotent answer, sessions and API keys.
const team = await admin.post('/api/v1/teams', { name: 'Inside Sales "Nord"' });
assert.equal(team.statusCode, 201, team.body);
const tricky = await admin.post(
  '/api/v1/leads',
  { firstName: 'Zoë', lastName: `O'Neil "the 2nd"`, email: 'zoe@example.test', company: 'Ümlaut & Co', notes: 'line 1\nline 2\t\\ 🚀', employeeCount: 42, country: 'de', ownerId: rep.userId },
  { 'idempotency-key': 'lead-zoe' },
);
assert.equal(tricky.statusCode, 201, tricky.body);
const gone = (await admin.post('/api/v1/leads', { company: 'Deleted Ltd' })).json();
assert.equal((await admin.del(`/api/v1/leads/${gone.id}`)).statusCode, 204);
const parent = (await admin.post('/api/v1/accounts', { name: 'Parent Group', domain: 'parent.test' })).json();
const child = (await admin.post('/api/v1/accounts', { name: 'Child GmbH', parentAccountId: parent.id, country: 'DE' })).json();
assert.equal((await admin.post('/api/v1/contacts', { accountId: child.id, firstName: 'Kai', lastName: 'Ng', email: 'kai@child.test' })).statusCode, 201);

/** Every row of the org in every table that has an org_id column, as the database prints it. */
async function exportOrg(database: Database, orgId: string): Promise<Record<string, string[]>> {
  // Asked of the database itself, not of the code under test: a table the backup misses shows up here.
  const tables = (
    await database.executeSql(`select table_name from information_schema.columns where column_name = 'org_id' and table_schema = 'public' order by 1`)
  ).rows.map((row) => String(row.table_name));
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local time zone 'UTC'`);
    const rows = async (query: ReturnType<typeof sql>) => ((await tx.execute(query)) as unknown as { rows: { r: string }[] }).rows.map((row) => row.r);
    const result: Record<string, string[]> = { organizations: await rows(sql`select to_jsonb(o)::text as r from organizations o where id = ${orgId}`) };
    for (const table of tables) {
      result[table] = await rows(sql`select to_jsonb(t)::text as r from ${sql.identifier(table)} t where org_id = ${orgId} order by 1`);
    }
    return result;
  });
}

async function backupOf(database: Database, orgId: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeBackup(database, orgId, sink);
  return Buffer.concat(chunks);
}

const lines = (file: Buffer) => gunzipSync(file).toString('utf8').trimEnd().split('\n');
const restoreFrom = (database: Database, file: Buffer, replace = false) => restoreBackup(database, Readable.from(file), { replace });

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => assert.fail('the restore should have been refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, String(error));
  return error;
}

const demo = await seedDemo(t.database, () => {});
const demoOrgId = demo.orgId!;
// One fresh database (PGlite takes seconds to start) that the tests restore different orgs into.
const target = await openTestDatabase();
after(() => target.close());

describe(`backup and restore (${testDatabaseKind})`, () => {
  test('the admin downloads a backup that restores into a fresh database with nothing lost', async () => {
    const res = await admin.request({ method: 'GET', url: '/api/v1/backup' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/gzip');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="leadflow-backup-.*\.ndjson\.gz"$/);
    const file = res.rawPayload;
    const header = JSON.parse(lines(file)[0]!);
    assert.equal(header.orgId, admin.orgId);

    const before = await exportOrg(t.database, admin.orgId);
    for (const table of Object.keys(before)) {
      // Trigger-kept rollups are rebuilt from their sources on restore; the comparison below checks them.
      if (TRIGGER_KEPT.has(table)) continue;
      assert.ok(header.tables.some((entry: { name: string }) => entry.name === table), `the backup covers ${table}`);
    }
    for (const table of ['users', 'teams', 'leads', 'accounts', 'contacts', 'audit_log', 'sessions', 'api_keys', 'idempotency_keys']) {
      assert.ok(before[table]!.length > 0, `the fixture has rows in ${table}`);
    }
    const summary = await restoreFrom(target, file);
    assert.equal(summary.orgId, admin.orgId);
    const restored = await exportOrg(target, admin.orgId);
    assert.deepEqual(restored, before, 'every row of every table comes back exactly, generated search columns included');
    assert.ok(restored.audit_log!.some((row) => row.includes('"action": "backup"')), 'the download was audited, before its snapshot');
  });

  test('a large org restores in batches, identical table by table', async () => {
    const file = await backupOf(t.database, demoOrgId);
    assert.ok(lines(file).length > 4000, 'thousands of rows');
    await restoreFrom(target, file);
    assert.deepEqual(await exportOrg(target, demoOrgId), await exportOrg(t.database, demoOrgId));
  });

  const otherKind = testDatabaseKind === 'pglite' ? 'postgres' : 'pglite';
  test(`a backup taken on ${testDatabaseKind} restores on ${otherKind}`, { skip: otherKind === 'postgres' && !process.env.DATABASE_URL ? 'DATABASE_URL is not set' : false }, async () => {
    const file = await backupOf(t.database, admin.orgId);
    const elsewhere = await openTestDatabase(otherKind);
    try {
      await restoreFrom(elsewhere, file);
      assert.deepEqual(await exportOrg(elsewhere, admin.orgId), await exportOrg(t.database, admin.orgId));
    } finally {
      await elsewhere.close();
    }
  });

  test('restoring over an org that is still there is refused, and --replace puts the backup back exactly', async () => {
    const org = await newOrg(t, 'Replace');
    await org.post('/api/v1/leads', { lastName: 'Before' });
    const file = await backupOf(t.database, org.orgId);
    const atBackup = await exportOrg(t.database, org.orgId);
    const later = (await org.post('/api/v1/leads', { lastName: 'After the backup' })).json();

    const refused = await refusal(restoreFrom(t.database, file));
    assert.equal(refused.status, 409);
    assert.match(refused.message, /already exists in this database\. Restore with --replace/);
    assert.equal((await org.get(`/api/v1/leads/${later.id}`)).statusCode, 200, 'nothing was changed');

    const replaced = await restoreFrom(t.database, file, true);
    assert.equal(replaced.replaced, true);
    assert.deepEqual(await exportOrg(t.database, org.orgId), atBackup);
    assert.equal((await org.get(`/api/v1/leads/${later.id}`)).statusCode, 404, 'the lead made after the backup is gone');
  });

  test("a user's email held by another org in the target refuses the whole restore", async () => {
    const org = await newOrg(t, 'Clash');
    const seller = await addUser(t, org, 'rep');
    await org.post('/api/v1/leads', { lastName: 'Kept out' });
    const file = await backupOf(t.database, org.orgId);
    await createOrganization(target.db, { name: 'Squatter', admin: { email: seller.email.toUpperCase(), name: 'Same Email', password: PASSWORD } });
    const counts = 'select (select count(*) from organizations) as orgs, (select count(*) from users) as users, (select count(*) from leads) as leads, (select count(*) from audit_log) as audit';
    const countsBefore = await target.executeSql(counts);
    const refused = await refusal(restoreFrom(target, file));
    assert.equal(refused.status, 409);
    assert.match(refused.message, new RegExp(`The email ${seller.email.replace(/[.+]/g, '\\$&')} already belongs to a user of another organisation`));
    assert.deepEqual((await target.executeSql(counts)).rows, countsBefore.rows, 'nothing of the backup was written');
  });

  test('a damaged, cut-off or edited file is refused and changes nothing', async () => {
    const org = await newOrg(t, 'Edited');
    const file = await backupOf(t.database, org.orgId);
    const text = gunzipSync(file).toString('utf8');
    const before = await exportOrg(t.database, org.orgId);

    const notGzip = await refusal(restoreFrom(t.database, Buffer.from(text), true));
    assert.match(notGzip.message, /not gzipped/);
    const cut = await refusal(restoreFrom(t.database, gzipSync(text.split('\n').slice(0, -3).join('\n')), true));
    assert.match(cut.message, /incomplete or was edited/);
    // A row moved into another tenant must never be written there.
    const intruder = text.replace(/("t":"users","r":\{.*?"org_id": ")[0-9a-f-]{36}/, `$1${admin.orgId}`);
    assert.notEqual(intruder, text);
    const edited = await refusal(restoreFrom(t.database, gzipSync(intruder), true));
    assert.match(edited.message, /belong to another organisation/);
    const alien = await refusal(restoreFrom(t.database, gzipSync(text.replace('"tables":[', '"tables":[{"name":"spaceships","columns":[],"rows":0},')), true));
    assert.match(alien.message, /"spaceships", which this Leadflow version does not have/);

    assert.deepEqual(await exportOrg(t.database, org.orgId), before);
  });

  test('only admins download backups, each only of their own org', async () => {
    assert.equal((await rep.get('/api/v1/backup')).statusCode, 403);
    const writeKey = (await admin.post('/api/v1/api-keys', { name: 'no admin scope', scope: 'write' })).json().key;
    const limited = await t.app.inject({ method: 'GET', url: '/api/v1/backup', headers: { authorization: `Bearer ${writeKey}` } });
    assert.equal(limited.statusCode, 403);
    assert.equal(limited.json().code, 'insufficient_scope');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/backup' })).statusCode, 401);

    const other = await newOrg(t, 'Other');
    const res = await other.get('/api/v1/backup');
    assert.equal(res.statusCode, 200);
    const text = gunzipSync(res.rawPayload).toString('utf8');
    assert.equal(JSON.parse(text.slice(0, text.indexOf('\n'))).orgId, other.orgId);
    assert.ok(!text.includes(admin.orgId) && !text.includes(rep.email), "no row of the first org is in the other org's backup");
  });
});
