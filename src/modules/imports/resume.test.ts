import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testDatabaseKind } from '../../../test/helpers.ts';
import { systemActor } from '../../core/actor.ts';
import type { Database } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { startJobs } from '../../core/jobs.ts';
import { createMailer } from '../../core/mailer.ts';
import { testConfig } from '../../../test/helpers.ts';
import { createOrganization } from '../orgs/service.ts';
import { claimImport, ImportStopped, releaseQuietImports, runImport } from './run.ts';
import { createImport, getImport, rejectionsCsv, uploadPath } from './service.ts';
import { parseCsv } from './testing.ts';
import { startImportWorkers } from './workers.ts';
import type { DedupePolicy } from './model.ts';

// Interrupted imports: each row must end up imported exactly once, and each bad row rejected once.

const database = await openTestDatabase();
const db = database.db;
const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-resume-'));
after(async () => {
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
});

let orgCount = 0;
async function newOrgActor() {
  orgCount += 1;
  const org = await createOrganization(db, { name: `Resume ${process.pid} ${orgCount}`, admin: { email: `resume-${process.pid}-${orgCount}-${Date.now()}@leadflow.test`, name: 'Ada', password: 'correct horse battery staple' } });
  return { ...systemActor(org.orgId, org.adminId), role: 'admin' as const };
}

/** Rows 1..n (lines 2..), every 7th with a bad email, every 11th with a two-line note, every 13th repeating an earlier email. */
function prospectList(n: number): { csv: string; good: number; bad: number; repeats: number } {
  const lines = ['First Name,Email,Company,Notes'];
  let bad = 0;
  let repeats = 0;
  for (let i = 1; i <= n; i += 1) {
    const email = i % 7 === 0 ? `broken-${i}` : i % 13 === 0 ? `p${i - 1}@prospects.test` : `p${i}@prospects.test`;
    if (i % 7 === 0) bad += 1;
    else if (i % 13 === 0 && (i - 1) % 7 !== 0) repeats += 1;
    lines.push(`P${i},${email},Co ${i},${i % 11 === 0 ? '"first line\nsecond line"' : ''}`);
  }
  return { csv: `${lines.join('\n')}\n`, good: n - bad, bad, repeats };
}

async function newImport(actor: ReturnType<typeof systemActor>, csv: string, dedupePolicy: DedupePolicy) {
  const id = newId();
  const storedPath = uploadPath(actor.orgId, id);
  await mkdir(join(dataDir, 'uploads', actor.orgId), { recursive: true });
  await writeFile(join(dataDir, storedPath), csv);
  return createImport(db, actor, dataDir, { id, fileName: 'prospects.csv', storedPath, dedupePolicy });
}

async function leadCounts(orgId: string): Promise<{ leads: number; emails: number }> {
  const { rows } = await database.executeSql(`select count(*)::int as leads, count(distinct lower(email))::int as emails from leads where org_id = $1 and email is not null`, [orgId]);
  return rows[0] as { leads: number; emails: number };
}

async function rejectedLines(actor: ReturnType<typeof systemActor>, id: string): Promise<number[]> {
  let text = '';
  for await (const part of rejectionsCsv(db, actor, id)) text += part;
  return parseCsv(text)
    .slice(1)
    .map((row) => Number(row[0]));
}

describe('an interrupted import, resumed', () => {
  test('imports every row exactly once after a crash between batches', async () => {
    const actor = await newOrgActor();
    const list = prospectList(2_000);
    const view = await newImport(actor, list.csv, 'create');
    assert.ok(await claimImport(db, actor.orgId, view.id, 'first-run'));
    await assert.rejects(runImport(db, dataDir, actor.orgId, view.id, 'first-run', { batchSize: 300, crashAfterBatches: 3 }), /Simulated crash/);
    const halfway = await getImport(db, actor, view.id);
    assert.equal(halfway.status, 'running');
    assert.equal(halfway.processed, 900);
    assert.ok(halfway.percent > 0 && halfway.percent < 100);
    assert.equal((await leadCounts(actor.orgId)).leads, halfway.inserted);

    // The run died holding the claim; a new run may take the import only once it is let go.
    assert.equal(await claimImport(db, actor.orgId, view.id, 'second-run'), null);
    await releaseQuietImports(db, true);
    assert.ok(await claimImport(db, actor.orgId, view.id, 'second-run'));
    const done = await runImport(db, dataDir, actor.orgId, view.id, 'second-run', { batchSize: 300 });

    assert.equal(done.status, 'completed');
    assert.deepEqual([done.processed, done.inserted, done.rejected], [2_000, list.good, list.bad]);
    const counts = await leadCounts(actor.orgId);
    assert.equal(counts.leads, list.good, 'no row lost, none doubled');
    const lines = await rejectedLines(actor, view.id);
    assert.equal(lines.length, list.bad);
    assert.equal(new Set(lines).size, list.bad);
    // Row i sits on line i + 1, plus one for each two-line note before it.
    const lineOf = (i: number) => i + 1 + Math.floor((i - 1) / 11);
    assert.deepEqual(lines.slice(0, 3), [lineOf(7), lineOf(14), lineOf(21)]);
  });

  test('duplicates are found across batches and across the restart', async () => {
    const actor = await newOrgActor();
    const list = prospectList(1_000);
    const view = await newImport(actor, list.csv, 'skip');
    await claimImport(db, actor.orgId, view.id, 'a');
    await assert.rejects(runImport(db, dataDir, actor.orgId, view.id, 'a', { batchSize: 100, crashAfterBatches: 5 }));
    await releaseQuietImports(db, true);
    await claimImport(db, actor.orgId, view.id, 'b');
    const done = await runImport(db, dataDir, actor.orgId, view.id, 'b', { batchSize: 100 });
    assert.deepEqual([done.inserted, done.skipped, done.rejected], [list.good - list.repeats, list.repeats, list.bad]);
    const counts = await leadCounts(actor.orgId);
    assert.equal(counts.leads, counts.emails, 'one lead per email');
  });

  test('a repeat of a row in the batch still loading is a duplicate too', async () => {
    // Batches of three: rows 4 and 7 repeat rows of the batch before theirs, which is still in flight.
    const csv = 'First Name,Email,Company,Title\nA,a@dup.test,A,\nB,b@dup.test,B,\nC,c@dup.test,C,\nA2,A@DUP.test,,Boss\nD,d@dup.test,D,\nE,e@dup.test,E,\nD2,d@dup.test,,Chief\nF,f@dup.test,F,\n';
    for (const policy of ['skip', 'update'] as const) {
      const actor = await newOrgActor();
      const view = await newImport(actor, csv, policy);
      await claimImport(db, actor.orgId, view.id, 'run');
      const done = await runImport(db, dataDir, actor.orgId, view.id, 'run', { batchSize: 3 });
      assert.deepEqual([done.inserted, done.skipped, done.updated], policy === 'skip' ? [6, 2, 0] : [6, 0, 2], policy);
      const counts = await leadCounts(actor.orgId);
      assert.deepEqual(counts, { leads: 6, emails: 6 }, policy);
      const { rows } = await database.executeSql(`select title from leads where org_id = $1 and email in ('a@dup.test', 'd@dup.test') order by email`, [actor.orgId]);
      assert.deepEqual(rows.map((r) => r.title), policy === 'skip' ? [null, null] : ['Boss', 'Chief'], policy);
    }
  });

  test('a run whose import was taken over or cancelled commits nothing more', async () => {
    const actor = await newOrgActor();
    const view = await newImport(actor, prospectList(500).csv, 'create');
    await claimImport(db, actor.orgId, view.id, 'slow-run');
    // The slow run looked dead and a sweep let it go; another run took the import.
    await releaseQuietImports(db, true);
    await claimImport(db, actor.orgId, view.id, 'new-run');
    await assert.rejects(runImport(db, dataDir, actor.orgId, view.id, 'slow-run', { batchSize: 100 }), ImportStopped);
    await db.execute(sql`update imports set status = 'cancelled' where id = ${view.id}`);
    await assert.rejects(runImport(db, dataDir, actor.orgId, view.id, 'new-run', { batchSize: 100 }), ImportStopped);
    assert.equal((await leadCounts(actor.orgId)).leads, 0);
  });

  test('a restarted server resumes an import whose run died', async () => {
    const actor = await newOrgActor();
    const list = prospectList(600);
    const view = await newImport(actor, list.csv, 'create');
    await claimImport(db, actor.orgId, view.id, 'dead-server');
    await assert.rejects(runImport(db, dataDir, actor.orgId, view.id, 'dead-server', { batchSize: 200, crashAfterBatches: 1 }));
    // Its last sign of life is long gone (PostgreSQL waits for that; PGlite knows at start).
    await db.execute(sql`update imports set heartbeat_at = now() - interval '1 hour' where id = ${view.id}`);
    const jobs = await startJobs(database, { pollingIntervalSeconds: 0.5 });
    try {
      const config = testConfig({ LEADFLOW_DATA_DIR: dataDir });
      await startImportWorkers({ db, jobs, config, mailer: createMailer(config, () => {}), log: () => {} });
      const deadline = Date.now() + 30_000;
      let current = await getImport(db, actor, view.id);
      while (current.status === 'running' && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 100));
        current = await getImport(db, actor, view.id);
      }
      assert.equal(current.status, 'completed');
      assert.equal((await leadCounts(actor.orgId)).leads, list.good);
    } finally {
      await jobs.stop();
    }
  });
});

const bin = fileURLToPath(new URL('../../../bin/leadflow.mjs', import.meta.url));

describe('kill -9 of the CLI half way through an import', () => {
  test('the resumed import ends with each row imported once', { timeout: 240_000 }, async () => {
    const actor = await newOrgActor();
    const rows = 40_000;
    const file = join(dataDir, 'big.csv');
    await writeFile(file, `Email,Company\n${Array.from({ length: rows }, (_, i) => `k${i}@kill.test,Co ${i}`).join('\n')}\n`);

    // PGlite is one process per data directory: the child gets a directory of its own.
    let env: Record<string, string>;
    let cliDatabase: Database = database;
    let orgId = actor.orgId;
    const cliDir = await mkdtemp(join(tmpdir(), 'leadflow-kill-'));
    after(() => rm(cliDir, { recursive: true, force: true }));
    if (testDatabaseKind === 'pglite') {
      const { openDatabase } = await import('../../core/db.ts');
      const { migrate } = await import('../../core/migrate.ts');
      cliDatabase = await openDatabase({ dataDir: cliDir });
      await migrate(cliDatabase);
      const org = await createOrganization(cliDatabase.db, { name: 'Kill', admin: { email: 'kill@leadflow.test', name: 'K', password: 'correct horse battery staple' } });
      orgId = org.orgId;
      await cliDatabase.close();
      env = { LEADFLOW_DATA_DIR: cliDir };
    } else {
      env = { LEADFLOW_DATA_DIR: cliDir, DATABASE_URL: (database.pool as unknown as { options: { connectionString: string } }).options.connectionString };
    }
    const run = (args: string[], killAfterProgress: boolean) =>
      new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) => {
        const childEnv: Record<string, string | undefined> = { ...process.env, ...env, LOG_LEVEL: 'silent' };
        // The PGlite pass may run where DATABASE_URL is set (for the PostgreSQL pass): not for this child.
        if (testDatabaseKind === 'pglite') delete childEnv.DATABASE_URL;
        const child = spawn(process.execPath, [bin, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        const onData = (chunk: Buffer) => {
          output += chunk;
          const progress = /\| (\d+) rows \|/.exec(output.split('\n').findLast((l) => l.includes(' rows |')) ?? '');
          if (killAfterProgress && progress && Number(progress[1]) > 0) child.kill('SIGKILL');
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('close', (code, signal) => resolve({ code, signal, output }));
      });

    const first = await run(['import', 'leads', file, '--org', orgId, '--dedupe', 'create'], true);
    assert.equal(first.signal, 'SIGKILL', first.output);
    const id = /resume it with: leadflow import resume (\S+)/.exec(first.output)?.[1];
    assert.ok(id, first.output);

    const resumed = await run(['import', 'resume', id, '--org', orgId, '--force'], false);
    assert.equal(resumed.code, 0, resumed.output);
    assert.match(resumed.output, new RegExp(`Import ${id} completed: ${rows} rows, ${rows} new leads`));

    const check = testDatabaseKind === 'pglite' ? await (await import('../../core/db.ts')).openDatabase({ dataDir: cliDir }) : database;
    try {
      const { rows: counted } = await check.executeSql(`select count(*)::int as leads, count(distinct email)::int as emails from leads where org_id = $1`, [orgId]);
      assert.deepEqual(counted[0], { leads: rows, emails: rows });
    } finally {
      if (check !== database) await check.close();
    }
  });
});
