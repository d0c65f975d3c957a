// `npm test`: every *.test.ts on PGlite, then the database tests again on PostgreSQL when
// DATABASE_URL is set (CI sets it). Ends with one "N passed, N failed" line over all runs.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const only = process.argv.slice(2);
const all = [...findTests(join(root, 'src')), ...findTests(join(root, 'test'))].sort();
const files = only.length ? all.filter((f) => only.some((o) => f.includes(o))) : all;
// Pure rules (model tests) need no database, so the PostgreSQL pass skips them; browser tests run once.
const databaseFiles = files.filter((f) => !f.endsWith('model.test.ts') && !f.includes('.browser.'));

// A pass streams its report as it goes, or (live: false) keeps it and prints it whole at the end,
// so two passes running side by side never interleave their lines.
function run(label, list, env, { live }) {
  return new Promise((resolve) => {
    const header = `\n=== ${label}: ${list.length} files ===\n`;
    if (live) process.stdout.write(header);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=240000', '--test-reporter=spec', ...list], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', live ? 'inherit' : 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (live) process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => {
      if (!live) process.stdout.write(header + output);
      const count = (name) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(output)?.[1] ?? 0);
      resolve({ code, pass: count('pass'), fail: count('fail'), skipped: count('skipped') });
    });
  });
}

// The two passes run side by side: much of a test's time is spent waiting (job polling, mail,
// the browser), so four test processes keep two cores busier than two do, and the run ends
// sooner. LEADFLOW_TEST_SERIAL=1 runs them one after the other.
const passes = [() => run('PGlite', files, { LEADFLOW_TEST_DB: 'pglite' }, { live: true })];
if (process.env.DATABASE_URL && databaseFiles.length) {
  passes.push(() => run('PostgreSQL', databaseFiles, { LEADFLOW_TEST_DB: 'postgres' }, { live: false }));
}
const results = [];
if (process.env.LEADFLOW_TEST_SERIAL) for (const pass of passes) results.push(await pass());
else results.push(...(await Promise.all(passes.map((pass) => pass()))));
const passed = results.reduce((n, r) => n + r.pass, 0);
const failed = results.reduce((n, r) => n + r.fail, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
const crashed = results.some((r) => r.code !== 0);
console.log(`\n${passed} passed, ${failed + (crashed && failed === 0 ? 1 : 0)} failed, ${skipped} skipped`);
process.exit(crashed || failed > 0 ? 1 : 0);
