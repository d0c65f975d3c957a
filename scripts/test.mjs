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

function run(label, list, env) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label}: ${list.length} files ===`);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=240000', '--test-reporter=spec', ...list], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => {
      const count = (name) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(output)?.[1] ?? 0);
      resolve({ code, pass: count('pass'), fail: count('fail'), skipped: count('skipped') });
    });
  });
}

const results = [await run('PGlite', files, { LEADFLOW_TEST_DB: 'pglite' })];
if (process.env.DATABASE_URL && databaseFiles.length) {
  results.push(await run('PostgreSQL', databaseFiles, { LEADFLOW_TEST_DB: 'postgres' }));
}
const passed = results.reduce((n, r) => n + r.pass, 0);
const failed = results.reduce((n, r) => n + r.fail, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
const crashed = results.some((r) => r.code !== 0);
console.log(`\n${passed} passed, ${failed + (crashed && failed === 0 ? 1 : 0)} failed, ${skipped} skipped`);
process.exit(crashed || failed > 0 ? 1 : 0);
