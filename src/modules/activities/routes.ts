import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, idParams, limitQuery } from '../../http/schemas.ts';
import { getAccount, getContact } from '../accounts/service.ts';
import { getLead } from '../leads/service.ts';
import { dealContacts } from '../opportunities/deal-contacts.service.ts';
import { getOpportunity } from '../opportunities/opportunities.service.ts';
import { ACTIVITY_KIND, type SubjectType } from './model.ts';
import { addNote, timeline, type TimelinePerson } from './service.ts';
import { notifyMentions } from './mentions.service.ts';

export const timelineItemSchema = z
  .object({
    id: z.uuid(),
    source: z.enum(['activity', 'audit']),
    kind: z.string(),
    occurredAt: z.string(),
    actorId: z.uuid().nullable(),
    summary: z.string(),
    details: z.record(z.string(), z.unknown()),
    contact: z.object({ id: z.uuid(), name: z.string() }).optional().describe('On an account or deal timeline: the contact the activity is with'),
  })
  .meta({ id: 'TimelineItem' });

// Each record type with a timeline, its URL segment, and how to check one exists in the org
// (404 for an id from another organisation, so timelines cannot be probed).
// An account's and a deal's timeline also show the activities of their people (`people`).
type Subject = {
  path: string;
  type: SubjectType;
  tag: string;
  assertExists: (db: Db, actor: Actor, id: string) => Promise<unknown>;
  people?: (db: Db, actor: Actor, id: string, record: unknown) => Promise<TimelinePerson[]>;
};
const personName = (p: { firstName: string; lastName: string; email: string | null }) => `${p.firstName} ${p.lastName}`.trim() || p.email || 'Contact';
const SUBJECTS: Subject[] = [
  { path: 'leads', type: 'lead', tag: 'Leads', assertExists: getLead },
  { path: 'contacts', type: 'contact', tag: 'Contacts', assertExists: getContact },
  {
    path: 'accounts',
    type: 'account',
    tag: 'Accounts',
    assertExists: getAccount,
    people: async (_db, _actor, _id, record) => (record as Awaited<ReturnType<typeof getAccount>>).contacts.map((c) => ({ id: c.id, name: personName(c) })),
  },
  {
    path: 'opportunities',
    type: 'opportunity',
    tag: 'Opportunities',
    assertExists: getOpportunity,
    people: async (db, actor, id) => (await dealContacts(db, actor, id)).map((c) => ({ id: c.contactId, name: personName(c) })),
  },
];

const timelineQuery = z.strictObject({
  kind: csv(z.string().regex(ACTIVITY_KIND, 'Not an activity kind')).optional().describe('One kind or several, comma-separated; `change` is the record\'s own edits'),
  cursor: z.string().max(1000).optional(),
  limit: limitQuery,
});

export function activityRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const subject of SUBJECTS) {
    r.post(`/api/v1/${subject.path}/:id/notes`, {
      config: { permission: 'records:write' },
      schema: {
        tags: [subject.tag],
        summary: `Add a note to a ${subject.type}'s timeline`,
        description: 'Mention people with `@their@email`, `@Full Name` or `@First` (when no one else in the org has that first name): each is notified, if they may see the record.',
        params: idParams,
        body: z.strictObject({ text: z.string().min(1).max(20_000) }),
        response: { 201: timelineItemSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const actor = actorOf(request);
        await subject.assertExists(db, actor, request.params.id);
        const note = await addNote(db, actor, subject.type, request.params.id, request.body.text);
        await notifyMentions(db, actor, subject.type, request.params.id, request.body.text);
        return reply.code(201).send(note);
      },
    });

    r.get(`/api/v1/${subject.path}/:id/timeline`, {
      config: { permission: 'records:read' },
      schema: {
        tags: [subject.tag],
        summary: `Read a ${subject.type}'s timeline`,
        description:
          'Everything that happened with the record, newest first: notes, form submissions, calls, emails, merges — and ' +
          'its own changes from the audit log as kind `change`. An account\'s and a deal\'s timeline also show the activities ' +
          'of their contacts, each naming its `contact`. Filter with `kind=note,form_submission`; page with `cursor`.',
        params: idParams,
        querystring: timelineQuery,
        response: { 200: z.object({ data: z.array(timelineItemSchema), nextCursor: z.string().nullable() }), ...errorResponses },
      },
      handler: async (request) => {
        const actor = actorOf(request);
        const record = await subject.assertExists(db, actor, request.params.id);
        const people = subject.people ? await subject.people(db, actor, request.params.id, record) : [];
        const { kind, cursor, limit } = request.query;
        return timeline(db, actor, subject.type, request.params.id, { kinds: kind, cursor, limit }, people);
      },
    });
  }
}
