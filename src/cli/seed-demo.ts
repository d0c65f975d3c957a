import { InvalidArgumentError, type Command } from 'commander';
import type { Database } from '../core/db.ts';
import { seedDemo } from '../modules/demo/service.ts';
import { FULL_SCALE, seedScale } from '../modules/reports/scale-seed.ts';
import { withDatabase } from './database.ts';

/** Loads the demo organisation unless it is already there (`leadflow start --demo` calls this). */
export async function seedDemoIfMissing(database: Database, log: (line: string) => void): Promise<void> {
  await seedDemo(database, log);
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Load sample data into the database')
    .option('--demo', 'the demo organisation "Northwind Demo" (once; a second run adds nothing)')
    .option('--scale', 'a new organisation for measuring reports: 1,000,000 leads, 200,000 deals, 5,000,000 activities (sizes below)')
    .option('--leads <n>', 'with --scale: how many leads', positiveInt, FULL_SCALE.leads)
    .option('--opportunities <n>', 'with --scale: how many deals (each from a converted lead)', positiveInt, FULL_SCALE.opportunities)
    .option('--activities <n>', 'with --scale: how many activities', positiveInt, FULL_SCALE.activities)
    .action(async (options: { demo?: boolean; scale?: boolean; leads: number; opportunities: number; activities: number }) => {
      if (!options.demo && !options.scale) throw new InvalidArgumentError('Say what to seed: --demo or --scale');
      if (options.demo) await withDatabase((database) => seedDemoIfMissing(database, (line) => console.log(line)));
      if (options.scale) {
        const sizes = { leads: options.leads, opportunities: options.opportunities, activities: options.activities, reps: FULL_SCALE.reps };
        await withDatabase((database) => seedScale(database, sizes, (line) => console.log(line)));
      }
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Must be a whole number, 0 or more');
  return n;
}
