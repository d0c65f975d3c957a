// The `leadflow` admin commands, run as an operator runs them: child processes on a real database.
// The server's own lifecycle (restarts, kill -9, bootstrap, the data-directory lock) is in
// server-process.test.ts, so each file stays well under a minute.
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

describe(`leadflow admin commands (${testDatabaseKind})`, () => {
  test('org create, user create and apikey create set up an organisation; bad input exits 1 and changes nothing', async () => {
    const org = await leadflow(['org', 'create', '--name', 'Acme', '--admin-email', 'Ada@Acme.test', '--admin-password', 'correct horse battery', '--admin-name', 'Ada Admin'], env);
    assert.equal(org.code, 0, org.stderr);
    assert.match(org.stdout, /Created organisation "Acme" \([0-9a-f-]{36}\) with admin ada@acme\.test\./);

    // Both are refused before the database opens, so they can run side by side.
    const [badRole, badInput] = await Promise.all([
      leadflow(['user', 'create', '--email', 'rita@acme.test', '--name', 'Rita Rep', '--role', 'boss', '--password', 'correct horse battery'], env),
      leadflow(['user', 'create', '--email', 'not-an-email', '--name', ' ', '--role', 'rep', '--password', 'short'], env),
    ]);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /argument 'boss' is invalid\. Allowed choices are admin, manager, rep, executive, partner/);
    assert.equal(badInput.code, 1);
    assert.match(badInput.stderr, /--email: Must be an email address/);
    assert.match(badInput.stderr, /--name: Must not be empty/);
    assert.match(badInput.stderr, /--password: Use at least 10 characters/);

    // The refused runs created nobody, so this email is still free.
    const user = await leadflow(['user', 'create', '--email', 'rita@acme.test', '--name', 'Rita Rep', '--role', 'rep', '--password', 'correct horse battery'], env);
    assert.equal(user.code, 0, user.stderr);
    assert.match(user.stdout, /Created rep Rita Rep <rita@acme\.test> \([0-9a-f-]{36}\) in "Acme"\./);

    const key = await leadflow(['apikey', 'create', '--email', 'rita@acme.test', '--name', 'Zapier', '--scope', 'read'], env);
    assert.equal(key.code, 0, key.stderr);
    assert.match(key.stdout.trim(), /^lf_[A-Za-z0-9_-]{20,}$/, 'the key alone on stdout');
    assert.match(key.stderr, /shown only this once/);
    const nobody = await leadflow(['apikey', 'create', '--email', 'nobody@acme.test', '--name', 'x'], env);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /No user signs in with nobody@acme\.test/);
  });

  test('with several organisations, user create needs --org and finds it by name', async () => {
    const second = await leadflow(['org', 'create', '--name', 'Globex', '--admin-email', 'hank@globex.test', '--admin-password', 'correct horse battery'], env);
    assert.equal(second.code, 0, second.stderr);
    const ambiguous = await leadflow(['user', 'create', '--email', 'mo@globex.test', '--name', 'Mo', '--role', 'manager', '--password', 'correct horse battery'], env);
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /There are 2 organisations; choose one with --org <id or name>/);
    const chosen = await leadflow(['user', 'create', '--email', 'mo@globex.test', '--name', 'Mo', '--role', 'manager', '--password', 'correct horse battery', '--org', 'globex'], env);
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.match(chosen.stdout, /in "Globex"/);
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
