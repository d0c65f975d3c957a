import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanUpEverything } from './lib/cleanup.ts';
import { postgresVersion } from './lib/databases.ts';
import { currentLoad, describeMachine, machineLine, textTable, updateBenchmarksFile, writeResults, type BenchRun } from './lib/report.ts';
import type { BenchResult, DatabaseKind, SuiteContext } from './lib/suite.ts';
import { suites } from './suites/index.ts';

const USAGE = `usage: npm run bench [-- [SUITE…] [--quick] [--db pglite|postgres]]

Runs every benchmark suite (or only the named ones), prints a table, writes bench/results/latest.json
and refreshes BENCHMARKS.md. PostgreSQL comes from DATABASE_URL (default postgres://root@127.0.0.1:5432/test);
each run creates and drops its own database there.

  --quick        a short smoke run (5 s per scenario); BENCHMARKS.md is left alone
  --db KIND      only this database (repeatable): pglite, postgres
  -h, --help     this text

suites:
${suites.map((s) => `  ${s.name.padEnd(14)} ${s.description}`).join('\n')}`;

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const log = (line: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

function parseCommandLine() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { quick: { type: 'boolean', default: false }, db: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknownSuites = positionals.filter((name) => !suites.some((s) => s.name === name));
  const databases = (values.db ?? ['pglite', 'postgres']) as DatabaseKind[];
  const unknownDatabases = databases.filter((kind) => kind !== 'pglite' && kind !== 'postgres');
  if (unknownSuites.length || unknownDatabases.length) {
    console.error(`${[...unknownSuites.map((s) => `unknown suite: ${s}`), ...unknownDatabases.map((d) => `unknown database: ${d}`)].join('\n')}\n\n${USAGE}`);
    process.exit(2);
  }
  return { selected: positionals.length ? suites.filter((s) => positionals.includes(s.name)) : suites, quick: values.quick, databases };
}

const { selected, quick, databases } = parseCommandLine();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping servers and dropping benchmark databases`);
    void cleanUpEverything(log).then(() => process.exit(130));
  });
}

const loadAtStart = currentLoad();
const context: SuiteContext = { quick, seconds: quick ? 5 : 10, databases, log };
const results: BenchResult[] = [];
const failed: string[] = [];
for (const suite of selected) {
  log(`suite ${suite.name}: ${suite.description}`);
  try {
    results.push(...(await suite.run(context)));
  } catch (error) {
    failed.push(suite.name);
    log(`suite ${suite.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    results.push({ suite: suite.name, scenario: 'all scenarios', database: '-', metrics: {}, note: `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
  }
}
await cleanUpEverything(log);

const run: BenchRun = {
  machine: describeMachine(databases.includes('postgres') ? await postgresVersion() : null, loadAtStart),
  quick,
  seconds: context.seconds,
  suites: selected.map((s) => s.name).filter((name) => !failed.includes(name)),
  failed,
  results,
};
console.log(`\n${textTable(results)}\n\n${machineLine(run.machine)}\n`);
const written = await writeResults(`${root}bench/results`, run);
if (quick) {
  log('BENCHMARKS.md left alone (--quick run)');
} else if (run.suites.length > 0) {
  // A failed suite keeps its previous section; the ones that finished are refreshed.
  await updateBenchmarksFile(`${root}BENCHMARKS.md`, run, suites);
  written.push(`${root}BENCHMARKS.md`);
}
log(`wrote ${written.join(', ')}`);
if (failed.length) log(`failed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
