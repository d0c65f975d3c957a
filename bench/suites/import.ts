import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { deferCleanup } from '../lib/cleanup.ts';
import { createBenchDatabase, postgresUnavailable, DATABASE_LABELS } from '../lib/databases.ts';
import { FIRST_NAMES, LAST_NAMES, seededRandom } from '../lib/leads.ts';
import { createBenchOrg } from '../lib/org.ts';
import { startBenchServer } from '../lib/server.ts';
import type { BenchResult, DatabaseKind, Suite, SuiteContext, Target } from '../lib/suite.ts';

// Issue #3: a 1,000,000-row CSV imported through the running server (upload, then the background
// import) with duplicates skipped, at 20,000 rows/s or better on PostgreSQL and under 500 MB of
// server memory. The peer anchor, Salesforce's Data Import Wizard, stops at 50,000 records a file.
const SUITE = 'import';
const RATE_TARGET: Target = { metric: 'rows/s', min: 20_000 };
const RSS_TARGET: Target = { metric: 'server peak RSS MB', max: 500 };
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Soylent', 'Tyrell', 'Cyberdyne'];
const STATUSES = ['new', 'New', 'working', 'nurture', ''];

export const importSuite: Suite = {
  name: SUITE,
  description: 'A 1,000,000-row lead CSV uploaded and imported with duplicates skipped (issue #3)',
  async run(context) {
    const rows = context.quick ? 100_000 : 1_000_000;
    const dir = await mkdtemp(join(tmpdir(), 'leadflow-bench-import-'));
    const removeDir = deferCleanup(() => rm(dir, { recursive: true, force: true }));
    try {
      const file = join(dir, 'prospects.csv');
      const started = performance.now();
      const made = await writeProspectList(file, rows);
      context.log(`wrote ${rows.toLocaleString('en')} rows (${Math.round(made.bytes / 1e6)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const results: BenchResult[] = [];
      for (const kind of context.databases) {
        const unavailable = kind === 'postgres' ? await postgresUnavailable() : null;
        if (unavailable) {
          results.push({ suite: SUITE, scenario: 'all scenarios', database: DATABASE_LABELS[kind], metrics: {}, note: `skipped: ${unavailable}` });
          continue;
        }
        results.push(...(await runOn(kind, file, rows, made, context)));
      }
      return results;
    } finally {
      await removeDir();
    }
  },
};

type ListFacts = { bytes: number; duplicates: number; bad: number };

/**
 * A prospect list as list vendors sell them: one row in 200 repeats the email of the row 100
 * before it (upper-cased), one in 500 has a broken email, one in 50 a quoted two-line note.
 * Streamed to disk, never held.
 */
async function writeProspectList(file: string, rows: number): Promise<ListFacts> {
  const random = seededRandom(3);
  const out = createWriteStream(file);
  const emailOf = (i: number) => `prospect.${i}@${COMPANIES[i % COMPANIES.length]!.replace(/\W+/g, '').toLowerCase()}${Math.floor(i / 97)}.test`;
  let duplicates = 0;
  let bad = 0;
  let chunk = 'First Name,Last Name,Email,Company,Job Title,Phone,Country,Lead Status,Notes\n';
  for (let i = 1; i <= rows; i += 1) {
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
    const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]!;
    let email = emailOf(i);
    if (i % 200 === 0) {
      email = emailOf(i - 100).toUpperCase();
      duplicates += 1;
    } else if (i % 500 === 250) {
      email = `${first} at ${COMPANIES[i % COMPANIES.length]}`;
      bad += 1;
    }
    const notes = i % 50 === 0 ? '"Met at the expo, booth 12\nwants a demo"' : '';
    chunk += `${first},${last},${email},"${COMPANIES[i % COMPANIES.length]} ${Math.floor(i / 97)}",VP Sales,+49 30 ${1_000_000 + i},DE,${STATUSES[i % STATUSES.length]},${notes}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { bytes: (await stat(file)).size, duplicates, bad };
}

async function runOn(kind: DatabaseKind, file: string, rows: number, facts: ListFacts, context: SuiteContext): Promise<BenchResult[]> {
  const target = await createBenchDatabase(kind);
  const uploads = await mkdtemp(join(tmpdir(), 'leadflow-bench-uploads-'));
  const removeUploads = deferCleanup(() => rm(uploads, { recursive: true, force: true }));
  try {
    const org = await createBenchOrg(target.database.db, 2);
    await target.release();
    // PGlite keeps uploads in its own data directory; a PostgreSQL server needs one for them.
    const server = await startBenchServer({ LEADFLOW_DATA_DIR: uploads, ...target.serverEnv, LEADFLOW_IMPORT_MAX_MB: '1000' });
    try {
      const headers = { authorization: `Bearer ${org.apiKey}` };
      // CPU seconds, not wall time, say what the import costs on a machine others share.
      const databaseName = target.serverEnv.DATABASE_URL ? new URL(target.serverEnv.DATABASE_URL).pathname.slice(1) : null;
      const databaseCpu = databaseName ? new BackendCpu(databaseName) : null;
      await databaseCpu?.sample();
      const serverCpuAtStart = await server.cpuSeconds();
      // What the server held before the upload: its start (and migrations) against the import's share.
      const rssBefore = await server.peakRssMb();
      const form = new FormData();
      form.set('dedupe', 'skip');
      form.set('file', await openAsBlob(file), 'prospects.csv');
      const uploadStarted = performance.now();
      const response = await fetch(`${server.url}/api/v1/imports`, { method: 'POST', headers, body: form });
      if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      const uploadSeconds = (performance.now() - uploadStarted) / 1000;
      let view = (await response.json()) as {
        id: string;
        status: string;
        processed: number;
        inserted: number;
        skipped: number;
        rejected: number;
        percent: number;
        error: string | null;
        startedAt: string | null;
        finishedAt: string | null;
      };
      context.log(`${target.label}: uploaded in ${uploadSeconds.toFixed(1)} s; importing`);
      let reported = 0;
      while (view.status === 'pending' || view.status === 'running') {
        await new Promise((done) => setTimeout(done, 250));
        await databaseCpu?.sample();
        try {
          view = (await (await fetch(`${server.url}/api/v1/imports/${view.id}`, { headers, signal: AbortSignal.timeout(60_000) })).json()) as typeof view;
        } catch (error) {
          // After the import the worker scores the new leads; on PGlite that can keep a request waiting.
          context.log(`${target.label}: progress poll failed (${(error as Error).message}); asking again`);
        }
        if (view.percent >= reported + 10) {
          reported = view.percent - (view.percent % 10);
          context.log(`${target.label}: ${view.percent}% (${view.processed.toLocaleString('en')} rows)`);
        }
      }
      if (view.status !== 'completed') throw new Error(`the import ended ${view.status}: ${view.error}`);
      const serverCpu = difference(await server.cpuSeconds(), serverCpuAtStart);
      await databaseCpu?.sample();
      const databaseSeconds = databaseCpu ? databaseCpu.seconds() : 0;
      // From the run's own clock: after it, the worker scores the new leads, which on PGlite keeps
      // the progress poll waiting but is not the import.
      const seconds = (Date.parse(view.finishedAt!) - Date.parse(view.startedAt!)) / 1000;
      const expected = { processed: rows, skipped: facts.duplicates, rejected: facts.bad };
      const actual = { processed: view.processed, skipped: view.skipped, rejected: view.rejected };
      const correct = JSON.stringify(expected) === JSON.stringify(actual);
      const rss = await server.peakRssMb();
      const scenario = `import ${rows.toLocaleString('en')} rows, skip duplicates`;
      const note =
        `${view.inserted.toLocaleString('en')} new, ${view.skipped} duplicates skipped, ${view.rejected} rejected${correct ? '' : ` (expected ${JSON.stringify(expected)})`}` +
        (kind === 'postgres' ? '; CPU: the server process plus this database\'s PostgreSQL backends (local server only)' : '; CPU: the server process, the database inside it');
      const cpu = serverCpu === null || databaseSeconds === null ? {} : cpuMetrics(rows, serverCpu, databaseSeconds);
      return [
        {
          suite: SUITE,
          scenario,
          database: target.label,
          metrics: { 'rows/s': Math.round(rows / seconds), 'import s': Math.round(seconds * 10) / 10, 'upload s': Math.round(uploadSeconds * 10) / 10, ...cpu },
          target: kind === 'postgres' ? RATE_TARGET : undefined,
          note,
        },
        {
          suite: SUITE,
          scenario: `${scenario}: memory`,
          database: target.label,
          metrics: rss === null ? {} : { 'server peak RSS MB': rss, ...(rssBefore === null ? {} : { 'peak RSS before the upload MB': rssBefore }) },
          target: RSS_TARGET,
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await removeUploads();
    await target.drop();
  }
}

const difference = (now: number | null, before: number | null) => (now === null || before === null ? null : now - before);

/**
 * What the import cost in CPU, which a busy machine does not inflate as it does wall time:
 * microseconds per row in the server and in the database, and the rows per second two idle
 * cores could reach if both were kept busy (an upper bound: the work must overlap perfectly).
 */
function cpuMetrics(rows: number, serverCpu: number, databaseCpu: number): Record<string, number> {
  const perRow = (seconds: number) => Math.round((seconds / rows) * 1e7) / 10;
  return {
    'server CPU µs/row': perRow(serverCpu),
    'database CPU µs/row': perRow(databaseCpu),
    'rows/s on 2 idle cores (bound)': Math.round((2 * rows) / (serverCpu + databaseCpu)),
  };
}

// /proc/<pid>/stat counts in clock ticks, 1/100 s on every Linux Node runs on.
const TICKS_PER_SECOND = 100;

/**
 * CPU used by the PostgreSQL backends connected to one database (their process titles name it),
 * sampled as the run goes: a pooled connection that idles out takes its counter with it, so each
 * backend's last sample is kept. Null when PostgreSQL is not on this machine (no such process).
 */
class BackendCpu {
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private started = false;

  constructor(private readonly database: string) {}

  async sample(): Promise<void> {
    for (const pid of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(pid)) continue;
      const title = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!title.startsWith('postgres:') || !title.split(/[\s\0]/).includes(this.database)) continue;
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
      if (!stat) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      // Backends there before the run count from their first sample, new ones from nothing.
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : ticks);
      this.last.set(pid, ticks);
    }
    this.started = true;
  }

  seconds(): number | null {
    if (this.last.size === 0) return null;
    let ticks = 0;
    for (const [pid, value] of this.last) ticks += value - this.first.get(pid)!;
    return ticks / TICKS_PER_SECOND;
  }
}
