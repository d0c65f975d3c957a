import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export type MeetingAttendee = { email: string; name: string; userId: string | null };

// A demo, discovery call or other meeting a rep organizes with prospects (and colleagues),
// linked to the records it is about. `sequence` counts the invitation's revisions (iCalendar
// SEQUENCE); `version` guards edits that could race.
export const meetings = pgTable(
  'meetings',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    timeZone: text('time_zone').notNull(),
    organizerId: uuid('organizer_id').notNull(),
    attendees: jsonb('attendees').$type<MeetingAttendee[]>().notNull().default(sql`'[]'::jsonb`),
    videoUrl: text('video_url'),
    leadId: uuid('lead_id'),
    contactId: uuid('contact_id'),
    accountId: uuid('account_id'),
    opportunityId: uuid('opportunity_id'),
    status: text('status').notNull().default('scheduled'),
    outcomeNotes: text('outcome_notes').notNull().default(''),
    bookedVia: text('booked_via').notNull().default('app'),
    sequence: integer('sequence').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('meetings_organizer_idx').on(t.orgId, t.organizerId, t.startsAt),
    index('meetings_starts_idx').on(t.orgId, t.startsAt),
    index('meetings_lead_idx').on(t.orgId, t.leadId),
    index('meetings_opportunity_idx').on(t.orgId, t.opportunityId),
  ],
);

export type BookingMeetingType = { key: string; name: string; minutes: number };

// A rep's public booking page. The slug is the page's address (/book/<slug>) without the org,
// so it is unique across the installation.
export const bookingPages = pgTable(
  'booking_pages',
  {
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    meetingTypes: jsonb('meeting_types').$type<BookingMeetingType[]>().notNull(),
    bufferMinutes: integer('buffer_minutes').notNull().default(10),
    minNoticeMinutes: integer('min_notice_minutes').notNull().default(240),
    daysAhead: integer('days_ahead').notNull().default(30),
    videoUrl: text('video_url'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), uniqueIndex('booking_pages_slug_key').on(t.slug)],
);
