// kill -9 of `leadflow start` in the middle of background and bulk work: a sequence tick handing
// emails to SMTP, a CSV import, a bulk reassignment. After a restart nothing accepted is lost and
// nothing runs twice: row counts are exact, and the SMTP server receives each email at most once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { systemActor } from '../src/core/actor.ts';
import { openDatabase, type Database } from '../src/core/db.ts';
import { migrate } from '../src/core/migrate.ts';
import { createApiKey } from '../src/modules/auth/service.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { createSequence, enroll } from '../src/modules/sequences/service.ts';
import { createUser } from '../src/modules/users/service.ts';
import { multipart } from '../src/modules/imports/testing.ts';
import { freshStore, startServerProcess, type ServerProcess } from './cli-helpers.ts';
import { testDatabaseKind } from './helpers.ts';
import { startSmtpServer } from './smtp.ts';

const SEQUENCE_LEADS = 1_200; // more than one scheduler batch (1,000): the second is claimed only after the restart
const IMPORT_ROWS = 25_000; // batches of 5,000 (PGlite) or 10,000 (PostgreSQL): the kill lands after the first
const REASSIGN_LEADS = 600;
// On PGlite the first scheduler batch (1,000 steps in one transaction) runs as the server starts, ahead of /readyz.
const READY_TIMEOUT_MS = 120_000;

const smtp = await startSmtpServer();
const store = await freshStore();
const filesDir = mkdtempSync(join(tmpdir(), 'leadflow-crash-'));
const env = {
  ...store.env,
  LEADFLOW_DATA_DIR: store.dataDir ?? filesDir,
  SMTP_URL: smtp.url,
  LEADFLOW_PUBLIC_URL: 'http://leadflow.test',
  LEADFLOW_SECRET_KEY: 'crash-recovery-test-secret-key-0123456789',
};
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop('SIGKILL');
  await smtp.close();
  await store.cleanup();
  rmSync(filesDir, { recursive: true, force: true });
});

/** The server's database opened by the test: on PGlite only while no server runs (one process per data directory). */
async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(store.env.DATABASE_URL ? { databaseUrl: store.env.DATABASE_URL, poolSize: 2 } : { dataDir: store.dataDir });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

const count = async (database: Database, query: string, values: unknown[]) => Number((await database.executeSql(query, values)).rows[0]!.n);

async function insertLeads(database: Database, orgId: string, ownerId: string, n: number, prefix: string): Promise<void> {
  await database.executeSql(
    `insert into leads (org_id, id, first_name, last_name, email, company, status, source, owner_id, created_at, updated_at)
     select $1, gen_random_uuid(), 'Pat', '${prefix} ' || i, '${prefix}' || i || '@crash.example', 'Crash Co ' || i, 'working', 'web', $2, now(), now()
     from generate_series(1, ${n}) i`,
    [orgId, ownerId],
  );
}

// Everything the scenarios need, made before the first start.
const seed = await withDatabase(async (database) => {
  await migrate(database);
  const db = database.db;
  const { orgId, adminId } = await createOrganization(db, { name: 'Crash Test', admin: { email: 'admin@crash.example', name: 'Ada Admin', password: 'correct horse battery staple' } });
  const admin = systemActor(orgId, adminId);
  const { key } = await createApiKey(db, admin, { name: 'crash test', scope: 'admin' });
  const leaving = await createUser(db, admin, { email: 'leaving@crash.example', name: 'Leo Leaving', role: 'rep', password: 'correct horse battery staple' });
  const taking = await createUser(db, admin, { email: 'taking@crash.example', name: 'Tia Taking', role: 'rep', password: 'correct horse battery staple' });
  await insertLeads(database, orgId, adminId, SEQUENCE_LEADS, 'seq');
  await insertLeads(database, orgId, leaving.id, REASSIGN_LEADS, 'move');
  const sequence = await createSequence(db, admin, { name: 'Welcome', steps: [{ channel: 'auto_email', delayDays: 0, subject: 'Hello {{lead.lastName}}', body: 'Welcome aboard' }] });
  const { rows } = await database.executeSql(`select id from leads where org_id = $1 and email like 'seq%' order by id`, [orgId]);
  const enrolled = await enroll(db, admin, sequence.id, rows.map((row) => ({ subjectType: 'lead' as const, subjectId: String(row.id) })));
  assert.equal(enrolled.enrolled.length, SEQUENCE_LEADS);
  await database.executeSql(`update sequence_enrollments set next_due_at = now() - interval '1 minute' where org_id = $1`, [orgId]);
  return { orgId, key, sequenceId: sequence.id, leavingId: leaving.id, takingId: taking.id };
});

const headers = { authorization: `Bearer ${seed.key}` };
const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${server!.url}${path}`, { ...init, headers: { ...headers, ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { data?: Record<string, unknown>[] } };
};

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server?.output().slice(-3000) ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function kill(): Promise<void> {
  assert.equal(await server!.stop('SIGKILL'), 'SIGKILL');
  server = undefined;
}

/** On PostgreSQL, lets the dead process's leases lapse as time would; then starts the server again. */
async function restart(ageLeases?: (database: Database) => Promise<void>): Promise<void> {
  if (ageLeases && testDatabaseKind === 'postgres') await withDatabase(ageLeases);
  server = await startServerProcess(env, [], READY_TIMEOUT_MS);
}

describe(`kill -9 of the server mid-work, then a restart (${testDatabaseKind})`, () => {
  test('mid sequence tick: each due email is sent at most once, and the steps not yet claimed run after the restart', { timeout: 180_000 }, async () => {
    server = await startServerProcess(env, [], READY_TIMEOUT_MS);
    await until('the first sequence email', async () => smtp.inbox.length > 0, 60_000, 5);
    await kill();
    const atKill = smtp.inbox.length;
    assert.ok(atKill < SEQUENCE_LEADS, `the kill came before the tick finished (${atKill} sent)`);
    await restart();
    await until('every enrollment to have run its step', async () => {
      const { body } = await api('/api/v1/sequences');
      const sequence = body.data!.find((s) => s.id === seed.sequenceId)!;
      return sequence.active === 0;
    }, 90_000, 250);
    // Steps are claimed (and their enrollments moved on) before their emails go out.
    await until('the emails of the steps claimed after the restart', async () => smtp.inbox.length > atKill, 60_000, 100);
    const recipients = smtp.inbox.flatMap((mail) => mail.to);
    assert.equal(new Set(recipients).size, recipients.length, 'no address received the email twice');
  });

  let importId = '';
  test('mid import: the import resumes from its last checkpoint and every row lands exactly once', { timeout: 180_000 }, async () => {
    const csv = `First Name,Last Name,Email,Company\n${Array.from({ length: IMPORT_ROWS }, (_, i) => `Ima,Row ${i},import${i}@crash.example,Import Co ${i % 500}`).join('\n')}\n`;
    const upload = multipart([{ name: 'dedupe', value: 'skip' }, { name: 'file', value: csv, fileName: 'prospects.csv' }]);
    const res = await fetch(`${server!.url}/api/v1/imports`, { method: 'POST', headers: { ...headers, ...upload.headers }, body: new Uint8Array(upload.payload) });
    assert.equal(res.status, 202, await res.clone().text());
    importId = ((await res.json()) as { id: string }).id;
    const halfway = await until('the first committed batch', async () => {
      const { body } = await api(`/api/v1/imports/${importId}`);
      return body.status === 'running' && Number(body.processed) > 0 && body;
    });
    await kill();
    await restart(async (database) => {
      // A dead run's heartbeat goes quiet; two minutes later (STALE_AFTER_SECONDS) a sweep takes the import over.
      await database.executeSql(`update imports set heartbeat_at = now() - interval '1 hour' where org_id = $1 and id = $2`, [seed.orgId, importId]);
    });
    assert.ok(Number(halfway.processed) < IMPORT_ROWS, 'the kill came before the import finished');
    const done = await until('the resumed import', async () => {
      const { body } = await api(`/api/v1/imports/${importId}`);
      return body.status !== 'running' && body.status !== 'pending' && body;
    }, 120_000, 250);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual([done.processed, done.inserted, done.rejected], [IMPORT_ROWS, IMPORT_ROWS, 0]);
  });

  let firstAnswer = 0;
  test('mid bulk reassignment: a retry with the same Idempotency-Key finishes the rest, each lead moved once', { timeout: 180_000 }, async () => {
    const request = { method: 'POST', headers: { 'idempotency-key': 'leo-leaves' }, body: JSON.stringify({ fromUserId: seed.leavingId, toUserId: seed.takingId, reason: 'Leo leaves the team', accounts: false }) };
    const first = api('/api/v1/routing/reassign', request).then((r) => (firstAnswer = r.status), () => (firstAnswer = -1));
    await until('the first moved lead', async () => {
      const { body } = await api(`/api/v1/leads?ownerId=${seed.takingId}&limit=1`);
      return body.data!.length > 0;
    }, 60_000, 10);
    await kill();
    await restart(async (database) => {
      // On PostgreSQL other processes may be mid-request, so an unfinished key is taken over only a minute after its claim.
      await database.executeSql(`update idempotency_keys set created_at = now() - interval '2 minutes' where org_id = $1 and key = 'leo-leaves'`, [seed.orgId]);
    });
    await first;
    assert.equal(firstAnswer, -1, 'the first request never got an answer');
    const retry = await api('/api/v1/routing/reassign', request);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    const moved = (retry.body.leads as { moved: number }).moved;
    assert.ok(moved > 0 && moved < REASSIGN_LEADS, `the retry moved only what was left (${moved})`);
    const again = await api('/api/v1/routing/reassign', request);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, retry.body, 'a second retry gets the stored answer');
    const output = server!.output;
    assert.equal(await server!.stop('SIGTERM'), 0, `a clean stop after the retries:\n${output().slice(-3000)}`);
    server = undefined;
  });

  test('after all three kills the database holds each thing exactly once', { timeout: 120_000 }, async () => {
    await server?.stop('SIGTERM');
    server = undefined;
    await withDatabase(async (database) => {
      const org = [seed.orgId];
      // Sequences: one step run and one email row per enrollment; what SMTP received was recorded, never twice.
      assert.equal(await count(database, `select count(*) as n from sequence_step_runs where org_id = $1`, org), SEQUENCE_LEADS);
      assert.equal(await count(database, `select count(*) as n from emails where org_id = $1 and enrollment_id is not null`, org), SEQUENCE_LEADS);
      assert.equal(await count(database, `select count(distinct enrollment_id) as n from emails where org_id = $1 and enrollment_id is not null`, org), SEQUENCE_LEADS);
      const sent = (await database.executeSql(`select to_address from emails where org_id = $1 and status = 'sent'`, org)).rows.map((row) => String(row.to_address));
      const received = new Set(smtp.inbox.flatMap((mail) => mail.to));
      assert.ok(sent.every((address) => received.has(address)), 'every email marked sent reached the SMTP server');
      assert.ok(received.size >= sent.length && received.size <= SEQUENCE_LEADS);
      assert.equal(await count(database, `select count(*) as n from emails where org_id = $1 and status not in ('sent', 'sending', 'failed')`, org), 0);
      if (testDatabaseKind === 'pglite') {
        // The one process on PGlite knows at start that every unconfirmed send was its dead predecessor's: shown as failed, not resent.
        assert.equal(await count(database, `select count(*) as n from emails where org_id = $1 and status = 'sending'`, org), 0);
      }

      // Import: each row once.
      assert.equal(await count(database, `select count(*) as n from leads where org_id = $1 and email like 'import%'`, org), IMPORT_ROWS);
      assert.equal(await count(database, `select count(distinct email) as n from leads where org_id = $1 and email like 'import%'`, org), IMPORT_ROWS);

      // Reassignment: every lead moved, each by one decision and one audited change.
      assert.equal(await count(database, `select count(*) as n from leads where org_id = $1 and owner_id = $2`, [seed.orgId, seed.leavingId]), 0);
      assert.equal(await count(database, `select count(*) as n from leads where org_id = $1 and owner_id = $2`, [seed.orgId, seed.takingId]), REASSIGN_LEADS);
      assert.equal(await count(database, `select count(*) as n from routing_decisions where org_id = $1 and kind = 'reassignment' and previous_owner_id = $2`, [seed.orgId, seed.leavingId]), REASSIGN_LEADS);
      assert.equal(await count(database, `select count(distinct subject_id) as n from routing_decisions where org_id = $1 and kind = 'reassignment'`, org), REASSIGN_LEADS);
      assert.equal(
        await count(database, `select count(*) as n from audit_log where org_id = $1 and entity_type = 'lead' and action = 'update' and after->>'ownerId' = $2`, [seed.orgId, seed.takingId]),
        REASSIGN_LEADS,
      );
      assert.equal(await count(database, `select count(*) as n from idempotency_keys where org_id = $1 and status_code is null`, org), 0, 'no request left in progress');
    });
  });
});
