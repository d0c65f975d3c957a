import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { loadConfig, type Config } from '../src/core/config.ts';
import { openDatabase, type Database } from '../src/core/db.ts';
import { randomToken } from '../src/core/tokens.ts';
import { migrate } from '../src/core/migrate.ts';
import type { Mailer } from '../src/core/mailer.ts';
import { startJobs, type Jobs } from '../src/core/jobs.ts';
import { buildApp } from '../src/http/app.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';

/**
 * The database under test: in-memory PGlite by default; a fresh PostgreSQL database (dropped at
 * the end) when LEADFLOW_TEST_DB=postgres, using DATABASE_URL to reach the server.
 */
export const testDatabaseKind = process.env.LEADFLOW_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

// Starting PGlite and applying every migration costs each test file about 4 s of CPU; loading a
// dump of an already-migrated instance costs under 1. The dump is kept in the temp folder, named
// by the migrations it holds, so a new migration makes a new template.
async function migratedTemplate(): Promise<Blob> {
  const folder = new URL('../drizzle/', import.meta.url).pathname;
  const hash = createHash('sha256');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.sql')).sort()) hash.update(file).update(readFileSync(join(folder, file)));
  const path = join(tmpdir(), `leadflow-test-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return new Blob([readFileSync(path)]);
  const database = await openDatabase({});
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  // Written aside then renamed, so a test file running alongside never reads half a template.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
  return dump;
}

/** A fresh, migrated database of this run's kind, or of the kind asked for (restores across kinds). */
export async function openTestDatabase(kind: 'pglite' | 'postgres' = testDatabaseKind): Promise<Database> {
  if (kind === 'pglite') {
    const database = await openDatabase({ loadDataDir: await migratedTemplate() });
    await migrate(database);
    return database;
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('LEADFLOW_TEST_DB=postgres needs DATABASE_URL');
  const name = `leadflow_test_${process.pid}_${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  await migrate(database);
  const close = database.close;
  database.close = async () => {
    await close();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  };
  return database;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', LEADFLOW_LOGIN_LIMIT_PER_MINUTE: '1000', ...overrides });
}

export type TestApp = { app: FastifyInstance; database: Database; config: Config; jobs?: Jobs };

/**
 * One app and database per test file (PGlite takes seconds to start); tests isolate by org.
 * Call it at the top level of the test file (`const t = await startTestApp()`), not in a hook,
 * so the cleanup it registers runs after the file's last test.
 */
export async function startTestApp(options: { config?: Record<string, string>; mailer?: Mailer; jobs?: boolean } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const config = testConfig(options.config);
  const jobs = options.jobs ? await startJobs(database, { pollingIntervalSeconds: 0.5 }) : undefined;
  const app = await buildApp({ database, config, logger: false, ...(options.mailer ? { mailer: options.mailer } : {}), ...(jobs ? { jobs } : {}) });
  await app.ready();
  after(async () => {
    await app.close();
    await jobs?.stop();
    await database.close();
  });
  return { app, database, config, ...(jobs ? { jobs } : {}) };
}

let counter = 0;
const unique = () => `${process.pid}-${Date.now().toString(36)}-${(counter += 1)}`;

/** A signed-in caller: sends its API key on every request. */
export type Caller = {
  userId: string;
  orgId: string;
  email: string;
  key: string;
  request: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  get: (url: string) => Promise<LightMyRequestResponse>;
  post: (url: string, payload?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;
  patch: (url: string, payload: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;
  del: (url: string) => Promise<LightMyRequestResponse>;
};

export const PASSWORD = 'correct horse battery staple';

export function callerWithKey(app: FastifyInstance, who: { userId: string; orgId: string; email: string }, key: string): Caller {
  const request = (options: InjectOptions) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  return {
    ...who,
    key,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload, headers) => request({ method: 'POST', url, payload: payload as InjectOptions['payload'], ...(headers ? { headers } : {}) }),
    patch: (url, payload, headers) => request({ method: 'PATCH', url, payload: payload as InjectOptions['payload'], ...(headers ? { headers } : {}) }),
    del: (url) => request({ method: 'DELETE', url }),
  };
}

/** Signs in with email and password and creates an admin-scoped API key for the user. */
export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<Caller> {
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login failed for ${email}: ${login.statusCode} ${login.body}`);
  const me = login.json() as { user: { id: string }; org: { id: string }; csrfToken: string };
  const cookie = login.cookies.find((c) => c.name === 'lf_session')!;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    cookies: { lf_session: cookie.value },
    headers: { 'x-csrf-token': me.csrfToken },
    payload: { name: 'test', scope: 'admin' },
  });
  if (created.statusCode !== 201) throw new Error(`api key failed: ${created.body}`);
  return callerWithKey(app, { userId: me.user.id, orgId: me.org.id, email }, (created.json() as { key: string }).key);
}

/** A fresh organisation with its admin signed in. */
export async function newOrg(t: TestApp, name = 'Acme'): Promise<Caller> {
  const email = `admin-${unique()}@leadflow.test`;
  await createOrganization(t.database.db, { name: `${name} ${unique()}`, admin: { email, name: 'Ada Admin', password: PASSWORD } });
  return signIn(t.app, email);
}

/** Adds a user with the given role to the admin's org and signs them in. */
export async function addUser(t: TestApp, admin: Caller, role: string, name = `${role} user`): Promise<Caller> {
  const email = `${role}-${unique()}@leadflow.test`;
  const res = await admin.post('/api/v1/users', { email, name, role, password: PASSWORD });
  if (res.statusCode !== 201) throw new Error(`create user failed: ${res.body}`);
  return signIn(t.app, email);
}
