import type { FastifyInstance } from 'fastify';
import type { Config } from './core/config.ts';
import { openDatabase, type Database } from './core/db.ts';
import { startJobs, type Jobs } from './core/jobs.ts';
import { migrate } from './core/migrate.ts';
import { createMailer } from './core/mailer.ts';
import { buildApp } from './http/app.ts';
import { releaseUnfinishedClaims } from './http/idempotency.ts';
import { startWorkers } from './workers.ts';
import { countOrganizations, createOrganization } from './modules/orgs/service.ts';

export type RunningServer = { app: FastifyInstance; database: Database; jobs: Jobs; url: string; stop: () => Promise<void> };

/** Opens the database, applies migrations, runs the first-start bootstrap and listens. */
export async function startServer(config: Config, options: { beforeListen?: (database: Database) => Promise<void> } = {}): Promise<RunningServer> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    await bootstrapFromEnvironment(database, config);
    // The one process on a PGlite database: a request still unfinished there died with its process.
    if (database.kind === 'pglite') await releaseUnfinishedClaims(database.db);
    await options.beforeListen?.(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  let jobs: Jobs;
  try {
    jobs = await startJobs(database, { onError: (error) => console.error('background jobs:', error.message) });
  } catch (error) {
    await database.close();
    throw error;
  }
  const app = await buildApp({ database, config, jobs });
  const mailer = createMailer(config, (message) => app.log.warn(message));
  await startWorkers({ db: database.db, jobs, config, mailer, log: (message) => app.log.info(message) });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await jobs.stop();
      await database.close();
    })());
  return { app, database, jobs, url, stop };
}

/** LEADFLOW_ORG/ADMIN_EMAIL/ADMIN_PASSWORD create the first org on an empty database, and only then. */
export async function bootstrapFromEnvironment(database: Database, config: Config): Promise<boolean> {
  if (!config.bootstrap || (await countOrganizations(database.db)) > 0) return false;
  const { org, email, password } = config.bootstrap;
  await createOrganization(database.db, { name: org, admin: { email, name: 'Admin', password } }, { onlyIfFirst: true });
  return true;
}
