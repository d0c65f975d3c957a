import { Command } from 'commander';
import { ConfigError, loadConfig } from '../core/config.ts';
import { DataDirInUseError, openDatabase } from '../core/db.ts';
import { AppError } from '../core/errors.ts';
import { keepHeapGrowthModest } from '../core/heap.ts';
import { migrate } from '../core/migrate.ts';

// The server and the bulk commands (imports) stay within their memory budget (issue #3: 500 MB).
keepHeapGrowthModest();

const program = new Command()
  .name('leadflow')
  .description('Leadflow, the inside-sales CRM: run the server and do admin and bulk work.')
  .showHelpAfterError();

program
  .command('start')
  .description('Serve Leadflow (web UI, API at /api/v1, docs at /api/docs)')
  .option('--demo', 'load the demo organisation on first start')
  .action(async (options: { demo?: boolean }) => {
    const config = loadConfig();
    // Loaded here, not at the top: the admin commands start a second faster without the HTTP stack.
    const { startServer } = await import('../server.ts');
    const server = await startServer(config, {
      beforeListen: options.demo
        ? async (database) => {
            const { seedDemoIfMissing } = await import('./seed-demo.ts');
            await seedDemoIfMissing(database, (line) => console.log(line));
          }
        : undefined,
    });
    server.app.log.info(`Leadflow is running at ${server.url} on ${server.database.kind}`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        server.app.log.info(`${signal} received, shutting down`);
        void server.stop().then(() => process.exit(0));
      });
    }
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(database);
      console.log(`Migrations applied on ${database.kind}.`);
    } finally {
      await database.close();
    }
  });

const { registerAdminCommands } = await import('./admin-commands.ts');
registerAdminCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirInUseError || error instanceof AppError) {
    console.error(error instanceof AppError && error.fields ? `${error.message}:\n${error.fields.map((f) => `  ${f.field}: ${f.message}`).join('\n')}` : error.message);
    process.exit(1);
  }
  throw error;
}
