import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const teams = pgTable(
  'teams',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    parentTeamId: uuid('parent_team_id'),
    managerId: uuid('manager_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('teams_name_key').on(t.orgId, sql`lower(${t.name})`)],
);

export const users = pgTable(
  'users',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    status: text('status').notNull().default('active'),
    passwordHash: text('password_hash'),
    teamId: uuid('team_id'),
    timeZone: text('time_zone').notNull().default('UTC'),
    inviteTokenHash: text('invite_token_hash'),
    inviteExpiresAt: timestamp('invite_expires_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // Sign-in is by email alone, so an email belongs to one user across the installation.
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_invite_token_key').on(t.inviteTokenHash),
    index('users_team_idx').on(t.orgId, t.teamId),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    orgId: uuid('org_id').notNull(),
    id: text('id').notNull(),
    userId: uuid('user_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('sessions_token_key').on(t.id),
    index('sessions_user_idx').on(t.orgId, t.userId),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    scope: text('scope').notNull().default('write'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('api_keys_token_key').on(t.tokenHash),
    index('api_keys_user_idx').on(t.orgId, t.userId),
  ],
);
