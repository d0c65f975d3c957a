// `leadflow backup`, `restore` and `seed --demo` as child processes on a real database (the
// backup format itself is tested in src/modules/backup; the other commands in cli.test.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testDatabaseKind } from './helpers.ts';
import { freshStore, leadflow } from './cli-helpers.ts';

const store = await freshStore();
const files = mkdtempSync(join(tmpdir(), 'leadflow-cli-files-'));
after(async () => {
  await store.cleanup();
  rmSync(files, { recursive: true, force: true });
});
const env = store.env;

describe(`leadflow backup, restore and seed (${testDatabaseKind})`, () => {
  test('an organisation to back up', async () => {
    const org = await leadflow(['org', 'create', '--name', 'Acme', '--admin-email', 'ada@acme.test', '--admin-password', 'correct horse battery'], env);
    assert.equal(org.code, 0, org.stderr);
  });

  test('backup writes a file that restore puts back into another database, and --replace overwrites it there', async () => {
    const file = join(files, 'acme.ndjson.gz');
    const backup = await leadflow(['backup', '--org', 'Acme', '--out', file], env);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /Backed up "Acme" \([0-9a-f-]{36}\): \d+ rows to /);
    assert.ok(existsSync(file) && !existsSync(`${file}.partial`));

    const elsewhere = await freshStore();
    try {
      const restored = await leadflow(['restore', file], elsewhere.env);
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /Restored "Acme"/);
      const replaced = await leadflow(['restore', file, '--replace'], elsewhere.env);
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.match(replaced.stdout, /Replaced "Acme"/);
    } finally {
      await elsewhere.cleanup();
    }
    const [missing, refused] = await Promise.all([leadflow(['restore', join(files, 'nope.gz')], env), leadflow(['restore', file], env)]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.gz does not exist/);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /"Acme" \([0-9a-f-]{36}\) already exists in this database\. Restore with --replace/);
  });

  test('seed --demo loads Northwind Demo once; a second run adds nothing', async () => {
    const first = await leadflow(['seed', '--demo'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /3,000 leads/);
    assert.match(first.stdout, /300 accounts with \d+ contacts/);
    assert.match(first.stdout, /Sign in as admin@northwind\.demo \/ northwind-demo/);
    const second = await leadflow(['seed', '--demo'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /"Northwind Demo" is already there; nothing added/);
  });
});
