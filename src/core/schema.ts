// The drizzle schema index: every capability's tables, for migrations, typed queries and backups.
// Order matters for backup/restore: tables are restored in this order.
export * from '../modules/orgs/schema.ts';
export * from '../modules/orgs/settings-schema.ts';
export * from '../modules/users/schema.ts';
export * from '../modules/audit/schema.ts';
export * from '../modules/leads/schema.ts';
export * from '../modules/qualification/schema.ts';
export * from '../modules/scoring/schema.ts';
export * from '../modules/accounts/schema.ts';
export * from '../modules/products/schema.ts';
export * from '../modules/opportunities/schema.ts';
export * from '../modules/notifications/schema.ts';
export * from '../modules/imports/schema.ts';
export * from '../modules/activities/schema.ts';
export * from '../modules/forms/schema.ts';
export * from '../modules/merges/schema.ts';
export * from '../modules/routing/schema.ts';
export * from './idempotency-schema.ts';
