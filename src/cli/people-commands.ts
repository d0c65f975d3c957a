import { type Command, Option } from 'commander';
import { z } from 'zod';
import { systemActor } from '../core/actor.ts';
import { AppError } from '../core/errors.ts';
import { ROLES, type Role } from '../core/roles.ts';
import { API_KEY_SCOPES, createApiKey, type ApiKeyScope } from '../modules/auth/service.ts';
import { pickOrganization } from '../modules/orgs/model.ts';
import { createOrganization, listOrganizations } from '../modules/orgs/service.ts';
import { MIN_PASSWORD_LENGTH } from '../modules/users/model.ts';
import { createUser, findUserByEmail } from '../modules/users/service.ts';
import { invalidOptions, withDatabase } from './database.ts';

// Option checks run before the database opens, so bad input changes nothing and fails fast.
function check<T>(schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  throw invalidOptions(
    parsed.error.issues.map((issue) => ({
      field: `--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      message: issue.message,
    })),
  );
}

const email = z.email({ error: 'Must be an email address' }).max(320);
const name = z.string().trim().min(1, 'Must not be empty').max(200);
const password = z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(256);

export function registerPeopleCommands(program: Command): void {
  const org = program.command('org').description('Manage organisations');
  org
    .command('create')
    .description('Create an organisation and its first admin')
    .requiredOption('--name <name>', 'the organisation name')
    .requiredOption('--admin-email <email>', 'the admin signs in with this email')
    .requiredOption('--admin-password <password>', 'at least 10 characters')
    .option('--admin-name <name>', "the admin's display name", 'Admin')
    .action(async (raw: unknown) => {
      const options = check(z.object({ name, adminEmail: email, adminPassword: password, adminName: name }), raw);
      const created = await withDatabase((database) =>
        createOrganization(database.db, { name: options.name, admin: { email: options.adminEmail, name: options.adminName, password: options.adminPassword } }),
      );
      console.log(`Created organisation "${created.orgName}" (${created.orgId}) with admin ${options.adminEmail.toLowerCase()}.`);
    });

  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create an active user who can sign in with the given password')
    .requiredOption('--email <email>', 'the user signs in with this email')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'what the user may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--password <password>', 'at least 10 characters')
    .option('--org <org>', 'organisation id or name (needed when there are several)')
    .action(async (raw: unknown) => {
      const options = check(
        z.object({ email, name, role: z.enum(ROLES), password, org: z.string().optional() }),
        raw,
      );
      const created = await withDatabase(async (database) => {
        const choice = pickOrganization(await listOrganizations(database.db), options.org);
        if (choice.problem !== undefined) throw invalidOptions([{ field: '--org', message: choice.problem }]);
        // No user acts here: the operator at the console does, recorded as the system.
        const actor = systemActor(choice.org.id, '');
        const row = await createUser(database.db, actor, { email: options.email, name: options.name, role: options.role as Role, password: options.password });
        return { user: row, org: choice.org };
      });
      console.log(`Created ${created.user.role} ${created.user.name} <${created.user.email}> (${created.user.id}) in "${created.org.name}".`);
    });

  const apikey = program.command('apikey').description('Manage API keys');
  apikey
    .command('create')
    .description("Create an API key for a user; prints the key once (it is stored only as a hash)")
    .requiredOption('--email <email>', 'the user the key acts as')
    .requiredOption('--name <label>', 'what the key is for, e.g. "Zapier"')
    .addOption(new Option('--scope <scope>', 'read: GET only; write: everything the role allows but admin work; admin: also admin work').choices(API_KEY_SCOPES).default('write'))
    .action(async (raw: unknown) => {
      const options = check(z.object({ email, name: z.string().trim().min(1, 'Must not be empty').max(100), scope: z.enum(API_KEY_SCOPES) }), raw);
      const created = await withDatabase(async (database) => {
        const owner = await findUserByEmail(database.db, options.email);
        if (!owner) throw invalidOptions([{ field: '--email', message: `No user signs in with ${options.email.toLowerCase()}` }]);
        if (owner.status !== 'active') {
          throw new AppError(400, 'user_not_active', `${options.email.toLowerCase()} is ${owner.status}; only active users can use API keys`);
        }
        const actor = { ...systemActor(owner.orgId, owner.id), role: owner.role };
        return createApiKey(database.db, actor, { name: options.name, scope: options.scope as ApiKeyScope });
      });
      // The key alone on stdout, so `KEY=$(leadflow apikey create …)` works; the advice goes to stderr.
      console.log(created.key);
      console.error(`API key "${created.name}" (${created.scope} scope) created for ${options.email.toLowerCase()}. It is shown only this once: store it now.`);
    });
}
