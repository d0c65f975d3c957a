// The `leadflow` admin commands, run as an operator runs them: child processes on a real database.
// Backup, restore and the demo seed are in cli-data.test.ts and the server's own lifecycle
// (restarts, kill -9, bootstrap, the data-directory lock) in server-process.test.ts, so each file
// stays well under a minute.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { testDatabaseKind } from './helpers.ts';
import { freshStore, leadflow } from './cli-helpers.ts';

const store = await freshStore();
after(() => store.cleanup());
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
});
