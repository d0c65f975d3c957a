import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pickOrganization } from '../modules/orgs/model.ts';
import { listOrganizations } from '../modules/orgs/service.ts';
import { backupToFile, restoreBackup } from '../modules/backup/service.ts';
import { invalidOptions, withDatabase } from './database.ts';
import { progressBar } from './progress.ts';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write one organisation, every record of it, to a gzipped NDJSON file')
    .requiredOption('--out <file>', 'where to write the backup, e.g. acme.ndjson.gz')
    .option('--org <org>', 'organisation id or name (needed when there are several)')
    .action(async (options: { out: string; org?: string }) => {
      const progress = progressBar('Backing up');
      const summary = await withDatabase(async (database) => {
        const choice = pickOrganization(await listOrganizations(database.db), options.org);
        if (choice.problem !== undefined) throw invalidOptions([{ field: '--org', message: choice.problem }]);
        return backupToFile(database, choice.org.id, resolve(options.out), progress.update);
      }).finally(progress.stop);
      console.log(`Backed up "${summary.orgName}" (${summary.orgId}): ${summary.rows} rows to ${resolve(options.out)}.`);
    });

  program
    .command('restore')
    .description('Restore an organisation from a backup file, into this database (PGlite or PostgreSQL)')
    .argument('<file>', 'a file written by `leadflow backup` or downloaded from GET /api/v1/backup')
    .option('--replace', 'overwrite the organisation if it is already in this database')
    .action(async (file: string, options: { replace?: boolean }) => {
      if (!existsSync(file)) throw invalidOptions([{ field: 'FILE', message: `${resolve(file)} does not exist` }]);
      const progress = progressBar('Restoring');
      const summary = await withDatabase((database) =>
        restoreBackup(database, createReadStream(resolve(file)), { replace: Boolean(options.replace), onProgress: progress.update }),
      ).finally(progress.stop);
      console.log(`${summary.replaced ? 'Replaced' : 'Restored'} "${summary.orgName}" (${summary.orgId}): ${summary.rows} rows.`);
    });
}
