import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, limitQuery } from '../../http/schemas.ts';
import type { Delivery } from '../notifications/service.ts';
import { FEEDBACK_KINDS, IDEA_STATUSES, SOURCE_TYPES } from './model.ts';
import {
  captureFeedback,
  createArea,
  createIdea,
  deleteArea,
  deleteFeedback,
  deleteIdea,
  feedbackCsv,
  feedbackSuggestions,
  getFeedback,
  getIdea,
  ideaSuggestions,
  ideasCsv,
  linkFeedback,
  listAreas,
  listFeedback,
  listIdeas,
  mergeIdeas,
  textSuggestions,
  unlinkFeedback,
  updateArea,
  updateIdea,
} from './service.ts';

const TAGS = ['Feedback'];
const money = z.record(z.string(), z.number()).describe('Minor units per ISO currency');

const areaSchema = z.object({ id: z.uuid(), name: z.string(), parentId: z.uuid().nullable(), path: z.string() }).meta({ id: 'ProductArea' });
const feedbackSchema = z
  .object({
    id: z.uuid(),
    quote: z.string(),
    kind: z.enum(FEEDBACK_KINDS),
    areaId: z.uuid().nullable(),
    area: z.string().nullable(),
    contactId: z.uuid().nullable(),
    saidBy: z.string().nullable(),
    capturedBy: z.uuid().nullable(),
    accountId: z.uuid().nullable(),
    accountName: z.string().nullable(),
    opportunityId: z.uuid().nullable(),
    sourceType: z.enum(SOURCE_TYPES).nullable(),
    sourceId: z.uuid().nullable(),
    ideaId: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Feedback' });
const ideaSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    status: z.enum(IDEA_STATUSES),
    areaId: z.uuid().nullable(),
    area: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    feedbackCount: z.number().int(),
    accountIds: z.array(z.uuid()),
    openPipeline: money,
    wonRevenue: money,
    totalAtStake: money,
    openDealCount: z.number().int(),
  })
  .meta({ id: 'IdeaSummary' });
const ideaSchema = ideaSummarySchema
  .extend({
    accounts: z.array(z.object({ id: z.uuid(), name: z.string(), ownerId: z.uuid().nullable(), feedbackCount: z.number().int() })),
    feedback: z.array(feedbackSchema),
  })
  .meta({ id: 'Idea' });
const suggestionSchema = z.object({ type: z.enum(['idea', 'feedback']), id: z.uuid(), text: z.string(), ideaId: z.uuid().nullable(), similarity: z.number() });
const suggestions = z.object({ data: z.array(suggestionSchema) });
const csvResponse = { 200: z.string(), ...errorResponses };

export function feedbackRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/feedback-areas', {
    config: { permission: 'feedback:read' },
    schema: { tags: TAGS, summary: 'The product-area taxonomy', response: { 200: z.object({ data: z.array(areaSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listAreas(db, actorOf(request)) }),
  });

  r.post('/api/v1/feedback-areas', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a product area (optionally under another)',
      body: z.strictObject({ name: z.string().trim().min(1).max(100), parentId: z.uuid().nullable().optional() }),
      response: { 201: areaSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createArea(db, actorOf(request), request.body)),
  });

  r.patch('/api/v1/feedback-areas/:id', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'Rename or move a product area',
      params: idParams,
      body: z.strictObject({ name: z.string().trim().min(1).max(100).optional(), parentId: z.uuid().nullable().optional() }),
      response: { 200: areaSchema, ...errorResponses },
    },
    handler: async (request) => updateArea(db, actorOf(request), request.params.id, request.body),
  });

  r.delete('/api/v1/feedback-areas/:id', {
    config: { permission: 'feedback:manage' },
    schema: { tags: TAGS, summary: 'Remove a product area (its feedback stays, unfiled)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteArea(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/feedback', {
    config: { permission: 'feedback:read' },
    schema: {
      tags: TAGS,
      summary: 'Feedback, newest first',
      querystring: z.strictObject({
        accountId: z.uuid().optional(),
        opportunityId: z.uuid().optional(),
        contactId: z.uuid().optional(),
        ideaId: z.uuid().optional(),
        unassigned: z.stringbool().optional().describe('Only feedback not yet filed under an idea'),
        kind: z.enum(FEEDBACK_KINDS).optional(),
        cursor: z.uuid().optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(feedbackSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listFeedback(db, actorOf(request), request.query),
  });

  r.post('/api/v1/feedback', {
    config: { permission: 'feedback:capture' },
    schema: {
      tags: TAGS,
      summary: 'Capture customer feedback',
      body: z.strictObject({
        quote: z.string().trim().min(1).max(5000),
        kind: z.enum(FEEDBACK_KINDS),
        areaId: z.uuid().nullable().optional(),
        contactId: z.uuid().nullable().optional().describe('Who said it, when they are a contact'),
        saidBy: z.string().trim().max(200).nullable().optional().describe('Who said it, in words'),
        accountId: z.uuid().nullable().optional().describe('Defaults to the contact’s or the deal’s account'),
        opportunityId: z.uuid().nullable().optional().describe('The deal the feedback cites'),
        sourceType: z.enum(SOURCE_TYPES).optional().describe('The record it was captured from'),
        sourceId: z.uuid().nullable().optional(),
        ideaId: z.uuid().nullable().optional(),
      }),
      response: { 201: feedbackSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await captureFeedback(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/feedback/export.csv', {
    config: { permission: 'feedback:manage' },
    schema: { tags: TAGS, summary: 'All feedback as CSV', produces: ['text/csv'], response: csvResponse },
    handler: async (request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="feedback.csv"').send(await feedbackCsv(db, actorOf(request))),
  });

  r.get('/api/v1/feedback/suggestions', {
    config: { permission: 'feedback:read' },
    schema: {
      tags: TAGS,
      summary: 'Ideas and feedback similar to a text (pg_trgm)',
      querystring: z.strictObject({ text: z.string().trim().min(1).max(5000) }),
      response: { 200: suggestions, ...errorResponses },
    },
    handler: async (request) => ({ data: await textSuggestions(db, actorOf(request), request.query.text) }),
  });

  r.get('/api/v1/feedback/:id', {
    config: { permission: 'feedback:read' },
    schema: { tags: TAGS, summary: 'One feedback item', params: idParams, response: { 200: feedbackSchema, ...errorResponses } },
    handler: async (request) => getFeedback(db, actorOf(request), request.params.id),
  });

  r.get('/api/v1/feedback/:id/suggestions', {
    config: { permission: 'feedback:read' },
    schema: { tags: TAGS, summary: 'Ideas this feedback may belong to, and feedback saying the same', params: idParams, response: { 200: suggestions, ...errorResponses } },
    handler: async (request) => ({ data: await feedbackSuggestions(db, actorOf(request), request.params.id) }),
  });

  r.delete('/api/v1/feedback/:id', {
    config: { permission: 'feedback:capture' },
    schema: { tags: TAGS, summary: 'Remove feedback (one’s own; managers any)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteFeedback(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/ideas', {
    config: { permission: 'feedback:read' },
    schema: {
      tags: TAGS,
      summary: 'The ideas board, ranked by revenue at stake',
      querystring: z.strictObject({
        status: z.enum(IDEA_STATUSES).optional(),
        currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('Rank by this currency (default: the one with most money on the board)'),
      }),
      response: { 200: z.object({ currency: z.string(), data: z.array(ideaSummarySchema) }), ...errorResponses },
    },
    handler: async (request) => listIdeas(db, actorOf(request), request.query),
  });

  r.post('/api/v1/ideas', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'Add a product idea (optionally with feedback filed under it)',
      body: z.strictObject({
        title: z.string().trim().min(1).max(200),
        description: z.string().max(10000).optional(),
        status: z.enum(IDEA_STATUSES).optional(),
        areaId: z.uuid().nullable().optional(),
        feedbackIds: z.array(z.uuid()).max(500).optional(),
      }),
      response: { 201: ideaSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createIdea(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/ideas/export.csv', {
    config: { permission: 'feedback:manage' },
    schema: { tags: TAGS, summary: 'The ideas board as CSV, ranked by money', produces: ['text/csv'], response: csvResponse },
    handler: async (request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="ideas.csv"').send(await ideasCsv(db, actorOf(request))),
  });

  r.get('/api/v1/ideas/:id', {
    config: { permission: 'feedback:read' },
    schema: { tags: TAGS, summary: 'An idea with its quotes, accounts and revenue at stake', params: idParams, response: { 200: ideaSchema, ...errorResponses } },
    handler: async (request) => getIdea(db, actorOf(request), request.params.id),
  });

  r.patch('/api/v1/ideas/:id', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change an idea; a new status notifies the reps whose customers asked',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({
        title: z.string().trim().min(1).max(200).optional(),
        description: z.string().max(10000).optional(),
        status: z.enum(IDEA_STATUSES).optional(),
        areaId: z.uuid().nullable().optional(),
        version: z.number().int().positive().optional(),
      }),
      response: { 200: ideaSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { version, ...changes } = request.body;
      return updateIdea(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version), delivery);
    },
  });

  r.delete('/api/v1/ideas/:id', {
    config: { permission: 'feedback:manage' },
    schema: { tags: TAGS, summary: 'Remove an idea (its feedback stays, unfiled)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteIdea(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/ideas/:id/feedback', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'File feedback under the idea',
      params: idParams,
      body: z.strictObject({ feedbackIds: z.array(z.uuid()).min(1).max(500) }),
      response: { 200: ideaSchema, ...errorResponses },
    },
    handler: async (request) => linkFeedback(db, actorOf(request), request.params.id, request.body.feedbackIds),
  });

  r.delete('/api/v1/ideas/:id/feedback/:feedbackId', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'Take feedback out of the idea',
      params: z.strictObject({ id: z.uuid(), feedbackId: z.uuid() }),
      response: { 200: ideaSchema, ...errorResponses },
    },
    handler: async (request) => unlinkFeedback(db, actorOf(request), request.params.id, request.params.feedbackId),
  });

  r.post('/api/v1/ideas/:id/merge', {
    config: { permission: 'feedback:manage' },
    schema: {
      tags: TAGS,
      summary: 'Merge other ideas into this one (their feedback moves over; they are removed)',
      params: idParams,
      body: z.strictObject({ ideaIds: z.array(z.uuid()).min(1).max(100) }),
      response: { 200: ideaSchema, ...errorResponses },
    },
    handler: async (request) => mergeIdeas(db, actorOf(request), request.params.id, request.body.ideaIds),
  });

  r.get('/api/v1/ideas/:id/suggestions', {
    config: { permission: 'feedback:read' },
    schema: { tags: TAGS, summary: 'Similar ideas to merge and similar feedback to file (pg_trgm)', params: idParams, response: { 200: suggestions, ...errorResponses } },
    handler: async (request) => ({ data: await ideaSuggestions(db, actorOf(request), request.params.id) }),
  });
}
