import { loadConfig } from '../core/config.ts';
import { openDatabase, type Database } from '../core/db.ts';
import { AppError, type FieldError } from '../core/errors.ts';
import { migrate } from '../core/migrate.ts';

/**
 * Opens the configured database the way `leadflow migrate` does, brings its schema up to date (so
 * commands work on a fresh data directory) and closes it afterwards. On PGlite this refuses, with
 * DataDirInUseError, while a server holds the data directory.
 */
export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Bad command-line input: main.ts prints it as a list and exits with 1. */
export const invalidOptions = (fields: FieldError[]) => new AppError(400, 'invalid_options', 'Invalid options', fields);
