// `leadflow start` as a process: headless first-start bootstrap, restarts (SIGTERM and kill -9)
// that keep the data, and the PGlite data-directory lock that keeps a second process out.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testDatabaseKind } from './helpers.ts';
import { freshStore, leadflow, startServerProcess, type ServerProcess } from './cli-helpers.ts';

const store = await freshStore();
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop('SIGKILL');
  await store.cleanup();
});

const bootstrap = { LEADFLOW_ORG: 'Initech', LEADFLOW_ADMIN_EMAIL: 'bill@initech.test', LEADFLOW_ADMIN_PASSWORD: 'tps reports rule' };

async function signIn(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) return { status: res.status, cookie: '', csrf: '' };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('lf_session='))!.split(';')[0]!;
  return { status: 200, cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

let leadId = '';
const leadIsThere = async (url: string) => {
  const session = await signIn(url, bootstrap.LEADFLOW_ADMIN_EMAIL, bootstrap.LEADFLOW_ADMIN_PASSWORD);
  assert.equal(session.status, 200);
  const res = await fetch(`${url}/api/v1/leads/${leadId}`, { headers: { cookie: session.cookie } });
  return res.status === 200 && ((await res.json()) as { lastName: string }).lastName === 'Lumbergh';
};

describe(`leadflow start (${testDatabaseKind})`, () => {
  test('the first start creates the organisation and admin from LEADFLOW_ORG/ADMIN_EMAIL/ADMIN_PASSWORD', async () => {
    server = await startServerProcess({ ...store.env, ...bootstrap });
    const session = await signIn(server.url, bootstrap.LEADFLOW_ADMIN_EMAIL, bootstrap.LEADFLOW_ADMIN_PASSWORD);
    assert.equal(session.status, 200, server.output());
    const created = await fetch(`${server.url}/api/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: JSON.stringify({ firstName: 'Bill', lastName: 'Lumbergh', company: 'Initech' }),
    });
    assert.equal(created.status, 201);
    leadId = ((await created.json()) as { id: string }).id;
    assert.equal(await server.stop('SIGTERM'), 0, 'SIGTERM shuts down cleanly');
  });

  test('a restart keeps the data, and other bootstrap values on a set-up installation create nothing', async () => {
    server = await startServerProcess({ ...store.env, LEADFLOW_ORG: 'Other Org', LEADFLOW_ADMIN_EMAIL: 'peter@other.test', LEADFLOW_ADMIN_PASSWORD: 'another password' });
    assert.equal(await leadIsThere(server.url), true, 'the lead survived the restart');
    assert.equal((await signIn(server.url, 'peter@other.test', 'another password')).status, 401, 'no second admin');
    const setup = (await (await fetch(`${server.url}/api/v1/setup`)).json()) as { needsSetup: boolean };
    assert.equal(setup.needsSetup, false);
  });

  test('while the server runs, a second process on its data directory is refused and told to stop the server', { skip: testDatabaseKind !== 'pglite' && 'PostgreSQL takes many processes' }, async () => {
    assert.ok(server, 'the server from the previous test is running');
    const second = await leadflow(['user', 'create', '--email', 'milton@initech.test', '--name', 'Milton', '--role', 'rep', '--password', 'my red stapler'], store.env);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`is in use by process ${server!.child.pid} \\(a running Leadflow server\\?\\)\\. Stop it first`));
  });

  test('after kill -9 the server starts again, past the stale lock, with the data intact', async () => {
    assert.equal(await server!.stop('SIGKILL'), 'SIGKILL');
    if (store.dataDir) assert.ok(existsSync(join(store.dataDir, 'leadflow.pid')), 'the killed server left its lock file behind');
    server = await startServerProcess(store.env);
    assert.equal(await leadIsThere(server.url), true, 'the lead survived kill -9');
    assert.equal(await server.stop('SIGTERM'), 0);
    server = undefined;
  });
});
