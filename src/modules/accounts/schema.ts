import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { phoneTailSql } from '../../core/match-keys.ts';

export const accounts = pgTable(
  'accounts',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    domain: text('domain'),
    industry: text('industry'),
    employeeCount: integer('employee_count'),
    country: text('country'),
    region: text('region'),
    city: text('city'),
    phone: text('phone'),
    parentAccountId: uuid('parent_account_id'),
    lifecycleStage: text('lifecycle_stage').notNull().default('prospect'),
    ownerId: uuid('owner_id'),
    // The one territory the account resolves to (routing module's territories); null when none fits.
    territoryId: uuid('territory_id'),
    notes: text('notes').notNull().default(''),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    // Custom fields (src/modules/customfields): values by field key; archived fields' values wait in custom_archived.
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    customArchived: jsonb('custom_archived').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    searchText: text('search_text').generatedAlwaysAs(sql`lower(name || ' ' || coalesce(domain, ''))`),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('accounts_name_idx').on(t.orgId, t.name, t.id).where(sql`deleted_at is null`),
    index('accounts_owner_idx').on(t.orgId, t.ownerId).where(sql`deleted_at is null`),
    index('accounts_territory_idx').on(t.orgId, t.territoryId, t.name, t.id).where(sql`deleted_at is null`),
    index('accounts_domain_idx').on(t.orgId, sql`lower(${t.domain})`),
    index('accounts_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    // Global search finds a company by its phone number in any format.
    index('accounts_phone_tail_idx').on(t.orgId, phoneTailSql(t.phone)).where(sql`deleted_at is null`),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    accountId: uuid('account_id'),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    email: text('email'),
    phone: text('phone'),
    title: text('title'),
    /** An IANA zone (calling hours); without it the account's country decides. */
    timeZone: text('time_zone'),
    /** Do not call: an outbound call to the contact is refused. */
    doNotCall: boolean('do_not_call').notNull().default(false),
    ownerId: uuid('owner_id'),
    notes: text('notes').notNull().default(''),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    // Custom fields (src/modules/customfields): values by field key; archived fields' values wait in custom_archived.
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    customArchived: jsonb('custom_archived').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    searchText: text('search_text').generatedAlwaysAs(
      sql`lower(first_name || ' ' || last_name || ' ' || coalesce(email, ''))`,
    ),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('contacts_account_idx').on(t.orgId, t.accountId).where(sql`deleted_at is null`),
    index('contacts_name_idx').on(t.orgId, t.lastName, t.id).where(sql`deleted_at is null`),
    index('contacts_owner_idx').on(t.orgId, t.ownerId).where(sql`deleted_at is null`),
    index('contacts_email_idx').on(t.orgId, sql`lower(${t.email})`),
    index('contacts_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    // Duplicate matching (web forms, the duplicates report): phone endings and names.
    index('contacts_phone_tail_idx').on(t.orgId, phoneTailSql(t.phone)).where(sql`deleted_at is null`),
    index('contacts_person_idx').on(t.orgId, sql`lower(${t.lastName})`, sql`lower(${t.firstName})`).where(sql`deleted_at is null`),
  ],
);

/** The account team: several people on one account, each in one role (inside rep, account manager…). */
export const accountTeamMembers = pgTable(
  'account_team_members',
  {
    orgId: uuid('org_id').notNull(),
    accountId: uuid('account_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.accountId, t.userId] }), index('account_team_members_user_idx').on(t.orgId, t.userId)],
);

/** The key players of an account: its contacts' buying roles, and who reports to whom (the org chart). */
export const accountKeyPlayers = pgTable(
  'account_key_players',
  {
    orgId: uuid('org_id').notNull(),
    accountId: uuid('account_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    roles: text('roles').array().notNull(),
    reportsToContactId: uuid('reports_to_contact_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.accountId, t.contactId] })],
);
