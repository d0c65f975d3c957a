import type { Command } from 'commander';
import { registerBackupCommands } from './backup-commands.ts';
import { registerDealCommands } from './deal-commands.ts';
import { registerImportCommands } from './import-commands.ts';
import { registerPartnerCommands } from './partner-commands.ts';
import { registerPeopleCommands } from './people-commands.ts';
import { registerSeedCommand } from './seed-demo.ts';
import { registerWebhookCommands } from './webhook-commands.ts';

/** Admin and bulk commands: organisations, users, API keys, the demo seed, backup and restore. */
export function registerAdminCommands(program: Command): void {
  registerPeopleCommands(program);
  registerSeedCommand(program);
  registerBackupCommands(program);
  registerImportCommands(program);
  registerDealCommands(program);
  registerPartnerCommands(program);
  registerWebhookCommands(program);
}
