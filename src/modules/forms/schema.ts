import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { FormField, UtmKey } from './model.ts';

// A web form an admin defines to capture inbound leads on the company's own website.
export const forms = pgTable(
  'forms',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    fields: jsonb('fields').$type<FormField[]>().notNull(),
    /** Which tracking parameters (utm_*, referrer) the form captures from hidden fields. */
    hiddenFields: jsonb('hidden_fields').$type<UtmKey[]>().notNull(),
    /** When set, the submitter must tick a box with this text; it is stored with each submission. */
    consentText: text('consent_text'),
    leadSource: text('lead_source').notNull().default('web_form'),
    defaultOwnerId: uuid('default_owner_id'),
    /** Where national phone numbers are read, unless the submission names a country. */
    defaultCountry: text('default_country'),
    /** Carried by the embedded form; it names the org, so a submission finds its form by primary key. */
    publicKey: text('public_key').notNull(),
    redirectUrl: text('redirect_url'),
    thankYouMessage: text('thank_you_message').notNull().default('Thank you! We will be in touch soon.'),
    active: boolean('active').notNull().default(true),
    /** Submissions the honeypot caught: counted, never stored. */
    spamCount: integer('spam_count').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('forms_name_idx').on(t.orgId, t.name, t.id).where(sql`deleted_at is null`)],
);

// Every accepted submission, as sent: the evidence behind a lead and its consent.
export const formSubmissions = pgTable(
  'form_submissions',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    formId: uuid('form_id').notNull(),
    /** The lead it created or matched; null when it matched a contact. */
    leadId: uuid('lead_id'),
    contactId: uuid('contact_id'),
    /** created_lead, matched_lead or matched_contact. */
    outcome: text('outcome').notNull(),
    matchReason: text('match_reason'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    utm: jsonb('utm').$type<Partial<Record<UtmKey, string>>>().notNull(),
    consentText: text('consent_text'),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('form_submissions_form_idx').on(t.orgId, t.formId, t.id),
    index('form_submissions_lead_idx').on(t.orgId, t.leadId),
  ],
);
