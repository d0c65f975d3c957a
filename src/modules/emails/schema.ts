import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// How an organisation sends email: its own SMTP server (else the server's SMTP_URL), what it
// tracks, and the postal address marketing-style email must carry. One row per org; none: defaults.
export const emailSettings = pgTable('email_settings', {
  orgId: uuid('org_id').primaryKey(),
  smtpHost: text('smtp_host'),
  smtpPort: integer('smtp_port'),
  smtpSecure: boolean('smtp_secure').notNull().default(false),
  smtpUser: text('smtp_user'),
  /** AES-GCM sealed with the server secret (core/secrets.ts); never logged, never returned. */
  smtpPasswordSealed: text('smtp_password_sealed'),
  fromAddress: text('from_address'),
  trackOpens: boolean('track_opens').notNull().default(true),
  trackClicks: boolean('track_clicks').notNull().default(true),
  trackReplies: boolean('track_replies').notNull().default(true),
  postalAddress: text('postal_address').notNull().default(''),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// A user's own email settings: signature, and the mailbox Leadflow polls for replies.
export const emailUserSettings = pgTable(
  'email_user_settings',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    signature: text('signature').notNull().default(''),
    imapHost: text('imap_host'),
    imapPort: integer('imap_port'),
    imapSecure: boolean('imap_secure').notNull().default(true),
    imapUser: text('imap_user'),
    imapPasswordSealed: text('imap_password_sealed'),
    imapMailbox: text('imap_mailbox').notNull().default('INBOX'),
    /** Where the last poll stopped: UIDs only mean something within one UIDVALIDITY. */
    imapUidValidity: text('imap_uid_validity'),
    imapLastUid: integer('imap_last_uid').notNull().default(0),
    imapPolledAt: timestamp('imap_polled_at', { withTimezone: true }),
    imapError: text('imap_error'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] })],
);

export const emailTemplates = pgTable(
  'email_templates',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    subject: text('subject').notNull(),
    /** Plain text with {{merge.fields}}; rendered to escaped HTML and to text. */
    body: text('body').notNull(),
    /** Marketing-style email carries an unsubscribe link and the postal address. */
    marketing: boolean('marketing').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('email_templates_name_idx').on(t.orgId, t.name, t.id).where(sql`deleted_at is null`)],
);

// Every email sent from Leadflow, logged from elsewhere, or received as a reply.
export const emails = pgTable(
  'emails',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** outbound (sent or logged by us) or inbound (a reply). */
    direction: text('direction').notNull(),
    /** sending, sent, logged, failed, bounced, received. */
    status: text('status').notNull(),
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull().default(''),
    bodyHtml: text('body_html'),
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    /** The email this one answers (a reply's original). */
    replyToEmailId: uuid('reply_to_email_id'),
    templateId: uuid('template_id'),
    enrollmentId: uuid('enrollment_id'),
    stepId: text('step_id'),
    marketing: boolean('marketing').notNull().default(false),
    senderId: uuid('sender_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    error: text('error'),
    openCount: integer('open_count').notNull().default(0),
    firstOpenedAt: timestamp('first_opened_at', { withTimezone: true }),
    clickCount: integer('click_count').notNull().default(0),
    firstClickedAt: timestamp('first_clicked_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    bouncedAt: timestamp('bounced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('emails_subject_idx').on(t.orgId, t.subjectType, t.subjectId, t.id),
    index('emails_message_id_idx').on(t.orgId, t.messageId),
    index('emails_enrollment_idx').on(t.orgId, t.enrollmentId).where(sql`enrollment_id is not null`),
  ],
);

// What the org knows about an address: unsubscribed or bouncing means suppressed — nothing more goes to it.
export const emailAddresses = pgTable(
  'email_addresses',
  {
    orgId: uuid('org_id').notNull(),
    /** Lower-cased. */
    address: text('address').notNull(),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    bouncedAt: timestamp('bounced_at', { withTimezone: true }),
    bounceReason: text('bounce_reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.address] })],
);

// Consent and unsubscribe history per address, append-only: the evidence a regulator asks for.
export const emailConsentEvents = pgTable(
  'email_consent_events',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    address: text('address').notNull(),
    /** consent_given, unsubscribed, resubscribed, bounced, bounce_cleared. */
    kind: text('kind').notNull(),
    /** link, one_click, api, smtp, dsn. */
    source: text('source').notNull(),
    actorId: uuid('actor_id'),
    emailId: uuid('email_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('email_consent_events_address_idx').on(t.orgId, t.address, t.id)],
);
