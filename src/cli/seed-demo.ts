import type { Database } from '../core/db.ts';

/** Loads the demo organisation unless it is already there. */
export async function seedDemoIfMissing(_database: Database, log: (line: string) => void): Promise<void> {
  log('The demo seed is not built yet.');
}
