import type { Command } from 'commander';

/** Admin and bulk commands (users, API keys, seed, backup); filled in by their capabilities. */
export function registerAdminCommands(_program: Command): void {}
