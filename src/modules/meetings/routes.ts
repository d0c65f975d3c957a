import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, expectedVersion, idParams, isoDateTime, limitQuery, problemSchema } from '../../http/schemas.ts';
import { MEETING_KINDS, MEETING_STATUSES } from './model.ts';
import {
  bookSlot,
  cancelMeeting,
  getMeeting,
  listMeetings,
  logOutcome,
  myBookingPage,
  publicBookingPage,
  publicSlots,
  rescheduleMeeting,
  saveBookingPage,
  scheduleMeeting,
  updateMeeting,
  type Delivery,
} from './service.ts';

const TAGS = ['Meetings'];
const videoUrl = z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL' }).max(2000);
const timeZone = z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Berlin');

const meetingSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(MEETING_KINDS),
    title: z.string(),
    description: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    timeZone: z.string(),
    organizerId: z.uuid(),
    attendees: z.array(z.object({ email: z.string(), name: z.string(), userId: z.uuid().nullable() })),
    videoUrl: z.string().nullable(),
    leadId: z.uuid().nullable(),
    contactId: z.uuid().nullable(),
    accountId: z.uuid().nullable(),
    opportunityId: z.uuid().nullable(),
    status: z.enum(MEETING_STATUSES),
    outcomeNotes: z.string(),
    bookedVia: z.string(),
    sequence: z.number().int().describe('The invitation revision (iCalendar SEQUENCE)'),
    version: z.number().int(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Meeting' });

const newMeetingSchema = z.strictObject({
  kind: z.enum(MEETING_KINDS).default('demo'),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(10_000).optional(),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  timeZone,
  organizerId: z.uuid().optional().describe('Defaults to you; managers and admins may name someone else'),
  attendees: z.array(z.strictObject({ email: z.email(), name: z.string().max(200).optional() })).max(50).optional(),
  attendeeUserIds: z.array(z.uuid()).max(50).optional().describe('Colleagues to invite'),
  videoUrl: videoUrl.nullable().optional(),
  leadId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(),
  accountId: z.uuid().nullable().optional(),
  opportunityId: z.uuid().nullable().optional(),
});

const bookingPageFields = {
  slug: z.string().min(3).max(60).describe('The page address: /book/<slug>'),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  meetingTypes: z
    .array(z.strictObject({ key: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'Lowercase letters, digits, - and _'), name: z.string().trim().min(1).max(100), minutes: z.number().int().min(10).max(240) }))
    .max(10),
  bufferMinutes: z.number().int().min(0).max(240),
  minNoticeMinutes: z.number().int().min(0).max(14 * 24 * 60),
  daysAhead: z.number().int().min(1).max(365),
  videoUrl: videoUrl.nullable().optional().describe('The video room every booked meeting uses'),
  active: z.boolean(),
};

const bookingPageSchema = z
  .object({
    ...z.object(bookingPageFields).shape,
    userId: z.uuid(),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    videoUrl: z.string().nullable(),
    version: z.number().int(),
    saved: z.boolean(),
  })
  .meta({ id: 'BookingPage' });

/** A prospect may look at slots often; booking is rarer and is what spammers would hammer. */
export const BOOKINGS_PER_MINUTE = 5;
export const SLOT_LOOKUPS_PER_MINUTE = 60;
export const BOOKING_BODY_LIMIT = 8 * 1024;

export function meetingRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/meetings', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Schedule a meeting (demo, discovery call…) and email the invitation',
      description:
        'Links the meeting to a lead, contact, account and/or opportunity (their timelines get `meeting_booked`); the ' +
        'lead\'s or contact\'s email joins the attendees. Everyone, organizer included, gets an email with an `.ics` ' +
        'invitation (METHOD:REQUEST, times in UTC).',
      body: newMeetingSchema,
      response: { 201: meetingSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const meeting = await scheduleMeeting(db, actorOf(request), request.body, delivery);
      return reply.code(201).header('etag', etagFor(meeting.version)).header('location', `/api/v1/meetings/${meeting.id}`).send(meeting);
    },
  });

  r.get('/api/v1/meetings', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'List meetings by start time',
      description: '`from`/`to` keep meetings overlapping the range; `mine=1` those you organize or attend (the Today screen asks for `mine=1` and today\'s range).',
      querystring: z.strictObject({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        mine: z.enum(['1', '0', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
        organizerId: z.uuid().optional(),
        leadId: z.uuid().optional(),
        contactId: z.uuid().optional(),
        accountId: z.uuid().optional(),
        opportunityId: z.uuid().optional(),
        status: csv(z.enum(MEETING_STATUSES)).optional(),
        cursor: z.string().max(1000).optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(meetingSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listMeetings(db, actorOf(request), request.query),
  });

  r.get('/api/v1/meetings/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a meeting', params: idParams, response: { 200: meetingSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const meeting = await getMeeting(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(meeting.version)).send(meeting);
    },
  });

  r.patch('/api/v1/meetings/:id', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Change a meeting\'s details (an upcoming meeting\'s attendees get the updated invitation)',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({
        kind: z.enum(MEETING_KINDS).optional(),
        title: z.string().trim().min(1).max(300).optional(),
        description: z.string().max(10_000).optional(),
        videoUrl: videoUrl.nullable().optional(),
        outcomeNotes: z.string().max(10_000).optional(),
        version: z.number().int().positive().optional(),
      }),
      response: { 200: meetingSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const meeting = await updateMeeting(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version), delivery);
      return reply.header('etag', etagFor(meeting.version)).send(meeting);
    },
  });

  r.post('/api/v1/meetings/:id/reschedule', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Move a meeting to a new time (same invitation, next SEQUENCE, sent again)',
      params: idParams,
      body: z.strictObject({ startsAt: isoDateTime, endsAt: isoDateTime, timeZone: timeZone.optional(), reason: z.string().max(2000).optional(), version: z.number().int().positive().optional() }),
      response: { 200: meetingSchema, ...errorResponses },
    },
    handler: async (request) => rescheduleMeeting(db, actorOf(request), request.params.id, request.body, delivery),
  });

  r.post('/api/v1/meetings/:id/cancel', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Cancel a meeting (everyone gets METHOD:CANCEL)',
      params: idParams,
      body: z.strictObject({ reason: z.string().max(2000).optional(), version: z.number().int().positive().optional() }).optional(),
      response: { 200: meetingSchema, ...errorResponses },
    },
    handler: async (request) => cancelMeeting(db, actorOf(request), request.params.id, request.body ?? {}, delivery),
  });

  r.post('/api/v1/meetings/:id/outcome', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Log how a meeting went: held or no-show (after it started)',
      description: 'A held meeting puts `meeting_held` on the linked timelines, which lead scoring counts. To log "rescheduled", use /reschedule.',
      params: idParams,
      body: z.strictObject({ outcome: z.enum(['held', 'no_show']), notes: z.string().max(10_000).optional(), version: z.number().int().positive().optional() }),
      response: { 200: meetingSchema, ...errorResponses },
    },
    handler: async (request) => logOutcome(db, actorOf(request), request.params.id, request.body),
  });

  r.get('/api/v1/booking-page', {
    config: { permission: 'booking:own' },
    schema: { tags: TAGS, summary: 'My booking page settings (a suggestion with saved=false before the first save)', response: { 200: bookingPageSchema, ...errorResponses } },
    handler: async (request) => myBookingPage(db, actorOf(request)),
  });

  r.put('/api/v1/booking-page', {
    config: { permission: 'booking:own' },
    schema: {
      tags: TAGS,
      summary: 'Set up my booking page',
      description: 'Slots come from your working hours (PUT /api/v1/users/me/availability; weekdays 09:00–17:00 if unset) in your time zone, minus your meetings with the buffer, the minimum notice and the horizon. A slug another rep has: 409 slug_taken.',
      body: z.strictObject({ ...bookingPageFields, version: z.number().int().min(0).optional() }),
      response: { 200: bookingPageSchema, ...errorResponses },
    },
    handler: async (request) => saveBookingPage(db, actorOf(request), request.body),
  });

  const slugParams = z.object({ slug: z.string().min(1).max(60) });
  const publicErrors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 413: problemSchema, 429: problemSchema };
  const byAddress = (request: FastifyRequest) => `${request.ip}|${(request.params as { slug?: string }).slug ?? ''}`;

  r.get('/api/v1/booking/:slug', {
    config: { public: true, rateLimit: { max: SLOT_LOOKUPS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: byAddress } },
    schema: {
      tags: TAGS,
      summary: 'A rep\'s public booking page (no sign-in)',
      security: [],
      params: slugParams,
      response: {
        200: z.object({
          slug: z.string(),
          title: z.string(),
          description: z.string(),
          repName: z.string(),
          repTimeZone: z.string(),
          meetingTypes: z.array(z.object({ key: z.string(), name: z.string(), minutes: z.number().int() })),
          daysAhead: z.number().int(),
        }),
        ...publicErrors,
      },
    },
    handler: async (request) => publicBookingPage(db, request.params.slug),
  });

  r.get('/api/v1/booking/:slug/slots', {
    config: { public: true, rateLimit: { max: SLOT_LOOKUPS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: byAddress } },
    schema: {
      tags: TAGS,
      summary: 'Free slots on a booking page, grouped by the prospect\'s days (no sign-in)',
      security: [],
      params: slugParams,
      querystring: z.strictObject({
        from: isoDateTime,
        to: isoDateTime,
        type: z.string().max(40).optional().describe('A meeting type key; the first by default'),
        timeZone: timeZone.default('UTC').describe('The prospect\'s zone: days and times are shown in it'),
      }),
      response: {
        200: z.object({
          timeZone: z.string(),
          durationMinutes: z.number().int(),
          days: z.array(z.object({ day: z.string(), slots: z.array(z.object({ start: z.string(), end: z.string(), time: z.string() })) })),
        }),
        ...publicErrors,
      },
    },
    handler: async (request) => publicSlots(db, request.params.slug, request.query),
  });

  r.post('/api/v1/booking/:slug', {
    bodyLimit: BOOKING_BODY_LIMIT,
    config: { public: true, anonymousIdempotency: true, rateLimit: { max: BOOKINGS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: byAddress } },
    schema: {
      tags: TAGS,
      summary: 'Book a slot (no sign-in)',
      description:
        'Creates the meeting, matches the prospect to a lead or contact (or creates a lead owned by the rep) and emails ' +
        `both the invitation. A slot taken meanwhile: 409 \`slot_taken\`. A time that is not an offered slot: 400. At most ${BOOKINGS_PER_MINUTE} ` +
        `a minute per address and page (429); bodies over ${BOOKING_BODY_LIMIT / 1024} KB: 413. The \`website\` field is a honeypot: leave it empty.`,
      security: [],
      params: slugParams,
      body: z.strictObject({
        type: z.string().max(40).optional(),
        startsAt: isoDateTime,
        timeZone,
        name: z.string().trim().min(1).max(200),
        email: z.email().max(320),
        company: z.string().max(200).optional(),
        notes: z.string().max(2000).optional(),
        website: z.string().max(500).optional(),
      }),
      response: {
        201: z.object({ status: z.literal('booked'), meetingId: z.uuid().nullable(), startsAt: z.string(), endsAt: z.string(), videoUrl: z.string().nullable() }),
        ...publicErrors,
      },
    },
    handler: async (request, reply) => {
      const { website, ...booking } = request.body;
      if (website) {
        // A bot filled the field people never see: it is told it succeeded, and nothing is stored.
        const end = new Date(Date.parse(booking.startsAt) + 30 * 60_000).toISOString();
        return reply.code(201).send({ status: 'booked' as const, meetingId: null, startsAt: booking.startsAt, endsAt: end, videoUrl: null });
      }
      const meeting = await bookSlot(db, request.params.slug, booking, delivery);
      return reply.code(201).send({ status: 'booked' as const, meetingId: meeting.id, startsAt: meeting.startsAt, endsAt: meeting.endsAt, videoUrl: meeting.videoUrl });
    },
  });
}
