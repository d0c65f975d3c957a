import type { Command } from 'commander';
import type { Database } from '../core/db.ts';
import { seedDemo } from '../modules/demo/service.ts';
import { withDatabase } from './database.ts';

/** Loads the demo organisation unless it is already there (`leadflow start --demo` calls this). */
export async function seedDemoIfMissing(database: Database, log: (line: string) => void): Promise<void> {
  await seedDemo(database, log);
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Load sample data into the database')
    .requiredOption('--demo', 'the demo organisation "Northwind Demo" (once; a second run adds nothing)')
    .action(async () => {
      await withDatabase((database) => seedDemoIfMissing(database, (line) => console.log(line)));
    });
}
